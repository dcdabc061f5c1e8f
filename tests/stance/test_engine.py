"""build_timeline: one test (at least) per rule, plus the seed cases."""

from __future__ import annotations

import random
from datetime import date

import pytest

from tracker.prose.stances import contradiction_text
from tracker.stance import (
    Conflict,
    EvidenceItem,
    Interval,
    Scale,
    Timeline,
    build_timeline,
    end_of,
    expected_vote,
    format_day,
    load_topic,
    vote_stance,
)

D = date
SNP_AMENDMENT = "SNP amendment calling for an immediate ceasefire"


@pytest.fixture
def scale() -> Scale:
    return load_topic("ceasefire")


def item(id: str, day: date, kind: str, stance: str | None, **extra: str) -> EvidenceItem:
    return EvidenceItem(id=id, date=day, kind=kind, stance=stance, **extra)


def said(id: str, day: date, stance: str | None, kind: str = "statement") -> EvidenceItem:
    return item(id, day, kind, stance, summary=f"{kind} {id}")


def vote(
    id: str,
    day: date,
    position: str,
    aye_means: str = "ceasefire",
    no_means: str | None = "opposed",
    summary: str = SNP_AMENDMENT,
    division_key: str = "div:1",
) -> EvidenceItem:
    return EvidenceItem(
        id=id,
        date=day,
        kind="vote",
        stance=vote_stance(position, aye_means, no_means),
        summary=summary,
        division_key=division_key,
        vote_position=position,
        aye_means=aye_means,
        no_means=no_means,
    )


def spans(timeline: Timeline) -> list[tuple[date | None, date | None, str, bool]]:
    return [(iv.start, iv.end, iv.stance, iv.conflict) for iv in timeline.intervals]


# --- rule 1: no evidence -------------------------------------------------------------------


def test_no_evidence_gives_one_default_interval(scale: Scale) -> None:
    timeline = build_timeline([], scale)
    assert timeline.intervals == (Interval(None, None, "unknown", ()),)
    assert timeline.shifts == timeline.contradictions == timeline.conflicts == ()
    assert timeline.current == timeline.intervals[0]
    assert timeline.stance_on(D(2023, 11, 15)) == "unknown"


def test_only_stanceless_items_give_one_default_interval(scale: Scale) -> None:
    timeline = build_timeline(
        [vote("vote:1", D(2023, 11, 15), "absent"), said("evidence:1", D(2023, 11, 1), None)],
        scale,
    )
    assert spans(timeline) == [(None, None, "unknown", False)]
    assert timeline.shifts == ()


# --- rule 2: stanceless items and validation ------------------------------------------------


def test_absent_vote_never_sets_a_stance(scale: Scale) -> None:
    timeline = build_timeline(
        [said("evidence:1", D(2023, 11, 1), "pause"), vote("vote:1", D(2023, 11, 15), "absent")],
        scale,
    )
    assert spans(timeline) == [
        (None, D(2023, 11, 1), "unknown", False),
        (D(2023, 11, 1), None, "pause", False),
    ]
    assert timeline.stance_on(D(2023, 11, 20)) == "pause"
    # absent votes are not stance-bearing, so they are not listed as supporting
    assert [i.id for i in timeline.current.supporting] == ["evidence:1"]


def test_no_vote_whose_no_means_nothing_sets_no_stance(scale: Scale) -> None:
    no_vote = vote("vote:1", D(2023, 11, 15), "no", aye_means="pause", no_means=None)
    assert no_vote.stance is None
    timeline = build_timeline([no_vote], scale)
    assert spans(timeline) == [(None, None, "unknown", False)]


def test_invalid_stance_names_the_item(scale: Scale) -> None:
    with pytest.raises(ValueError, match="evidence:7.*'truce'"):
        build_timeline([said("evidence:7", D(2023, 11, 1), "truce")], scale)


def test_invalid_kind_names_the_item(scale: Scale) -> None:
    with pytest.raises(ValueError, match="evidence:8.*unknown evidence kind 'tweet'"):
        build_timeline([said("evidence:8", D(2023, 11, 1), "ceasefire", kind="tweet")], scale)


def test_invalid_kind_on_a_stanceless_item_is_still_an_error(scale: Scale) -> None:
    with pytest.raises(ValueError, match="evidence:9"):
        build_timeline([said("evidence:9", D(2023, 11, 1), None, kind="rumour")], scale)


def test_invalid_vote_meaning_names_the_item(scale: Scale) -> None:
    bad = item("vote:3", D(2023, 11, 15), "vote", None, vote_position="absent", aye_means="truce")
    with pytest.raises(ValueError, match="vote:3: aye_means 'truce'"):
        build_timeline([bad], scale)


def test_invalid_vote_position_names_the_item(scale: Scale) -> None:
    bad = item("vote:4", D(2023, 11, 15), "vote", None, vote_position="teller")
    with pytest.raises(ValueError, match="vote:4: vote_position 'teller'"):
        build_timeline([bad], scale)


def test_vote_stance_must_match_position_and_meanings(scale: Scale) -> None:
    bad = item(
        "vote:5",
        D(2023, 11, 15),
        "vote",
        "ceasefire",
        vote_position="no",
        aye_means="ceasefire",
        no_means="opposed",
    )
    with pytest.raises(ValueError, match="vote:5: stance 'ceasefire' does not match.*'opposed'"):
        build_timeline([bad], scale)


def test_vote_stance_helper() -> None:
    assert vote_stance("aye", "ceasefire", "opposed") == "ceasefire"
    assert vote_stance("no", "ceasefire", "opposed") == "opposed"
    assert vote_stance("no", "pause", None) is None
    assert vote_stance("absent", "ceasefire", "opposed") is None


# --- rule 3: one decision per day -------------------------------------------------------------


def test_stronger_kind_outranks_weaker_on_the_same_day(scale: Scale) -> None:
    day = D(2023, 11, 15)
    statement = said("evidence:1", day, "ceasefire")
    no_vote = vote("vote:1", day, "no")
    timeline = build_timeline([statement, no_vote], scale)
    assert timeline.stance_on(day) == "opposed"
    assert timeline.current.evidence == (no_vote,)
    assert not timeline.current.conflict
    assert timeline.conflicts == ()
    assert set(timeline.current.supporting) == {statement, no_vote}


def test_support_side_items_combine_to_the_highest_rank(scale: Scale) -> None:
    day = D(2023, 11, 15)
    pauses = vote("vote:1", day, "aye", aye_means="pause", no_means=None, division_key="div:p")
    ceasefire = vote("vote:2", day, "aye", division_key="div:c")
    timeline = build_timeline([pauses, ceasefire], scale)
    assert timeline.stance_on(day) == "ceasefire"
    assert timeline.current.conflict is False
    assert timeline.conflicts == ()
    assert set(timeline.current.evidence) == {pauses, ceasefire}


def test_identical_stances_on_one_day_agree(scale: Scale) -> None:
    day = D(2023, 11, 15)
    timeline = build_timeline(
        [said("evidence:1", day, "opposed"), said("evidence:2", day, "opposed")], scale
    )
    assert timeline.stance_on(day) == "opposed"
    assert len(timeline.current.evidence) == 2
    assert timeline.conflicts == ()


def test_mixed_sides_on_one_day_are_a_conflict(scale: Scale) -> None:
    day = D(2023, 11, 15)
    aye = vote("vote:1", day, "aye", division_key="div:1")
    no = vote("vote:2", day, "no", division_key="div:2")
    weaker = said("evidence:1", day, "pause")
    timeline = build_timeline([weaker, no, aye], scale)
    assert spans(timeline) == [(None, day, "unknown", False), (day, None, "unknown", True)]
    assert timeline.current.evidence == (aye, no)
    assert timeline.conflicts == (Conflict(day, (aye, no)),)
    assert weaker in timeline.current.supporting


def test_support_and_none_side_on_one_day_are_a_conflict(scale: Scale) -> None:
    day = D(2023, 11, 15)
    timeline = build_timeline(
        [said("evidence:1", day, "ceasefire"), said("evidence:2", day, "unknown")], scale
    )
    assert timeline.current.conflict
    assert timeline.stance_on(day) == "unknown"


def test_weaker_disagreement_is_outranked_not_a_conflict(scale: Scale) -> None:
    day = D(2023, 11, 1)
    timeline = build_timeline(
        [said("evidence:1", day, "ceasefire", kind="pledge"), said("evidence:2", day, "opposed")],
        scale,
    )
    assert timeline.stance_on(day) == "ceasefire"
    assert timeline.conflicts == ()


# --- rule 4: intervals ---------------------------------------------------------------------


def test_timeline_starts_with_a_default_interval_up_to_the_first_evidence(scale: Scale) -> None:
    timeline = build_timeline([said("evidence:1", D(2023, 10, 12), "ceasefire")], scale)
    first = timeline.intervals[0]
    assert (first.start, first.end, first.stance, first.evidence) == (
        None,
        D(2023, 10, 12),
        "unknown",
        (),
    )


def test_later_evidence_supersedes_earlier_regardless_of_kind(scale: Scale) -> None:
    timeline = build_timeline(
        [
            vote("vote:1", D(2023, 11, 15), "no"),
            said("evidence:1", D(2024, 2, 1), "ceasefire", kind="report"),
        ],
        scale,
    )
    assert spans(timeline) == [
        (None, D(2023, 11, 15), "unknown", False),
        (D(2023, 11, 15), D(2024, 2, 1), "opposed", False),
        (D(2024, 2, 1), None, "ceasefire", False),
    ]


def test_consecutive_days_with_the_same_stance_merge(scale: Scale) -> None:
    first = said("evidence:1", D(2023, 10, 20), "ceasefire")
    outranked = said("evidence:2", D(2023, 11, 15), "opposed", kind="report")
    again = said("evidence:3", D(2023, 11, 15), "ceasefire", kind="pledge")
    later = vote("vote:1", D(2024, 2, 21), "aye")
    timeline = build_timeline([later, again, outranked, first], scale)
    assert spans(timeline) == [
        (None, D(2023, 10, 20), "unknown", False),
        (D(2023, 10, 20), None, "ceasefire", False),
    ]
    assert timeline.current.evidence == (first,)
    assert timeline.current.supporting == (first, again, outranked, later)


def test_conflict_days_do_not_merge(scale: Scale) -> None:
    days = [D(2023, 11, 15), D(2023, 11, 16)]
    evidence = []
    for n, day in enumerate(days):
        evidence += [said(f"e:{n}a", day, "ceasefire"), said(f"e:{n}b", day, "opposed")]
    timeline = build_timeline(evidence, scale)
    assert spans(timeline) == [
        (None, days[0], "unknown", False),
        (days[0], days[1], "unknown", True),
        (days[1], None, "unknown", True),
    ]
    assert [c.date for c in timeline.conflicts] == days


def test_intervals_tile_time_without_gaps(scale: Scale) -> None:
    timeline = build_timeline(
        [
            said("e:1", D(2023, 10, 20), "pause"),
            said("e:2", D(2023, 11, 1), "humanitarian"),
            vote("v:1", D(2023, 11, 15), "no"),
            said("e:3", D(2024, 1, 10), "ceasefire"),
        ],
        scale,
    )
    intervals = timeline.intervals
    assert intervals[0].start is None and intervals[-1].end is None
    for before, after in zip(intervals, intervals[1:], strict=False):
        assert before.end == after.start


# --- rule 5: shifts ------------------------------------------------------------------------


def test_first_recorded_stance_is_not_a_shift(scale: Scale) -> None:
    timeline = build_timeline([said("e:1", D(2023, 10, 20), "ceasefire")], scale)
    assert timeline.shifts == ()


def test_change_between_known_stances_is_a_shift(scale: Scale) -> None:
    later = said("e:2", D(2024, 2, 1), "ceasefire")
    timeline = build_timeline([said("e:1", D(2023, 10, 25), "pause"), later], scale)
    assert len(timeline.shifts) == 1
    shift = timeline.shifts[0]
    assert (shift.date, shift.from_stance, shift.to_stance) == (D(2024, 2, 1), "pause", "ceasefire")
    assert shift.evidence == (later,)


def test_conflict_between_two_stances_does_not_hide_the_shift(scale: Scale) -> None:
    conflict_day = D(2023, 11, 15)
    timeline = build_timeline(
        [
            said("e:1", D(2023, 11, 1), "ceasefire"),
            said("e:2", conflict_day, "ceasefire"),
            said("e:3", conflict_day, "opposed"),
            said("e:4", D(2023, 12, 1), "opposed"),
        ],
        scale,
    )
    assert [(s.date, s.from_stance, s.to_stance) for s in timeline.shifts] == [
        (D(2023, 12, 1), "ceasefire", "opposed")
    ]


def test_same_stance_either_side_of_a_conflict_is_not_a_shift(scale: Scale) -> None:
    timeline = build_timeline(
        [
            said("e:1", D(2023, 11, 1), "ceasefire"),
            said("e:2", D(2023, 11, 15), "pause"),
            said("e:3", D(2023, 11, 15), "opposed"),
            said("e:4", D(2023, 12, 1), "ceasefire"),
        ],
        scale,
    )
    assert timeline.shifts == ()
    assert len(timeline.conflicts) == 1


def test_explicit_default_stance_is_not_a_shift_endpoint(scale: Scale) -> None:
    timeline = build_timeline(
        [
            said("e:1", D(2023, 11, 1), "ceasefire"),
            said("e:2", D(2023, 11, 10), "unknown"),
            said("e:3", D(2023, 12, 1), "opposed"),
        ],
        scale,
    )
    assert timeline.stance_on(D(2023, 11, 20)) == "unknown"
    assert [(s.from_stance, s.to_stance) for s in timeline.shifts] == [("ceasefire", "opposed")]


# --- rule 6: stance_on / interval_on ---------------------------------------------------------


def test_stance_on_uses_inclusive_start_and_exclusive_end(scale: Scale) -> None:
    timeline = build_timeline(
        [said("e:1", D(2023, 10, 20), "pause"), said("e:2", D(2023, 11, 1), "ceasefire")], scale
    )
    assert timeline.stance_on(D(2023, 10, 19)) == "unknown"
    assert timeline.stance_on(D(2023, 10, 20)) == "pause"
    assert timeline.stance_on(D(2023, 10, 31)) == "pause"
    assert timeline.stance_on(D(2023, 11, 1)) == "ceasefire"
    assert timeline.stance_on(D(2030, 1, 1)) == "ceasefire"
    assert timeline.interval_on(D(2023, 10, 25)) is timeline.intervals[1]
    assert timeline.interval_on(D(1900, 1, 1)) is timeline.intervals[0]
    assert timeline.current is timeline.intervals[-1]
    assert timeline.intervals[1].contains(D(2023, 10, 31))
    assert not timeline.intervals[1].contains(D(2023, 11, 1))


# --- rule 7: contradictions ----------------------------------------------------------------


def test_seed_said_she_would_vote_for_ceasefire_then_did_not_vote(scale: Scale) -> None:
    statement = said("evidence:1", D(2023, 11, 1), "ceasefire")
    absent = vote("vote:1", D(2023, 11, 15), "absent")
    timeline = build_timeline([statement, absent], scale)

    assert len(timeline.contradictions) == 1
    contradiction = timeline.contradictions[0]
    assert contradiction.kind == "did_not_vote"
    assert contradiction.said == statement
    assert contradiction.did == absent
    text = contradiction_text(contradiction, scale)
    assert text.startswith("Said on 1 Nov 2023 (statement)")
    assert "did not vote on 15 Nov 2023" in text
    assert SNP_AMENDMENT in text
    # the absent vote carries no stance: she still calls for a ceasefire
    assert timeline.stance_on(D(2023, 11, 15)) == "ceasefire"
    assert timeline.current.stance == "ceasefire"
    assert timeline.shifts == ()


def test_seed_said_ceasefire_then_voted_no(scale: Scale) -> None:
    statement = said("evidence:1", D(2023, 11, 1), "ceasefire")
    no = vote("vote:1", D(2023, 11, 15), "no")
    timeline = build_timeline([statement, no], scale)

    assert [c.kind for c in timeline.contradictions] == ["voted_against"]
    assert "voted no on 15 Nov 2023" in contradiction_text(timeline.contradictions[0], scale)
    assert timeline.stance_on(D(2023, 11, 14)) == "ceasefire"
    assert timeline.stance_on(D(2023, 11, 15)) == "opposed"
    assert [(s.date, s.from_stance, s.to_stance) for s in timeline.shifts] == [
        (D(2023, 11, 15), "ceasefire", "opposed")
    ]
    assert timeline.shifts[0].evidence == (no,)


def test_said_pauses_then_voted_no_on_ceasefire_is_not_a_contradiction(scale: Scale) -> None:
    timeline = build_timeline(
        [said("e:1", D(2023, 11, 1), "pause"), vote("v:1", D(2023, 11, 15), "no")], scale
    )
    assert timeline.contradictions == ()


def test_said_ceasefire_then_voted_aye_is_not_a_contradiction(scale: Scale) -> None:
    timeline = build_timeline(
        [said("e:1", D(2023, 11, 1), "ceasefire"), vote("v:1", D(2023, 11, 15), "aye")], scale
    )
    assert timeline.contradictions == ()


def test_said_opposed_then_voted_aye_for_ceasefire_is_voted_against(scale: Scale) -> None:
    timeline = build_timeline(
        [said("e:1", D(2023, 11, 1), "opposed"), vote("v:1", D(2023, 11, 15), "aye")], scale
    )
    assert [c.kind for c in timeline.contradictions] == ["voted_against"]


def test_said_opposed_then_absent_is_not_a_contradiction(scale: Scale) -> None:
    timeline = build_timeline(
        [said("e:1", D(2023, 11, 1), "opposed"), vote("v:1", D(2023, 11, 15), "absent")], scale
    )
    assert timeline.contradictions == ()


def test_stronger_commitment_covers_a_weaker_division(scale: Scale) -> None:
    timeline = build_timeline(
        [
            said("e:1", D(2023, 11, 1), "humanitarian", kind="pledge"),
            vote("v:1", D(2023, 11, 15), "absent", aye_means="pause", no_means=None),
        ],
        scale,
    )
    assert [c.kind for c in timeline.contradictions] == ["did_not_vote"]
    assert contradiction_text(timeline.contradictions[0], scale).startswith("Pledged on 1 Nov 2023 (pledge)")


def test_contradiction_uses_the_most_recent_statement(scale: Scale) -> None:
    recent = said("e:2", D(2023, 11, 10), "ceasefire")
    timeline = build_timeline(
        [
            said("e:1", D(2023, 10, 10), "opposed"),
            recent,
            vote("v:1", D(2023, 11, 15), "absent"),
            said("e:3", D(2023, 11, 20), "pause"),  # after the vote: irrelevant
        ],
        scale,
    )
    assert [(c.kind, c.said) for c in timeline.contradictions] == [("did_not_vote", recent)]


def test_statement_on_the_day_of_the_vote_counts(scale: Scale) -> None:
    timeline = build_timeline(
        [said("e:1", D(2023, 11, 15), "ceasefire"), vote("v:1", D(2023, 11, 15), "absent")], scale
    )
    assert [c.kind for c in timeline.contradictions] == ["did_not_vote"]


def test_votes_alone_are_never_contradictions(scale: Scale) -> None:
    timeline = build_timeline(
        [vote("v:1", D(2023, 11, 15), "aye"), vote("v:2", D(2024, 2, 21), "absent")], scale
    )
    assert timeline.contradictions == ()


def test_vote_without_meaning_is_not_checked(scale: Scale) -> None:
    bare = item("v:1", D(2023, 11, 15), "vote", None, vote_position="absent")
    timeline = build_timeline([said("e:1", D(2023, 11, 1), "ceasefire"), bare], scale)
    assert timeline.contradictions == ()


@pytest.mark.parametrize(
    ("said_stance", "aye_means", "expected"),
    [
        ("ceasefire", "ceasefire", "aye"),
        ("ceasefire", "pause", "aye"),
        ("pause", "ceasefire", None),
        ("humanitarian", "ceasefire", None),
        ("opposed", "ceasefire", "no"),
        ("ceasefire", "opposed", "no"),
        ("opposed", "opposed", "aye"),
        ("unknown", "ceasefire", None),
    ],
)
def test_expected_vote(
    scale: Scale, said_stance: str, aye_means: str, expected: str | None
) -> None:
    assert expected_vote(said_stance, aye_means, scale) == expected


# --- seed: a councillor who left Labour over Gaza ---------------------------------------------


def test_seed_councillor_left_labour_over_gaza(scale: Scale) -> None:
    switch = item(
        "evidence:3",
        D(2023, 10, 20),
        "party_switch",
        "ceasefire",
        summary="Resigned from Labour over the leadership's refusal to back a ceasefire",
        source_label="Local paper: Councillors quit Labour over Gaza",
    )
    timeline = build_timeline([switch], scale)
    assert timeline.stance_on(D(2023, 10, 19)) == "unknown"
    assert timeline.stance_on(D(2023, 10, 20)) == "ceasefire"
    assert timeline.current.evidence == (switch,)
    assert timeline.shifts == ()


# --- rule 8: determinism -------------------------------------------------------------------


def test_result_does_not_depend_on_input_order(scale: Scale) -> None:
    day = D(2023, 11, 15)
    evidence = [
        said("e:b", D(2023, 11, 1), "ceasefire"),
        said("e:a", D(2023, 11, 1), "ceasefire", kind="pledge"),
        vote("v:2", day, "aye", division_key="div:2"),
        vote("v:1", day, "no", division_key="div:1"),
        said("e:c", day, "pause"),
        vote("v:3", D(2024, 2, 21), "absent"),
        said("e:d", D(2024, 3, 1), "humanitarian", kind="report"),
    ]
    expected = build_timeline(evidence, scale)
    rng = random.Random(1234)
    for _ in range(20):
        shuffled = evidence[:]
        rng.shuffle(shuffled)
        assert build_timeline(shuffled, scale) == expected
    # inside a day: strongest kind first, then id
    assert [i.id for i in expected.conflicts[0].items] == ["v:1", "v:2"]
    assert [i.id for i in expected.intervals[1].supporting] == ["e:a", "e:b"]


def test_same_day_statements_pick_the_strongest_for_contradictions(scale: Scale) -> None:
    pledge = said("e:z", D(2023, 11, 1), "ceasefire", kind="pledge")
    report = said("e:a", D(2023, 11, 1), "pause", kind="report")
    timeline = build_timeline([report, pledge, vote("v:1", D(2023, 11, 15), "absent")], scale)
    assert [c.said for c in timeline.contradictions] == [pledge]


def test_format_day() -> None:
    assert format_day(D(2023, 11, 1)) == "1 Nov 2023"
    assert format_day(D(2024, 2, 21)) == "21 Feb 2024"


# --- early day motions: "signed on or after", and withdrawn signatures ------------------------

TABLED = D(2024, 7, 17)
WITHDRAWN = D(2025, 3, 13)


def signed(id: str, tabled: date, stance: str = "ceasefire", ends: date | None = None) -> EvidenceItem:
    """An EDM signature: dated by the tabling date, made on or after it."""
    return EvidenceItem(id=id, date=tabled, kind="edm", stance=stance, summary=f"EDM {id}",
                        date_is_earliest=True, ends=ends,
                        end_summary=f"Withdrew the signature on EDM {id}" if ends else "")


def test_edm_signature_counts_from_the_tabling_date(scale: Scale) -> None:
    edm = signed("edm:1", D(2023, 10, 17))
    timeline = build_timeline([edm], scale)
    assert timeline.stance_on(D(2023, 10, 16)) == "unknown"
    assert timeline.stance_on(D(2023, 10, 17)) == "ceasefire"
    assert timeline.current.start == D(2023, 10, 17) and timeline.current.evidence == (edm,)
    assert timeline.current.opened_by_end is False


def test_withdrawn_signature_ends_its_stance_in_an_interval_of_its_own(scale: Scale) -> None:
    edm = signed("edm:1", TABLED, ends=WITHDRAWN)
    timeline = build_timeline([edm], scale)
    assert [(i.start, i.end, i.stance) for i in timeline.intervals] == [
        (None, TABLED, "unknown"), (TABLED, WITHDRAWN, "ceasefire"), (WITHDRAWN, None, "unknown")]
    assert timeline.stance_on(D(2025, 3, 12)) == "ceasefire"
    assert timeline.stance_on(WITHDRAWN) == "unknown"
    last = timeline.current
    assert last.opened_by_end is True
    assert last.evidence == (end_of(edm),)
    assert (last.evidence[0].id, last.evidence[0].date, last.evidence[0].stance) == (
        "edm:1:end", WITHDRAWN, None)
    assert last.evidence[0].summary == "Withdrew the signature on EDM edm:1"
    assert timeline.shifts == ()  # back to no recorded position is not a shift


def test_after_a_withdrawal_the_remaining_evidence_decides(scale: Scale) -> None:
    earlier = said("e:1", D(2023, 10, 1), "humanitarian")
    edm = signed("edm:1", TABLED, ends=WITHDRAWN)
    timeline = build_timeline([edm, earlier], scale)
    assert [(i.start, i.stance, i.opened_by_end) for i in timeline.intervals[1:]] == [
        (D(2023, 10, 1), "humanitarian", False), (TABLED, "ceasefire", False),
        (WITHDRAWN, "humanitarian", True)]
    assert [(s.date, s.from_stance, s.to_stance) for s in timeline.shifts] == [
        (TABLED, "humanitarian", "ceasefire"), (WITHDRAWN, "ceasefire", "humanitarian")]
    assert timeline.shifts[1].evidence == (end_of(edm),)


def test_a_withdrawal_is_as_if_the_signature_never_was_on_its_own_day(scale: Scale) -> None:
    # On the tabling day the signature (edm, 3) outranks a statement (2); once it is
    # withdrawn, that day's statement is what remains.
    statement = said("e:1", TABLED, "opposed")
    edm = signed("edm:1", TABLED, ends=WITHDRAWN)
    timeline = build_timeline([statement, edm], scale)
    assert timeline.stance_on(TABLED) == "ceasefire"
    assert timeline.stance_on(WITHDRAWN) == "opposed"
    assert timeline.current.opened_by_end and timeline.current.evidence == (end_of(edm),)


def test_withdrawing_a_superseded_signature_changes_nothing(scale: Scale) -> None:
    edm = signed("edm:1", TABLED, ends=WITHDRAWN)
    later = vote("v:1", D(2024, 9, 1), "no")
    timeline = build_timeline([edm, later], scale)
    assert [(i.start, i.stance) for i in timeline.intervals[1:]] == [
        (TABLED, "ceasefire"), (D(2024, 9, 1), "opposed")]
    assert timeline.current.evidence == (later,)


def test_withdrawing_one_of_two_agreeing_signatures_keeps_the_stance(scale: Scale) -> None:
    kept = signed("edm:1", TABLED)
    dropped = signed("edm:2", TABLED, ends=WITHDRAWN)
    timeline = build_timeline([kept, dropped], scale)
    assert [(i.start, i.stance, i.opened_by_end) for i in timeline.intervals[1:]] == [
        (TABLED, "ceasefire", False), (WITHDRAWN, "ceasefire", True)]
    assert timeline.current.evidence == (end_of(dropped),)
    assert timeline.shifts == ()


def test_evidence_after_a_withdrawal_carries_on_as_usual(scale: Scale) -> None:
    edm = signed("edm:1", TABLED, ends=WITHDRAWN)
    pledge = said("p:1", D(2025, 5, 1), "ceasefire", kind="pledge")
    timeline = build_timeline([edm, pledge], scale)
    assert [(i.start, i.stance) for i in timeline.intervals[1:]] == [
        (TABLED, "ceasefire"), (WITHDRAWN, "unknown"), (D(2025, 5, 1), "ceasefire")]
    assert timeline.current.evidence == (pledge,)


def test_an_end_before_the_date_is_refused(scale: Scale) -> None:
    with pytest.raises(ValueError, match="edm:1: ends on 2024-07-16, before its date"):
        build_timeline([signed("edm:1", TABLED, ends=D(2024, 7, 16))], scale)
    with pytest.raises(ValueError, match="does not end"):
        end_of(signed("edm:1", TABLED))


def test_a_signature_dated_on_or_after_never_makes_a_contradiction(scale: Scale) -> None:
    # Signed a ceasefire motion tabled before the vote, voted no: the signature may
    # have come after the vote, so no "said one thing, then did another".
    edm = signed("edm:1", D(2023, 10, 17))
    timeline = build_timeline([edm, vote("v:1", D(2023, 11, 15), "no")], scale)
    assert timeline.contradictions == ()


def test_a_contradiction_stands_when_every_undated_signature_agrees(scale: Scale) -> None:
    statement = said("e:1", D(2023, 10, 1), "ceasefire")
    edm = signed("edm:1", D(2023, 10, 17))
    timeline = build_timeline([statement, edm, vote("v:1", D(2023, 11, 15), "no")], scale)
    assert [(c.kind, c.said) for c in timeline.contradictions] == [("voted_against", statement)]


def test_a_contradiction_is_not_claimed_when_a_signature_may_have_come_between(scale: Scale) -> None:
    # Said "opposed", then signed a ceasefire motion (on or after 17 Oct), then voted
    # for a ceasefire: if the signature came first, the vote followed it.
    statement = said("e:1", D(2023, 10, 1), "opposed")
    edm = signed("edm:1", D(2023, 10, 17))
    timeline = build_timeline([statement, edm, vote("v:1", D(2023, 11, 15), "aye")], scale)
    assert timeline.contradictions == ()


def test_evidence_that_has_ended_is_not_held_against_a_later_vote(scale: Scale) -> None:
    pledge = EvidenceItem(id="p:1", date=D(2023, 10, 1), kind="pledge", stance="ceasefire",
                          ends=D(2023, 11, 1))
    timeline = build_timeline([pledge, vote("v:1", D(2023, 11, 15), "no")], scale)
    assert timeline.contradictions == ()


def test_withdrawals_do_not_depend_on_input_order(scale: Scale) -> None:
    evidence = [
        said("e:1", D(2023, 10, 1), "humanitarian"),
        signed("edm:1", D(2023, 10, 17)),
        signed("edm:2", TABLED, ends=WITHDRAWN),
        signed("edm:3", TABLED, ends=D(2025, 1, 1)),
        vote("v:1", D(2023, 11, 15), "aye"),
        said("e:2", D(2025, 6, 1), "pause", kind="report"),
    ]
    expected = build_timeline(evidence, scale)
    rng = random.Random(99)
    for _ in range(20):
        shuffled = evidence[:]
        rng.shuffle(shuffled)
        assert build_timeline(shuffled, scale) == expected
    # edm:3 ends first (edm:2 still decides: same stance, an interval of its own), then edm:2
    # ends and the vote of 15 Nov 2023 decides again, until the report.
    assert [(i.start, i.stance, i.opened_by_end) for i in expected.intervals[1:]] == [
        (D(2023, 10, 1), "humanitarian", False), (D(2023, 10, 17), "ceasefire", False),
        (D(2023, 11, 15), "ceasefire", False), (D(2025, 1, 1), "ceasefire", True),
        (WITHDRAWN, "ceasefire", True),
        (D(2025, 6, 1), "pause", False)]


def test_a_dated_fact_anchors_a_stance_first_known_only_on_or_after(scale: Scale) -> None:
    # Signed a ceasefire motion (on or after 17 Oct 2023), then voted for a ceasefire:
    # the stance reads "ceasefire" from 17 Oct, and from 15 Nov rests on the vote.
    first = signed("edm:1", D(2023, 10, 17))
    again = signed("edm:2", D(2023, 11, 7))
    aye = vote("v:1", D(2023, 11, 15), "aye")
    later = signed("edm:3", TABLED)
    timeline = build_timeline([first, again, aye, later], scale)
    assert [(i.start, i.stance, i.evidence) for i in timeline.intervals[1:]] == [
        (D(2023, 10, 17), "ceasefire", (first,)), (D(2023, 11, 15), "ceasefire", (aye,))]
    assert timeline.intervals[1].supporting == (first, again)
    assert timeline.current.supporting == (aye, later)  # a later signature does not re-open it
    assert timeline.shifts == ()

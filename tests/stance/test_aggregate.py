"""aggregate / counts_on / month_starts."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.stance import (
    AggregateRow,
    EvidenceItem,
    GroupSpans,
    Scale,
    Timeline,
    aggregate,
    build_timeline,
    counts_on,
    groups_on,
    load_topic,
    month_starts,
)

D = date
OCT, NOV, DEC = D(2023, 10, 1), D(2023, 11, 1), D(2023, 12, 1)
ZEROS = {"ceasefire": 0, "humanitarian": 0, "pause": 0, "opposed": 0, "unknown": 0}


@pytest.fixture
def scale() -> Scale:
    return load_topic("ceasefire")


def one_item_timeline(scale: Scale, day: date, stance: str, kind: str = "statement") -> Timeline:
    return build_timeline([EvidenceItem(f"evidence:{stance}:{day}", day, kind, stance)], scale)


@pytest.fixture
def party_example(scale: Scale) -> tuple[dict[str, Timeline], dict[str, GroupSpans]]:
    """Two Labour MPs, one SNP MP, and one who leaves Labour over Gaza on 10 Nov 2023."""
    timelines = {
        "lab_a": one_item_timeline(scale, D(2023, 10, 20), "ceasefire"),
        "lab_b": one_item_timeline(scale, D(2023, 10, 25), "pause"),
        "snp": one_item_timeline(scale, D(2023, 10, 12), "ceasefire"),
        "leaver": one_item_timeline(scale, D(2023, 11, 10), "ceasefire", kind="party_switch"),
    }
    groups: dict[str, GroupSpans] = {
        "lab_a": [(None, None, "Labour")],
        "lab_b": [(D(2019, 12, 12), None, "Labour")],
        "snp": [(None, None, "SNP")],
        "leaver": [(None, D(2023, 11, 10), "Labour"), (D(2023, 11, 10), None, "Independent")],
    }
    return timelines, groups


def rows_for(rows: list[AggregateRow], day: date, group: str) -> dict[str, int]:
    return {row.stance: row.count for row in rows if row.day == day and row.group == group}


# --- month_starts ---------------------------------------------------------------------------


def test_month_starts_spans_first_to_last_month_inclusive() -> None:
    assert month_starts(D(2023, 10, 7), D(2024, 2, 3)) == [
        D(2023, 10, 1),
        D(2023, 11, 1),
        D(2023, 12, 1),
        D(2024, 1, 1),
        D(2024, 2, 1),
    ]


def test_month_starts_within_one_month() -> None:
    assert month_starts(D(2023, 11, 15), D(2023, 11, 30)) == [D(2023, 11, 1)]


def test_month_starts_empty_when_last_is_before_first() -> None:
    assert month_starts(D(2023, 11, 15), D(2023, 10, 30)) == []


# --- aggregate ------------------------------------------------------------------------------


def test_party_counts_per_month_follow_the_switch(
    scale: Scale, party_example: tuple[dict[str, Timeline], dict[str, GroupSpans]]
) -> None:
    timelines, groups = party_example
    rows = aggregate(timelines, groups, month_starts(OCT, DEC), scale)

    # 1 Oct: nobody has said anything yet; the leaver is still Labour
    assert rows_for(rows, OCT, "Labour") == {**ZEROS, "unknown": 3}
    assert rows_for(rows, OCT, "SNP") == {**ZEROS, "unknown": 1}
    assert rows_for(rows, OCT, "Independent") == {}
    # 1 Nov: both Labour MPs have spoken; the leaver has not yet left
    assert rows_for(rows, NOV, "Labour") == {**ZEROS, "ceasefire": 1, "pause": 1, "unknown": 1}
    assert rows_for(rows, NOV, "SNP") == {**ZEROS, "ceasefire": 1}
    assert rows_for(rows, NOV, "Independent") == {}
    # 1 Dec: the leaver is now an Independent calling for a ceasefire
    assert rows_for(rows, DEC, "Labour") == {**ZEROS, "ceasefire": 1, "pause": 1}
    assert rows_for(rows, DEC, "Independent") == {**ZEROS, "ceasefire": 1}
    assert rows_for(rows, DEC, "SNP") == {**ZEROS, "ceasefire": 1}


def test_rows_are_complete_and_sorted(
    scale: Scale, party_example: tuple[dict[str, Timeline], dict[str, GroupSpans]]
) -> None:
    timelines, groups = party_example
    rows = aggregate(timelines, groups, [DEC, OCT, DEC, NOV], scale)  # unsorted, duplicated
    order = {key: i for i, key in enumerate(scale.keys())}
    assert rows == sorted(rows, key=lambda r: (r.day, r.group, order[r.stance]))
    assert [r.stance for r in rows[:5]] == list(scale.keys())
    groups_per_day = {OCT: 2, NOV: 2, DEC: 3}
    assert len(rows) == sum(groups_per_day.values()) * len(scale)
    assert rows[0] == AggregateRow(OCT, "Labour", "ceasefire", 0)


def test_group_span_boundaries_are_start_inclusive_end_exclusive(
    scale: Scale, party_example: tuple[dict[str, Timeline], dict[str, GroupSpans]]
) -> None:
    timelines, groups = party_example
    switch_day, day_before = D(2023, 11, 10), D(2023, 11, 9)
    rows = aggregate(timelines, groups, [day_before, switch_day], scale)
    assert sum(rows_for(rows, day_before, "Labour").values()) == 3
    assert rows_for(rows, day_before, "Independent") == {}
    assert sum(rows_for(rows, switch_day, "Labour").values()) == 2
    assert rows_for(rows, switch_day, "Independent") == {**ZEROS, "ceasefire": 1}


def test_people_without_a_timeline_count_as_default(scale: Scale) -> None:
    rows = aggregate({}, {"newcomer": [(None, None, "Green")]}, [NOV], scale)
    assert rows_for(rows, NOV, "Green") == {**ZEROS, "unknown": 1}


def test_people_without_a_group_that_day_are_not_counted(scale: Scale) -> None:
    timelines = {
        "elected_later": one_item_timeline(scale, D(2023, 10, 1), "ceasefire"),
        "no_groups": one_item_timeline(scale, D(2023, 10, 1), "opposed"),
    }
    groups: dict[str, GroupSpans] = {"elected_later": [(D(2024, 7, 4), None, "Labour")]}
    assert aggregate(timelines, groups, [NOV], scale) == []
    rows = aggregate(timelines, groups, [D(2024, 7, 4)], scale)
    assert rows_for(rows, D(2024, 7, 4), "Labour") == {**ZEROS, "ceasefire": 1}


def test_overlapping_spans_in_one_group_count_once(scale: Scale) -> None:
    groups: dict[str, GroupSpans] = {
        "mp": [(None, None, "Labour"), (D(2023, 1, 1), None, "Labour")],
    }
    rows = aggregate({}, groups, [NOV], scale)
    assert rows_for(rows, NOV, "Labour") == {**ZEROS, "unknown": 1}


def test_groups_on() -> None:
    spans: GroupSpans = [(None, D(2023, 11, 10), "Labour"), (D(2023, 11, 10), None, "Independent")]
    assert groups_on(spans, D(2023, 11, 9)) == {"Labour"}
    assert groups_on(spans, D(2023, 11, 10)) == {"Independent"}
    assert groups_on([], D(2023, 11, 10)) == set()


# --- counts_on ------------------------------------------------------------------------------


def test_counts_on_everyone_in_scale_order(
    scale: Scale, party_example: tuple[dict[str, Timeline], dict[str, GroupSpans]]
) -> None:
    timelines, _ = party_example
    counts = counts_on(timelines, DEC, scale)
    assert counts == {**ZEROS, "ceasefire": 3, "pause": 1}
    assert list(counts) == list(scale.keys())
    assert counts_on(timelines, OCT, scale) == {**ZEROS, "unknown": 4}


def test_counts_on_selected_keys(
    scale: Scale, party_example: tuple[dict[str, Timeline], dict[str, GroupSpans]]
) -> None:
    timelines, _ = party_example
    counts = counts_on(timelines, DEC, scale, keys=["lab_b", "snp", "missing", "snp"])
    assert counts == {**ZEROS, "pause": 1, "ceasefire": 1, "unknown": 1}


def test_counts_on_nobody(scale: Scale) -> None:
    assert counts_on({}, DEC, scale) == ZEROS

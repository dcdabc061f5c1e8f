"""Division (recorded vote) pages: what was voted on, what each side means, the votes we hold."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, Response, abort

from tracker.db import get_session
from tracker.models import VOTE_POSITIONS, Division
from tracker.queries import divisions as q
from tracker.queries.stances import ENGINE_POSITION, scale_for, source_label
from tracker.stance import Scale, vote_stance
from tracker.web.parties import only_requested, plausible_slug
from tracker.web.topics import default_topic
from tracker.web.twins import Table, page
from tracker.whips import WHIP_LABELS

bp = Blueprint("divisions", __name__)
NOTHING_ON_ITS_OWN = "says nothing on its own about where the member stands"


def count_notes(division: Division, held: dict[str, int]) -> list[str]:
    """Where the official counts and the named lists of a complete record differ, both, in words."""
    if not division.votes_complete:
        return []
    ayes, noes = q.held_sides(held)
    notes = []
    for word, named, count in (("ayes", ayes, division.aye_count), ("noes", noes, division.no_count)):
        if count is not None and named != count:
            notes.append(f"The official record gives a count of {count:,} {word} but names {named:,} "
                         f"members as {word}.")
    if held.get("both"):
        notes.append(f"{held['both']:,} member{'s are' if held['both'] != 1 else ' is'} named in both "
                     "lobbies, a recognised way to abstain; such a vote says nothing on its own.")
    if notes:
        notes.append("We show the counts and the lists as the record gives them and correct neither.")
    return notes


def gap_note(division: Division, held: dict[str, int]) -> str | None:
    """'We hold 33 of the 125 ayes ...' when the list of votes is partial; None when complete."""
    if division.votes_complete:
        return None
    ayes, noes = q.held_sides(held)

    def side(n: int, total: int | None, word: str) -> str:
        if total is None:
            held = f"none of the {word}" if n == 0 else f"{n:,} {word}"
            return f"{held} (their total is not recorded here)"
        return f"{n:,} of the {total:,} {word}"

    text = f"We hold {side(ayes, division.aye_count, 'ayes')} and {side(noes, division.no_count, 'noes')}"
    if division.aye_count is not None and division.no_count is not None:
        text += f": {ayes + noes:,} of the {division.aye_count + division.no_count:,} votes cast"
    return text + ". A member not listed may have voted either way or not at all."


@bp.get("/divisions")
def index() -> Response | str:
    summaries = q.division_index(get_session())
    rows = []
    for s in summaries:
        d = s.division
        ayes, noes = q.held_sides(s.held)
        rows.append({"division": d.slug, "date": d.division_date, "title": d.title,
                     "aye_means": d.aye_means, "no_means": d.no_means,
                     "aye_count": d.aye_count, "no_count": d.no_count, "result": d.result,
                     "ayes_held": ayes, "noes_held": noes, "votes_held": sum(s.held.values()),
                     "votes_complete": d.votes_complete})
    table = Table("divisions", ("division", "date", "title", "aye_means", "no_means", "aye_count", "no_count",
                                "result", "ayes_held", "noes_held", "votes_held", "votes_complete"), rows,
                  "Every division we hold. aye_means/no_means are stance keys of its topic's scale "
                  "(empty: a vote that way says nothing on its own); *_held count the votes we hold.",
                  frozenset({"title", "result"}))
    scales = {s.division.id: scale_for(s.topic_slug or default_topic()) for s in summaries}
    return page("divisions.html", [table], "divisions", summaries=summaries, scales=scales,
                gaps={s.division.id: gap_note(s.division, s.held) for s in summaries})


@bp.get("/divisions/<slug>")
def division(slug: str) -> Response | str:
    session = get_session()
    record = q.division_by_slug(session, slug) if plausible_slug(slug) else None
    if record is None:
        abort(404)
    d = record.division
    scale = scale_for(record.topic_slug or default_topic())
    votes = q.member_votes(session, d)
    by_party = q.votes_by_party(session, d)
    held = dict.fromkeys(VOTE_POSITIONS, 0)
    for v in votes:
        held[v.vote.position] += 1
    vote_means = {v.vote.id: vote_stance(ENGINE_POSITION[v.vote.position], d.aye_means, d.no_means)
                  for v in votes}
    tables = division_tables(record, votes, by_party, vote_means, scale)
    return page("division.html", only_requested(tables), d.slug,
                record=record, division=d, votes=votes, by_party=by_party, vote_means=vote_means,
                scale=scale, held=held, gap=gap_note(d, held),
                labels={k: v for k, v in q.POSITION_LABELS.items() if k != "both" or held["both"]},
                count_notes=count_notes(d, held), whip_labels=WHIP_LABELS,
                nothing=NOTHING_ON_ITS_OWN, result_source_label=q.short_source(record.source))


def division_tables(record: q.DivisionRecord, votes: Sequence[q.MemberVote],
                    by_party: Sequence[q.PartyVotes], vote_means: dict[int, str | None],
                    scale: Scale) -> list[Table]:
    d = record.division
    summary = [{"division": d.slug, "date": d.division_date, "body": record.body.name, "title": d.title,
                "plain_summary": d.plain_summary.strip(), "question": d.question.strip(),
                "aye_means": d.aye_means,
                "aye_means_label": scale.label(d.aye_means) if d.aye_means else None,
                "no_means": d.no_means, "no_means_label": scale.label(d.no_means) if d.no_means else None,
                "aye_count": d.aye_count, "no_count": d.no_count, "result": d.result,
                "result_source": source_label(record.source),
                "result_source_url": record.source.url if record.source else None,
                "votes_complete": d.votes_complete, "known_gaps": d.known_gaps.strip(),
                "topic": record.topic_slug}]
    vote_rows = []
    for v in votes:
        stance = vote_means[v.vote.id]  # type: ignore[index]
        vote_rows.append({
            "division": d.slug, "person": v.person.slug, "name": v.person.name,
            "party": v.party.name if v.party else None, "party_slug": v.party.slug if v.party else None,
            "constituency": v.area.name if v.area else None, "position": v.vote.position,
            "stance": stance, "stance_label": scale.label(stance) if stance else None,
            "source": source_label(v.source), "source_url": v.source.url if v.source else None,
            "also_reported_by": " ".join(s.url for s in v.also if s.url) or None})
    party_rows = [{"division": d.slug, "party": p.party.name if p.party else "No party recorded",
                   "party_slug": p.party.slug if p.party else None, **p.counts, "total": p.total,
                   "whip": p.whip.whip.whip if p.whip else None,
                   "whip_basis": p.whip.whip.basis if p.whip else None,
                   "whip_source_url": p.whip.source.url if p.whip and p.whip.source else None,
                   "followed_whip": p.whip_count("followed"), "defied_whip": p.whip_count("defied")}
                  for p in by_party]
    return [
        Table("division", ("division", "date", "body", "title", "plain_summary", "question", "aye_means",
                           "aye_means_label", "no_means", "no_means_label", "aye_count", "no_count",
                           "result", "result_source", "result_source_url", "votes_complete",
                           "known_gaps", "topic"), summary,
              "The division: what was voted on, what each side means, the result and its source.",
              frozenset({"title", "plain_summary", "question", "result", "known_gaps", "result_source"})),
        Table("by_party", ("division", "party", "party_slug", *VOTE_POSITIONS, "total", "whip", "whip_basis",
                           "whip_source_url", "followed_whip", "defied_whip"), party_rows,
              "Votes we hold, by the member's party at the time and position (both = named in both lobbies). "
              "whip: the party's whip where known (aye, no, abstain, free), with its basis and source; "
              "followed_whip/defied_whip count its members (not voting follows a whip to abstain, and "
              "neither follows nor defies a whip to vote).", frozenset({"party", "whip_basis"})),
        Table("votes", ("division", "person", "name", "party", "party_slug", "constituency", "position",
                        "stance", "stance_label", "source", "source_url", "also_reported_by"), vote_rows,
              "Every member's vote we hold. stance: what that vote says on its own (empty: nothing); "
              "party: the party recorded with the vote, else the member's seat party on the day; "
              "also_reported_by: other sources that named the same vote.",
              frozenset({"name", "constituency", "source"})),
    ]

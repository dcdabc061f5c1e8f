"""The division pages' tables (/divisions, /divisions/<slug>)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tracker.exports.columns import COMMON, STANCE_KEY, cols
from tracker.exports.schema import Column, ExportTable, PageTables, Row
from tracker.models import VOTE_POSITIONS
from tracker.queries import divisions as q
from tracker.queries.stances import source_label
from tracker.stance import Scale


@dataclass(frozen=True)
class DivisionData:
    record: q.DivisionRecord
    votes: Sequence[q.MemberVote]
    by_party: Sequence[q.PartyVotes]
    vote_means: Mapping[int, str | None]  # vote id -> the stance that vote says on its own
    scale: Scale


@dataclass(frozen=True)
class DivisionsData:
    summaries: Sequence[q.DivisionSummary]


def _about(d: DivisionData) -> Iterable[Row]:
    v, scale = d.record.division, d.scale
    yield {"division": v.slug, "date": v.division_date, "body": d.record.body.name, "title": v.title,
           "plain_summary": v.plain_summary.strip(), "question": v.question.strip(), "aye_means": v.aye_means,
           "aye_means_label": scale.label(v.aye_means) if v.aye_means else None,
           "no_means": v.no_means, "no_means_label": scale.label(v.no_means) if v.no_means else None,
           "aye_count": v.aye_count, "no_count": v.no_count, "result": v.result,
           "result_source": source_label(d.record.source),
           "result_source_url": d.record.source.url if d.record.source else None,
           "votes_complete": v.votes_complete, "known_gaps": v.known_gaps.strip(),
           "topic": d.record.topic_slug}


def _by_party(d: DivisionData) -> Iterable[Row]:
    for p in d.by_party:
        yield {"division": d.record.division.slug, "party": p.party.name if p.party else "No party recorded",
               "party_slug": p.party.slug if p.party else None, **p.counts, "total": p.total,
               "whip": p.whip.whip.whip if p.whip else None,
               "whip_basis": p.whip.whip.basis if p.whip else None,
               "whip_source_url": p.whip.source.url if p.whip and p.whip.source else None,
               "followed_whip": p.whip_count("followed"), "defied_whip": p.whip_count("defied")}


def _votes(d: DivisionData) -> Iterable[Row]:
    slug = d.record.division.slug
    for v in d.votes:
        stance = d.vote_means[v.vote.id]  # type: ignore[index]
        yield {"division": slug, "person": v.person.slug, "name": v.person.name,
               "party": v.party.name if v.party else None, "party_slug": v.party.slug if v.party else None,
               "constituency": v.area.name if v.area else None, "position": v.vote.position,
               "stance": stance, "stance_label": d.scale.label(stance) if stance else None,
               "source": source_label(v.source), "source_url": v.source.url if v.source else None,
               "also_reported_by": " ".join(s.url for s in v.also if s.url) or None}


def _index(d: DivisionsData) -> Iterable[Row]:
    for s in d.summaries:
        v = s.division
        ayes, noes = q.held_sides(s.held)
        yield {"division": v.slug, "date": v.division_date, "title": v.title,
               "aye_means": v.aye_means, "no_means": v.no_means,
               "aye_count": v.aye_count, "no_count": v.no_count, "result": v.result,
               "ayes_held": ayes, "noes_held": noes, "votes_held": sum(s.held.values()),
               "votes_complete": v.votes_complete}


DAY = COMMON["date"].but(description="The day of the division.")
MEANS = f"What a vote that way says on its own: {STANCE_KEY[0].lower()}{STANCE_KEY[1:]}"
AYE_MEANS = Column("aye_means", "string", MEANS.replace("that way", "aye"))
NO_MEANS = Column("no_means", "string", MEANS.replace("that way", "no"))
AYE_COUNT = Column("aye_count", "integer", "The ayes, as the official record counts them (tellers apart).")
NO_COUNT = Column("no_count", "integer", "The noes, as the official record counts them (tellers apart).")
RESULT = Column("result", "string", "The result as the record gives it.")
COMPLETE = Column("votes_complete", "boolean", "Whether we hold every member's vote (else the list is "
                                               "partial: a member not listed may have voted either way or "
                                               "not at all).")
DIVISION_TITLE = COMMON["title"].but(description="The division's title, as the record gives it.")
POSITION_COUNTS = tuple(Column(p, "integer", f"Votes held of the party's members in position {p}.")
                        for p in VOTE_POSITIONS)

DIVISION = PageTables[DivisionData]("division", "/divisions/<slug>", (
    ExportTable("division", "The division: what was voted on, what each side means, the result and its "
                            "source.",
                cols("division", DAY, Column("body", "string", "The House that voted."), DIVISION_TITLE,
                     Column("plain_summary", "string", "What was voted on, in plain words."),
                     Column("question", "string", "The question put, as the record gives it."),
                     AYE_MEANS, Column("aye_means_label", "string", "aye_means in words."),
                     NO_MEANS, Column("no_means_label", "string", "no_means in words."),
                     AYE_COUNT, NO_COUNT, RESULT,
                     Column("result_source", "string", "The source of the result."),
                     Column("result_source_url", "url", "The web address of the source of the result."),
                     COMPLETE, Column("known_gaps", "string", "What is known to be missing from our list."),
                     COMMON["topic"].but(description="The topic the division bears on.")),
                _about),
    ExportTable("by_party", "Votes we hold, by the member's party at the time and position. "
                            "followed_whip/defied_whip count its members (not voting follows a whip to "
                            "abstain, and neither follows nor defies a whip to vote).",
                cols("division", COMMON["party"].but(description="The party (\"No party recorded\" for "
                                                                 "members with none)."),
                     "party_slug", *POSITION_COUNTS,
                     Column("total", "integer", "Votes held of the party's members."),
                     "whip", "whip_basis", "whip_source_url",
                     Column("followed_whip", "integer", "Members who followed the whip (empty: no whip, or a "
                            "free vote)."),
                     Column("defied_whip", "integer", "Members who defied the whip (empty: no whip, or a "
                            "free vote).")),
                _by_party),
    ExportTable("votes", "Every member's vote we hold.",
                cols("division", "person", "name",
                     COMMON["party"].but(description="The party recorded with the vote, else the member's "
                                         "seat party on the day."),
                     "party_slug", Column("constituency", "string", "The seat the member held that day."),
                     Column("position", "string", "aye, no, teller_aye, teller_no, both (named in both "
                            "lobbies) or no_vote_recorded.", VOTE_POSITIONS),
                     COMMON["stance"].but(description="What that vote says on its own (a key of the topic's "
                                          "scale); empty: nothing."),
                     "stance_label", "source", "source_url", "also_reported_by"),
                _votes),
))

DIVISIONS = PageTables[DivisionsData]("divisions", "/divisions", (
    ExportTable("divisions", "Every division we hold, with the official counts and the votes we hold.",
                cols("division", DAY, DIVISION_TITLE, AYE_MEANS, NO_MEANS, AYE_COUNT, NO_COUNT, RESULT,
                     Column("ayes_held", "integer", "Members named as ayes in the votes we hold (tellers "
                            "excluded, as in the official count; a member in both lobbies counts on both)."),
                     Column("noes_held", "integer", "Members named as noes in the votes we hold (tellers "
                            "excluded; a member in both lobbies counts on both)."),
                     Column("votes_held", "integer", "Every vote we hold, of any position."),
                     COMPLETE),
                _index),
))

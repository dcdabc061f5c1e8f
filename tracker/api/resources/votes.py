"""Divisions, the votes we hold in them, and decisions taken without a division."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from tracker.api import filters
from tracker.api.declare import Key, Lookup, Related, Resource, ordered
from tracker.api.resources.common import ID, PAGE, SOURCE, SOURCE_COLUMNS, page, source_cells, stance_label
from tracker.exports import decisions as decision_tables
from tracker.exports import divisions as division_tables
from tracker.exports.columns import COMMON, cols
from tracker.exports.schema import Column
from tracker.models import (
    DECISION_OUTCOMES,
    VOTE_POSITIONS,
    Body,
    Decision,
    Division,
    Membership,
    Party,
    Person,
    Source,
    Topic,
    Vote,
)
from tracker.prose.decisions import outcome_label
from tracker.readmodel.evidence import ENGINE_POSITION, scale_for
from tracker.stance import vote_stance

BODY = Column("body", "string", "The body that voted or decided (its name).")
BODY_SLUG = Column("body_slug", "string", "The body's slug (/api/v1/bodies/<slug>).")
_BODY_FILTER = "Only {what} of this body (its slug or id: house-of-commons, a council)."


def _seat_party() -> Any:
    """The party of the voter's seat in the division's body on its day (the latest-starting
    seat, as the division page picks it), for a vote that records no party of its own."""
    return (sa.select(Membership.party_id)
            .where(Membership.person_id == Vote.person_id, Membership.body_id == Division.body_id,
                   sa.or_(Membership.start_date.is_(None), Membership.start_date <= Division.division_date),  # type: ignore[union-attr, operator]
                   sa.or_(Membership.end_date.is_(None), Membership.end_date >= Division.division_date))  # type: ignore[union-attr, operator]
            .order_by(Membership.start_date.desc()).limit(1)  # type: ignore[union-attr]
            .correlate(Vote, Division).scalar_subquery())


def _party_then() -> Any:
    return sa.func.coalesce(Vote.party_id, _seat_party())


VOTE_COLUMNS = (
    ID, *cols("division", Column("division_title", "string", "The division's title."),
              COMMON["date"].but(description="The day of the division."), "person", "name",
              COMMON["party"].but(description="The party recorded with the vote, else the member's seat "
                                  "party on the day."),
              "party_slug",
              COMMON["vote_position"].but(description="aye, no, teller_aye, teller_no, both (named in both "
                                          "lobbies) or no_vote_recorded."),
              COMMON["topic"].but(description="The topic the division bears on (empty: none tracked)."),
              COMMON["stance"].but(description="What that vote says on its own (a key of the topic's "
                                   "scale); empty: nothing (not voting, both lobbies, or a division "
                                   "that sets none)."),
              "stance_label", *SOURCE))


def _votes(_session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        stance = vote_stance(ENGINE_POSITION[r.position], r.aye_means, r.no_means)
        scale = scale_for(r.topic) if r.topic else None
        out.append(ordered({**r._mapping, "vote_position": r.position, "stance": stance,
                            "stance_label": stance_label(scale, stance), **source_cells(r)}, VOTE_COLUMNS))
    return out


def _votes_select() -> sa.Select[Any]:
    party = aliased(Party)
    return (sa.select(Vote.id, Vote.position, Division.slug.label("division"),
                      Division.title.label("division_title"), Division.division_date.label("date"),
                      Division.aye_means, Division.no_means, Topic.slug.label("topic"),
                      Person.slug.label("person"), Person.name.label("name"), party.name.label("party"),
                      party.slug.label("party_slug"), *SOURCE_COLUMNS)
            .join(Division, Division.id == Vote.division_id)  # type: ignore[arg-type]
            .join(Person, Person.id == Vote.person_id)  # type: ignore[arg-type]
            .outerjoin(Topic, Topic.id == Division.topic_id)  # type: ignore[arg-type]
            .outerjoin(party, party.id == _party_then())
            .outerjoin(Source, Source.id == Vote.source_id))  # type: ignore[arg-type]


def _says(key: str) -> sa.ColumnElement[bool]:
    """The vote says this stance on its own: an aye (or an aye teller) where an aye means it..."""
    return sa.or_(sa.and_(Vote.position.in_(("aye", "teller_aye")), Division.aye_means == key),  # type: ignore[attr-defined]
                  sa.and_(Vote.position.in_(("no", "teller_no")), Division.no_means == key))  # type: ignore[attr-defined]


VOTES = Resource(
    "votes", "vote",
    "Votes",
    "Every member's vote we hold in a division (a recorded vote), oldest division first. A division's list "
    "may be partial (see votes_complete in /api/v1/divisions): a member not listed may have voted either "
    "way or not at all. Not voting is never a stance.",
    VOTE_COLUMNS,
    _votes_select,
    _votes,
    order=(Key("date", Division.division_date, "date"), Key("id", Vote.id, "integer")),
    filters=(
        filters.topic(Division.topic_id, "Only votes in divisions on this topic (its slug)."),
        filters.stance(_says, "Only votes that say this stance on their own (a key of the topic's scale)."),
        filters.record("division", Division, "division", "/api/v1/divisions", "Only votes in this division "
                       "(its slug or id).", lambda did: Vote.division_id == did,
                       example="2023-11-15-snp-amendment-h-immediate-ceasefire"),
        filters.record("person", Person, "person", "/api/v1/people", "Only this person's votes (their slug "
                       "or id).", lambda pid: Vote.person_id == pid, example="tahir-ali"),
        filters.record("party", Party, "party", "/api/v1/parties", "Only votes of members of this party at "
                       "the time (the party column).", lambda pid: _party_then() == pid, example="labour"),
        filters.choice("position", VOTE_POSITIONS, "Only votes in this position.",
                       lambda p: Vote.position == p, example="aye"),
        filters.record("body", Body, "body", "/api/v1/bodies", _BODY_FILTER.format(what="divisions"),
                       lambda bid: Division.body_id == bid),
        *filters.date_range(Division.division_date, "votes in divisions held"),
    ),
    lookup=Lookup(Vote.id, None, "The vote's id (the number in vote:<id>).", "1"),
)


# -- divisions ---------------------------------------------------------------------------------

DIVISION_COLUMNS = (ID, *cols(
    "division", division_tables.DAY, BODY, BODY_SLUG, division_tables.DIVISION_TITLE,
    Column("plain_summary", "string", "What was voted on, in plain words."),
    Column("question", "string", "The question put, as the record gives it."),
    division_tables.AYE_MEANS, Column("aye_means_label", "string", "aye_means in words."),
    division_tables.NO_MEANS, Column("no_means_label", "string", "no_means in words."),
    division_tables.AYE_COUNT, division_tables.NO_COUNT, division_tables.RESULT,
    division_tables.COMPLETE, Column("known_gaps", "string", "What is known to be missing from our list."),
    COMMON["topic"].but(description="The topic the division bears on (empty: none)."),
    Column("result_source", "string", "The source of the result."),
    Column("result_source_url", "url", "The web address of the source of the result."), PAGE))


def _divisions(_session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        scale = scale_for(r.topic) if r.topic else None
        out.append(ordered({**r._mapping, "aye_means_label": stance_label(scale, r.aye_means),
                            "no_means_label": stance_label(scale, r.no_means),
                            **source_cells(r, "result_source"), "page": page(f"/divisions/{r.division}")},
                           DIVISION_COLUMNS))
    return out


def _division_select() -> sa.Select[Any]:
    return (sa.select(Division.id, Division.slug.label("division"), Division.division_date.label("date"),
                      Body.name.label("body"), Body.slug.label("body_slug"), Division.title,
                      Division.plain_summary, Division.question, Division.aye_means, Division.no_means,
                      Division.aye_count, Division.no_count, Division.result, Division.votes_complete,
                      Division.known_gaps, Topic.slug.label("topic"),
                      *(c.element.label(f"result_{c.name}") for c in SOURCE_COLUMNS))
            .join(Body, Body.id == Division.body_id)  # type: ignore[arg-type]
            .outerjoin(Topic, Topic.id == Division.topic_id)  # type: ignore[arg-type]
            .outerjoin(Source, Source.id == Division.source_id))  # type: ignore[arg-type]


DIVISIONS = Resource(
    "divisions", "division",
    "Divisions",
    "Every division (recorded vote) we hold, oldest first: what was voted on, what an aye and a no mean on "
    "the topic, the official counts and whether we hold every member's vote.",
    DIVISION_COLUMNS,
    _division_select,
    _divisions,
    order=(Key("date", Division.division_date, "date"), Key("id", Division.id, "integer")),
    filters=(filters.topic(Division.topic_id),
             filters.record("body", Body, "body", "/api/v1/bodies", _BODY_FILTER.format(what="divisions"),
                            lambda bid: Division.body_id == bid, example="house-of-commons"),
             *filters.date_range(Division.division_date, "divisions held")),
    lookup=Lookup(Division.id, Division.slug, "The division's slug (as in /divisions/<slug>) or id.",
                  "2023-11-15-snp-amendment-h-immediate-ceasefire"),
    related=(Related("votes", "votes", "division", "division", "Every vote we hold in the division."),),
)


# -- decisions taken without a division ----------------------------------------------------------

_SUMMARY = {c.name: c for c in decision_tables.SUMMARY}
DECISION_COLUMNS = (ID, *cols(
    _SUMMARY["decision"], _SUMMARY["date"], BODY.but(description="The House that decided."), BODY_SLUG,
    "topic", _SUMMARY["title"], "outcome", _SUMMARY["outcome_label"],
    Column("plain_summary", "string", "What was decided, in plain words."),
    Column("text_as_recorded", "string", "The text as recorded in Hansard, in Hansard's order."),
    Column("why_no_record", "string", "Why no individual record exists."), _SUMMARY["individual_record"],
    *decision_tables.SOURCES, PAGE))


def _decisions(_session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    return [ordered({**r._mapping, "outcome_label": outcome_label(r.outcome), "individual_record": "none",
                     "text_as_recorded": r.question, **source_cells(r),
                     "page": page(f"/decisions/{r.decision}")}, DECISION_COLUMNS) for r in rows]


DECISIONS = Resource(
    "decisions", "decision",
    "Decisions",
    "Questions a body decided without a division (or never put), oldest first. No member voted, so no one's "
    "stance can be read from them (individual_record is always none): they are context on their day.",
    DECISION_COLUMNS,
    lambda: (sa.select(Decision.id, Decision.slug.label("decision"), Decision.decision_date.label("date"),
                       Body.name.label("body"), Body.slug.label("body_slug"), Topic.slug.label("topic"),
                       Decision.title, Decision.outcome, Decision.plain_summary, Decision.question,
                       Decision.why_no_record, *SOURCE_COLUMNS)
             .join(Body, Body.id == Decision.body_id)  # type: ignore[arg-type]
             .outerjoin(Topic, Topic.id == Decision.topic_id)  # type: ignore[arg-type]
             .outerjoin(Source, Source.id == Decision.source_id)),  # type: ignore[arg-type]
    _decisions,
    order=(Key("date", Decision.decision_date, "date"), Key("id", Decision.id, "integer")),
    filters=(filters.topic(Decision.topic_id),
             filters.choice("outcome", DECISION_OUTCOMES, "Only decisions with this outcome.",
                            lambda o: Decision.outcome == o, example="agreed"),
             filters.record("body", Body, "body", "/api/v1/bodies", _BODY_FILTER.format(what="decisions"),
                            lambda bid: Decision.body_id == bid, example="house-of-commons"),
             *filters.date_range(Decision.decision_date, "decisions taken")),
    lookup=Lookup(Decision.id, Decision.slug, "The decision's slug (as in /decisions/<slug>) or id."),
)

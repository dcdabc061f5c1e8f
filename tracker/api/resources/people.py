"""People, and their stances from the read model (current, and every period)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from tracker import clock
from tracker.api import filters
from tracker.api.declare import Key, Lookup, Related, Resource, ordered
from tracker.api.resources.common import ID, PAGE, page
from tracker.exports.columns import COMMON, SPACED_URLS, STANCE, cols
from tracker.exports.schema import Column
from tracker.models import Affiliation, Party, Person, StancePeriod, Topic
from tracker.readmodel.evidence import scale_for
from tracker.readmodel.view import view_of

PERSON_COLUMNS = cols(
    ID, "person", "name",
    Column("sort_name", "string", "The name the site sorts by (family name first)."),
    COMMON["party"].but(description="The person's party today (the as_of day, with as_of): the open party "
                        "membership that began last; empty when none is open."),
    COMMON["party_slug"].but(description="That party's slug (/api/v1/parties/<slug>)."),
    Column("parliament_id", "integer", "The UK Parliament member id (members.parliament.uk)."),
    Column("twfy_id", "integer", "The TheyWorkForYou person id."),
    Column("democracy_club_id", "integer", "The Democracy Club person id."),
    Column("wikidata_id", "string", "The Wikidata item (Q...)."),
    PAGE)


def _parties_today(session: Session, person_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each person's party today: of their affiliations open today, the one that began last
    (as the person page picks it), in one query."""
    day = clock.today()
    rows = session.execute(
        sa.select(Affiliation.person_id, Affiliation.start_date, Party.name, Party.slug)
        .join(Party, Party.id == Affiliation.party_id)  # type: ignore[arg-type]
        .where(Affiliation.person_id.in_(person_ids),  # type: ignore[attr-defined]
               sa.or_(Affiliation.start_date.is_(None), Affiliation.start_date <= day),  # type: ignore[union-attr, operator]
               sa.or_(Affiliation.end_date.is_(None), Affiliation.end_date > day))).all()  # type: ignore[union-attr, operator]
    out: dict[int, tuple[date, tuple[str, str]]] = {}
    for person_id, start, name, slug in rows:
        began = start or date.min
        if person_id not in out or began >= out[person_id][0]:
            out[person_id] = (began, (name, slug))
    return {pid: party for pid, (_, party) in out.items()}


def _people(session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    parties = _parties_today(session, [r.id for r in rows])
    out = []
    for r in rows:
        name, slug = parties.get(r.id, (None, None))
        out.append(ordered({**r._mapping, "person": r.slug, "party": name, "party_slug": slug,
                            "page": page(f"/people/{r.slug}")}, PERSON_COLUMNS))
    return out


PEOPLE = Resource(
    "people", "person", "People",
    "Everyone the site holds: MPs, candidates and councillors, past and present, with their ids in "
    "other datasets and their party today. Their stances are in /api/v1/stances.",
    PERSON_COLUMNS,
    lambda: sa.select(Person.id, Person.slug, Person.name, Person.sort_name, Person.parliament_id,
                      Person.twfy_id, Person.democracy_club_id, Person.wikidata_id),
    _people,
    order=(Key("id", Person.id, "integer"),),
    filters=(filters.party_today(Person.id, "people"), *filters.seat_today(Person.id, "people")),
    lookup=Lookup(Person.id, Person.slug, "The person's slug (as in /people/<slug>) or id.", "tahir-ali"),
    related=(
        Related("stances", "stances", "person", "person", "The person's current stance on each topic."),
        Related("stance_periods", "stances/periods", "person", "person", "Every period of the person's "
                "stances."),
        Related("evidence", "evidence", "person", "person", "Evidence about the person."),
        Related("votes", "votes", "person", "person", "The person's votes."),
        Related("candidacies", "candidacies", "person", "person", "The person's candidacies."),
        Related("edm_signatures", "edms/signatures", "person", "person", "Early day motions the person "
                "signed."),
        Related("replies", "replies", "person", "person", "The person's own responses (right of reply)."),
    ),
)


# -- stances: the read model ---------------------------------------------------------------

def _period_select() -> sa.Select[Any]:
    return (sa.select(StancePeriod.person_id, StancePeriod.topic_id, StancePeriod.seq, StancePeriod.stance,
                      StancePeriod.conflict, StancePeriod.start_date, StancePeriod.end_date,
                      StancePeriod.evidence, StancePeriod.supporting, StancePeriod.opened_by_end,
                      Person.slug.label("person"), Person.name.label("name"), Topic.slug.label("topic"))
            .join(Person, Person.id == StancePeriod.person_id)  # type: ignore[arg-type]
            .join(Topic, Topic.id == StancePeriod.topic_id))  # type: ignore[arg-type]


def _people_filters(what: str) -> tuple[Any, ...]:
    return (filters.record("person", Person, "person", "/api/v1/people", f"Only {what} of this person (their "
                           "slug or id).", lambda pid: StancePeriod.person_id == pid, example="tahir-ali"),
            filters.party_today(StancePeriod.person_id, f"{what} of people"),
            *filters.seat_today(StancePeriod.person_id, f"{what} of people"))


STANCE_FILTER = filters.stance(lambda key: StancePeriod.stance == key,
                               "Only this stance (a key of the topic's scale; conflicting evidence counts "
                               "as the scale's default, as the stance column gives it).")
EVIDENCE_IDS = Column("evidence_ids", "string", "The ids of the evidence that opened the period, separated "
                      "by spaces (vote:<id> for a vote, evidence:<id>, edm:<id> for a motion signature).")
CURRENT_COLUMNS = (*cols("person", "name", "topic"), *STANCE.values(), EVIDENCE_IDS)


def _current(_session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        view = view_of(r, scale_for(r.topic))
        out.append(ordered({"person": r.person, "name": r.name, "topic": r.topic, **view.row(),
                            "evidence_ids": " ".join(e.id for e in view.evidence) or None}, CURRENT_COLUMNS))
    return out


STANCES = Resource(
    "stances", "stance",
    "Current stances",
    "Each person's current stance on each topic, from the stance read model (the same figures as every "
    "page): one row per person and topic with any evidence. A person with no row on a topic has no "
    "recorded position (the scale's default, e.g. unknown). The scales are on /methodology?topic=<slug>.",
    CURRENT_COLUMNS,
    lambda: _period_select().where(StancePeriod.end_date.is_(None)),  # type: ignore[union-attr]
    _current,
    order=(Key("person", StancePeriod.person_id, "integer"), Key("topic", StancePeriod.topic_id, "integer")),
    filters=(filters.topic(StancePeriod.topic_id), STANCE_FILTER, *_people_filters("stances"),
             *filters.date_range(StancePeriod.start_date, "stances held since a day (stance_since)")),
)

PERIOD_COLUMNS = cols(
    "person", "name", "topic",
    Column("seq", "integer", "The period's number in the person's timeline on the topic (1: the first "
                             "with evidence)."),
    COMMON["start"].but(description="The first day of the period."),
    COMMON["end"].but(description="The day the next period began (empty: the current period)."),
    "stance", "stance_label",
    Column("conflict", "boolean", "Whether the evidence of the period conflicts (the stance is then the "
                                  "scale's default)."),
    EVIDENCE_IDS,
    COMMON["source_url"].but(type="string", description="The sources of the evidence that opened the "
                             f"period: {SPACED_URLS}."))


def _periods(_session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        view = view_of(r, scale_for(r.topic))
        out.append(ordered({"person": r.person, "name": r.name, "topic": r.topic, "seq": r.seq,
                            "start": view.start, "end": view.end, "stance": view.stance,
                            "stance_label": view.label, "conflict": view.conflict,
                            "evidence_ids": " ".join(e.id for e in view.evidence) or None,
                            "source_url": " ".join(view.source_urls) or None}, PERIOD_COLUMNS))
    return out


STANCE_PERIODS = Resource(
    "stances/periods", "stance period",
    "Stance periods",
    "Every period of one stance, per person and topic, oldest first within a person's timeline: from start "
    "(inclusive) to end (exclusive; empty = now), from the stance read model. The time before a person's "
    "first evidence (no recorded position) is not listed.",
    PERIOD_COLUMNS,
    _period_select,
    _periods,
    order=(Key("person", StancePeriod.person_id, "integer"), Key("topic", StancePeriod.topic_id, "integer"),
           Key("seq", StancePeriod.seq, "integer")),
    filters=(filters.topic(StancePeriod.topic_id), STANCE_FILTER, *_people_filters("stance periods"),
             *filters.date_range(StancePeriod.start_date, "periods that began")),
)

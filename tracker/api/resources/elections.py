"""Elections, candidacies, and pledge campaigns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from tracker.api import filters
from tracker.api.declare import Key, Lookup, Related, Resource, ordered
from tracker.api.resources.common import ID, PAGE, SOURCE, SOURCE_COLUMNS, page, source_cells, stance_label
from tracker.exports import pledges as pledge_tables
from tracker.exports.columns import COMMON, cols
from tracker.exports.schema import Column
from tracker.models import (
    ELECTION_KINDS,
    Area,
    Body,
    Candidacy,
    Election,
    Evidence,
    Party,
    Person,
    Pledge,
    Source,
    Topic,
)
from tracker.queries.pledges import SIGNED
from tracker.readmodel.evidence import scale_for

ELECTION_COLUMNS = (ID, *cols(
    "election", Column("name", "string", "The election's name."),
    Column("kind", "string", "general, by_election or local.", ELECTION_KINDS),
    COMMON["date"].but(description="Polling day."),
    Column("body", "string", "The body elected (its slug), where recorded."),
    Column("seats", "integer", "Seats contested (areas with a candidacy we hold)."),
    Column("candidates", "integer", "Candidacies we hold."), PAGE))


def _elections(session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    counts = {eid: (seats, people) for eid, seats, people in session.execute(
        sa.select(Candidacy.election_id, sa.func.count(sa.distinct(Candidacy.area_id)), sa.func.count())
        .where(Candidacy.election_id.in_([r.id for r in rows])).group_by(Candidacy.election_id)).all()}  # type: ignore[attr-defined]
    out = []
    for r in rows:
        seats, candidates = counts.get(r.id, (0, 0))
        out.append(ordered({**r._mapping, "seats": seats, "candidates": candidates,
                            "page": page(f"/elections/{r.election}")}, ELECTION_COLUMNS))
    return out


ELECTIONS = Resource(
    "elections", "election",
    "Elections",
    "Every election we hold, oldest first, with the seats contested and the candidacies we hold.",
    ELECTION_COLUMNS,
    lambda: (sa.select(Election.id, Election.slug.label("election"), Election.name, Election.kind,
                       Election.election_date.label("date"), Body.slug.label("body"))
             .outerjoin(Body, Body.id == Election.body_id)),  # type: ignore[arg-type]
    _elections,
    order=(Key("date", Election.election_date, "date"), Key("id", Election.id, "integer")),
    filters=(filters.choice("kind", ELECTION_KINDS, "Only elections of this kind.",
                            lambda k: Election.kind == k, example="general"),
             filters.record("body", Body, "body", "/api/v1/bodies", "Only elections to this body (its slug "
                            "or id).", lambda bid: Election.body_id == bid, example="house-of-commons"),
             *filters.date_range(Election.election_date, "elections held")),
    lookup=Lookup(Election.id, Election.slug, "The election's slug (as in /elections/<slug>) or id.",
                  "uk-general-election-2024"),
    related=(Related("candidacies", "candidacies", "election", "election", "Every candidacy."),),
)


# -- candidacies -------------------------------------------------------------------------------

CANDIDACY_COLUMNS = (ID, *cols(
    "election", Column("election_date", "date", "Polling day."), "constituency", "constituency_slug",
    "gss_code", "person", "name",
    COMMON["party"].but(description="The party as on the ballot (\"Labour and Co-operative\"), else the "
                        "party's name."),
    "party_slug", "votes", "share", "elected"))


def _candidacies(_session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    return [ordered({**r._mapping, "party": r.party_label or r.party_name}, CANDIDACY_COLUMNS) for r in rows]


CANDIDACIES = Resource(
    "candidacies", "candidacy",
    "Candidacies",
    "Every candidacy we hold, by election (oldest first), with its result. Stances are in /api/v1/stances.",
    CANDIDACY_COLUMNS,
    lambda: (sa.select(Candidacy.id, Election.slug.label("election"), Election.election_date,
                       Area.name.label("constituency"), Area.slug.label("constituency_slug"), Area.gss_code,
                       Person.slug.label("person"), Person.name.label("name"), Candidacy.party_label,
                       Party.name.label("party_name"), Party.slug.label("party_slug"), Candidacy.votes,
                       Candidacy.share, Candidacy.elected)
             .join(Election, Election.id == Candidacy.election_id)  # type: ignore[arg-type]
             .join(Area, Area.id == Candidacy.area_id)  # type: ignore[arg-type]
             .join(Person, Person.id == Candidacy.person_id)  # type: ignore[arg-type]
             .outerjoin(Party, Party.id == Candidacy.party_id)),  # type: ignore[arg-type]
    _candidacies,
    order=(Key("date", Election.election_date, "date"), Key("id", Candidacy.id, "integer")),
    filters=(
        filters.record("election", Election, "election", "/api/v1/elections", "Only candidacies at this "
                       "election (its slug or id).", lambda eid: Candidacy.election_id == eid,
                       example="uk-general-election-2024"),
        filters.record("area", Area, "area", "/api/v1/areas", "Only candidacies in this area (a "
                       "constituency's slug or id).", lambda aid: Candidacy.area_id == aid,
                       example="birmingham-perry-barr"),
        filters.record("party", Party, "party", "/api/v1/parties", "Only candidacies for this party (its "
                       "slug or id).", lambda pid: Candidacy.party_id == pid, example="labour"),
        filters.record("person", Person, "person", "/api/v1/people", "Only this person's candidacies (their "
                       "slug or id).", lambda pid: Candidacy.person_id == pid, example="tahir-ali"),
        filters.choice("elected", ("true", "false"), "Only candidacies that won (true) or lost (false).",
                       lambda v: Candidacy.elected == (v == "true"), example="true"),
        *filters.date_range(Election.election_date, "candidacies at elections held"),
    ),
    lookup=Lookup(Candidacy.id, None, "The candidacy's id.", "1"),
)


# -- pledge campaigns --------------------------------------------------------------------------

CAMPAIGN_COLUMNS = (ID, *cols(
    "pledge", pledge_tables.TITLE, pledge_tables.ORGANISATION,
    Column("text", "string", "The words of the pledge."), "topic", pledge_tables.IMPLIES, "stance_label",
    pledge_tables.LAUNCHED, pledge_tables.CLOSES, pledge_tables.URL, *SOURCE,
    Column("signatures", "integer", "People we have recorded as signing it (approved evidence)."), PAGE))


def _campaigns(session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    signed = dict(session.execute(
        sa.select(Evidence.pledge_id, sa.func.count(sa.distinct(Evidence.person_id)))
        .where(*SIGNED, Evidence.pledge_id.in_([r.id for r in rows]))  # type: ignore[union-attr]
        .group_by(Evidence.pledge_id)).all())
    return [ordered({**r._mapping, "text": (r.text or "").strip(),
                     "stance_label": stance_label(scale_for(r.topic), r.stance), **source_cells(r),
                     "signatures": signed.get(r.id, 0), "page": page(f"/pledges/{r.pledge}")},
                    CAMPAIGN_COLUMNS)
            for r in rows]


CAMPAIGNS = Resource(
    "campaigns", "campaign",
    "Pledge campaigns",
    "Every pledge campaign we hold, the stance signing it implies, and how many people we have recorded as "
    "signing it. Signatures and refusals are evidence: /api/v1/evidence?pledge=<slug>.",
    CAMPAIGN_COLUMNS,
    lambda: (sa.select(Pledge.id, Pledge.slug.label("pledge"), Pledge.title, Pledge.organisation, Pledge.text,
                       Topic.slug.label("topic"), Pledge.stance, Pledge.launched_on, Pledge.closes_on,
                       Pledge.url, *SOURCE_COLUMNS)
             .join(Topic, Topic.id == Pledge.topic_id)  # type: ignore[arg-type]
             .outerjoin(Source, Source.id == Pledge.source_id)),  # type: ignore[arg-type]
    _campaigns,
    order=(Key("id", Pledge.id, "integer"),),
    filters=(filters.topic(Pledge.topic_id),
             filters.stance(lambda key: Pledge.stance == key,
                            "Only campaigns whose pledge implies this stance."),
             *filters.date_range(Pledge.launched_on, "campaigns launched")),
    lookup=Lookup(Pledge.id, Pledge.slug, "The campaign's slug (as in /pledges/<slug>) or id."),
    related=(Related("evidence", "evidence", "pledge", "pledge", "Its signatures and refusals."),),
)

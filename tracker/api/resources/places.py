"""Areas (constituencies, councils, wards), councils, bodies and parties."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from tracker.api import filters
from tracker.api.declare import Key, Lookup, Related, Resource, ordered
from tracker.api.resources.common import ID, PAGE, page
from tracker.exports.columns import COMMON, cols
from tracker.exports.schema import Column
from tracker.models import AREA_KINDS, BODY_KINDS, Area, AreaOverlap, Body, Party
from tracker.queries.councils import COUNCIL_TYPES
from tracker.queries.places import CONSTITUENCY, COUNCIL

_PAGES = {CONSTITUENCY: "/constituencies/", COUNCIL: "/councils/"}
NAME = COMMON["name"].but(description="The area's name.")
GSS = COMMON["gss_code"]

AREA_COLUMNS = (ID, Column("area", "string", "The area's slug (/api/v1/areas/<slug>; a constituency's page "
                           "is /constituencies/<slug>, a council's /councils/<slug>)."),
                NAME, Column("kind", "string", "What kind of area.", AREA_KINDS), GSS,
                Column("boundary_set", "string", "For a constituency, the boundaries it belongs to (e.g. "
                       "2010, 2024)."),
                Column("valid_from", "date", "The first day the area existed, where recorded."),
                Column("valid_to", "date", "The last day it existed (empty: it still does)."),
                Column("nation", "string", "England, Scotland, Wales or Northern Ireland, where recorded."),
                Column("region", "string", "The region, where recorded."),
                Column("electorate", "integer", "Registered electors, where recorded."),
                Column("parent", "string", "The area it lies in (a ward's council, a district's county "
                       "council): its slug."),
                PAGE)


def _area_page(kind: str, slug: str) -> str | None:
    prefix = _PAGES.get(kind)
    return page(prefix + slug) if prefix else None


def _areas(_session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    return [ordered({**r._mapping, "area": r.slug, "page": _area_page(r.kind, r.slug)}, AREA_COLUMNS)
            for r in rows]


def _area_select() -> sa.Select[Any]:
    parent = aliased(Area)
    return (sa.select(Area.id, Area.slug, Area.name, Area.kind, Area.gss_code, Area.boundary_set,
                      Area.valid_from, Area.valid_to, Area.nation, Area.region, Area.electorate,
                      Area.register_code, Area.council_type, parent.slug.label("parent"))
            .outerjoin(parent, parent.id == Area.parent_id))


_AREA_RELATED = (
    Related("people", "people", "area", "area", "People holding a seat for the area today."),
    Related("candidacies", "candidacies", "area", "area", "Candidacies in the area."),
)

AREAS = Resource(
    "areas", "area",
    "Areas",
    "Every area we hold: Westminster constituencies (both boundary sets), councils and wards.",
    AREA_COLUMNS,
    _area_select,
    _areas,
    order=(Key("id", Area.id, "integer"),),
    filters=(filters.choice("kind", AREA_KINDS, "Only areas of this kind.", lambda k: Area.kind == k,
                            example=CONSTITUENCY),),
    lookup=Lookup(Area.id, Area.slug, "The area's slug or id.", "birmingham-perry-barr"),
    related=_AREA_RELATED,
)


# -- councils ----------------------------------------------------------------------------------

COUNCIL_COLUMNS = (
    ID, COMMON["council"], COMMON["name"].but(description="The council's name."),
    Column("type", "string", "The kind of council (e.g. District council, Unitary authority)."),
    Column("register_code", "string", "mySociety's register code for the local authority (e.g. OXF)."), GSS,
    Column("county", "string", "For a district council, the county council it sits in: its slug."),
    Column("valid_to", "date", "For a former council, the last day it existed."),
    Column("body", "string", "The council as a body people hold seats in: its slug (/api/v1/bodies/<slug>)."),
    PAGE)


def _councils(_session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    return [ordered({**r._mapping, "council": r.slug,
                     "type": COUNCIL_TYPES.get(r.council_type or "", r.council_type),
                     "page": page(f"/councils/{r.slug}")}, COUNCIL_COLUMNS) for r in rows]


def _council_select() -> sa.Select[Any]:
    county = aliased(Area)
    body = (sa.select(Body.slug).where(Body.area_id == Area.id).order_by(Body.id).limit(1)
            .correlate(Area).scalar_subquery())
    return (sa.select(Area.id, Area.slug, Area.name, Area.council_type, Area.register_code, Area.gss_code,
                      Area.valid_to, county.slug.label("county"), body.label("body"))
            .outerjoin(county, county.id == Area.parent_id)
            .where(Area.kind == COUNCIL))


COUNCILS = Resource(
    "councils", "council",
    "Councils",
    "Every council we hold, with the county it sits in and the body its councillors hold seats in.",
    COUNCIL_COLUMNS,
    _council_select,
    _councils,
    order=(Key("id", Area.id, "integer"),),
    filters=(filters.record("area", Area, "area", "/api/v1/areas", "Only councils overlapping this "
                            "constituency (its slug or id).",
                            lambda aid: sa.exists().where(AreaOverlap.area_id == Area.id,
                                                          AreaOverlap.overlaps_id == aid),
                            example="birmingham-perry-barr"),),
    lookup=Lookup(Area.id, Area.slug, "The council's slug (as in /councils/<slug>) or id.",
                  "birmingham-city-council"),
    related=(Related("people", "people", "area", "council", "Councillors sitting today."),),
)


# -- bodies and parties ------------------------------------------------------------------------

BODY_COLUMNS = (ID, Column("body", "string", "The body's slug."),
                COMMON["name"].but(description="The body's name."),
                Column("kind", "string", "What kind of body.", BODY_KINDS),
                Column("area", "string", "The area it governs (a council's own area): its slug."))

BODIES = Resource(
    "bodies", "body",
    "Bodies",
    "The bodies people hold seats in and that vote: the House of Commons and councils.",
    BODY_COLUMNS,
    lambda: (sa.select(Body.id, Body.slug.label("body"), Body.name, Body.kind, Area.slug.label("area"))
             .outerjoin(Area, Area.id == Body.area_id)),  # type: ignore[arg-type]
    lambda _session, rows: [ordered(dict(r._mapping), BODY_COLUMNS) for r in rows],
    order=(Key("id", Body.id, "integer"),),
    filters=(filters.choice("kind", BODY_KINDS, "Only bodies of this kind.", lambda k: Body.kind == k,
                            example="commons"),),
    lookup=Lookup(Body.id, Body.slug, "The body's slug or id.", "house-of-commons"),
    related=(Related("people", "people", "body", "body", "People holding a seat in it today."),
             Related("divisions", "divisions", "body", "body", "Its divisions.")),
)

PARTY_COLUMNS = (ID, *cols(COMMON["party_slug"].but(description="The party's slug (/parties/<slug>)."),
                           "party",
                           Column("short_name", "string", "A short name (e.g. Lab), where recorded."),
                           Column("colour", "string", "Its colour on charts, #rrggbb, where recorded."),
                           Column("electoral_commission_id", "string", "The Electoral Commission's "
                                  "registration number (e.g. PP53)."),
                           Column("mnis_id", "integer", "The UK Parliament's id for the party."), PAGE))

PARTIES = Resource(
    "parties", "party",
    "Parties",
    "Every party we hold.",
    PARTY_COLUMNS,
    lambda: sa.select(Party.id, Party.slug.label("party_slug"), Party.name.label("party"), Party.short_name,
                      Party.colour, Party.electoral_commission_id, Party.mnis_id),
    lambda _session, rows: [ordered({**r._mapping, "page": page(f"/parties/{r.party_slug}")}, PARTY_COLUMNS)
                            for r in rows],
    order=(Key("id", Party.id, "integer"),),
    lookup=Lookup(Party.id, Party.slug, "The party's slug (as in /parties/<slug>) or id.", "labour"),
    related=(Related("people", "people", "party", "party_slug", "Its members today."),
             Related("votes", "votes", "party", "party_slug", "Its members' votes."),
             Related("candidacies", "candidacies", "party", "party_slug", "Its candidacies.")),
)

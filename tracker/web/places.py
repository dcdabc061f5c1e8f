"""Constituency and council pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort

from tracker import charts
from tracker.db import get_session
from tracker.models import Area
from tracker.queries import councils as council_queries
from tracker.queries import places
from tracker.queries.places import PartyNow, PersonStance, RelatedSeat, Seat, Stood
from tracker.queries.stances import scale_for, source_label
from tracker.stance import Scale, format_day
from tracker.web.council_overlaps import (
    constituency_councils_table,
    council_constituencies_table,
    council_tiers_table,
)
from tracker.web.topics import requested_topic
from tracker.web.twins import Table, page

bp = Blueprint("places", __name__)

STANCE_COLUMNS = ("stance", "stance_label", "stance_since", "stance_conflict", "stance_source_url")
EVIDENCE_COLUMNS = ("person", "name", "date", "kind", "vote_position", "division", "stance",
                    "stance_label", "summary", "quote", "source", "source_url")


@bp.get("/constituencies/<slug>")
def constituency(slug: str) -> Response | str:
    session = get_session()
    area = places.area_by_slug(session, slug)
    if area is None or area.kind != places.CONSTITUENCY:
        abort(404)
    today = date.today()
    topic = requested_topic()
    scale = scale_for(topic)
    seats = places.seats_for_area(session, area.id)  # type: ignore[arg-type]
    stood = places.candidacies_for_area(session, area.id)  # type: ignore[arg-type]
    related = places.related_constituencies(session, area, seats)
    councils = places.councils_for_constituency(session, area)
    council_seats = places.seats_for_areas(session, [c.area.id for c in councils])  # type: ignore[misc]
    councillors = [s for c in councils for s in council_seats.get(c.area.id, [])  # type: ignore[arg-type]
                   if s.is_current(today)]
    people_ids = {s.person.id for s in seats} | {c.person.id for c in stood} | {
        s.person.id for r in related for s in r.seats} | {s.person.id for s in councillors}
    stances = places.stances_with_evidence(session, sorted(people_ids), topic)  # type: ignore[type-var]
    current = [s for s in seats if s.is_current(today)]
    past = [s for s in seats if not s.is_current(today)]
    charts_for = [(s, *stance_chart(stances[s.person.id], scale)) for s in current]  # type: ignore[index]
    tables = constituency_tables(area, seats, stood, related, councillors, stances, scale, today,
                                 council_slugs={c.area.id: c.area.slug for c in councils})  # type: ignore[misc]
    tables.append(constituency_councils_table(area, councils))
    return page(
        "area.html", tables, area.slug,
        area=area, current=current, past=past, stood=stood, related=related, councils=councils,
        councillors=councillors, stances=stances, scale=scale, charts_for=charts_for)


@bp.get("/councils/<slug>")
def council(slug: str) -> Response | str:
    session = get_session()
    area = places.area_by_slug(session, slug)
    if area is None or area.kind != places.COUNCIL:
        abort(404)
    today = date.today()
    topic = requested_topic()
    scale = scale_for(topic)
    seats = places.seats_for_area(session, area.id)  # type: ignore[arg-type]
    ids = sorted({s.person.id for s in seats})  # type: ignore[type-var]
    stances = places.stances_with_evidence(session, ids, topic)
    parties = places.parties_now(session, ids, today)
    sources = places.sources_of_seats(session, seats)
    seats.sort(key=lambda s: (not s.is_current(today), s.person.sort_name))
    constituencies = council_queries.constituencies_for_council(session, area)
    tiers = council_queries.council_tiers(session, area)
    tables = [*council_tables(area, seats, stances, parties, scale, today),
              council_constituencies_table(area, constituencies), council_tiers_table(area, tiers)]
    return page(
        "area.html", tables, area.slug,
        area=area, seats=seats, stances=stances, parties=parties, sources=sources, scale=scale,
        today=today, source_label=source_label, constituencies=constituencies, tiers=tiers,
        council_type=council_queries.council_type_name(area))


def stance_chart(stance: PersonStance, scale: Scale) -> tuple[str, dict[str, Any]]:
    """A person's stance step chart and its table alternative (from, to, stance in words)."""
    report = stance.report(scale)
    rows = [{"from": format_day(date.fromisoformat(i["start"])) if i["start"] else "—",
             "to": format_day(date.fromisoformat(i["end"])) if i["end"] else "now",
             "stance": "Conflicting evidence" if i["conflict"] else i["label"]} for i in report["timeline"]]
    figure = charts.to_json(charts.timeline_figure(report, scale))
    return figure, {"columns": ["from", "to", "stance"], "rows": rows}


def stance_cells(stance: PersonStance | None, scale: Scale) -> dict[str, Any]:
    """A person's current stance as table columns, with the source of what decided it."""
    if stance is None:
        return {"stance": scale.default, "stance_label": scale.label(scale.default), "stance_since": None,
                "stance_conflict": False, "stance_source_url": None}
    current = stance.current
    key = scale.default if current.conflict else current.stance
    urls = [e.source_url for e in current.evidence if e.source_url]
    return {"stance": key, "stance_label": "Conflicting evidence" if current.conflict else scale.label(key),
            "stance_since": current.start, "stance_conflict": current.conflict,
            "stance_source_url": " ".join(dict.fromkeys(urls)) or None}


def _seat_row(s: Seat, stances: dict[int, PersonStance], scale: Scale, today: date,
              **extra: Any) -> dict[str, Any]:
    return {"person": s.person.slug, "name": s.person.name, "body": s.body.name,
            "party": s.party.name if s.party else None, "role": s.membership.role,
            "start": s.membership.start_date, "end": s.membership.end_date,
            "current": s.is_current(today), **extra,
            **stance_cells(stances.get(s.person.id), scale)}  # type: ignore[arg-type]


def constituency_tables(area: Area, seats: list[Seat], stood: list[Stood], related: list[RelatedSeat],
                        councillors: list[Seat], stances: dict[int, PersonStance], scale: Scale,
                        today: date, council_slugs: dict[int, str] | None = None) -> list[Table]:
    """The constituency page's facts; the same tables answer ?format=csv|json."""
    text = frozenset({"name", "summary", "quote", "source", "how_linked", "party", "role"})
    people = [_seat_row(s, stances, scale, today) for s in seats]
    candidates = [{"election": c.election.slug, "person": c.person.slug, "name": c.person.name,
                   "party": c.candidacy.party_label or (c.party.name if c.party else None),
                   "votes": c.candidacy.votes, "share": c.candidacy.share, "elected": c.candidacy.elected,
                   **stance_cells(stances.get(c.person.id), scale)}  # type: ignore[arg-type]
                  for c in stood]
    earlier = [_seat_row(s, stances, scale, today, seat=r.area.slug, seat_name=r.area.name, how_linked=r.how)
               for r in related for s in r.seats]
    slug_of = council_slugs or {}
    local = [_seat_row(s, stances, scale, today, council=slug_of.get(s.membership.area_id))  # type: ignore[arg-type]
             for s in councillors]
    evidence = [{"person": s.person.slug, "name": s.person.name, **e}
                for s in seats if s.is_current(today)
                for e in stances[s.person.id].current_evidence(scale)]  # type: ignore[index]
    periods = [{"person": s.person.slug, "name": s.person.name, "start": i.start, "end": i.end,
                "stance": i.stance, "stance_label": scale.label(i.stance), "conflict": i.conflict,
                "source_url": " ".join(dict.fromkeys(e.source_url for e in i.evidence if e.source_url))
                or None}
               for s in seats if s.is_current(today)
               for i in stances[s.person.id].timeline.intervals]  # type: ignore[index]
    seat_cols = ("person", "name", "body", "party", "role", "start", "end", "current")
    return [
        Table("representatives", (*seat_cols, *STANCE_COLUMNS), people,
              f"Everyone who has held the seat of {area.name}, with their stance today.", text),
        Table("current_evidence", EVIDENCE_COLUMNS, evidence,
              "The evidence behind the current MP's stance, with its source.", text),
        Table("candidates", ("election", "person", "name", "party", "votes", "share", "elected",
                             *STANCE_COLUMNS), candidates,
              "Candidates at each election here, with results; share is a 0-1 fraction.", text),
        Table("related_seats", ("seat", "seat_name", "how_linked", *seat_cols, *STANCE_COLUMNS), earlier,
              "MPs of seats of the other boundary set linked to this one; how_linked says how the "
              "link was made (there is no official mapping in our data).", text),
        Table("councillors", ("council", *seat_cols, *STANCE_COLUMNS), local,
              "Sitting councillors we hold of the councils overlapping this seat (see the councils "
              "table; a councillor's ward may lie outside the seat).", text),
        Table("stance_periods", ("person", "name", "start", "end", "stance", "stance_label", "conflict",
                                 "source_url"), periods,
              "The current MP's stance over time: start inclusive, end exclusive (empty = now); "
              "source_url lists the sources of the evidence that opened each period.", text),
    ]


def council_tables(area: Area, seats: list[Seat], stances: dict[int, PersonStance],
                   parties: dict[int, PartyNow], scale: Scale, today: date) -> list[Table]:
    """The council page's facts; the same tables answer ?format=csv|json."""
    text = frozenset({"name", "summary", "quote", "source", "party", "role", "party_note",
                      "left_party", "party_source"})
    rows = []
    for s in seats:
        now = parties.get(s.person.id)  # type: ignore[arg-type]
        left = now.left if now else []
        rows.append({
            "person": s.person.slug, "name": s.person.name, "role": s.membership.role,
            "current": s.is_current(today),
            "party": now.party.name if now and now.party else None,
            "party_since": now.affiliation.start_date if now and now.affiliation else None,
            "party_note": now.affiliation.note if now and now.affiliation else None,
            "left_party": "; ".join(p.name for _a, p, _s in left) or None,
            "left_on": "; ".join(a.end_date.isoformat() for a, _p, _s in left if a.end_date) or None,
            "party_source": " ".join(dict.fromkeys(src.url for _a, _p, src in left if src and src.url))
            or None,
            **stance_cells(stances.get(s.person.id), scale)})  # type: ignore[arg-type]
    evidence = [{"person": s.person.slug, "name": s.person.name, **e}
                for s in seats for e in stances[s.person.id].evidence_dicts(scale)]  # type: ignore[index]
    return [
        Table("councillors", ("person", "name", "role", "current", "party", "party_since", "party_note",
                              "left_party", "left_on", "party_source", *STANCE_COLUMNS), rows,
              f"Councillors of {area.name} in our data, their party now (the open affiliation, or "
              "the latest), the parties they left and when, and their stance today.", text),
        Table("evidence", EVIDENCE_COLUMNS, evidence, "Every piece of evidence about these councillors.",
              text),
    ]

"""Constituency and council pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask import Blueprint, Response, abort

from tracker import chart_frames, clock
from tracker.db import get_session
from tracker.exports.places import CONSTITUENCY, COUNCIL, ConstituencyData, CouncilData
from tracker.queries import councils as council_queries
from tracker.queries import places
from tracker.queries.councils import Overlap
from tracker.queries.places import Seat
from tracker.queries.stances import scale_for, source_label
from tracker.readmodel import view
from tracker.readmodel.view import StanceHistory
from tracker.stance import Scale
from tracker.web import page_charts
from tracker.web.pagination import Pager, paginate
from tracker.web.topics import requested_topic
from tracker.web.twins import page

bp = Blueprint("places", __name__)
# The newest pieces of evidence behind the MP's stance shown on a constituency page (the rest
# are on the MP's page and in the current_evidence table).
MP_EVIDENCE_SHOWN = 5


@bp.get("/constituencies/<slug>")
def constituency(slug: str) -> Response | str:
    session = get_session()
    area = places.area_by_slug(session, slug)
    if area is None or area.kind != places.CONSTITUENCY:
        abort(404)
    today = clock.today()
    topic = requested_topic()
    scale = scale_for(topic)
    seats = places.seats_for_area(session, area.id)  # type: ignore[arg-type]
    stood = places.candidacies_for_area(session, area.id)  # type: ignore[arg-type]
    related = places.related_constituencies(session, area, seats)
    councils = places.councils_for_constituency(session, area)
    council_seats = places.seats_for_areas(session, [c.area.id for c in councils])  # type: ignore[misc]
    councillors = [s for c in councils
                   for s in sorted(council_seats.get(c.area.id, []), key=_by_name)  # type: ignore[arg-type]
                   if s.is_current(today)]
    people_ids = {s.person.id for s in seats} | {c.person.id for c in stood} | {
        s.person.id for r in related for s in r.seats} | {s.person.id for s in councillors}
    stances = view.histories(session, sorted(people_ids), topic)  # type: ignore[type-var]
    current = [s for s in seats if s.is_current(today)]
    past = [s for s in seats if not s.is_current(today)]
    # Each current MP's stance chart from one frame; the frames together are the twin's stance_chart.
    made = [(s, *page_charts.stance_chart(stances[s.person.id], scale, s.person.slug, today))  # type: ignore[index]
            for s in current]
    charts_for = [(s, figure, table) for s, _frame, figure, table in made]
    frames = chart_frames.concat([frame for _s, frame, _figure, _table in made],
                                 chart_frames.TIMELINE_COLUMNS)
    twin = CONSTITUENCY.bind(ConstituencyData(area, seats, stood, related, councillors, stances, today,
                                              councils, frames))
    councillors_page = paginate(councillors, parameter="councillors_page", table="councillors",
                                anchor="councils-h")
    return page(
        "area.html", twin, area.slug,
        area=area, current=current, past=past, stood=stood, related=related, councils=councils,
        councillors=councillors, councillors_page=councillors_page,
        councils_here=councils_here(councils, councillors, councillors_page, stances, scale),
        stances=stances, scale=scale, charts_for=charts_for, evidence_shown=MP_EVIDENCE_SHOWN,
        chart_links=page_charts.chart_links("stance_chart", page_charts.STANCE_OVER_TIME))


@bp.get("/councils/<slug>")
def council(slug: str) -> Response | str:
    session = get_session()
    area = places.area_by_slug(session, slug)
    if area is None or area.kind != places.COUNCIL:
        abort(404)
    today = clock.today()
    topic = requested_topic()
    scale = scale_for(topic)
    seats = places.seats_for_area(session, area.id)  # type: ignore[arg-type]
    ids = sorted({s.person.id for s in seats})  # type: ignore[type-var]
    stances = view.histories(session, ids, topic)
    parties = places.parties_now(session, ids, today)
    sources = places.sources_of_seats(session, seats)
    seats.sort(key=lambda s: (not s.is_current(today), _by_name(s)))
    constituencies = council_queries.constituencies_for_council(session, area)
    tiers = council_queries.council_tiers(session, area)
    twin = COUNCIL.bind(CouncilData(area, seats, stances, parties, today, constituencies, tiers))
    return page(
        "area.html", twin, area.slug,
        area=area, seats=seats, seats_page=paginate(seats, table="councillors", anchor="now-h"),
        stances=stances, parties=parties, sources=sources, scale=scale,
        today=today, source_label=source_label, constituencies=constituencies, tiers=tiers,
        council_type=council_queries.council_type_name(area))


@dataclass(frozen=True)
class CouncilHere:
    """A council overlapping a constituency, as its page shows it: how many of its councillors
    we hold and their stances (all of them), and those on the page of the list shown."""

    overlap: Overlap
    total: int
    tally: list[tuple[str, int]]
    shown: list[Seat]
    pages: tuple[int, int] | None  # the first and last page of the list listing its councillors


def councils_here(councils: Sequence[Overlap], councillors: Sequence[Seat], listed: Pager[Seat],
                  stances: Mapping[int, StanceHistory], scale: Scale) -> list[CouncilHere]:
    """``councillors`` are in the order of ``councils``; ``listed`` is the page of them shown."""
    shown_ids = {id(s) for s in listed.rows}
    out = []
    for overlap in councils:
        indexed = [(i, s) for i, s in enumerate(councillors) if s.membership.area_id == overlap.area.id]
        tally = view.tally([stances[s.person.id].current for _, s in indexed], scale)  # type: ignore[index]
        pages = (listed.page_of(indexed[0][0]), listed.page_of(indexed[-1][0])) if indexed else None
        out.append(CouncilHere(overlap, len(indexed), tally, [s for _, s in indexed if id(s) in shown_ids],
                               pages))
    return out


def _by_name(seat: Seat) -> tuple[str, int]:
    """Lists are paged, so their order is total: people who share a name keep their places."""
    return seat.person.sort_name, seat.person.id  # type: ignore[return-value]


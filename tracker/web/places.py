"""Constituency and council pages."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort

from tracker.db import get_session
from tracker.models import Area
from tracker.queries import places
from tracker.queries.stances import scale_for, timelines_for_people
from tracker.stance import Interval, Scale
from tracker.web.twins import Table, page

bp = Blueprint("places", __name__)
TOPIC = "ceasefire"


def _area_page(area: Area) -> Response | str:
    session = get_session()
    seats = places.seats_for_area(session, area.id)  # type: ignore[arg-type]
    stood = places.candidacies_for_area(session, area.id)  # type: ignore[arg-type]
    people_ids = [s.person.id for s in seats] + [c.person.id for c in stood]
    timelines = timelines_for_people(session, people_ids, TOPIC)  # type: ignore[arg-type]
    stances = {pid: t.current for pid, t in timelines.items()}
    today = date.today()
    scale = scale_for(TOPIC)
    return page(
        "area.html", area_tables(seats, stood, stances, scale, today), area.slug,
        area=area, current=[s for s in seats if s.is_current(today)],
        past=[s for s in seats if not s.is_current(today)], stood=stood,
        stances=stances, scale=scale)


@bp.get("/constituencies/<slug>")
def constituency(slug: str) -> Response | str:
    area = places.area_by_slug(get_session(), slug)
    if area is None or area.kind != "westminster_constituency":
        abort(404)
    return _area_page(area)


@bp.get("/councils/<slug>")
def council(slug: str) -> Response | str:
    area = places.area_by_slug(get_session(), slug)
    if area is None or area.kind != "council":
        abort(404)
    return _area_page(area)


def _stance(stances: dict[int, Interval], person_id: int, scale: Scale) -> dict[str, object]:
    current = stances.get(person_id)
    key = scale.default if current is None or current.conflict else current.stance
    return {"stance": key, "stance_label": scale.label(key),
            "stance_since": current.start if current else None,
            "stance_conflict": bool(current and current.conflict)}


def area_tables(seats: list[places.Seat], stood: list[places.Stood], stances: dict[int, Interval],
                scale: Scale, today: date) -> list[Table]:
    stance_cols = ("stance", "stance_label", "stance_since", "stance_conflict")
    people = [{"person": s.person.slug, "name": s.person.name, "body": s.body.name,
               "party": s.party.name if s.party else None, "role": s.membership.role,
               "start": s.membership.start_date, "end": s.membership.end_date,
               "current": s.is_current(today), **_stance(stances, s.person.id, scale)}  # type: ignore[arg-type]
              for s in seats]
    candidates = [{"election": c.election.slug, "person": c.person.slug, "name": c.person.name,
                   "party": c.candidacy.party_label or (c.party.name if c.party else None),
                   "votes": c.candidacy.votes, "share": c.candidacy.share,
                   "elected": c.candidacy.elected, **_stance(stances, c.person.id, scale)}  # type: ignore[arg-type]
                  for c in stood]
    return [
        Table("representatives", ("person", "name", "body", "party", "role", "start", "end", "current",
                                  *stance_cols), people, "Everyone who has held a seat here."),
        Table("candidates", ("election", "person", "name", "party", "votes", "share", "elected",
                             *stance_cols), candidates, "Candidates at each election, with results."),
    ]

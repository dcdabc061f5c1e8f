"""Minimal server-rendered pages: home, search, person and constituency.

Views stay thin: queries live in tracker.queries, stance logic in tracker.stance.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, request

from tracker.db import get_session
from tracker.models import Area
from tracker.queries import person_page, places
from tracker.queries.people import find_people
from tracker.queries.stances import (
    party_lines,
    person_stance_report,
    scale_for,
    timelines_for_people,
    topic_row,
)

bp = Blueprint("pages", __name__)
TOPIC = "ceasefire"


@bp.get("/")
def home() -> str:
    return render_template("home.html")


@bp.get("/search")
def search() -> str:
    query = " ".join(request.args.get("q", "").split())[:200]
    session = get_session()
    people = find_people(session, query) if query else []
    areas = places.find_areas(session, query) if query else []
    return render_template("search.html", query=query, people=people, areas=areas)


@bp.get("/people/<slug>")
def person(slug: str) -> str:
    session = get_session()
    found = person_page.person_by_slug(session, slug)
    if found is None:
        abort(404)
    report = person_stance_report(session, found, TOPIC)
    roles = person_page.roles(session, found.id)  # type: ignore[arg-type]
    history = person_page.party_history(session, found.id)  # type: ignore[arg-type]
    topic = topic_row(session, TOPIC)
    # Context: the official line of the person's latest party (open or last ended span).
    latest = history[-1].party if history else None
    lines = party_lines(session, [latest.id], topic) if topic and latest else {}
    party_context = [(latest, lines[latest.id][0])] if latest and latest.id in lines else []
    return render_template(
        "person.html", person=found, report=report, roles=roles, history=history,
        candidatures=person_page.candidatures(session, found.id),  # type: ignore[arg-type]
        party_context=party_context, scale=scale_for(TOPIC))


def _area_page(area: Area) -> str:
    session = get_session()
    seats = places.seats_for_area(session, area.id)  # type: ignore[arg-type]
    stood = places.candidacies_for_area(session, area.id)  # type: ignore[arg-type]
    people_ids = [s.person.id for s in seats] + [c.person.id for c in stood]
    timelines = timelines_for_people(session, people_ids, TOPIC)  # type: ignore[arg-type]
    today = date.today()
    return render_template(
        "area.html", area=area, current=[s for s in seats if s.is_current(today)],
        past=[s for s in seats if not s.is_current(today)], stood=stood,
        stances={pid: t.current for pid, t in timelines.items()}, scale=scale_for(TOPIC))


@bp.get("/constituencies/<slug>")
def constituency(slug: str) -> str:
    area = places.area_by_slug(get_session(), slug)
    if area is None or area.kind != "westminster_constituency":
        abort(404)
    return _area_page(area)


@bp.get("/councils/<slug>")
def council(slug: str) -> str:
    area = places.area_by_slug(get_session(), slug)
    if area is None or area.kind != "council":
        abort(404)
    return _area_page(area)


@bp.get("/stances.css")
def stance_css() -> Response:
    """Badge colours from the topic scale in data/, so a change there changes every page."""
    scale = scale_for(TOPIC)
    rules = [f".stance-{s.key}{{background:{s.colour};color:{s.text_colour}}}" for s in scale.stances]
    response = Response("\n".join(rules) + "\n", mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response

"""Search: people, constituencies, councils and parties; a postcode goes to its constituency."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from tracker.db import get_session
from tracker.queries import places
from tracker.queries.people import find_people

bp = Blueprint("search", __name__)


@bp.get("/search")
def search() -> str:
    query = " ".join(request.args.get("q", "").split())[:200]
    session = get_session()
    people = find_people(session, query) if query else []
    areas = places.find_areas(session, query) if query else []
    return render_template("search.html", query=query, people=people, areas=areas)

"""Home, changes (with an Atom feed) and methodology."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for

from tracker import charts, clock
from tracker.db import get_session
from tracker.exports.public import CHANGES, HOME, METHODOLOGY, ChangesData, HomeData
from tracker.prose.charts import chart_summary
from tracker.queries import changes as changes_q
from tracker.queries import coverage as coverage_q
from tracker.queries import divisions as divisions_q
from tracker.queries import home as home_q
from tracker.queries.stances import scale_for
from tracker.stance import AggregateRow, Scale
from tracker.web.params import page_arg
from tracker.web.site_url import absolute_url_for, tag_authority
from tracker.web.topics import requested_topic
from tracker.web.twins import page

bp = Blueprint("public", __name__)
FEED_SIZE = 50


@bp.get("/")
def home() -> Response | str:
    session = get_session()
    today = clock.today()
    topic = requested_topic()
    scale = scale_for(topic)
    if not home_q.has_data(session):
        return page("home.html", HOME.bind(HomeData(today, scale)), "home", has_data=False, scale=scale)
    members = coverage_q.group_members(session, today)
    mps = home_q.sitting_mp_stances(session, today, topic)
    candidates = home_q.candidate_figures(session, today, topic=topic)
    rows = home_q.commons_by_party(session, today, topic)
    votes = divisions_q.division_index(session, topic)
    panels = [p for p in home_q.PANEL_ORDER if any(r.group == p and r.count for r in rows)]
    latest = changes_q.recent_changes(session, 1, 8, counted=False)
    coverage = coverage_q.coverage(session, today, members)
    twin = HOME.bind(HomeData(today, scale, mps, candidates, rows, latest.changes, coverage, votes))
    figure = charts.to_json(charts.small_multiples(rows, scale, panels)) if rows else None
    return page("home.html", twin, "home",
                has_data=True, scale=scale, today=today, mps=mps, coverage=coverage, tracked_votes=votes,
                candidates=candidates, figure=figure, chart_table=chart_pivot(rows, scale),
                chart_summary=chart_summary(rows, scale), latest=latest.changes,
                chart_csv=url_for("public.home", format="csv", table="commons_by_party"))


def chart_pivot(rows: list[AggregateRow], scale: Scale) -> dict[str, Any]:
    """The chart's numbers as a readable table: one row per month and party, a column per stance."""
    cells: dict[tuple[date, str], dict[str, Any]] = {}
    for r in rows:
        row = cells.setdefault((r.day, r.group), {"month": r.day.strftime("%b %Y"), "party": r.group})
        row[scale[r.stance].short] = r.count
    return {"columns": ["month", "party", *(s.short for s in scale.stances)], "rows": list(cells.values())}


@bp.get("/changes")
def changes() -> Response | str:
    session = get_session()
    kind = request.args.get("kind", "")
    kinds = (kind,) if kind in changes_q.TRACKED else tuple(changes_q.TRACKED)
    result = changes_q.recent_changes(session, page_arg(), tables=kinds)
    twin = CHANGES.bind(ChangesData(result.changes))
    return page("changes.html", twin, f"changes-page-{result.page}", result=result,
                scale=scale_for(requested_topic()),
                kind=kind if kind in changes_q.TRACKED else "", kinds=changes_q.KINDS)


@bp.get("/changes.atom")
def changes_feed() -> Response:
    session = get_session()
    result = changes_q.recent_changes(session, 1, FEED_SIZE)
    updated = changes_q.latest_change_time(session) or datetime(2023, 10, 1, tzinfo=UTC)
    # Ids and links come from SITE_URL: a request's Host header is the client's to forge.
    body = render_template("changes.xml", changes=result.changes, updated=updated,
                           tag_host=tag_authority(), absolute_url_for=absolute_url_for,
                           feed_url=absolute_url_for("public.changes_feed"),
                           page_url=absolute_url_for("public.changes"))
    return Response(body, mimetype="application/atom+xml")


@bp.get("/methodology")
def methodology() -> Response | str:
    scale = scale_for(requested_topic())
    strength = [{"kind": k, "strength": v} for k, v in sorted(scale.strength.items(), key=lambda kv: -kv[1])]
    contact = current_app.config.get("CORRECTIONS_CONTACT")
    return page("methodology.html", METHODOLOGY.bind(scale), "methodology", scale=scale, strength=strength,
                contact=contact)

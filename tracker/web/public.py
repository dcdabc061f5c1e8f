"""Home, changes (with an Atom feed) and methodology."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, render_template, request

from tracker import chart_frames, charts, clock
from tracker.db import get_session
from tracker.exports.public import CHANGES, HOME, METHODOLOGY, ChangesData, HomeData
from tracker.prose import charts as chart_prose
from tracker.queries import changes as changes_q
from tracker.queries import coverage as coverage_q
from tracker.queries import divisions as divisions_q
from tracker.queries import home as home_q
from tracker.queries.stances import scale_for
from tracker.readmodel.view import CONFLICT_LABEL
from tracker.web import page_charts as links
from tracker.web.params import page_arg
from tracker.web.parties import CHART_FROM as PARTY_CHART_FROM
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
    # The chart's one frame: its figure, its table and its CSV (the twin's commons_by_party).
    frame = chart_frames.monthly_shares(home_q.commons_by_party(session, today, topic), scale)
    votes = divisions_q.division_index(session, topic)
    latest = changes_q.recent_changes(session, 1, 8, counted=False)
    coverage = coverage_q.coverage(session, today, members)
    twin = HOME.bind(HomeData(today, scale, mps, candidates, frame, latest.changes, coverage, votes))
    figure = None if frame.empty else charts.to_json(charts.shares_figure(frame, scale))
    return page("home.html", twin, "home",
                has_data=True, scale=scale, today=today, mps=mps, coverage=coverage, tracked_votes=votes,
                candidates=candidates, figure=figure, chart_table=chart_frames.share_table(frame, scale),
                chart_summary=chart_prose.chart_summary(list(chart_frames.records(frame)), scale),
                latest=latest.changes,
                chart_links=links.chart_links("commons_by_party", links.COMMONS_BY_PARTY))


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
    methods = {
        "rules": chart_prose.counting_rules(scale, CONFLICT_LABEL),
        "commons_by_party": chart_prose.shares_method(scale, list(home_q.PANELS.values()), home_q.OTHER,
                                                      home_q.CHART_FROM),
        "party_by_month": chart_prose.counts_method(scale, PARTY_CHART_FROM),
        "stance_over_time": chart_prose.timeline_method(scale, CONFLICT_LABEL),
    }
    return page("methodology.html", METHODOLOGY.bind(scale), "methodology", scale=scale, strength=strength,
                contact=contact, methods=methods, anchors=links.ANCHORS)

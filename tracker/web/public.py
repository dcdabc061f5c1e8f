"""Home, changes (with an Atom feed) and methodology."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for

from tracker import charts
from tracker.db import get_session
from tracker.queries import changes as changes_q
from tracker.queries import coverage as coverage_q
from tracker.queries import divisions as divisions_q
from tracker.queries import home as home_q
from tracker.queries.stances import scale_for, timelines_for_people
from tracker.stance import AggregateRow, Scale, format_day, month_starts
from tracker.web.coverage import coverage_context
from tracker.web.params import page_arg
from tracker.web.site_url import absolute_url_for, tag_authority
from tracker.web.topics import requested_topic
from tracker.web.twins import Table, page

bp = Blueprint("public", __name__)
FEED_SIZE = 50


def _table_arg(tables: list[Table]) -> list[Table]:
    """``?table=NAME`` narrows the CSV/JSON twins to one table (e.g. a chart's data)."""
    wanted = request.args.get("table")
    chosen = [t for t in tables if t.name == wanted]
    return chosen or tables


@bp.get("/")
def home() -> Response | str:
    session = get_session()
    today = date.today()
    topic = requested_topic()
    scale = scale_for(topic)
    if not home_q.has_data(session):
        return page("home.html", [], "home", has_data=False, scale=scale)
    # Everyone the coverage figures count, timelines built once for this topic and shared.
    members = coverage_q.group_members(session, today)
    timelines = timelines_for_people(session, coverage_q.everyone_counted(members), topic)
    mps = home_q.sitting_mp_stances(session, today, topic, known=timelines)
    candidates = home_q.candidate_figures(session, today, topic=topic, known=timelines)
    rows = home_q.commons_by_party(session, today, topic)
    votes = [s for s in divisions_q.division_index(session) if s.topic_slug == topic]
    panels = [p for p in home_q.PANEL_ORDER if any(r.group == p and r.count for r in rows)]
    latest = changes_q.recent_changes(session, 1, 8)
    tables = home_tables(mps, candidates, rows, latest.changes, scale, today)
    coverage, coverage_table = coverage_context(session, today, members, {topic: timelines})
    figure = charts.to_json(charts.small_multiples(rows, scale, panels)) if rows else None
    return page("home.html", _table_arg([*tables, coverage_table, tracked_votes_table(votes)]), "home",
                has_data=True, scale=scale, today=today, mps=mps, coverage=coverage, tracked_votes=votes,
                candidates=candidates, figure=figure, chart_table=chart_pivot(rows, scale),
                chart_summary=chart_summary(rows, scale), latest=latest.changes,
                chart_csv=url_for("public.home", format="csv", table="commons_by_party"))


def tracked_votes_table(votes: list[divisions_q.DivisionSummary]) -> Table:
    rows = [{"division": v.division.slug, "date": v.division.division_date, "title": v.division.title,
             "votes_complete": v.division.votes_complete, "members_listed": sum(v.held.values()),
             "aye": v.held["aye"] + v.held["teller_aye"], "no": v.held["no"] + v.held["teller_no"],
             "both": v.held["both"], "no_vote_recorded": v.held["no_vote_recorded"]} for v in votes]
    columns = ("division", "date", "title", "votes_complete", "members_listed", "aye", "no", "both",
               "no_vote_recorded")
    return Table("tracked_votes", columns, rows,
                 "The divisions on this topic and the members' votes we hold (tellers counted with their "
                 "side; both = named in both lobbies). votes_complete: every member's vote is held.",
                 frozenset({"title"}))


def chart_pivot(rows: list[AggregateRow], scale: Scale) -> dict[str, Any]:
    """The chart's numbers as a readable table: one row per month and party, a column per stance."""
    cells: dict[tuple[date, str], dict[str, Any]] = {}
    for r in rows:
        row = cells.setdefault((r.day, r.group), {"month": r.day.strftime("%b %Y"), "party": r.group})
        row[scale[r.stance].short] = r.count
    return {"columns": ["month", "party", *(s.short for s in scale.stances)], "rows": list(cells.values())}


def chart_summary(rows: list[AggregateRow], scale: Scale) -> str | None:
    if not rows:
        return None
    last = max(r.day for r in rows)
    total = sum(r.count for r in rows if r.day == last)
    parts = [f"{sum(r.count for r in rows if r.day == last and r.stance == s.key)} “{s.label}”"
             for s in scale.stances]
    summary = f"On {format_day(last)}, of {total} sitting MPs: " + "; ".join(parts) + "."
    present = {r.day for r in rows}
    gaps = [format_day(d) for d in month_starts(min(present), last) if d not in present]
    if gaps:
        summary += (f" No MPs sat on {' or '.join(gaps)} (Parliament was dissolved for the general "
                    "election), so the chart has no bars there.")
    return summary


def home_tables(mps: home_q.StanceCounts, candidates: home_q.CandidateFigures, rows: list[AggregateRow],
                latest: list[changes_q.Change], scale: Scale, today: date) -> list[Table]:
    headline = [{"measure": "sitting_mps", "on": today, "stance": k, "stance_label": scale.label(k),
                 "count": n, "out_of": mps.total} for k, n in mps.counts.items()]
    headline += [{"measure": "ge2024_candidates_with_a_recorded_stance", "on": today, "stance": k,
                  "stance_label": scale.label(k), "count": n, "out_of": candidates.total}
                 for k, n in candidates.counts.items()]
    chart = [{"month": r.day, "party": r.group, "stance": r.stance, "stance_label": scale.label(r.stance),
              "count": r.count} for r in rows]
    return [
        Table("headline", ("measure", "on", "stance", "stance_label", "count", "out_of"), headline,
              "Sitting MPs by stance today; GE2024 candidates with a recorded stance by their stance today "
              "(out_of = all sitting MPs / all GE2024 candidacies)."),
        Table("commons_by_party", ("month", "party", "stance", "stance_label", "count"), chart,
              "Sitting MPs on the 1st of each month by party (Labour, Conservative, SNP, Liberal Democrat, "
              "Other) and stance; the home page chart's data."),
        Table("latest_changes", changes_q.CHANGE_COLUMNS, [changes_q.change_row(c) for c in latest],
              "The newest changes to evidence, votes, party memberships and seats.",
              frozenset({"title", "description", "source", "reason", "actor"})),
    ]


@bp.get("/changes")
def changes() -> Response | str:
    session = get_session()
    kind = request.args.get("kind", "")
    kinds = (kind,) if kind in changes_q.TRACKED else tuple(changes_q.TRACKED)
    result = changes_q.recent_changes(session, page_arg(), tables=kinds)
    table = Table("changes", changes_q.CHANGE_COLUMNS, [changes_q.change_row(c) for c in result.changes],
                  "Changes to evidence, votes, party memberships and seats, newest first (when is UTC).",
                  frozenset({"title", "description", "source", "reason", "actor"}))
    return page("changes.html", [table], f"changes-page-{result.page}", result=result,
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
    stances = [{"key": s.key, "label": s.label, "short": s.short, "description": s.description,
                "colour": s.colour, "rank": s.rank, "side": s.side} for s in scale.stances]
    strength = [{"kind": k, "strength": v} for k, v in sorted(scale.strength.items(), key=lambda kv: -kv[1])]
    contact = current_app.config.get("CORRECTIONS_CONTACT")
    return page("methodology.html", [
        Table("stances", ("key", "label", "short", "description", "colour", "rank", "side"), stances,
              f"The stances of the “{scale.name}” scale, in the order charts and tables use."),
        Table("evidence_strength", ("kind", "strength"), strength,
              "On the same day, evidence of a stronger kind outranks a weaker one."),
    ], "methodology", scale=scale, strength=strength, contact=contact)

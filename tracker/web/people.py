"""Person pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort

from tracker import clock
from tracker.db import get_session
from tracker.exports.people import PERSON, PersonData
from tracker.models import Division
from tracker.prose.votes import verdict_text, vote_meaning, whip_text
from tracker.queries import person_page
from tracker.queries.person_names import also_known_as, names_of
from tracker.queries.replies import person_replies
from tracker.queries.stances import (
    party_lines,
    person_stance_report,
    scale_for,
    stance_history,
    topic_row,
)
from tracker.readmodel import view
from tracker.stance import Scale
from tracker.web import page_charts
from tracker.web.decisions import person_context
from tracker.web.pagination import paginate
from tracker.web.person_edms import person_edm_section
from tracker.web.topics import requested_topic, topic_choices
from tracker.web.twins import page

bp = Blueprint("people", __name__)
# A person's votes, evidence and the motions they signed that count towards no stance run to
# the hundreds for some MPs: shown newest first, this many at a time. Their changes of position
# too (every contradiction is always shown whole): each is also a row of the chart's table.
PER_PAGE = 25
SHIFTS_PER_PAGE = 10


@bp.get("/people/<slug>")
def person(slug: str) -> Response | str:
    session = get_session()
    found = person_page.person_by_slug(session, slug)
    if found is None:
        abort(404)
    topic_slug = requested_topic()
    scale = scale_for(topic_slug)
    held = stance_history(session, found, topic_slug)
    report = person_stance_report(session, found, topic_slug, history=held)
    held_topics = person_page.topics_with_evidence(session, found.id)  # type: ignore[arg-type]
    # Each topic on record, with the person's current stance on it.
    topic_summaries = [(choice, view.stances(session, [found.id], choice.slug)[found.id])  # type: ignore[list-item,index]
                       for choice in topic_choices(topic_slug, held_topics)]
    roles = person_page.roles(session, found.id)  # type: ignore[arg-type]
    history = person_page.party_history(session, found.id)  # type: ignore[arg-type]
    topic = topic_row(session, topic_slug)
    # Context: the official line of the person's latest party (open or last ended span).
    latest = history[-1].party if history else None
    lines = party_lines(session, [latest.id], topic) if topic and latest else {}
    party_context = [(latest, lines[latest.id][0])] if latest and latest.id in lines else []
    divisions = person_page.divisions_by_slug(
        session, [e["division"] for e in report["evidence"] if e["division"]])
    votes = vote_rows(report, divisions, scale, person_page.vote_contexts(session, found.id))  # type: ignore[arg-type]
    decisions = person_context(session, found, topic_slug)
    names = names_of(session, found.id)  # type: ignore[arg-type]
    edms = person_edm_section(session, found)
    replies = person_replies(session, found, topic_slug)
    # The stance chart's one frame: its figure and its CSV (the twin's stance_chart).
    chart, timeline_chart, _steps = page_charts.stance_chart(held[0], scale, found.slug, clock.today())
    twin = PERSON.bind(PersonData(found.slug, report, votes, decisions, names, edms, replies.rows, chart))
    return page(
        "person.html", twin, found.slug,
        person=found, report=report, roles=roles, history=history, votes=votes,
        shifts_page=paginate(report["shifts"][::-1], parameter="shifts_page", per_page=SHIFTS_PER_PAGE,
                             table="shifts_and_contradictions", anchor="changes-h"),
        votes_page=paginate(votes, parameter="votes_page", per_page=PER_PAGE, table="votes",
                            anchor="votes-h"),
        evidence_page=paginate(report["evidence"][::-1], parameter="evidence_page", per_page=PER_PAGE,
                               table="evidence", anchor="evidence-h"),
        edms_counted=[m for m in edms if m["counts_towards_stance"]],
        other_edms=paginate([m for m in edms if not m["counts_towards_stance"]], parameter="edms_page",
                            per_page=PER_PAGE, table="edms", anchor="edms-h"),
        candidatures=person_page.candidatures(session, found.id),  # type: ignore[arg-type]
        party_context=party_context, scale=scale, topic_summaries=topic_summaries, decisions=decisions,
        also_known_as=also_known_as(found.name, names), edms=edms,
        timeline_chart=timeline_chart, replies=replies,
        chart_links=page_charts.chart_links("stance_chart", page_charts.STANCE_OVER_TIME))


def vote_rows(report: dict[str, Any], divisions: dict[str, Division], scale: Scale,
              contexts: dict[str, person_page.VoteContext] | None = None) -> list[dict[str, Any]]:
    """The person's votes in tracked divisions, newest first, with what each vote means,
    the party whip and every source that reported it."""
    contexts = contexts or {}
    rows = []
    for e in report["evidence"]:
        if not e["division"]:
            continue
        division = divisions.get(e["division"])
        position = e["vote_position"] or ""
        context = contexts.get(e["division"])
        party, whip = (context.party, context.whip) if context else (None, None)
        also = [s for s in context.also if s.url] if context else []
        rows.append({
            "person": report["person"]["slug"], "division": e["division"],
            "division_title": division.title if division else e["summary"],
            "date": e["date"], "vote_position": position,
            "stance": e["stance"], "stance_label": e["stance_label"],
            "meaning": vote_meaning(e["stance"], position, scale),
            "aye_means": scale.label(division.aye_means) if division and division.aye_means else None,
            "whip": whip_text(party.name, whip.whip) if party and whip else None,
            "whip_basis": context.whip.basis if context and context.whip else None,
            "whip_source_url": context.whip_source.url if context and context.whip_source else None,
            "whip_verdict": verdict_text(whip.whip, context.position, party.name)  # type: ignore[union-attr]
            if party and whip else None,
            "source": e["source"], "source_url": e["source_url"],
            "also_reported_by": " ".join(s.url for s in also) or None,  # type: ignore[misc]
            "also_reported_by_labels": [(s.url, s.publisher or _site(s.url)) for s in also]})
    rows.sort(key=lambda r: r["date"], reverse=True)
    return rows


def _site(url: str) -> str:
    """'indy100.com' for a source with no publisher recorded."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")

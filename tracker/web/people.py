"""Person pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort

from tracker import charts
from tracker.db import get_session
from tracker.models import Division
from tracker.queries import person_page
from tracker.queries.stances import (
    party_lines,
    person_stance_report,
    scale_for,
    timelines_for_people,
    topic_row,
)
from tracker.stance import Scale
from tracker.web.decisions import person_context
from tracker.web.person_edms import person_edm_section
from tracker.web.person_names import person_names
from tracker.web.topics import requested_topic, topic_choices
from tracker.web.twins import Table, page

bp = Blueprint("people", __name__)


@bp.get("/people/<slug>")
def person(slug: str) -> Response | str:
    session = get_session()
    found = person_page.person_by_slug(session, slug)
    if found is None:
        abort(404)
    topic_slug = requested_topic()
    scale = scale_for(topic_slug)
    report = person_stance_report(session, found, topic_slug)
    held_topics = person_page.topics_with_evidence(session, found.id)  # type: ignore[arg-type]
    # Each other topic on record needs only its current stance (a dict or an Interval: both
    # have stance and conflict).
    topic_summaries = [(choice, report["current"] if choice.slug == topic_slug else
                        timelines_for_people(session, [found.id], choice.slug)[found.id].current)  # type: ignore[list-item,index]
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
    decisions, decisions_table = person_context(session, found, topic_slug)
    other_names, names_table = person_names(session, found)
    edms, edms_table = person_edm_section(session, found)
    return page(
        "person.html", [*person_tables(report, votes), decisions_table, names_table, edms_table], found.slug,
        person=found, report=report, roles=roles, history=history, votes=votes,
        candidatures=person_page.candidatures(session, found.id),  # type: ignore[arg-type]
        party_context=party_context, scale=scale, topic_summaries=topic_summaries, decisions=decisions,
        also_known_as=other_names, edms=edms,
        timeline_chart=charts.to_json(charts.timeline_figure(report, scale)))


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
        if e["stance"]:
            meaning = f"Counts as “{scale.label(e['stance'])}”."
        elif position == "no_vote_recorded":
            meaning = "Not voting is never counted as a stance."
        elif position == "both":
            meaning = "Voted in both lobbies, a recognised way to abstain: this says nothing on its own."
        else:
            meaning = f"This vote says nothing on its own about the question “{scale.question}”"
        context = contexts.get(e["division"])
        also = [s for s in context.also if s.url] if context else []
        rows.append({
            "person": report["person"]["slug"], "division": e["division"],
            "division_title": division.title if division else e["summary"],
            "date": e["date"], "vote_position": position,
            "stance": e["stance"], "stance_label": e["stance_label"], "meaning": meaning,
            "aye_means": scale.label(division.aye_means) if division and division.aye_means else None,
            "whip": context.whip_text if context else None,
            "whip_basis": context.whip.basis if context and context.whip else None,
            "whip_source_url": context.whip_source.url if context and context.whip_source else None,
            "whip_verdict": context.verdict if context else None,
            "source": e["source"], "source_url": e["source_url"],
            "also_reported_by": " ".join(s.url for s in also) or None,  # type: ignore[misc]
            "also_reported_by_labels": [(s.url, s.publisher or _site(s.url)) for s in also]})
    rows.sort(key=lambda r: r["date"], reverse=True)
    return rows


def _site(url: str) -> str:
    """'indy100.com' for a source with no publisher recorded."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def _urls(evidence: list[dict[str, Any]]) -> str | None:
    """The distinct source URLs of some evidence, space-separated (None when there are none)."""
    return " ".join(dict.fromkeys(e["source_url"] for e in evidence if e["source_url"])) or None


EVIDENCE_COLUMNS = ("person", "date", "kind", "vote_position", "division", "stance", "stance_label",
                    "summary", "quote", "source", "source_url")
VOTE_COLUMNS = ("person", "division", "division_title", "date", "vote_position", "stance", "stance_label",
                "aye_means", "whip", "whip_verdict", "whip_basis", "whip_source_url", "source", "source_url",
                "also_reported_by")


def person_tables(report: dict[str, Any], votes: list[dict[str, Any]] | None = None) -> list[Table]:
    """The person's stance periods, evidence, votes and parties, as the CSV/JSON twins give them."""
    slug = report["person"]["slug"]
    periods = [{"person": slug, "start": i["start"], "end": i["end"], "stance": i["stance"],
                "stance_label": i["label"], "conflict": i["conflict"],
                "evidence_ids": " ".join(e["id"] for e in i["evidence"]),
                "source_url": _urls(i["evidence"])}
               for i in report["timeline"]]
    evidence = [{"person": slug, **e} for e in report["evidence"]]
    parties = [{"person": slug, **p} for p in report.get("parties", [])]
    changes = ([{"person": slug, "kind": "shift", "date": s["date"], "description":
                 f"Changed from “{s['from_label']}” to “{s['to_label']}”",
                 "source_url": _urls(s["evidence"])}
                for s in report["shifts"]]
               + [{"person": slug, "kind": c["kind"], "date": c["did"]["date"],
                   "description": c["description"],
                   "source_url": _urls([c["said"], c["did"]])}
                  for c in report["contradictions"]])
    text = frozenset({"summary", "quote", "source", "description", "division_title", "note", "party"})
    return [
        Table("stance_periods", ("person", "start", "end", "stance", "stance_label", "conflict",
                                 "evidence_ids", "source_url"), periods,
              "Each period of one stance: from start (inclusive) to end (exclusive; empty = now); "
              "source_url lists the sources of the evidence that opened it."),
        Table("evidence", EVIDENCE_COLUMNS, evidence, "Every piece of evidence, with its source.", text),
        Table("shifts_and_contradictions", ("person", "kind", "date", "description", "source_url"), changes,
              "Changes of stance (kind = shift) and votes against what the person had said or pledged "
              "(kind = voted_against or did_not_vote).", text),
        Table("votes", VOTE_COLUMNS, votes or [],
              "Votes in tracked divisions of this topic; a vote with no stance says nothing on its own. "
              "whip: the whip of the member's party, where known, and whip_verdict whether the vote "
              "followed it; also_reported_by: other sources that named the same vote.",
              text | {"whip_verdict", "whip_basis"}),
        Table("parties", ("person", "party", "party_slug", "start", "end", "note", "source", "source_url"),
              parties, "Party history: start and end dates as recorded (empty end = still a member).", text),
    ]

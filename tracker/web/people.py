"""Person pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort

from tracker import charts
from tracker.db import get_session
from tracker.models import Division
from tracker.queries import person_page
from tracker.queries.stances import party_lines, person_stance_report, scale_for, topic_row
from tracker.stance import Scale
from tracker.web.twins import Table, page

bp = Blueprint("people", __name__)
TOPIC = "ceasefire"


@bp.get("/people/<slug>")
def person(slug: str) -> Response | str:
    session = get_session()
    found = person_page.person_by_slug(session, slug)
    if found is None:
        abort(404)
    scale = scale_for(TOPIC)
    report = person_stance_report(session, found, TOPIC)
    roles = person_page.roles(session, found.id)  # type: ignore[arg-type]
    history = person_page.party_history(session, found.id)  # type: ignore[arg-type]
    topic = topic_row(session, TOPIC)
    # Context: the official line of the person's latest party (open or last ended span).
    latest = history[-1].party if history else None
    lines = party_lines(session, [latest.id], topic) if topic and latest else {}
    party_context = [(latest, lines[latest.id][0])] if latest and latest.id in lines else []
    divisions = person_page.divisions_by_slug(
        session, [e["division"] for e in report["evidence"] if e["division"]])
    votes = vote_rows(report, divisions, scale)
    return page(
        "person.html", person_tables(report, votes), found.slug,
        person=found, report=report, roles=roles, history=history, votes=votes,
        candidatures=person_page.candidatures(session, found.id),  # type: ignore[arg-type]
        party_context=party_context, scale=scale,
        timeline_chart=charts.to_json(charts.timeline_figure(report, scale)))


def vote_rows(report: dict[str, Any], divisions: dict[str, Division], scale: Scale) -> list[dict[str, Any]]:
    """The person's votes in tracked divisions, newest first, with what each vote means."""
    rows = []
    for e in report["evidence"]:
        if not e["division"]:
            continue
        division = divisions.get(e["division"])
        position = e["vote_position"] or ""
        if e["stance"]:
            meaning = f"Counts as “{scale.label(e['stance'])}”."
        elif position == "no_vote_recorded":
            meaning = "No vote recorded: not voting is never counted as a stance."
        else:
            meaning = "This vote says nothing on its own about a ceasefire."
        rows.append({
            "person": report["person"]["slug"], "division": e["division"],
            "division_title": division.title if division else e["summary"],
            "date": e["date"], "vote_position": position,
            "stance": e["stance"], "stance_label": e["stance_label"], "meaning": meaning,
            "aye_means": scale.label(division.aye_means) if division and division.aye_means else None,
            "source": e["source"], "source_url": e["source_url"]})
    rows.sort(key=lambda r: r["date"], reverse=True)
    return rows


def _urls(evidence: list[dict[str, Any]]) -> str | None:
    """The distinct source URLs of some evidence, space-separated (None when there are none)."""
    return " ".join(dict.fromkeys(e["source_url"] for e in evidence if e["source_url"])) or None


EVIDENCE_COLUMNS = ("person", "date", "kind", "vote_position", "division", "stance", "stance_label",
                    "summary", "quote", "source", "source_url")
VOTE_COLUMNS = ("person", "division", "division_title", "date", "vote_position", "stance", "stance_label",
                "aye_means", "source", "source_url")


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
              "Votes in tracked divisions; a vote with no stance says nothing on its own.", text),
        Table("parties", ("person", "party", "party_slug", "start", "end", "note", "source", "source_url"),
              parties, "Party history: start and end dates as recorded (empty end = still a member).", text),
    ]

"""Person pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort

from tracker import charts
from tracker.db import get_session
from tracker.queries import person_page
from tracker.queries.stances import party_lines, person_stance_report, scale_for, topic_row
from tracker.web.twins import Table, page

bp = Blueprint("people", __name__)
TOPIC = "ceasefire"


@bp.get("/people/<slug>")
def person(slug: str) -> Response | str:
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
    return page(
        "person.html", person_tables(report), found.slug,
        person=found, report=report, roles=roles, history=history,
        candidatures=person_page.candidatures(session, found.id),  # type: ignore[arg-type]
        party_context=party_context, scale=scale_for(TOPIC),
        timeline_chart=charts.to_json(charts.timeline_figure(report, scale_for(TOPIC))))


EVIDENCE_COLUMNS = ("person", "date", "kind", "vote_position", "division", "stance", "stance_label",
                    "summary", "quote", "source", "source_url")


def person_tables(report: dict[str, Any]) -> list[Table]:
    """The person's stance periods and evidence, as the CSV/JSON twins give them."""
    slug = report["person"]["slug"]
    periods = [{"person": slug, "start": i["start"], "end": i["end"], "stance": i["stance"],
                "stance_label": i["label"], "conflict": i["conflict"],
                "evidence_ids": " ".join(e["id"] for e in i["evidence"])}
               for i in report["timeline"]]
    evidence = [{"person": slug, **e} for e in report["evidence"]]
    return [
        Table("stance_periods", ("person", "start", "end", "stance", "stance_label", "conflict",
                                 "evidence_ids"), periods,
              "Each period of one stance: from start (inclusive) to end (exclusive; empty = now)."),
        Table("evidence", EVIDENCE_COLUMNS, evidence,
              "Every piece of evidence, with its source.", frozenset({"summary", "quote", "source"})),
    ]

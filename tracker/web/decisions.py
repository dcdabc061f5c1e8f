"""Decisions taken without a division: what was decided, and why no individual record exists."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, Response, abort
from sqlmodel import Session

from tracker.db import get_session
from tracker.models import Division, Person, Source
from tracker.queries import decisions as q
from tracker.queries.stances import source_label
from tracker.web.parties import only_requested, plausible_slug
from tracker.web.twins import Table, page

bp = Blueprint("decisions", __name__)

SUMMARY_COLUMNS = ("decision", "date", "body", "topic", "title", "outcome", "outcome_label",
                   "individual_record", "source", "source_url")
TEXT = frozenset({"title", "plain_summary", "text_as_recorded", "why_no_record", "individual_record",
                  "source", "text_source", "context", "outcome_label"})


def _source(source: Source | None) -> dict[str, str | None]:
    return {"source": source_label(source), "source_url": source.url if source else None}


def summary_row(record: q.DecisionRecord) -> dict[str, object]:
    d = record.decision
    return {"decision": d.slug, "date": d.decision_date, "body": record.body.name,
            "topic": record.topic.slug if record.topic else None, "title": d.title,
            "outcome": d.outcome, "outcome_label": record.outcome_label,
            "individual_record": "none", **_source(record.source)}


@bp.get("/decisions")
def index() -> Response | str:
    records = q.decision_index(get_session())
    table = Table("decisions", SUMMARY_COLUMNS, [summary_row(r) for r in records],
                  "Questions decided without a division (or never put). individual_record is always "
                  "'none': no member voted, so no one's stance can be read from them.", TEXT)
    return page("decisions.html", [table], "decisions", records=records, no_record=q.NO_RECORD)


@bp.get("/decisions/<slug>")
def decision(slug: str) -> Response | str:
    session = get_session()
    record = q.decision_by_slug(session, slug) if plausible_slug(slug) else None
    if record is None:
        abort(404)
    text_source = q.text_source(session)
    divisions = q.topic_divisions(session, record.decision.topic_id)
    tables = decision_tables(record, text_source, divisions)
    return page("decision.html", only_requested(tables), record.decision.slug, record=record,
                decision=record.decision, text_source=text_source, divisions=divisions,
                no_record=q.NO_RECORD, source_text=source_label(record.source),
                text_source_text=source_label(text_source))


def decision_tables(record: q.DecisionRecord, text_source: Source | None,
                    divisions: Sequence[Division]) -> list[Table]:
    d = record.decision
    row = {**summary_row(record), "plain_summary": d.plain_summary, "text_as_recorded": d.question,
           "why_no_record": d.why_no_record, "agreement_gid": d.twfy_gid, "motion_gid": d.motion_gid,
           "text_source": source_label(text_source),
           "text_source_url": text_source.url if text_source else None}
    related = [{"decision": d.slug, "division": v.slug, "date": v.division_date, "title": v.title}
               for v in divisions]
    return [
        Table("decision", (*SUMMARY_COLUMNS[:7], "plain_summary", "text_as_recorded", "why_no_record",
                           "individual_record", "agreement_gid", "motion_gid", "source", "source_url",
                           "text_source", "text_source_url"), [row],
              "The decision: what was decided in plain words, the text as recorded in Hansard (in "
              "Hansard's order), why no individual record exists, and the sources.", TEXT),
        Table("divisions", ("decision", "division", "date", "title"), related,
              "Tracked divisions (recorded votes) on the same topic.", frozenset({"title"})),
    ]


def person_context(session: Session, person: Person,
                   topic_slug: str | None = None) -> tuple[list[q.DecisionRecord], Table]:
    """Decisions (on the topic, or on every topic) taken while the person sat in the body,
    as page context and a twin table.

    Never evidence: a decision without a division records no member's vote.
    """
    records = [r for r in q.decisions_during_seats(session, person.id)  # type: ignore[arg-type]
               if topic_slug is None or (r.topic is not None and r.topic.slug == topic_slug)]
    rows = [{"person": person.slug, "date": r.decision.decision_date, "decision": r.decision.slug,
             "topic": r.topic.slug if r.topic else None, "outcome": r.decision.outcome,
             "context": r.context, **_source(r.source)} for r in records]
    return records, Table(
        "decisions_on_the_day", ("person", "date", "decision", "topic", "outcome", "context", "source",
                                 "source_url"), rows,
        "Questions the body decided without a division while the person held a seat in it: context "
        "on the day, never the person's stance (no member's vote was recorded).", TEXT)

"""Decisions taken without a division: what was decided, and why no individual record exists."""

from __future__ import annotations

from flask import Blueprint, Response, abort
from sqlmodel import Session

from tracker.db import get_session
from tracker.exports.decisions import DECISION, DECISIONS, DecisionData, DecisionsData
from tracker.models import Person
from tracker.prose.decisions import NO_RECORD
from tracker.queries import decisions as q
from tracker.queries.stances import source_label
from tracker.web.parties import plausible_slug
from tracker.web.twins import page

bp = Blueprint("decisions", __name__)


@bp.get("/decisions")
def index() -> Response | str:
    records = q.decision_index(get_session())
    return page("decisions.html", DECISIONS.bind(DecisionsData(records)), "decisions", records=records,
                no_record=NO_RECORD)


@bp.get("/decisions/<slug>")
def decision(slug: str) -> Response | str:
    session = get_session()
    record = q.decision_by_slug(session, slug) if plausible_slug(slug) else None
    if record is None:
        abort(404)
    text_source = q.text_source(session)
    divisions = q.topic_divisions(session, record.decision.topic_id)
    twin = DECISION.bind(DecisionData(record, text_source, divisions))
    return page("decision.html", twin, record.decision.slug, record=record,
                decision=record.decision, text_source=text_source, divisions=divisions,
                no_record=NO_RECORD, source_text=source_label(record.source),
                text_source_text=source_label(text_source))


def person_context(session: Session, person: Person, topic_slug: str | None = None) -> list[q.DecisionRecord]:
    """Decisions (on the topic, or on every topic) taken while the person sat in the body
    (the person page's context, and its table ``decisions_on_the_day``).

    Never evidence: a decision without a division records no member's vote.
    """
    return [r for r in q.decisions_during_seats(session, person.id)  # type: ignore[arg-type]
            if topic_slug is None or (r.topic is not None and r.topic.slug == topic_slug)]

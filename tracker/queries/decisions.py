"""Decisions a body took without a division: what was decided, its texts and sources.

No member's individual record exists for such a decision, so these queries never feed
the stance engine: a decision is context on its day. Every function runs a fixed
number of statements.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.hansard import MOTION_DETECTOR_SOURCE_KEY, gid_order
from tracker.models import Body, Decision, Division, Membership, Source, Topic
from tracker.prose.decisions import decision_context, outcome_label


@dataclass(frozen=True)
class DecisionRecord:
    decision: Decision
    body: Body
    topic: Topic | None
    source: Source | None  # the account of the day, or else the dataset of the texts

    # In words (made by tracker.prose.decisions), for templates and twins.
    @property
    def outcome_label(self) -> str:
        return outcome_label(self.decision.outcome)

    @property
    def context(self) -> str:
        return decision_context(self.decision, self.body.name)


def _records(session: Session, *where: sa.ColumnElement[bool]) -> list[DecisionRecord]:
    rows = session.exec(
        select(Decision, Body, Topic, Source)
        .join(Body, Body.id == Decision.body_id)  # type: ignore[arg-type]
        .outerjoin(Topic, Topic.id == Decision.topic_id)  # type: ignore[arg-type]
        .outerjoin(Source, Source.id == Decision.source_id)  # type: ignore[arg-type]
        .where(*where)).all()
    return sorted((DecisionRecord(*row) for row in rows), key=_hansard_order)


def _hansard_order(record: DecisionRecord) -> tuple[object, ...]:
    """By day, then where the question comes in that day's Hansard."""
    d = record.decision
    try:
        place: tuple[object, ...] = gid_order(d.motion_gid or "")
    except ValueError:
        place = ()
    return d.decision_date, place, d.slug


def decision_index(session: Session) -> list[DecisionRecord]:
    """Every decision we hold, in the order they were taken (one query)."""
    return _records(session)


def decision_by_slug(session: Session, slug: str) -> DecisionRecord | None:
    found = _records(session, Decision.slug == slug)  # type: ignore[arg-type]
    return found[0] if found else None


def text_source(session: Session) -> Source | None:
    """The dataset every recorded text comes from (motion-detector, from Hansard)."""
    return session.exec(select(Source).where(Source.key == MOTION_DETECTOR_SOURCE_KEY)).first()


def topic_divisions(session: Session, topic_id: int | None) -> list[Division]:
    """The tracked divisions of the same topic, oldest first."""
    if topic_id is None:
        return []
    return list(session.exec(select(Division).where(Division.topic_id == topic_id)
                             .order_by(Division.division_date, Division.slug)).all())  # type: ignore[arg-type]


def decisions_during_seats(session: Session, person_id: int) -> list[DecisionRecord]:
    """Decisions (every topic) of a body taken while the person held a seat in it, oldest first.

    Context only: such a decision says nothing about the person's own stance.
    """
    held = sa.exists().where(
        Membership.person_id == person_id, Membership.body_id == Decision.body_id,
        sa.or_(Membership.start_date.is_(None),  # type: ignore[union-attr]
               Membership.start_date <= Decision.decision_date),  # type: ignore[operator]
        sa.or_(Membership.end_date.is_(None),  # type: ignore[union-attr]
               Membership.end_date >= Decision.decision_date))  # type: ignore[operator]
    return _records(session, held)

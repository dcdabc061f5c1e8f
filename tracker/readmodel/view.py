"""What every page, twin, chart, search result and the CLI read about a stance:
one typed view over the read model (``StanceView``), and the readers that make it.

A person with no rows on a topic has no recorded position: the scale's default,
shown like any other stance. A conflict shows as the default too, labelled
"Conflicting evidence"; that rule lives here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.models import StanceContradiction, StancePeriod, StanceShift, Topic
from tracker.readmodel.evidence import scale_for
from tracker.stance import Scale

CONFLICT_LABEL = "Conflicting evidence"
_CHUNK = 2000


@dataclass(frozen=True)
class CitedEvidence:
    """One piece of evidence as the read model cites it."""

    id: str
    date: date
    kind: str
    stance: str | None
    stance_label: str | None
    summary: str
    quote: str | None
    vote_position: str | None
    division: str | None
    source_url: str | None
    source: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CitedEvidence:
        return cls(**{**data, "date": date.fromisoformat(data["date"])})

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "date": self.date.isoformat()}


@dataclass(frozen=True)
class StanceView:
    """A person's stance on a topic over one period (the current one, or one on a day)."""

    person_id: int
    topic: str
    stance: str  # a scale key: the default with no record or on a conflict
    label: str
    conflict: bool
    start: date | None  # None: before any evidence
    end: date | None  # exclusive; None: still current
    evidence: tuple[CitedEvidence, ...] = ()  # what opened the period
    supporting: tuple[str, ...] = ()  # the ids of every item inside it
    opened_by_end: bool = False
    recorded: bool = False  # a stance other than "no recorded position", or a conflict

    @property
    def since(self) -> date | None:
        return self.start

    @property
    def first_source(self) -> CitedEvidence | None:
        """The first opening item with a source link (else the first), for one-line citations."""
        return next((e for e in self.evidence if e.source_url), None) or (
            self.evidence[0] if self.evidence else None)

    @property
    def source_urls(self) -> list[str]:
        return list(dict.fromkeys(e.source_url for e in self.evidence if e.source_url))

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


def unrecorded(person_id: int, scale: Scale) -> StanceView:
    return StanceView(person_id, scale.slug, scale.default, scale.label(scale.default), False, None, None)


def view_of(period: StancePeriod, scale: Scale) -> StanceView:
    return StanceView(
        person_id=period.person_id, topic=scale.slug, stance=period.stance,
        label=CONFLICT_LABEL if period.conflict else scale.label(period.stance),
        conflict=period.conflict, start=period.start_date, end=period.end_date,
        evidence=tuple(CitedEvidence.from_json(e) for e in period.evidence or ()),
        supporting=tuple(period.supporting or ()), opened_by_end=period.opened_by_end,
        recorded=period.conflict or period.stance != scale.default)


def topic_id(session: Session, slug: str) -> int | None:
    return session.exec(select(Topic.id).where(Topic.slug == slug)).first()


def _chunks(ids: Sequence[int]) -> list[list[int]]:
    unique = sorted(set(ids))
    return [unique[i:i + _CHUNK] for i in range(0, len(unique), _CHUNK)]


def stances(session: Session, person_ids: Sequence[int], topic: str,
            on: date | None = None) -> dict[int, StanceView]:
    """Each person's current stance (or the one on ``on``): one query per 2,000 people."""
    scale = scale_for(topic)
    out = {pid: unrecorded(pid, scale) for pid in person_ids}
    tid = topic_id(session, topic)
    if tid is None or not person_ids:
        return out
    for chunk in _chunks(person_ids):
        statement = select(StancePeriod).where(StancePeriod.topic_id == tid,
                                               StancePeriod.person_id.in_(chunk))  # type: ignore[attr-defined]
        if on is None:
            statement = statement.where(StancePeriod.end_date.is_(None))  # type: ignore[union-attr]
        else:
            statement = statement.where(
                sa.or_(StancePeriod.start_date.is_(None), StancePeriod.start_date <= on),  # type: ignore[union-attr, operator]
                sa.or_(StancePeriod.end_date.is_(None), StancePeriod.end_date > on))  # type: ignore[union-attr, operator]
        for period in session.exec(statement).all():
            out[period.person_id] = view_of(period, scale)
    return out


def timeline(session: Session, person_id: int, topic: str) -> list[StanceView]:
    """A person's periods on a topic, oldest first (one period, unrecorded, with no evidence)."""
    scale = scale_for(topic)
    rows = session.exec(select(StancePeriod).join(Topic, Topic.id == StancePeriod.topic_id)  # type: ignore[arg-type]
                        .where(Topic.slug == topic, StancePeriod.person_id == person_id)
                        .order_by(StancePeriod.seq)).all()
    return [view_of(p, scale) for p in rows] or [unrecorded(person_id, scale)]


def shifts(session: Session, person_id: int, topic: str) -> list[StanceShift]:
    return list(session.exec(select(StanceShift).join(Topic, Topic.id == StanceShift.topic_id)  # type: ignore[arg-type]
                             .where(Topic.slug == topic, StanceShift.person_id == person_id)
                             .order_by(StanceShift.shift_date)).all())


def contradictions(session: Session, person_id: int, topic: str) -> list[StanceContradiction]:
    return list(session.exec(
        select(StanceContradiction).join(Topic, Topic.id == StanceContradiction.topic_id)  # type: ignore[arg-type]
        .where(Topic.slug == topic, StanceContradiction.person_id == person_id)
        .order_by(StanceContradiction.did_date, StanceContradiction.id)).all())


def tally(views: Sequence[StanceView], scale: Scale) -> list[tuple[str, int]]:
    """(stance key, count) in scale order, zeros included; conflicts count as the default."""
    counts = dict.fromkeys(scale.keys(), 0)
    for view in views:
        counts[view.stance] += 1
    return list(counts.items())

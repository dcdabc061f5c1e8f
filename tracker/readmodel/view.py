"""What every page, twin, chart, search result and the CLI read about a stance:
one typed view over the read model (``StanceView``), and the readers that make it.

A person with no rows on a topic has no recorded position: the scale's default,
shown like any other stance. A conflict shows as the default too, labelled
"Conflicting evidence"; that rule lives here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.models import StanceContradiction, StancePeriod, StanceShift, Topic
from tracker.readmodel.evidence import IN_LIST, CitedEvidence, cite, evidence_for_people, id_chunks, scale_for
from tracker.stance import Scale

CONFLICT_LABEL = "Conflicting evidence"


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

    def row(self) -> dict[str, object]:
        """The columns every stance-bearing CSV row carries (``STANCE_COLUMNS``)."""
        first = self.first_source
        return {"stance": self.stance, "stance_label": self.label, "stance_since": self.start,
                "stance_conflict": self.conflict, "stance_source": first.source if first else None,
                "stance_source_url": " ".join(self.source_urls) or None}

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


def unrecorded(person_id: int, scale: Scale, until: date | None = None) -> StanceView:
    """No recorded position (before any evidence, until ``until``; or ever)."""
    return StanceView(person_id, scale.slug, scale.default, scale.label(scale.default), False, None, until)


def periods_of(person_id: int, stored: Sequence[StanceView], scale: Scale) -> tuple[StanceView, ...]:
    """A person's periods with the one before any evidence, which is not stored, put first."""
    if not stored:
        return (unrecorded(person_id, scale),)
    return (unrecorded(person_id, scale, until=stored[0].start), *stored)


# The columns readers load: plain rows, not ORM objects (a list of thousands stays cheap).
_PERIOD = (StancePeriod.person_id, StancePeriod.stance, StancePeriod.conflict, StancePeriod.start_date,
           StancePeriod.end_date, StancePeriod.evidence, StancePeriod.supporting, StancePeriod.opened_by_end)


def view_of(period: Any, scale: Scale) -> StanceView:
    """A stored period (a row or a ``StancePeriod``) as a view."""
    return StanceView(
        person_id=period.person_id, topic=scale.slug, stance=period.stance,
        label=CONFLICT_LABEL if period.conflict else scale.label(period.stance),
        conflict=period.conflict, start=period.start_date, end=period.end_date,
        evidence=tuple(CitedEvidence.from_json(e) for e in period.evidence or ()),
        supporting=tuple(period.supporting or ()), opened_by_end=period.opened_by_end,
        recorded=period.conflict or period.stance != scale.default)


def topic_id(session: Session, slug: str) -> int | None:
    return session.exec(select(Topic.id).where(Topic.slug == slug)).first()


def stances(session: Session, person_ids: Sequence[int], topic: str,
            on: date | None = None) -> dict[int, StanceView]:
    """Each person's current stance (or the one on ``on``): one query per 30,000 people."""
    scale = scale_for(topic)
    out = {pid: unrecorded(pid, scale) for pid in person_ids}
    tid = topic_id(session, topic)
    if tid is None or not person_ids:
        return out
    for chunk in id_chunks(person_ids):
        statement = sa.select(*_PERIOD).where(StancePeriod.topic_id == tid,
                                              StancePeriod.person_id.in_(chunk))  # type: ignore[attr-defined]
        if on is None:
            statement = statement.where(StancePeriod.end_date.is_(None))  # type: ignore[union-attr]
        else:
            statement = statement.where(
                sa.or_(StancePeriod.start_date.is_(None), StancePeriod.start_date <= on),  # type: ignore[union-attr, operator]
                sa.or_(StancePeriod.end_date.is_(None), StancePeriod.end_date > on))  # type: ignore[union-attr, operator]
        for period in session.execute(statement):
            out[period.person_id] = view_of(period, scale)
    return out


def timeline(session: Session, person_id: int, topic: str) -> list[StanceView]:
    """A person's periods on a topic, oldest first (one period, unrecorded, with no evidence)."""
    scale = scale_for(topic)
    rows = session.execute(sa.select(*_PERIOD).join(Topic, Topic.id == StancePeriod.topic_id)  # type: ignore[arg-type]
                           .where(Topic.slug == topic, StancePeriod.person_id == person_id)
                           .order_by(StancePeriod.seq)).all()
    return list(periods_of(person_id, [view_of(p, scale) for p in rows], scale))


def shifts(session: Session, person_id: int, topic: str) -> list[StanceShift]:
    return list(session.exec(select(StanceShift).join(Topic, Topic.id == StanceShift.topic_id)  # type: ignore[arg-type]
                             .where(Topic.slug == topic, StanceShift.person_id == person_id)
                             .order_by(StanceShift.shift_date)).all())


def contradictions(session: Session, person_id: int, topic: str) -> list[StanceContradiction]:
    return list(session.exec(
        select(StanceContradiction).join(Topic, Topic.id == StanceContradiction.topic_id)  # type: ignore[arg-type]
        .where(Topic.slug == topic, StanceContradiction.person_id == person_id)
        .order_by(StanceContradiction.did_date, StanceContradiction.id)).all())


def contradicting(session: Session, said_ids: Sequence[str],
                  topic: str) -> dict[str, list[StanceContradiction]]:
    """The contradictions whose "said" item is one of ``said_ids`` ("evidence:12"), by that id,
    each list oldest first (e.g. the votes against a pledge someone signed)."""
    out: dict[str, list[StanceContradiction]] = {}
    tid = topic_id(session, topic)
    unique = sorted(set(said_ids))
    if tid is None:
        return out
    for start in range(0, len(unique), IN_LIST):
        for found in session.exec(select(StanceContradiction).where(
                StanceContradiction.topic_id == tid,
                StanceContradiction.said_id.in_(unique[start:start + IN_LIST]))  # type: ignore[attr-defined]
                .order_by(StanceContradiction.did_date, StanceContradiction.id)).all():
            out.setdefault(found.said_id, []).append(found)
    return out


def tally(views: Sequence[StanceView], scale: Scale) -> list[tuple[str, int]]:
    """(stance key, count) in scale order, zeros included; conflicts count as the default."""
    counts = dict.fromkeys(scale.keys(), 0)
    for view in views:
        counts[view.stance] += 1
    return list(counts.items())


@dataclass(frozen=True)
class StanceHistory:
    """A person's periods on a topic with every piece of evidence behind them."""

    person_id: int
    periods: tuple[StanceView, ...]
    evidence: tuple[CitedEvidence, ...]  # oldest first
    contradictions: tuple[StanceContradiction, ...] = ()

    @property
    def current(self) -> StanceView:
        return self.periods[-1]

    @property
    def current_evidence(self) -> list[CitedEvidence]:
        """What opened the current period and every item inside it, oldest first."""
        current = self.current
        ids = {e.id for e in current.evidence} | set(current.supporting)
        return [e for e in self.evidence if e.id in ids]


def histories(session: Session, person_ids: Sequence[int], topic: str) -> dict[int, StanceHistory]:
    """Periods, contradictions and evidence of many people (a fixed number of queries)."""
    scale = scale_for(topic)
    tid = topic_id(session, topic)
    periods: dict[int, list[StanceView]] = {pid: [] for pid in person_ids}
    found: dict[int, list[StanceContradiction]] = {pid: [] for pid in person_ids}
    cited: dict[int, list[CitedEvidence]] = {pid: [] for pid in person_ids}
    if tid is not None and person_ids:
        row = session.get(Topic, tid)
        for chunk in id_chunks(person_ids):
            for period in session.execute(sa.select(*_PERIOD).where(
                    StancePeriod.topic_id == tid, StancePeriod.person_id.in_(chunk))  # type: ignore[attr-defined]
                    .order_by(StancePeriod.person_id, StancePeriod.seq)):
                periods[period.person_id].append(view_of(period, scale))
            for contradiction in session.exec(select(StanceContradiction).where(
                    StanceContradiction.topic_id == tid, StanceContradiction.person_id.in_(chunk))  # type: ignore[attr-defined]
                    .order_by(StanceContradiction.did_date, StanceContradiction.id)).all():
                found[contradiction.person_id].append(contradiction)
        for pid, records in evidence_for_people(session, person_ids, row).items():  # type: ignore[arg-type]
            cited[pid] = sorted((cite(r, scale) for r in records), key=lambda e: (e.date, e.id))
    return {pid: StanceHistory(pid, periods_of(pid, periods[pid], scale), tuple(cited[pid]),
                               tuple(found[pid]))
            for pid in person_ids}


def people_on_record(session: Session, topic: str) -> set[int]:
    """Everyone with evidence that sets a stance on the topic, now or in the past (one query)."""
    return set(session.exec(select(StancePeriod.person_id).join(Topic, Topic.id == StancePeriod.topic_id)  # type: ignore[arg-type]
                            .where(Topic.slug == topic, StancePeriod.seq == 1)).all())


STANCE_COLUMNS = ("stance", "stance_label", "stance_since", "stance_conflict", "stance_source",
                  "stance_source_url")



def counts(session: Session, person_ids: Sequence[int], topic: str) -> dict[str, int]:
    """How many of these people hold each stance now, every scale key in order (a GROUP BY per
    30,000 people); people with no record count as the default, as do conflicts."""
    scale = scale_for(topic)
    out = dict.fromkeys(scale.keys(), 0)
    people = sorted(set(person_ids))
    tid = topic_id(session, topic)
    recorded = 0
    if tid is not None:
        for chunk in id_chunks(people):
            for stance, n in session.execute(
                    sa.select(StancePeriod.stance, sa.func.count()).where(
                        StancePeriod.topic_id == tid, StancePeriod.end_date.is_(None),  # type: ignore[union-attr]
                        StancePeriod.person_id.in_(chunk)).group_by(StancePeriod.stance)):  # type: ignore[attr-defined]
                out[stance] += n
                recorded += n
    out[scale.default] += len(people) - recorded
    return out

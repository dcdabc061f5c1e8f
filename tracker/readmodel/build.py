"""Keep the stance read model: run the engine for some people (or everyone) and
store their periods, shifts and contradictions, replacing what was there."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.config import DATA_DIR
from tracker.models import StanceContradiction, StancePeriod, StanceShift, Topic
from tracker.readmodel.evidence import EvidenceRecord, evidence_dict, evidence_for_people, scale_for
from tracker.stance import Scale, Timeline, build_timeline

READ_MODEL = (StancePeriod, StanceShift, StanceContradiction)
_BATCH = 5000
_DELETE_CHUNK = 2000


@dataclass(frozen=True)
class Refreshed:
    topic: str
    people: int  # people recomputed
    periods: int  # period rows written


def scale_digest(slug: str) -> str:
    """The digest of a topic's scale file: stances are rebuilt when it changes."""
    return hashlib.sha256((DATA_DIR / "topics" / f"{slug}.toml").read_bytes()).hexdigest()


def timeline_rows(person_id: int, topic_id: int, timeline: Timeline, records: Iterable[EvidenceRecord],
                  scale: Scale) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """One person's timeline as rows of the three read-model tables."""
    by_id = {r.item.id: r for r in records}

    def cite(items: Iterable[Any]) -> list[dict[str, Any]]:
        return [evidence_dict(by_id[i.id], scale) if i.id in by_id else
                {"id": i.id, "date": i.date.isoformat(), "kind": i.kind, "stance": i.stance,
                 "stance_label": None, "summary": i.summary, "quote": None, "vote_position": None,
                 "division": None, "source_url": i.source_url, "source": i.source_label}
                for i in items]

    periods = [{"topic_id": topic_id, "person_id": person_id, "seq": seq, "start_date": iv.start,
                "end_date": iv.end, "stance": iv.stance, "conflict": iv.conflict,
                "opened_by_end": iv.opened_by_end, "evidence": cite(iv.evidence),
                "supporting": [i.id for i in iv.supporting]}
               for seq, iv in enumerate(timeline.intervals)]
    shifts = [{"topic_id": topic_id, "person_id": person_id, "shift_date": s.date,
               "from_stance": s.from_stance, "to_stance": s.to_stance,
               "evidence": [i.id for i in s.evidence]} for s in timeline.shifts]
    contradictions = [{"topic_id": topic_id, "person_id": person_id, "kind": c.kind,
                       "said_id": c.said.id, "said_date": c.said.date, "did_id": c.did.id,
                       "did_date": c.did.date, "description": c.description}
                      for c in timeline.contradictions]
    return periods, shifts, contradictions


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _insert(session: Session, table: type, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _BATCH):
        session.execute(sa.insert(table), rows[start:start + _BATCH])


def refresh(session: Session, topic: Topic, person_ids: Collection[int] | None = None) -> Refreshed:
    """Recompute the read model of ``person_ids`` (``None``: everyone) on ``topic``.

    People with no evidence that sets a stance get no rows: readers show the
    scale's default, "no recorded position", for them.
    """
    scale = scale_for(topic.slug)
    ids = None if person_ids is None else sorted(set(person_ids))
    for table in READ_MODEL:
        if ids is None:
            session.execute(sa.delete(table).where(table.topic_id == topic.id))
        else:
            for chunk in _chunks(ids, _DELETE_CHUNK):
                session.execute(sa.delete(table).where(table.topic_id == topic.id,
                                                       table.person_id.in_(chunk)))
    if ids == []:
        return Refreshed(topic.slug, 0, 0)
    records = evidence_for_people(session, ids, topic)
    periods: list[dict[str, Any]] = []
    shifts: list[dict[str, Any]] = []
    contradictions: list[dict[str, Any]] = []
    for person_id in sorted(records):
        person_records = records[person_id]
        if not any(r.item.stance is not None for r in person_records):
            continue
        timeline = build_timeline([r.item for r in person_records], scale)
        p, s, c = timeline_rows(person_id, topic.id, timeline, person_records, scale)  # type: ignore[arg-type]
        periods += p
        shifts += s
        contradictions += c
    _insert(session, StancePeriod, periods)
    _insert(session, StanceShift, shifts)
    _insert(session, StanceContradiction, contradictions)
    return Refreshed(topic.slug, len(records) if ids is None else len(ids), len(periods))


def rebuild(session: Session, topic: str | None = None) -> list[Refreshed]:
    """Recompute every stance (on one topic, or all) and record the scale each was built with."""
    statement = select(Topic).order_by(Topic.slug)
    if topic is not None:
        statement = statement.where(Topic.slug == topic)
    done = []
    for row in session.exec(statement).all():
        done.append(refresh(session, row, None))
        session.execute(sa.update(Topic).where(Topic.id == row.id)
                        .values(scale_digest=scale_digest(row.slug)))
    return done


def stale_topics(session: Session) -> list[str]:
    """Topics whose stances were built with another version of their scale, or never."""
    return [t.slug for t in session.exec(select(Topic).order_by(Topic.slug)).all()
            if (DATA_DIR / "topics" / f"{t.slug}.toml").exists() and t.scale_digest != scale_digest(t.slug)]


def ensure_current(session: Session) -> list[Refreshed]:
    """Rebuild the topics whose scale changed since their stances were built."""
    done = []
    for slug in stale_topics(session):
        done += rebuild(session, slug)
    return done

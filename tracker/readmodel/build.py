"""Keep the stance read model: run the engine for some people (or everyone) and
store their periods, shifts and contradictions, replacing what was there."""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.config import DATA_DIR
from tracker.models import StanceContradiction, StancePeriod, StanceShift, Topic
from tracker.prose.stances import contradiction_text
from tracker.readmodel.evidence import (
    EvidenceRecord,
    evidence_dict,
    evidence_for_people,
    id_chunks,
    scale_for,
)
from tracker.stance import Scale, Timeline, build_timeline

READ_MODEL = (StancePeriod, StanceShift, StanceContradiction)
_BATCH = 5000
_SHARDS_PER_WORKER = 5


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
               # The period before any evidence (seq 0) is not stored: readers add it (view.periods_of).
               for seq, iv in enumerate(timeline.intervals) if seq > 0]
    shifts = [{"topic_id": topic_id, "person_id": person_id, "shift_date": s.date,
               "from_stance": s.from_stance, "to_stance": s.to_stance,
               "evidence": [i.id for i in s.evidence]} for s in timeline.shifts]
    contradictions = [{"topic_id": topic_id, "person_id": person_id, "kind": c.kind,
                       "said_id": c.said.id, "said_date": c.said.date, "did_id": c.did.id,
                       "did_date": c.did.date, "description": contradiction_text(c, scale)}
                      for c in timeline.contradictions]
    return periods, shifts, contradictions


@dataclass(frozen=True)
class _Encoded:
    """Rows of one read-model table, encoded for the driver (JSON as text; dates as text on SQLite)."""

    columns: tuple[str, ...]
    values: list[tuple[Any, ...]]


_JSON = json.JSONEncoder(check_circular=False, separators=(",", ":")).encode


def _encode(table: type, rows: list[dict[str, Any]], sqlite: bool) -> _Encoded:
    if not rows:
        return _Encoded((), [])
    columns = tuple(rows[0])
    types = {c.name: c.type for c in table.__table__.columns}  # type: ignore[attr-defined]
    convert = [(index, _JSON if isinstance(types[name], sa.JSON) else _iso)
               for index, name in enumerate(columns)
               if isinstance(types[name], sa.JSON) or (sqlite and isinstance(types[name], sa.Date))]
    get = itemgetter(*columns)
    values = []
    for row in rows:
        value = list(get(row))
        for index, function in convert:
            if value[index] is not None:
                value[index] = function(value[index])
        values.append(tuple(value))
    return _Encoded(columns, values)


def _iso(value: date) -> str:
    return value.isoformat()


def _write(session: Session, table: type, rows: _Encoded) -> None:
    """The driver's executemany: at national scale SQLAlchemy's per-value processing would
    cost more than the engine itself."""
    if not rows.values:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # COPY: several times faster than executemany on PostgreSQL.
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {table.__tablename__} ({', '.join(rows.columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for values in rows.values:
                copy.write_row(values)
        return
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {table.__tablename__} ({', '.join(rows.columns)}) "  # type: ignore[attr-defined]
           f"VALUES ({', '.join([marker] * len(rows.columns))})")
    for start in range(0, len(rows.values), _BATCH):
        connection.exec_driver_sql(sql, rows.values[start:start + _BATCH])


def _compute(records: Mapping[int, list[EvidenceRecord]], person_ids: Sequence[int], topic_id: int,
             scale: Scale, sqlite: bool) -> tuple[_Encoded, _Encoded, _Encoded]:
    """Run the engine for these people and encode their rows (pure: safe in a worker process)."""
    periods: list[dict[str, Any]] = []
    shifts: list[dict[str, Any]] = []
    contradictions: list[dict[str, Any]] = []
    for person_id in person_ids:
        person_records = records[person_id]
        timeline = build_timeline([r.item for r in person_records], scale)
        p, s, c = timeline_rows(person_id, topic_id, timeline, person_records, scale)
        periods += p
        shifts += s
        contradictions += c
    return (_encode(StancePeriod, periods, sqlite), _encode(StanceShift, shifts, sqlite),
            _encode(StanceContradiction, contradictions, sqlite))


def _rebuild_shard(job: tuple[str, int, int, int]) -> tuple[int, tuple[_Encoded, _Encoded, _Encoded]]:
    """In a forked worker: load and compute the people whose id is k modulo n, through a
    connection of its own (the parent's transaction has only deleted read-model rows)."""
    url, topic_id, k, n = job
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with Session(engine) as session:
            topic = session.get(Topic, topic_id)
            assert topic is not None
            return _load_and_compute(session, topic, None, engine.dialect.name == "sqlite", (k, n))
    finally:
        engine.dispose()


def _load_and_compute(session: Session, topic: Topic, ids: Sequence[int] | None, sqlite: bool,
                      shard: tuple[int, int] | None = None
                      ) -> tuple[int, tuple[_Encoded, _Encoded, _Encoded]]:
    records = evidence_for_people(session, ids, topic, shard=shard)
    with_stance = [pid for pid in sorted(records) if any(r.item.stance is not None for r in records[pid])]
    people = len(records) if ids is None else len(ids)
    return people, _compute(records, with_stance, topic.id, scale_for(topic.slug), sqlite)  # type: ignore[arg-type]


def _delete(session: Session, topics: Sequence[Topic], ids: Sequence[int] | None, everything: bool) -> None:
    connection = session.connection()  # Core statements: the ORM's bulk-delete bookkeeping costs more here
    for table in READ_MODEL:
        if everything:
            # Every topic at once: one DELETE without WHERE (SQLite empties the table
            # without visiting its rows). Readers still see the old rows until commit.
            connection.execute(sa.delete(table))
        elif ids is None:
            connection.execute(sa.delete(table).where(table.topic_id.in_([t.id for t in topics])))
        else:
            for topic in topics:
                for chunk in id_chunks(ids):
                    connection.execute(sa.delete(table).where(table.topic_id == topic.id,
                                                              table.person_id.in_(chunk)))


def _store(session: Session, topic: Topic, parts: Iterable[tuple[int, tuple[_Encoded, _Encoded, _Encoded]]]
           ) -> Refreshed:
    """Write each part as it comes (from a worker, perhaps still computing the next)."""
    people = written = 0
    for count, (periods, shifts, contradictions) in parts:
        _write(session, StancePeriod, periods)
        _write(session, StanceShift, shifts)
        _write(session, StanceContradiction, contradictions)
        people += count
        written += len(periods.values)
    return Refreshed(topic.slug, people, written)


def _refresh_all(session: Session, topics: Sequence[Topic], processes: int, everything: bool
                 ) -> list[Refreshed]:
    """Everyone on ``topics``; with ``processes`` > 1 every topic's people are loaded and
    computed in that many forked workers at once, each a share of the people."""
    _delete(session, topics, None, everything)
    sqlite = session.connection().dialect.name == "sqlite"
    if processes <= 1 or "fork" not in mp.get_all_start_methods():
        return [_store(session, topic, [_load_and_compute(session, topic, None, sqlite)]) for topic in topics]
    url = session.get_bind().url.render_as_string(hide_password=False)
    # More shards than workers: the parent writes each shard while the workers compute the next.
    n = processes * _SHARDS_PER_WORKER
    jobs = [(url, topic.id, k, n) for topic in topics for k in range(n)]
    done = []
    with mp.get_context("fork").Pool(processes) as pool:
        shards = pool.imap(_rebuild_shard, jobs, chunksize=1)
        for topic in topics:
            done.append(_store(session, topic, (next(shards) for _k in range(n))))
    return done


def refresh(session: Session, topic: Topic, person_ids: Collection[int] | None = None,
            processes: int = 1) -> Refreshed:
    """Recompute the read model of ``person_ids`` (``None``: everyone) on ``topic``.

    People with no evidence that sets a stance get no rows: readers show the
    scale's default, "no recorded position", for them. With ``processes`` > 1 a rebuild
    of everyone loads and computes in that many forked workers, each a share of the people.
    """
    if person_ids is None:
        return _refresh_all(session, [topic], processes, everything=False)[0]
    ids = sorted(set(person_ids))
    _delete(session, [topic], ids, everything=False)
    if not ids:
        return Refreshed(topic.slug, 0, 0)
    sqlite = session.connection().dialect.name == "sqlite"
    return _store(session, topic, [_load_and_compute(session, topic, ids, sqlite)])


def rebuild(session: Session, topic: str | None = None, processes: int = 1) -> list[Refreshed]:
    """Recompute every stance (on one topic, or all) and record the scale each was built with."""
    statement = select(Topic).order_by(Topic.slug)
    if topic is not None:
        statement = statement.where(Topic.slug == topic)
    topics = list(session.exec(statement).all())
    if not topics:
        return []
    done = _refresh_all(session, topics, processes, everything=topic is None)
    for row in topics:
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

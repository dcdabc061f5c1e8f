"""A copy of the database as it stood at a moment: the data behind a page "as of" a day.

1. Copy the database into a new SQLite file (``VACUUM INTO`` from SQLite; table by table
   from PostgreSQL).
2. Undo every change set committed after the moment: each record touched later is put
   back as its first later revision found it (deleted when that revision created it).
3. Leave out what is dated after the day (evidence, divisions and their votes, decisions,
   early day motions, elections, campaigns, replies); a seat, a party membership or an
   area that ended later was still current then.
4. Rebuild the stance read model on what is left.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, SQLModel

from tracker import migrate
from tracker.asof.moment import AsOf
from tracker.db import make_engine
from tracker.models import ChangeSet, DataVersion
from tracker.readmodel.build import READ_MODEL, rebuild
from tracker.revisions import MODELS, PRIVATE_TABLES, values_from_json

_BATCH = 2_000
# Tables never copied: the postcode cache is refilled as asked; the read model is rebuilt.
_NOT_COPIED = frozenset({"postcode_lookup", "alembic_version"}) | {
    t.__tablename__ for t in READ_MODEL}  # type: ignore[attr-defined]


def build(source: Engine, path: Path, asof: AsOf) -> Path:
    """Write the database as it stood at ``asof`` to ``path`` (a SQLite file), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    try:
        _copy(source, partial)
        engine = make_engine(f"sqlite:///{partial}")
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
                connection.commit()
                with connection.begin():
                    _undo_after(connection, asof.moment)
                    _leave_out_after(connection, asof.day)
                    connection.execute(sa.update(DataVersion).where(DataVersion.id == 1)
                                       .values(changed_at=asof.moment))
            with Session(engine) as session:
                rebuild(session)
                session.commit()
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode = DELETE")  # one file to rename
                connection.commit()
        finally:
            engine.dispose()
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
    return path


# -- 1. copy ------------------------------------------------------------------------

def _copy(source: Engine, target: Path) -> None:
    if source.dialect.name == "sqlite":
        with source.connect() as connection:
            connection.exec_driver_sql("VACUUM INTO ?", (str(target),))
        return
    engine = make_engine(f"sqlite:///{target}")
    try:
        migrate.upgrade(engine)
        with source.connect() as reading, engine.connect() as writing:
            writing.exec_driver_sql("PRAGMA foreign_keys = OFF")
            writing.commit()
            with writing.begin():
                for table in SQLModel.metadata.sorted_tables:
                    if table.name in _NOT_COPIED:
                        continue
                    writing.execute(table.delete())  # rows a migration made (the data version)
                    for rows in _batches(reading, table):
                        writing.execute(table.insert(), rows)
    finally:
        engine.dispose()


def _batches(connection: Connection, table: sa.Table) -> Iterator[list[dict[str, Any]]]:
    result = connection.execution_options(stream_results=True, yield_per=_BATCH).execute(
        sa.select(table).order_by(*table.primary_key.columns))
    for partition in result.mappings().partitions():
        yield [dict(row) for row in partition]


# -- 2. undo what came later ----------------------------------------------------------

_LATE = "(SELECT id FROM change_set WHERE committed_at IS NULL OR committed_at > :moment)"


def _undo_after(connection: Connection, moment: datetime) -> None:
    """Put every record touched after ``moment`` back as its first later revision found it."""
    firsts = connection.execute(_late(
        "SELECT table_name, record_id, before FROM revision WHERE id IN ("
        " SELECT min(id) FROM revision WHERE change_set_id IN :late"
        " GROUP BY table_name, record_id) ORDER BY table_name, record_id"), {"moment": moment}).all()
    by_table: dict[str, list[tuple[int, Any]]] = {}
    for table_name, record_id, before in firsts:
        if table_name in PRIVATE_TABLES or table_name not in MODELS:
            continue  # accounts are not shown as of a day; their revisions hold no secrets
        by_table.setdefault(table_name, []).append((record_id, _loaded(before)))
    for table_name, records in by_table.items():
        model = MODELS[table_name]
        table: sa.Table = model.__table__  # type: ignore[attr-defined]
        ids = [record_id for record_id, _ in records]
        for chunk in _chunks(ids):
            connection.execute(table.delete().where(table.c.id.in_(chunk)))
        earlier = [values_from_json(model, before) for _, before in records if before is not None]
        for chunk in _chunks(earlier):
            connection.execute(table.insert(), chunk)
    connection.execute(_late("DELETE FROM revision WHERE change_set_id IN :late"), {"moment": moment})
    connection.execute(_late("DELETE FROM change_set WHERE id IN :late"), {"moment": moment})


def _loaded(before: Any) -> dict[str, Any] | None:
    """A revision's JSON as the text query returns it (a string on SQLite)."""
    return json.loads(before) if isinstance(before, str) else before


def _late(sql: str) -> sa.TextClause:
    """A statement on the change sets committed after ``:moment`` (bound as the column stores it)."""
    return sa.text(sql.replace(":late", _LATE)).bindparams(
        sa.bindparam("moment", type_=ChangeSet.__table__.c.committed_at.type))  # type: ignore[attr-defined]


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# -- 3. leave out what is dated later -------------------------------------------------

_DATED_LATER = (
    # Records dated after the day, and what hangs on them.
    "DELETE FROM reply WHERE replied_on > :day"
    " OR evidence_id IN (SELECT id FROM evidence WHERE evidence_date > :day)",
    "DELETE FROM evidence WHERE evidence_date > :day",
    "DELETE FROM evidence WHERE pledge_id IN (SELECT id FROM pledge WHERE launched_on > :day)",
    "DELETE FROM pledge WHERE launched_on > :day",
    "DELETE FROM vote_source WHERE vote_id IN (SELECT v.id FROM vote v"
    " JOIN division d ON d.id = v.division_id WHERE d.division_date > :day)",
    "DELETE FROM vote WHERE division_id IN (SELECT id FROM division WHERE division_date > :day)",
    "DELETE FROM whip WHERE division_id IN (SELECT id FROM division WHERE division_date > :day)",
    "DELETE FROM division WHERE division_date > :day",
    "DELETE FROM decision WHERE decision_date > :day",
    "DELETE FROM edm_signature WHERE edm_id IN (SELECT id FROM edm WHERE tabled_on > :day)",
    "DELETE FROM edm WHERE tabled_on > :day",
    "DELETE FROM candidacy WHERE election_id IN (SELECT id FROM election WHERE election_date > :day)",
    "DELETE FROM election WHERE election_date > :day",
    "DELETE FROM membership WHERE start_date > :day",
    "DELETE FROM affiliation WHERE start_date > :day",
    # What ended later was still current on the day.
    "UPDATE edm_signature SET withdrawn_on = NULL WHERE withdrawn_on > :day",
    "UPDATE membership SET end_date = NULL, end_reason = NULL WHERE end_date > :day",
    "UPDATE affiliation SET end_date = NULL WHERE end_date > :day",
    "UPDATE area SET valid_to = NULL WHERE valid_to > :day",
    "UPDATE pledge SET closes_on = NULL WHERE closes_on > :day",
    # Pages as of a day are read-only: nothing there uses links, claims, uploads or locks.
    "DELETE FROM pledge_link", "DELETE FROM claim", "DELETE FROM upload", "DELETE FROM invitation",
    "DELETE FROM record_lock",
)


def _leave_out_after(connection: Connection, day: date) -> None:
    for statement in _DATED_LATER:
        connection.execute(sa.text(statement), {"day": day.isoformat()})

"""The dump's rows, read from the database and written as CSV or NDJSON, row by row.

Every table is one query ordered by its primary key, read a batch at a time (a
server-side cursor on PostgreSQL), so a table of a million votes never sits in memory.
Only public rows and columns are read (:mod:`tracker.dataset.tables` says which).
A whole dump reads every table in one transaction (:func:`snapshot`): its files agree
with each other even while the site is being written to.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

import tracker.models  # noqa: F401  (the tables' metadata)
from tracker.dataset.cells import json_value_converters, text_converters
from tracker.dataset.tables import BY_NAME, TABLES, DumpTable
from tracker.revisions import PRIVATE_TABLES, without_user_ids

BATCH = 2000  # rows fetched at a time
CHUNK = 65_536  # characters written out at a time


def db_table(name: str) -> sa.Table:
    return SQLModel.metadata.tables[name]


# Tables whose rows cite a source (a source cited by a public row is public).
_CITING = tuple(t for t in TABLES if any(fk.column == "source_id" for fk in t.foreign_keys))


def redact_state(state: dict[str, Any] | None) -> dict[str, Any] | None:
    """A record as a revision stored it, without what the dump leaves out: user ids, and the
    review reason of a state that was not approved (a rejection's reason is for the submitter)."""
    out = without_user_ids(state)
    if out is None:
        return None
    if "review_reason" in out and out.get("status") != "approved":
        out["review_reason"] = None
    return out


# -- which rows -------------------------------------------------------------------------------

def _row_filter(name: str) -> list[sa.ColumnElement[bool]]:
    """Conditions for a row of ``name`` to be public (sources are handled apart)."""
    t = db_table(name)
    if name == "evidence":
        return [t.c.status == "approved"]
    if name == "reply":
        evidence = db_table("evidence")
        return [t.c.status == "approved",
                sa.or_(t.c.evidence_id.is_(None), t.c.evidence_id.in_(
                    sa.select(evidence.c.id).where(evidence.c.status == "approved")))]
    if name == "revision":
        return [t.c.public.is_(True), t.c.table_name.not_in(sorted(PRIVATE_TABLES))]
    if name == "change_set":
        revision = db_table("revision")
        return [sa.exists().where(revision.c.change_set_id == t.c.id, revision.c.public.is_(True),
                                  revision.c.table_name.not_in(sorted(PRIVATE_TABLES)))]
    return []


def private_sources(connection: Connection) -> list[int]:
    """Sources no one may see yet: recorded only by revisions that are not public (the source
    of a submission waiting for review, or rejected) and cited by no public row."""
    source, revision = db_table("source"), db_table("revision")
    of_source = (revision.c.table_name == "source", revision.c.record_id == source.c.id)
    candidates = set(connection.execute(
        sa.select(source.c.id).where(sa.exists().where(*of_source),
                                     ~sa.exists().where(*of_source, revision.c.public.is_(True)))).scalars())
    if not candidates:
        return []
    for table in _CITING:
        t = db_table(table.name)
        cited = connection.execute(sa.select(t.c.source_id).distinct().where(
            t.c.source_id.in_(sorted(candidates)), *_row_filter(table.name))).scalars()
        candidates.difference_update(cited)
        if not candidates:
            return []
    return sorted(candidates)


def query(table: DumpTable, hidden_sources: Sequence[int] = ()) -> sa.Select[Any]:
    """The table's public rows and columns, ordered by primary key."""
    t = db_table(table.name)
    statement = sa.select(*(t.c[name] for name in table.column_names)).where(*_row_filter(table.name))
    if table.name == "source" and hidden_sources:
        statement = statement.where(t.c.id.not_in(list(hidden_sources)))
    return statement.order_by(*(t.c[name] for name in table.primary_key))


def rows(connection: Connection, table: DumpTable, hidden_sources: Sequence[int] | None = None
         ) -> Iterator[Sequence[Sequence[Any]]]:
    """The table's rows as stored (revisions redacted), a batch at a time."""
    if hidden_sources is None:
        hidden_sources = private_sources(connection) if table.name == "source" else ()
    statement = query(table, hidden_sources)
    if table.name in PLAIN:
        yield from _driver_rows(connection, statement, table.name)
        return
    # yield_per on the statement (Connection.execution_options would change the connection).
    result = connection.execute(statement.execution_options(yield_per=BATCH))
    try:
        redact = [i for i, name in enumerate(table.column_names) if name in ("before", "after")] \
            if table.name == "revision" else []
        for batch in result.partitions(BATCH):
            if redact:
                batch = [_redacted(row, redact) for row in batch]
            yield batch
    finally:
        result.close()


# Tables of numbers, texts and booleans only: read through the driver's own cursor, whose values
# need no processing (a million votes a second faster than through SQLAlchemy's rows).
PLAIN = frozenset(t.name for t in TABLES if not t.json and all(
    c.type in ("integer", "number", "string", "url", "boolean") for c in t.columns))


def _driver_rows(connection: Connection, statement: sa.Select[Any], name: str
                 ) -> Iterator[Sequence[Sequence[Any]]]:
    """Rows from the driver's cursor, in the connection's transaction (a server-side cursor on
    PostgreSQL). A SQLite boolean comes as 0 or 1."""
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    driver = connection.connection.driver_connection
    postgres = connection.dialect.name == "postgresql"
    cursor = driver.cursor(name=f"dump_{name}") if postgres else driver.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(BATCH):
            yield batch
    finally:
        cursor.close()


def _redacted(row: Sequence[Any], indexes: list[int]) -> list[Any]:
    values = list(row)
    for i in indexes:
        values[i] = redact_state(values[i])
    return values


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see the database as it was at their first read."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ",
                                                      postgresql_readonly=True)
            with connection.begin():
                yield connection
            return
        if connection.dialect.name == "sqlite":
            # pysqlite opens no transaction for reads: open one, so every table is read from the
            # same snapshot (WAL); the connection's rollback on return ends it.
            connection.exec_driver_sql("BEGIN")
        yield connection


# -- CSV and NDJSON ------------------------------------------------------------------------------

def csv_chunks(connection: Connection, table: DumpTable, hidden_sources: Sequence[int] | None = None
               ) -> Iterator[bytes]:
    """The table as CSV (RFC 4180: CRLF line ends, quotes only where needed), UTF-8 bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.column_names)
    converters = text_converters(table)
    for batch in rows(connection, table, hidden_sources):
        if converters:
            batch = [_converted(row, converters) for row in batch]
        writer.writerows(batch)
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _converted(row: Sequence[Any], converters: list[tuple[int, Any]]) -> list[Any]:
    values = list(row)
    for index, convert in converters:
        value = values[index]
        if value is not None:
            values[index] = convert(value)
    return values


def ndjson_chunks(connection: Connection, table: DumpTable) -> Iterator[bytes]:
    """The table as newline-delimited JSON: one object per row, keyed by column, in column order."""
    template = "{" + ",".join(f"{json.dumps(n)}:%s" for n in table.column_names) + "}\n"
    converters = json_value_converters(table)
    parts: list[str] = []
    size = 0
    for batch in rows(connection, table):
        for row in batch:
            values = list(row)
            for index, convert in converters:
                values[index] = convert(values[index])
            line = template % tuple(values)
            parts.append(line)
            size += len(line)
        if size >= CHUNK:
            yield "".join(parts).encode()
            parts, size = [], 0
    yield "".join(parts).encode()


def created(connection: Connection) -> datetime | None:
    """When the data last changed: the newest public change set's commit (the package's
    ``created``; the same data always gives the same dump)."""
    change_set = db_table("change_set")
    return connection.execute(sa.select(sa.func.max(change_set.c.committed_at))
                              .where(*_row_filter("change_set"))).scalar()


def records_began(connection: Connection) -> datetime | None:
    """When the site's records began (the first load's commit; pages "as of" an earlier day
    show what that load held): carried by the package so a loaded dump keeps it."""
    data_version = db_table("data_version")
    if "records_began_at" not in data_version.c:
        return None
    return connection.execute(sa.select(data_version.c.records_began_at)
                              .where(data_version.c.id == 1)).scalar()


def table(name: str) -> DumpTable:
    """A dump table by name (KeyError if there is none)."""
    return BY_NAME[name]


"""Load a dump into an empty database (``tracker import dump DIR``).

The caller gives one session: everything happens in its transaction, so a refusal
leaves the database as it was. In order:

1. ``datapackage.json`` must describe this version's tables (names, files, fields and
   their types, keys); the database must be empty (migrated, nothing loaded).
2. Every file is read row by row and checked against its schema: the header, the
   number of cells, each cell's type and allowed values, that no required cell is
   empty, primary keys in increasing order (each once), and every foreign key pointing
   at a row loaded before. Each problem names the file and line (a line of the file, 1
   being the header). Rows go in with the driver's executemany (COPY on PostgreSQL), a
   batch at a time, until the first problem; the problems are then reported together.
3. The stance read model is rebuilt from what was loaded (``tracker.readmodel``) and
   compared with the dump's stance tables; when they agree, the dump's rows (with their
   ids) replace the rebuilt ones, so dumping again gives the same files.
"""

from __future__ import annotations

import csv
import hashlib
import json
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel, select

from tracker.dataset.cells import CellError, json_checker, json_text, parse_moment, parser, text_converters
from tracker.dataset.export import db_table, rows
from tracker.dataset.package import FILENAME, RECORDS_BEGAN, required_columns, schema
from tracker.dataset.tables import BY_NAME, READ_MODEL_TABLES, TABLES, DumpTable
from tracker.models import Topic
from tracker.readmodel import refresh
from tracker.readmodel.build import scale_digest

BATCH = 5000
REBUILD_PEOPLE = 250  # people whose stances are worked out at a time
MAX_PROBLEMS = 25
# Tables a freshly migrated database already has rows in, or that a dump never fills.
_IGNORED_WHEN_EMPTY = frozenset({"data_version", "postcodelookup"})
_FIELD_LIMIT = 1 << 28  # the largest cell read (the csv module's default is 128 KiB)


class DumpError(Exception):
    """The dump cannot be loaded; ``problems`` says where and why (nothing was written)."""

    def __init__(self, summary: str, problems: Sequence[str] = ()) -> None:
        self.summary = summary
        self.problems = list(problems)
        super().__init__("\n".join([summary, *(f"  {p}" for p in self.problems)]))


@dataclass
class Loaded:
    """What a load did."""

    rows: dict[str, int] = field(default_factory=dict)
    stances_checked: bool = False  # the rebuilt read model matched the dump's
    stances_rebuilt: bool = False  # the dump's stance tables differed; the rebuilt ones were kept


# -- the package --------------------------------------------------------------------------------

def read_package(directory: Path) -> dict[str, Any]:
    """``datapackage.json``, checked against this version's tables."""
    path = directory / FILENAME
    if not path.is_file():
        raise DumpError(f"{path} is missing: is {directory} a dump made by `tracker export dump`?")
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DumpError(f"{path} is not valid JSON ({exc})") from None
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        raise DumpError(f"{path} is not a data package: it has no list of resources")
    problems = []
    resources = {r.get("name"): r for r in package["resources"] if isinstance(r, dict)}
    for name in resources.keys() - BY_NAME.keys():
        problems.append(f"{FILENAME}: resource {name!r} is not a table of this version of the tracker")
    for table in TABLES:
        found = resources.get(table.name)
        if found is None:
            problems.append(f"{FILENAME}: resource {table.name!r} is missing")
            continue
        if found.get("path") != table.filename:
            problems.append(f"{FILENAME}: resource {table.name!r} must be the file {table.filename}, "
                            f"not {found.get('path')!r}")
        problems += _schema_problems(table, found.get("schema"))
    if problems:
        raise DumpError(f"{path} does not describe the tables this version of the tracker loads:", problems)
    return package


def _schema_problems(table: DumpTable, given: Any) -> list[str]:
    where = f"{FILENAME}: resource {table.name!r}"
    if not isinstance(given, dict) or not isinstance(given.get("fields"), list):
        return [f"{where} has no schema fields"]
    expected = schema(table, required_columns(table))
    want = [(f["name"], f["type"]) for f in expected["fields"]]
    have = [(f.get("name"), f.get("type")) for f in given["fields"] if isinstance(f, dict)]
    problems = []
    if have != want:
        problems.append(f"{where}: its fields ({', '.join(f'{n} {t}' for n, t in have)}) are not this "
                        f"version's ({', '.join(f'{n} {t}' for n, t in want)})")
    for key in ("primaryKey", "foreignKeys", "missingValues"):
        if given.get(key) != expected[key]:
            problems.append(f"{where}: its {key} is {given.get(key)!r}, not {expected[key]!r}")
    return problems


# -- the target -------------------------------------------------------------------------------

def non_empty_tables(connection: Connection) -> list[str]:
    """Tables of the database that hold rows (a fresh migration leaves only data_version's)."""
    found = []
    for name, table in sorted(SQLModel.metadata.tables.items()):
        if name in _IGNORED_WHEN_EMPTY:
            continue
        if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is not None:
            found.append(name)
    return found


# -- reading a file -----------------------------------------------------------------------------

class _Ids:
    """The ids of a table, in increasing order: a foreign key is checked by bisection."""

    def __init__(self) -> None:
        self.values = array("q")

    def add(self, value: int) -> None:
        self.values.append(value)

    def __contains__(self, value: int) -> bool:
        i = bisect_left(self.values, value)
        return i < len(self.values) and self.values[i] == value


_REFERENCED = frozenset(fk.table for t in TABLES for fk in t.foreign_keys)


class _Loader:
    def __init__(self, session: Session, directory: Path) -> None:
        self.session = session
        self.connection = session.connection()
        self.dialect = self.connection.dialect
        self.directory = directory
        self.problems: list[str] = []
        self.ids: dict[str, _Ids] = {}
        self.unreadable: set[str] = set()
        self._processors: dict[str, list[tuple[int, Callable[[Any], Any]]]] = {}
        self.loaded = Loaded()

    def problem(self, text: str) -> None:
        self.problems.append(text)

    @property
    def full(self) -> bool:
        return len(self.problems) >= MAX_PROBLEMS

    # Reading ------------------------------------------------------------------------------

    def records(self, table: DumpTable) -> Iterator[tuple[int, list[Any]]]:
        """(line, values) of each row of the table's file that passes its checks; problems
        are noted as they are found."""
        path = self.directory / table.filename
        name = table.filename
        if not path.is_file():
            self.problem(f"{name}: the file is missing")
            self.unreadable.add(table.name)
            return
        names = table.column_names
        # JSON cells are checked and kept as text (stored as they are).
        parsers = [json_checker(table.json[n]) if n in table.json else parser(table, n) for n in names]
        stored = db_table(table.name).c
        # An empty cell is null where the database allows it; else an empty text, or a problem.
        empty = [None if stored[n].nullable else "" if _is_text(table, n) else _REQUIRED for n in names]
        allowed = [frozenset(table.column(n).values or ()) if table.column(n).type != "boolean"
                   else frozenset() for n in names]
        # Keys into a table whose file could not be read are not checked (that file is reported).
        # Each value found is remembered: a million votes name a few thousand people.
        checks = [(names.index(fk.column), fk, self.ids[fk.table], set()) for fk in table.foreign_keys
                  if fk.table != table.name and fk.table not in self.unreadable]
        self_checks = [(names.index(fk.column), fk) for fk in table.foreign_keys if fk.table == table.name]
        pending_self: list[tuple[int, str, int]] = []
        key = names.index(table.primary_key[0])
        keep = self.ids.setdefault(table.name, _Ids()) if table.name in _REFERENCED else None
        previous: int | None = None
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            line = 1
            try:
                header = next(reader, None)
                if header != names:
                    self._header_problem(name, header, names)
                    self.unreadable.add(table.name)
                    return
                for cells in reader:
                    start, line = line + 1, reader.line_num
                    if len(cells) != len(names):
                        self.problem(f"{name}, line {start}: {len(cells)} cells, where the header has "
                                     f"{len(names)}")
                        if self.full:
                            return
                        continue
                    values, bad = self._values(name, start, names, cells, parsers, empty, allowed)
                    if not bad:
                        ident = values[key]
                        if ident is None or (previous is not None and ident <= previous):
                            self.problem(f"{name}, line {start}: {table.primary_key[0]} {cells[key]!r} does "
                                         f"not follow {previous} (rows are in increasing order of "
                                         f"{table.primary_key[0]}, each once)")
                            bad = True
                        else:
                            previous = ident
                            if keep is not None:
                                keep.add(ident)
                    if not bad:
                        for index, fk, known, verified in checks:
                            value = values[index]
                            if value is None or value in verified:
                                continue
                            if value in known:
                                verified.add(value)
                            else:
                                self.problem(f"{name}, line {start}: {fk.column} {value} is not the "
                                             f"{fk.target} of a row of {fk.table}.csv")
                                bad = True
                        for index, fk in self_checks:
                            if values[index] is not None:
                                pending_self.append((start, fk.column, values[index]))
                    if self.full:
                        return
                    if not bad:
                        yield start, values
            except csv.Error as exc:
                self.problem(f"{name}, line {line + 1}: the file is not valid CSV ({exc})")
                return
            except UnicodeDecodeError:
                self.problem(f"{name}, near line {line + 1}: the file is not UTF-8 text")
                return
        known_self = self.ids.get(table.name)
        for start, column, value in pending_self:
            if known_self is None or value not in known_self:
                self.problem(f"{name}, line {start}: {column} {value} is not the id of a row of {name}")
                if self.full:
                    return

    def _header_problem(self, name: str, header: list[str] | None, names: list[str]) -> None:
        if header is None:
            self.problem(f"{name}: the file is empty (it needs at least its header line)")
            return
        missing = [n for n in names if n not in header]
        extra = [h for h in header if h not in names]
        parts = []
        if missing:
            parts.append(f"it lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        if extra:
            verb = "are not columns" if len(extra) > 1 else "is not a column"
            parts.append(f"{', '.join(repr(e) for e in extra)} {verb} of this table")
        if not parts:
            parts.append("its columns are in another order")
        self.problem(f"{name}, line 1: the header is not {', '.join(names)}: {'; '.join(parts)}")

    def _values(self, name: str, line: int, names: list[str], cells: list[str],
                parsers: list[Callable[[str], Any]], empty: list[Any], allowed: list[frozenset[str]]
                ) -> tuple[list[Any], bool]:
        values: list[Any] = []
        bad = False
        for i, cell in enumerate(cells):
            if cell == "":
                if empty[i] is _REQUIRED:
                    self.problem(f"{name}, line {line}: {names[i]} is empty, and it is required")
                    bad = True
                    values.append(None)
                else:
                    values.append(empty[i])
                continue
            if allowed[i] and cell not in allowed[i]:
                self.problem(f"{name}, line {line}: {names[i]} {cell!r} is not one of "
                             f"{', '.join(sorted(allowed[i]))}")
                bad = True
                values.append(None)
                continue
            try:
                values.append(parsers[i](cell))
            except CellError as exc:
                self.problem(f"{name}, line {line}: {names[i]}: {exc}")
                bad = True
                values.append(None)
        return values, bad

    # Writing ------------------------------------------------------------------------------

    def insert(self, table: DumpTable, batch: list[list[Any]]) -> None:
        if not batch:
            return
        t = db_table(table.name)
        names = table.column_names
        if self.dialect.name == "postgresql":
            self._copy(t, names, batch)
            return
        processors = self._processors.get(table.name)
        if processors is None:
            # What SQLAlchemy does to each value on its way to the driver (dates as text on SQLite);
            # JSON cells are already text.
            processors = self._processors[table.name] = [
                (i, p) for i, n in enumerate(names)
                if n not in table.json and (p := t.c[n].type.bind_processor(self.dialect)) is not None]
        values = []
        for row in batch:
            for i, process in processors:
                if row[i] is not None:
                    row[i] = process(row[i])
            values.append(tuple(row))
        marker = "?" if self.dialect.paramstyle == "qmark" else "%s"
        columns = ", ".join(f'"{n}"' for n in names)
        self.connection.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({columns}) VALUES ({", ".join([marker] * len(names))})', values)

    def _copy(self, t: sa.Table, names: list[str], batch: list[list[Any]]) -> None:
        cursor = self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        columns = ", ".join(f'"{n}"' for n in names)
        with cursor.copy(f'COPY "{t.name}" ({columns}) FROM STDIN') as copy:
            for row in batch:
                copy.write_row(row)

    def load(self, table: DumpTable, *, defer: Sequence[str] = ()) -> int:
        """Check and insert a table's rows; ``defer``: columns written as null, set afterwards
        (a table pointing at itself: a row may point at a later one)."""
        names = table.column_names
        deferred = [names.index(c) for c in defer]
        later: list[tuple[int, list[Any]]] = []
        batch: list[list[Any]] = []
        count = 0
        for _line, values in self.records(table):
            count += 1
            if self.problems:
                continue  # only checking from now on
            if deferred:
                later.append((values[0], [values[i] for i in deferred]))
                for i in deferred:
                    values[i] = None
            batch.append(values)
            if len(batch) >= BATCH:
                self.insert(table, batch)
                batch = []
        if not self.problems:
            self.insert(table, batch)
            t = db_table(table.name)
            for ident, deferred_values in later:
                if any(v is not None for v in deferred_values):
                    self.connection.execute(sa.update(t).where(t.c.id == ident).values(
                        dict(zip(defer, deferred_values, strict=True))))
        return count

    def digest(self, table: DumpTable) -> tuple[int, int]:
        """(rows, an order-free digest of their cells but the id): the dump's read-model rows."""
        count = total = 0
        names = table.column_names
        # JSON cells come as checked text: written again the way the dump writes them.
        converters = [(i, c) for i, c in text_converters(table) if names[i] not in table.json]
        converters += [(names.index(n), _canonical_json) for n in table.json]
        for _line, values in self.records(table):
            count += 1
            total += _row_hash(values, names, converters)
        return count, total % (1 << 128)

    def digest_stored(self, table: DumpTable) -> tuple[int, int]:
        count = total = 0
        names = table.column_names
        converters = text_converters(table)
        for batch in rows(self.connection, table, ()):
            for row in batch:
                count += 1
                total += _row_hash(list(row), names, converters)
        return count, total % (1 << 128)


_REQUIRED = object()  # an empty cell is a problem


def _canonical_json(text: str) -> str:
    return json_text(json.loads(text))


def _is_text(table: DumpTable, name: str) -> bool:
    return table.column(name).type in ("string", "url") and name not in table.json


def _row_hash(values: list[Any], names: list[str], converters: list[tuple[int, Any]]) -> int:
    cells = list(values)
    for index, convert in converters:
        if cells[index] is not None:
            cells[index] = convert(cells[index])
    text = "\x1f".join("" if v is None else str(v) for n, v in zip(names, cells, strict=True) if n != "id")
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=16).digest(), "big")


# -- the whole load --------------------------------------------------------------------------

def load_dump(session: Session, directory: Path, *, keep_rebuilt: bool = False,
              progress: Callable[[str, int], None] | None = None) -> Loaded:
    """Load the dump in ``directory`` through ``session`` (the caller commits, or rolls back
    on DumpError). ``keep_rebuilt``: when the dump's stance tables differ from the rebuilt
    ones (a dump made by another version of the scales or the engine), keep the rebuilt ones
    instead of refusing."""
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    directory = Path(directory)
    package = read_package(directory)
    connection = session.connection()
    occupied = non_empty_tables(connection)
    if occupied:
        raise DumpError(f"the database is not empty (it holds rows in {', '.join(occupied)}): a dump "
                        "loads only into an empty, migrated database; nothing was changed")
    loader = _Loader(session, directory)
    digests: dict[str, tuple[int, int]] = {}
    for table in TABLES:
        if table.name in READ_MODEL_TABLES:
            digests[table.name] = loader.digest(table)
            loader.loaded.rows[table.name] = digests[table.name][0]
        else:
            defer = [fk.column for fk in table.foreign_keys if fk.table == table.name]
            loader.loaded.rows[table.name] = loader.load(table, defer=defer)
        if progress is not None and not loader.problems:
            progress(table.filename, loader.loaded.rows[table.name])
        if loader.full:
            break
    if loader.problems:
        more = " (the first ones; there may be more)" if loader.full else ""
        raise DumpError(f"the dump in {directory} does not match its own schema{more}; nothing was "
                        "loaded:", loader.problems)
    _check_read_model(session, loader, digests, keep_rebuilt)
    _after_load(session, package)
    return loader.loaded


def rebuild_in_parts(session: Session) -> None:
    """What ``tracker.readmodel.rebuild`` does, a few thousand people at a time: the same rows,
    in a fraction of the memory (a rebuild of everyone at once holds every vote's record)."""
    person, topic_table = db_table("person"), db_table("topic")
    connection = session.connection()
    people = list(connection.execute(sa.select(person.c.id).order_by(person.c.id)).scalars())
    for table in READ_MODEL_TABLES:
        connection.execute(sa.delete(db_table(table)))
    for topic in session.exec(select(Topic).order_by(Topic.slug)).all():
        for start in range(0, len(people), REBUILD_PEOPLE):
            refresh(session, topic, people[start:start + REBUILD_PEOPLE])
        connection.execute(sa.update(topic_table).where(topic_table.c.id == topic.id)
                           .values(scale_digest=scale_digest(topic.slug)))


def _check_read_model(session: Session, loader: _Loader, digests: dict[str, tuple[int, int]],
                      keep_rebuilt: bool) -> None:
    rebuild_in_parts(session)
    rebuilt = {name: loader.digest_stored(BY_NAME[name]) for name in READ_MODEL_TABLES}
    differ = [name for name in READ_MODEL_TABLES if rebuilt[name] != digests[name]]
    if differ:
        if keep_rebuilt:
            loader.loaded.stances_rebuilt = True
            for name in READ_MODEL_TABLES:
                loader.loaded.rows[name] = rebuilt[name][0]
            return
        detail = [f"{name}.csv: {digests[name][0]} rows in the dump, {rebuilt[name][0]} rebuilt"
                  + (", with other contents" if digests[name][0] == rebuilt[name][0] else "")
                  for name in differ]
        raise DumpError("the dump's stance tables differ from what this version of the tracker works out "
                        "from its evidence (it was made with other topic scales or another version of the "
                        "stance engine); nothing was loaded. Load it with --keep-rebuilt to keep the "
                        "stances worked out now:", detail)
    loader.loaded.stances_checked = True
    connection = session.connection()
    for name in READ_MODEL_TABLES:
        connection.execute(sa.delete(db_table(name)))
    for name in READ_MODEL_TABLES:
        loader.load(BY_NAME[name])


def _after_load(session: Session, package: dict[str, Any]) -> None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # Rows came with their ids: move each table's id sequence past them.
        for table in TABLES:
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM \"{table.name}\"")
    began = package.get(RECORDS_BEGAN)
    data_version = db_table("data_version")
    if isinstance(began, str) and "records_began_at" in data_version.c:
        try:
            moment = parse_moment(began)
        except CellError as exc:
            raise DumpError(f"{FILENAME}: {RECORDS_BEGAN}: {exc}") from None
        connection.execute(sa.update(data_version).where(data_version.c.id == 1)
                           .values(records_began_at=moment))
    # Written through the connection, not the ORM: tell the session the data changed, so its
    # commit moves the data version on (tracker/readmodel/hooks.py).
    session.info["wrote"] = True

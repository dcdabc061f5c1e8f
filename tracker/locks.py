"""One import at a time, on SQLite and PostgreSQL; and a busy SQLite database told apart.

Every import (``tracker import ...``, ``seed``, the snapshot, first-run set-up) runs in
:func:`import_session`, which holds the import lock for the whole transaction:

- PostgreSQL: a transaction-level advisory lock taken first thing in the import's own
  transaction, so its commit or rollback (or a dead connection) releases it. The holder
  names its command in ``application_name`` for that transaction, so a second import can
  say who holds the lock and since when (``pg_stat_activity.xact_start``).
- SQLite: an exclusive ``flock`` on a file beside the database (``<db>-import.lock``),
  released when the import ends or its process dies, however it dies. The file holds
  when and by which command it was taken; it is emptied, not deleted, on release
  (deleting a lock file races with a process about to lock it).

A second import is refused at once with :class:`ImportRunning`, before it reads or
writes anything.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from tracker.db import session_scope

# pg_try_advisory_xact_lock(int4, int4): a namespace ('trkr') and the lock's number.
ADVISORY_KEY = (0x74726B72, 1)
LOCKED_MESSAGE = ("the database is busy: another program is writing to it and did not finish in "
                  "time (SQLite: database is locked). Try again in a moment.")


@dataclass(frozen=True)
class Holder:
    """Who holds the import lock, as far as it can be told."""

    command: str | None = None
    started: datetime | None = None
    pid: int | None = None

    def describe(self) -> str:
        parts = []
        if self.started is not None:
            parts.append(f"started {self.started.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC")
        if self.command:
            parts.append(f"by `{self.command}`")
        if self.pid:
            parts.append(f"process {self.pid}")
        return f" ({', '.join(parts)})" if parts else ""


class ImportRunning(Exception):
    """Another import holds the lock."""

    def __init__(self, holder: Holder) -> None:
        self.holder = holder
        super().__init__(f"another import is running{holder.describe()}; "
                         "try again when it has finished")


class ImportLockError(Exception):
    """The lock itself cannot be taken (e.g. the lock file cannot be created)."""


def current_command() -> str:
    """The running command as a user would type it: 'tracker import all'."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return "tracker"
    return " ".join(["tracker", *ctx.command_path.split()[1:]])


@contextmanager
def import_session(engine: Engine, command: str) -> Iterator[Session]:
    """A session for one import, committed at the end, holding the import lock throughout."""
    if engine.dialect.name == "sqlite":
        lock_file = sqlite_lock_path(engine)
        if lock_file is None:  # an in-memory database belongs to one connection anyway
            with session_scope(engine) as session:
                yield session
            return
        with _file_lock(lock_file, command), session_scope(engine) as session:
            yield session
        return
    with session_scope(engine) as session:
        if engine.dialect.name == "postgresql":
            _advisory_lock(session, command)
        yield session


# -- SQLite: a file lock ------------------------------------------------------------------

def sqlite_lock_path(engine: Engine) -> Path | None:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).with_name(Path(database).name + "-import.lock")


@contextmanager
def _file_lock(path: Path, command: str) -> Iterator[None]:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ImportLockError(f"cannot open the import lock file {path}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportRunning(_file_holder(fd)) from None
        os.ftruncate(fd, 0)
        record = {"command": command, "started": datetime.now(UTC).isoformat(), "pid": os.getpid()}
        os.pwrite(fd, json.dumps(record).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _file_holder(fd: int) -> Holder:
    """What the holder wrote in the lock file (nothing yet if it has only just locked it)."""
    try:
        record = json.loads(os.pread(fd, 4096, 0) or b"{}")
        started = record.get("started")
        return Holder(command=record.get("command"), pid=record.get("pid"),
                      started=datetime.fromisoformat(started) if started else None)
    except (ValueError, AttributeError, TypeError):
        return Holder()


# -- PostgreSQL: an advisory lock -----------------------------------------------------------

def _advisory_lock(session: Session, command: str) -> None:
    first, second = ADVISORY_KEY
    taken = session.execute(text("SELECT pg_try_advisory_xact_lock(:a, :b)"),
                            {"a": first, "b": second}).scalar()
    if not taken:
        raise ImportRunning(_advisory_holder(session))
    # application_name holds at most 63 bytes; the setting ends with this transaction.
    name = command.encode()[:63].decode(errors="ignore")
    session.execute(text("SELECT set_config('application_name', :name, true)"), {"name": name})


def _advisory_holder(session: Session) -> Holder:
    first, second = ADVISORY_KEY
    row = session.execute(text(
        "SELECT a.application_name, a.xact_start FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 "
        "AND l.classid::bigint = :a AND l.objid::bigint = :b "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
        {"a": first, "b": second}).first()
    if row is None:  # released in the meantime, or not visible to this user
        return Holder()
    return Holder(command=row[0] or None, started=row[1])  # its pid is the server's, not the command's


# -- SQLite's "database is locked" ------------------------------------------------------------

def is_database_locked(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite giving up on a lock another connection holds."""
    error: BaseException | None = exc
    while error is not None:
        if isinstance(error, OperationalError):
            error = error.orig
            continue
        if isinstance(error, sqlite3.OperationalError):
            message = str(error).lower()
            return "database is locked" in message or "database table is locked" in message
        return False
    return False


def catch_locked_database(group: click.Group) -> None:
    """Every command of ``group`` (and of its subgroups) prints :data:`LOCKED_MESSAGE` and
    exits with 1 when SQLite reports a lock, instead of a traceback."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            catch_locked_database(command)
        if command.callback is not None and not getattr(command.callback, "_catches_locks", False):
            command.callback = _catching_locks(command.callback)


def _catching_locks(callback: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except OperationalError as exc:
            if is_database_locked(exc):
                raise click.ClickException(LOCKED_MESSAGE) from exc
            raise

    run._catches_locks = True  # type: ignore[attr-defined]
    return run

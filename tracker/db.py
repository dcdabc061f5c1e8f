"""Engines and sessions: one engine per app, one session per request."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

# Every session keeps the stance read model and the data version current as it commits.
import tracker.readmodel.hooks  # noqa: F401,E402

T = TypeVar("T")


def make_engine(url: str, busy_timeout: float = 30.0) -> Engine:
    """``busy_timeout``: how many seconds SQLite waits for another connection's lock
    before "database is locked" (the CLI and the site turn that into a message)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                  "timeout": busy_timeout})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:
    app.extensions["engine"] = make_engine(app.config["DATABASE_URL"],
                                           float(app.config.get("SQLITE_BUSY_TIMEOUT", 30)))
    app.teardown_appcontext(_close_session)


def get_engine() -> Engine:
    return current_app.extensions["engine"]


def get_session() -> Session:
    """The session of the current request (or CLI command), made on first use."""
    if "db_session" not in g:
        # A page as of a past day reads that day's copy (tracker/web/asof.py).
        g.db_session = Session(g.get("db_engine") or get_engine(), expire_on_commit=False)
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session outside a request, committed on success and rolled back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in slices of ``size``: keeps IN (...) lists below SQLite's variable limit."""
    for start in range(0, len(items), size):
        yield items[start:start + size]

"""One import at a time (SQLite and PostgreSQL), and a locked SQLite database is a message:
a clear line from the CLI, a 503 with Retry-After from the site."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import Session

from tracker import create_app
from tracker.importers.runner import import_transaction
from tracker.locks import LOCKED_MESSAGE
from tracker.queries import stats

IS_SQLITE = not os.environ.get("TEST_DATABASE_URL")
# SQLite's own locking: the PostgreSQL run deselects these (bin/test: -m "not sqlite_only").
sqlite_only = pytest.mark.sqlite_only


def table_counts(session: Session) -> dict[str, int]:
    session.rollback()  # see what other connections committed
    return stats.table_counts(session)


@contextmanager
def import_running_in_a_thread(app: Flask, command: str) -> Iterator[None]:
    """Another import holds the lock (the real import_transaction) until the block ends."""
    holding, finish = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context(), import_transaction(command):
                holding.set()
                finish.wait(30)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            failure.append(exc)
            holding.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert holding.wait(30)
    assert not failure, failure
    try:
        yield
    finally:
        finish.set()
        thread.join(30)


@pytest.mark.shared_data
def test_a_second_import_is_refused_while_one_runs(app: Flask, cli, session: Session,
                                                    shared_data: Path) -> None:
    before = table_counts(session)
    with import_running_in_a_thread(app, "tracker import all"):
        result = cli("import", "constituencies", "--data-dir", str(shared_data))
        assert result.exit_code == 1
        assert "Error: another import is running (started " in result.output
        assert " UTC, by `tracker import all`" in result.output
        assert "Nothing was imported." in result.output
        assert "Traceback" not in result.output
        assert table_counts(session) == before
        seeded = cli("seed")  # seeds and `import all` take the same lock
        assert seeded.exit_code == 1 and "another import is running" in seeded.output
    # Once the first has finished, the lock is free again.
    again = cli("import", "constituencies", "--data-dir", str(shared_data))
    assert again.exit_code == 0, again.output
    assert table_counts(session)["area"] == 1300


_HOLDER = """
import sys
from tracker import create_app
from tracker.importers.runner import import_transaction
app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "x"})
with app.app_context(), import_transaction("tracker import snapshot"):
    print("holding", flush=True)
    sys.stdin.readline()
"""


@pytest.mark.shared_data
def test_the_lock_holds_across_processes_and_dies_with_its_holder(database_url: str, cli,
                                                                  session: Session,
                                                                  shared_data: Path) -> None:
    before = table_counts(session)
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, database_url], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        result = cli("import", "all", "--data-dir", str(shared_data))
        assert result.exit_code == 1
        assert "another import is running" in result.output
        assert "by `tracker import snapshot`" in result.output
        if IS_SQLITE:
            assert f"process {holder.pid}" in result.output
        assert table_counts(session) == before
    finally:
        holder.kill()  # no clean-up of its own: the lock must still be released
        holder.wait(30)
        if holder.stdout is not None:
            holder.stdout.close()
        if holder.stdin is not None:
            holder.stdin.close()
    result = cli("import", "constituencies", "--data-dir", str(shared_data))
    assert result.exit_code == 0, result.output


# -- SQLite: "database is locked" -------------------------------------------------------------

def _sqlite_path(app: Flask) -> str:
    return str(app.extensions["engine"].url.database)


@contextmanager
def write_transaction(path: str, *, exclusive: bool = False) -> Iterator[sqlite3.Connection]:
    """Another program writing to the database, holding its lock until the block ends.

    ``exclusive``: it also keeps readers out (locking_mode EXCLUSIVE), as a program
    without WAL does while it commits.
    """
    connection = sqlite3.connect(path, isolation_level=None, timeout=1)
    try:
        if exclusive:
            connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE" if exclusive else "BEGIN IMMEDIATE")
        connection.execute("CREATE TABLE held_by_another_program (x)")
        yield connection
    finally:
        connection.execute("ROLLBACK")
        connection.close()


@pytest.fixture
def busy_app(database_url: str) -> Iterator[Flask]:
    """The app with a short busy timeout, so that a lock is reported at once."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                      "SQLITE_BUSY_TIMEOUT": 0.2, "BUSY_RETRY_AFTER": 7})
    yield app
    app.extensions["engine"].dispose()


@sqlite_only
@pytest.mark.shared_data
def test_a_locked_database_is_a_message_on_the_command_line(busy_app: Flask,
                                                            shared_data: Path) -> None:
    from tracker.cli import main

    runner = busy_app.test_cli_runner()
    with write_transaction(_sqlite_path(busy_app)):
        result = runner.invoke(main, ["import", "constituencies", "--data-dir", str(shared_data)])
        assert result.exit_code == 1
        assert result.output == f"Error: {LOCKED_MESSAGE}\nNothing was imported.\n"
    busy_app.extensions["engine"].dispose()
    with write_transaction(_sqlite_path(busy_app), exclusive=True):
        result = runner.invoke(main, ["stats"])  # not an import: any command says the same
        assert result.exit_code == 1
        assert result.output == f"Error: {LOCKED_MESSAGE}\n"
    assert runner.invoke(main, ["stats"]).exit_code == 0


@sqlite_only
def test_pages_are_served_while_an_import_writes(busy_app: Flask) -> None:
    client = busy_app.test_client()
    with write_transaction(_sqlite_path(busy_app)):  # WAL: readers are not blocked by a writer
        assert client.get("/changes").status_code == 200


@sqlite_only
def test_a_locked_database_is_a_503_with_retry_after(busy_app: Flask) -> None:
    client = busy_app.test_client()
    busy_app.extensions["engine"].dispose()
    with write_transaction(_sqlite_path(busy_app), exclusive=True):
        response = client.get("/changes")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "7"
        page = response.get_data(as_text=True)
        assert "<h1>The site is busy</h1>" in page
        assert "Please try again in 7 seconds." in page
        assert "Traceback" not in page and "OperationalError" not in page

        twin = client.get("/changes?format=json")
        assert twin.status_code == 503 and twin.mimetype == "application/json"
        assert twin.headers["Retry-After"] == "7"
        assert json.loads(twin.get_data(as_text=True)) == {"error": {
            "status": 503, "title": "The site is busy", "retry_after": 7,
            "message": "The database is being updated right now. Please try again in 7 seconds."}}
    assert client.get("/changes").status_code == 200

"""Fixtures: an app with its own migrated database for every test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL
points at one (the test command does both). Under CI=true a PostgreSQL URL
that cannot be reached, or a missing ../shared/data, is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlmodel import Session

from tracker import create_app
from tracker import migrate as migrations
from tracker.config import PROJECT_ROOT
from tracker.db import make_engine
from tracker.models import ALL_TABLES, DataVersion, User

IN_CI = os.environ.get("CI", "").lower() == "true"
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
SHARED_DATA = Path(os.environ.get("TRACKER_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))


def pytest_report_header(config: pytest.Config) -> str:
    return f"tracker database: {TEST_DATABASE_URL or 'sqlite (temporary files)'}"


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: a SQLite file to copy, or the PostgreSQL URL itself."""
    if TEST_DATABASE_URL:
        engine = make_engine(TEST_DATABASE_URL)
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.OperationalError as exc:
            message = f"PostgreSQL at {TEST_DATABASE_URL} is not reachable: {exc}"
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)
        migrations.downgrade(engine, "base")
        migrations.upgrade(engine)
        engine.dispose()
        return TEST_DATABASE_URL
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    engine.dispose()
    return str(path)


def _admin_url(url: str) -> sa.engine.URL:
    """The same PostgreSQL server, database ``postgres`` (to create and drop databases)."""
    return sa.engine.make_url(url).set(database="postgres")


def _pg_execute(url: str, *statements: str) -> None:
    engine = sa.create_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))
    engine.dispose()


def _import_shared_data(url: str, shared_data: Path) -> None:
    from tracker.cli import main

    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret"})
    result = app.test_cli_runner().invoke(main, ["import", "all", "--data-dir", str(shared_data)],
                                          catch_exceptions=False)
    app.extensions["engine"].dispose()
    assert result.exit_code == 0, result.output


# Named after the test database, so runs against different databases do not share them.
_TEST_DB = sa.engine.make_url(TEST_DATABASE_URL).database if TEST_DATABASE_URL else "test"
IMPORTED_TEMPLATE = f"{_TEST_DB}_imported"
IMPORTED_COPY = f"{_TEST_DB}_imported_copy"


@pytest.fixture(scope="session")
def imported_template(database_template: str, shared_data: Path,
                      tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database holding `tracker import all` of ../shared/data, made once per test run.

    Tests marked ``imported`` start from a copy of it (a file copy on SQLite, a
    ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL) instead of importing again.
    """
    if TEST_DATABASE_URL:
        _pg_execute(TEST_DATABASE_URL, f"DROP DATABASE IF EXISTS {IMPORTED_COPY}",
                    f"DROP DATABASE IF EXISTS {IMPORTED_TEMPLATE}",
                    f"CREATE DATABASE {IMPORTED_TEMPLATE}")
        url = sa.engine.make_url(TEST_DATABASE_URL).set(database=IMPORTED_TEMPLATE)
        url_text = url.render_as_string(hide_password=False)
        engine = make_engine(url_text)
        migrations.upgrade(engine)
        engine.dispose()
        _import_shared_data(url_text, shared_data)
        return url_text
    path = tmp_path_factory.mktemp("imported") / "imported.sqlite3"
    shutil.copyfile(database_template, path)
    _import_shared_data(f"sqlite:///{path}", shared_data)
    return str(path)


def _wipe_postgres(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(f'"{t.__tablename__}"' for t in ALL_TABLES)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        # The one data-version row, as a fresh migration leaves it (the page cache reads it).
        conn.execute(sa.insert(DataVersion).values(id=1, version=1, changed_at=datetime.now(UTC)))
    engine.dispose()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, database_template: str, tmp_path: Path) -> Iterator[str]:
    if request.node.get_closest_marker("imported"):
        template = request.getfixturevalue("imported_template")
        if TEST_DATABASE_URL:
            _pg_execute(TEST_DATABASE_URL, f"DROP DATABASE IF EXISTS {IMPORTED_COPY}",
                        f"CREATE DATABASE {IMPORTED_COPY} TEMPLATE {IMPORTED_TEMPLATE}")
            yield (sa.engine.make_url(TEST_DATABASE_URL).set(database=IMPORTED_COPY)
                   .render_as_string(hide_password=False))
            return
        path = tmp_path / "tracker.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    if TEST_DATABASE_URL:
        _wipe_postgres(database_template)
        yield database_template
        return
    path = tmp_path / "tracker.sqlite3"
    shutil.copyfile(database_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "HTTP_RETRY_BACKOFF": 0.0,  # importers still retry, without waiting
        "PAGE_CACHE_VERSION_TTL": 0.0,  # read the data version on every request (tests count queries)
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # cheap in tests; scrypt on the site
        "ASOF_DIR": str(tmp_path / "as-of"),  # each test's own copies of its database as of a day
    })
    yield app
    app.extensions["engine"].dispose()


@pytest.fixture
def client(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with Session(app.extensions["engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data in ../shared/data (see its README)."""
    if not (SHARED_DATA / "README.md").is_file():
        if IN_CI:
            pytest.fail(f"{SHARED_DATA} is missing; CI must have shared/data beside the clone")
        pytest.skip(f"{SHARED_DATA} is not here")
    return SHARED_DATA


@pytest.fixture
def cli(runner: FlaskCliRunner):  # type: ignore[no-untyped-def]
    """Run a `tracker` command against the test app: cli("import", "all", "--data-dir", d)."""
    from tracker.cli import main

    def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]  # noqa: A002
        return runner.invoke(main, list(args), catch_exceptions=False, input=input)

    return invoke


@pytest.fixture
def count_queries(app: Flask):  # type: ignore[no-untyped-def]
    """Count the SQL statements a block runs: ``with count_queries() as n: ...; n()``."""
    from contextlib import contextmanager

    @contextmanager
    def counting():  # type: ignore[no-untyped-def]
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
            statements.append(statement)

        engine = app.extensions["engine"]
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            yield lambda: len(statements)
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def twin_rows(client):  # type: ignore[no-untyped-def]
    """The rows of one table of a page's JSON twin: ``twin_rows("/people/x", "evidence")``."""

    def rows(url: str, table: str) -> list[dict]:  # type: ignore[type-arg]
        response = client.get(f"{url}{'&' if '?' in url else '?'}format=json&table={table}")
        assert response.status_code == 200, (url, table, response.status_code)
        body = response.get_json()
        assert body["table"] == table
        return body["rows"]  # type: ignore[no-any-return]

    return rows


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The Redis the rate limits and the shared page cache are tested against (a failure
    under CI=true when it cannot be reached, a skip otherwise)."""
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except redis.RedisError as exc:
        connection.close()
        message = f"Redis at {REDIS_URL} is not reachable: {exc}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    yield REDIS_URL
    connection.close()


PASSWORD = "correct horse battery staple"


@pytest.fixture
def users(app: Flask) -> dict[str, User]:
    """One committed, active account per role (password PASSWORD), plus a second moderator
    and a second contributor: users["admin"], users["moderator"], users["moderator2"],
    users["contributor"], users["contributor2"], users["representative"]."""
    from tracker.accounts.users import create_user

    made = {}
    with app.app_context(), Session(app.extensions["engine"], expire_on_commit=False) as session:
        for key, role in (("admin", "admin"), ("moderator", "moderator"), ("moderator2", "moderator"),
                          ("contributor", "contributor"), ("contributor2", "contributor"),
                          ("representative", "representative")):
            made[key] = create_user(session, email=f"{key}@example.org", name=key.title(), role=role,
                                    password=PASSWORD, actor="test")
        session.commit()
    return made


@pytest.fixture
def login():  # type: ignore[no-untyped-def]
    """login(client, user): sign ``client`` in as ``user`` through the sign-in form."""

    def sign_in(client, user: User):  # type: ignore[no-untyped-def]
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return sign_in

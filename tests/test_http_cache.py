"""Pages carry a version (ETag, Last-Modified), answer conditional requests with 304 and
are kept by (URL, data version), in memory or in Redis; `tracker serve` runs gunicorn."""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from flask import Flask, request, session
from sqlmodel import Session, select

from tracker import create_app
from tracker import migrate as migrations
from tracker.db import make_engine
from tracker.models import DataVersion, Evidence, Person, Source, Topic
from tracker.web import cache
from tracker.web.cache import MemoryStore, _Kept, page_cache

IN_CI = os.environ.get("CI", "").lower() == "true"
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
STATEMENT = "Told a hustings that the bombing must stop now."


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make "now" an hour later, so that Last-Modified is sent (it is held back for two
    seconds after the data, the code or the date last changed)."""
    real = cache._utcnow
    monkeypatch.setattr(cache, "_utcnow", lambda: real() + timedelta(hours=1))


def _add_statement(session: Session, slug: str) -> None:
    """A write through the ORM, committed: the way every importer and form writes."""
    person = session.exec(select(Person).where(Person.slug == slug)).one()
    topic = session.exec(select(Topic).where(Topic.slug == "ceasefire")).one()
    source = Source(url="https://example.org/hustings", publisher="Example Local News",
                    title="Candidates at the hustings")
    session.add(source)
    session.flush()
    session.add(Evidence(topic_id=topic.id, person_id=person.id, kind="statement", stance="ceasefire",
                         evidence_date=date(2024, 6, 20), summary=STATEMENT, source_id=source.id,
                         status="approved"))
    session.commit()


def test_a_page_has_an_etag_and_a_conditional_get_gets_304(client, settled) -> None:
    first = client.get("/")
    assert first.status_code == 200 and first.headers["X-Cache"] == "miss"
    etag = first.headers["ETag"]
    assert etag.startswith('W/"v')
    assert first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert {"Accept-Encoding", "Cookie"} <= {v.strip() for v in first.headers["Vary"].split(",")}

    again = client.get("/")
    assert again.headers["X-Cache"] == "hit" and again.headers["ETag"] == etag
    assert again.data == first.data

    for method in (client.get, client.head):
        unchanged = method("/", headers={"If-None-Match": etag})
        assert unchanged.status_code == 304 and unchanged.data == b""
        assert unchanged.headers["ETag"] == etag and "Content-Type" not in unchanged.headers
    assert client.get("/", headers={"If-None-Match": 'W/"v1-other", ' + etag}).status_code == 304

    since = first.headers["Last-Modified"]
    not_modified = client.get("/", headers={"If-Modified-Since": since})
    assert not_modified.status_code == 304 and not_modified.data == b""
    # If-None-Match wins over If-Modified-Since; a stale copy gets the page.
    stale = client.get("/", headers={"If-None-Match": 'W/"v0-old"', "If-Modified-Since": since})
    assert stale.status_code == 200 and stale.data == first.data
    day_before = client.get("/", headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})
    assert day_before.status_code == 200 and day_before.data == first.data


def test_last_modified_is_held_back_while_the_data_is_fresh(client, session, monkeypatch) -> None:
    """Two commits within one second would share a Last-Modified: none is sent until it settles."""
    _seed_person(session)
    changed_at = session.exec(select(DataVersion.changed_at)).one()
    monkeypatch.setattr(cache, "_utcnow", lambda: changed_at + timedelta(seconds=0.5))
    fresh = client.get("/")
    assert fresh.status_code == 200 and fresh.headers["ETag"]
    assert "Last-Modified" not in fresh.headers
    assert client.get("/", headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}).status_code == 200


def _seed_person(session: Session) -> None:
    session.add(Person(name="Fresh Person", sort_name="Person, Fresh", slug="fresh-person"))
    session.commit()


def test_a_kept_page_goes_out_gzipped_to_clients_that_take_it(client) -> None:
    plain = client.get("/").data
    packed = client.get("/", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["X-Cache"] == "hit" and packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain and len(packed.data) < len(plain)
    assert client.get("/", headers={"Accept-Encoding": "gzip;q=0"}).data == plain


def test_a_write_changes_the_etag_and_the_next_page_shows_it(cli, client, session) -> None:
    assert client.get("/people/keir-starmer").status_code == 404  # nothing loaded yet
    before_seed = client.get("/")
    cli("seed")  # a write by another program (the CLI), committed
    after_seed = client.get("/")
    assert after_seed.headers["X-Cache"] == "miss"
    assert after_seed.headers["ETag"] != before_seed.headers["ETag"]
    assert client.get("/", headers={"If-None-Match": before_seed.headers["ETag"]}).status_code == 200

    page = client.get("/people/keir-starmer")
    assert page.status_code == 200 and "Keir Starmer" in page.get_data(as_text=True)
    assert STATEMENT not in page.get_data(as_text=True)
    assert client.get("/people/keir-starmer").headers["X-Cache"] == "hit"

    _add_statement(session, "keir-starmer")
    changed = client.get("/people/keir-starmer")
    assert changed.headers["X-Cache"] == "miss"
    assert changed.headers["ETag"] != page.headers["ETag"]
    assert STATEMENT in changed.get_data(as_text=True)
    old_copy = client.get("/people/keir-starmer", headers={"If-None-Match": page.headers["ETag"]})
    assert old_copy.status_code == 200 and STATEMENT in old_copy.get_data(as_text=True)
    twin = json.loads(_read(client, "/people/keir-starmer?format=json&table=evidence").data)
    assert STATEMENT in json.dumps(twin)


def _read(client, url: str, **kwargs):  # type: ignore[no-untyped-def]
    """GET and read the whole body: a streamed twin is kept once all of it has gone out."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def test_twins_and_their_tables_have_their_own_etags(cli, client) -> None:
    cli("seed")
    page = "/people/keir-starmer"
    urls = [page, f"{page}?format=csv", f"{page}?format=json", f"{page}?format=json&table=evidence",
            f"{page}?format=csv&table=evidence"]
    first = {url: _read(client, url) for url in urls}
    assert all(r.status_code == 200 for r in first.values())
    etags = {url: r.headers["ETag"] for url, r in first.items()}
    assert len(set(etags.values())) == len(urls)
    for url in urls:
        kept = _read(client, url)
        assert kept.headers["X-Cache"] == "hit" and kept.data == first[url].data
        assert kept.headers["Content-Type"] == first[url].headers["Content-Type"]
        assert _read(client, url, headers={"If-None-Match": etags[url]}).status_code == 304
    csv = f"{page}?format=csv"
    assert _read(client, csv).headers["Content-Disposition"] == first[csv].headers["Content-Disposition"]
    # Another page's ETag is not this one's.
    assert _read(client, csv, headers={"If-None-Match": etags[page]}).status_code == 200


def test_errors_redirects_and_other_methods_are_never_kept(app: Flask, client, session) -> None:
    for _ in range(2):
        missing = client.get("/people/fresh-person")
        assert missing.status_code == 404
        assert "ETag" not in missing.headers and "X-Cache" not in missing.headers
    _seed_person(session)
    assert client.get("/people/fresh-person").status_code == 200  # the 404 was not kept

    bad = client.get("/changes?page=²")
    assert bad.status_code == 400 and "ETag" not in bad.headers
    posted = client.post("/")
    assert posted.status_code == 405 and "ETag" not in posted.headers
    with app.test_request_context("/", method="POST"):
        assert not page_cache(app).applies()  # type: ignore[union-attr]
    with app.test_request_context("/"):
        assert page_cache(app).applies()  # type: ignore[union-attr]


def test_a_postcode_search_is_never_kept(app: Flask, client) -> None:
    asked: list[str] = []

    def not_found(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return httpx.Response(404, json={"status": 404, "error": "Postcode not found"})

    app.config["HTTP_TRANSPORT"] = httpx.MockTransport(not_found)
    for _ in range(2):
        answer = client.get("/search?q=SW1A+2AA")
        assert answer.status_code == 200 and "ETag" not in answer.headers
        assert "X-Cache" not in answer.headers
    assert asked  # it did depend on postcodes.io
    name_search = client.get("/search?q=starmer")
    assert name_search.headers["ETag"] and name_search.headers["X-Cache"] == "miss"
    assert client.get("/search?q=starmer").headers["X-Cache"] == "hit"


def test_requests_with_a_session_and_responses_that_set_one_are_personal(app: Flask, client) -> None:
    @app.before_request
    def remember_visit() -> None:
        if request.args.get("remember"):
            session["visited"] = True

    writes = client.get("/?remember=1")
    assert writes.status_code == 200 and "Set-Cookie" in writes.headers
    assert "ETag" not in writes.headers and "X-Cache" not in writes.headers

    with_session = client.get("/")  # the client now sends the session cookie
    assert "ETag" not in with_session.headers and "X-Cache" not in with_session.headers
    assert with_session.headers["Cache-Control"] == "private, no-cache"
    anonymous = app.test_client().get("/")
    assert anonymous.headers["X-Cache"] == "miss"  # nothing was kept for the signed-in reader
    assert app.test_client().get("/", headers={"Authorization": "Bearer x"}).headers.get("X-Cache") is None


def test_the_memory_store_is_bounded_in_bytes() -> None:
    store = MemoryStore(max_bytes=4000)
    for n in range(10):
        store.set(f"k{n}", _Kept("text/html", [], bytes(900)))
    assert store.size <= 4000
    assert store.get("k9") is not None and store.get("k0") is None
    store.get("k6")  # used lately: outlives k7
    store.set("k10", _Kept("text/html", [], bytes(900)))
    assert store.get("k6") is not None and store.get("k7") is None
    store.set("huge", _Kept("text/html", [], bytes(2000)))  # more than a quarter of the whole: not kept
    assert store.get("huge") is None


def test_a_streamed_body_is_kept_only_once_all_of_it_went_out() -> None:
    closed: list[str] = []

    def body(name: str):  # type: ignore[no-untyped-def]
        try:
            yield "a,b\n"
            yield b"1,2\n"
        finally:
            closed.append(name)

    kept: list[bytes] = []
    whole = cache._KeepAsSent(body("whole"), kept.append, limit=100)
    assert b"".join(whole) == b"a,b\n1,2\n" and kept == [b"a,b\n1,2\n"]
    whole.close()
    too_big = cache._KeepAsSent(body("too big"), kept.append, limit=5)
    assert b"".join(too_big) == b"a,b\n1,2\n" and len(kept) == 1
    cut = cache._KeepAsSent(body("cut"), kept.append, limit=100)
    next(cut)
    cut.close()  # the client went away
    unread = cache._KeepAsSent(body("unread"), kept.append, limit=100)
    unread.close()  # a HEAD request never reads the body
    assert len(kept) == 1 and closed == ["whole", "too big", "cut"]


# -- Redis: shared by several app instances (as by several worker processes) ---------


@pytest.fixture
def redis_apps(database_url: str, redis_url: str) -> Iterator[tuple[Flask, Flask]]:
    import redis

    prefix = f"tracker-test-{uuid.uuid4().hex}"
    config = {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
              "RATELIMIT_ENABLED": False, "REDIS_URL": redis_url, "PAGE_CACHE_PREFIX": prefix}
    apps = (create_app(config), create_app(config))
    yield apps
    connection = redis.Redis.from_url(redis_url)
    for key in connection.scan_iter(f"{prefix}:*"):
        connection.delete(key)
    connection.close()
    for app in apps:
        app.extensions["engine"].dispose()


def test_redis_keeps_a_page_for_every_app_instance(redis_apps) -> None:
    one, two = redis_apps
    assert type(page_cache(one).store).__name__ == "RedisStore"  # type: ignore[union-attr]
    rendered = one.test_client().get("/")
    assert rendered.headers["X-Cache"] == "miss"

    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    # Every engine: on PostgreSQL the version is read through connections of its own.
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    kept = two.test_client().get("/")
    sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
    assert kept.headers["X-Cache"] == "hit" and kept.data == rendered.data
    assert kept.headers["ETag"] == rendered.headers["ETag"]
    assert len(statements) == 1 and "data_version" in statements[0]  # the version, nothing else

    with Session(two.extensions["engine"]) as session:
        _seed_person(session)
    changed = one.test_client().get("/search?q=fresh")
    assert changed.headers["X-Cache"] == "miss" and "Fresh Person" in changed.get_data(as_text=True)
    assert two.test_client().get("/search?q=fresh").headers["X-Cache"] == "hit"


def test_pages_are_served_when_redis_is_down(database_url: str) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                      "RATELIMIT_ENABLED": False, "REDIS_URL": "redis://127.0.0.1:9/0"})
    try:
        client = app.test_client()
        for _ in range(2):
            page = client.get("/")
            assert page.status_code == 200 and page.headers["X-Cache"] == "miss" and page.headers["ETag"]
    finally:
        app.extensions["engine"].dispose()


# -- tracker serve: gunicorn with several worker processes ---------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="counts worker processes through /proc")
def test_serve_runs_several_worker_processes(tmp_path: Path) -> None:
    database = tmp_path / "served.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    migrations.upgrade(engine)
    engine.dispose()
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PAGE_CACHE_PREFIX": f"serve-{port}"}
    tracker = Path(sys.executable).with_name("tracker")
    with log.open("wb") as out:
        server = subprocess.Popen([str(tracker), "serve", "--no-setup", "--port", str(port),
                                   "--workers", "3", "--threads", "2"],
                                  stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 60
        response = None
        while time.monotonic() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, log.read_text()
                time.sleep(0.2)
        assert response is not None and response.status_code == 200, log.read_text()
        assert "<h1" in response.text and response.headers["Server"] == "gunicorn"
        workers = _children(server.pid)
        assert len(workers) == 3, log.read_text()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            raise
    assert code == 0, log.read_text()
    assert "Shutting down: Master" in log.read_text()


def test_workers_of_one_server_share_pages_through_a_folder(database_url: str, tmp_path: Path) -> None:
    from tracker.web.cache import share_between_processes

    config = {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
              "RATELIMIT_ENABLED": False}
    one, two = create_app(config), create_app(config)  # two workers of one server
    try:
        for app in (one, two):
            share_between_processes(app, tmp_path / "pages")
        rendered = one.test_client().get("/")
        assert rendered.headers["X-Cache"] == "miss"
        kept = two.test_client().get("/")
        assert kept.headers["X-Cache"] == "hit" and kept.data == rendered.data
        assert len(list((tmp_path / "pages").iterdir())) == 1
    finally:
        for app in (one, two):
            app.extensions["engine"].dispose()


def test_a_worker_leaving_keeps_the_shared_pages_folder(tmp_path) -> None:
    """`tracker serve` removes its workers' shared folder when the server exits, not when
    one forked worker does (a restart), though each inherits the exit hook."""
    import os

    from tracker.server import _remove_in

    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "kept").write_text("a page")
    _remove_in(os.getpid() + 1, folder)  # as in a worker: another process made it
    assert (folder / "kept").exists()
    _remove_in(os.getpid(), folder)
    assert not folder.exists()

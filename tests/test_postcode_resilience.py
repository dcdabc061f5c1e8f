"""postcodes.io never stalls a page: a total deadline, a circuit breaker, a bound on lookups
at once, expiring cached answers. (The rate limit is in test_postcode_rate_limit.py.)

The deadline is tested against a real local HTTP server that trickles its answer a byte at
a time, which per-read timeouts never cut off.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from flask import Flask
from sqlmodel import Session

from tracker.models import PostcodeLookup, utcnow
from tracker.postcodes import (
    CachePolicy,
    PostcodeClient,
    PostcodeServiceUnavailable,
    UnknownPostcode,
    lookup_postcode,
)
from tracker.resilience import BoundedCalls, Busy, CircuitBreaker, DeadlineExceeded

Handler = Callable[[httpx.Request], httpx.Response]
UNAVAILABLE = "We could not look up postcodes just now"
SEVENOAKS = {"status": 200, "result": {
    "postcode": "BR8 7RE", "parliamentary_constituency_2024": "Sevenoaks",
    "codes": {"parliamentary_constituency_2024": "E14001465"}}}


def found(_request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=SEVENOAKS)


def not_found(_request: httpx.Request) -> httpx.Response:
    return httpx.Response(404, json={"status": 404, "error": "Postcode not found"})


def down(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


class Recorder:
    """An httpx handler that records requests and answers with ``self.handler``."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


def wait_until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.01)


# -- the total deadline, against a real server that trickles -------------------------------

class Trickle(BaseHTTPRequestHandler):
    """Sends a 200 whose body comes one byte every 50 ms for 4 seconds in all."""

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        size = 80
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        try:
            for _ in range(size):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def trickling_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_a_trickling_server_is_cut_off_at_the_deadline(trickling_server: str) -> None:
    client = PostcodeClient(trickling_server, deadline=0.5)
    try:
        started = time.monotonic()
        with pytest.raises(PostcodeServiceUnavailable, match="try again") as info:
            client.lookup("BR8 7RE")
        elapsed = time.monotonic() - started
        # Every read got a byte within 50 ms: only a total deadline stops this before 4 s.
        assert elapsed < 1.5, elapsed
        assert "no complete answer within 0.5 seconds" in info.value.detail
        # The abandoned lookup notices and stops reading soon after.
        wait_until(lambda: client.in_flight == 0, 3.0)
    finally:
        client.close()


def test_the_search_page_answers_by_the_deadline(app: Flask, client, trickling_server: str,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    app.config.update(POSTCODES_IO_URL=trickling_server, POSTCODES_DEADLINE=0.5)
    started = time.monotonic()
    page = client.get("/search?q=BR8+7RE")
    assert time.monotonic() - started < 1.5
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert UNAVAILABLE in text and 'id="search-q"' in text  # the name search still answers
    wait_until(lambda: app.extensions["tracker.postcodes"][1].in_flight == 0, 3.0)
    app.extensions["tracker.postcodes"][1].close()


# -- the circuit breaker --------------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def breaking_client(handler: Recorder, clock: Clock, failures: int = 3) -> PostcodeClient:
    breaker = CircuitBreaker("postcodes.io", failures=failures, cooldown=30, clock=clock,
                             logger=logging.getLogger("tracker.postcodes"))
    return PostcodeClient(transport=httpx.MockTransport(handler), breaker=breaker)


def warnings_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_the_breaker_opens_after_repeated_failures_and_skips_calls(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="tracker.postcodes")
    clock, service = Clock(), Recorder(down)
    client = breaking_client(service, clock)
    for _ in range(3):
        with pytest.raises(PostcodeServiceUnavailable):
            client.lookup("BR8 7RE")
    assert len(service.requests) == 3
    outage = warnings_in(caplog)
    assert len(outage) == 1 and "postcodes.io is unavailable: 3 failures in a row" in outage[0]

    # Open: answered at once, without asking, and with the voter's message.
    for _ in range(5):
        started = time.monotonic()
        with pytest.raises(PostcodeServiceUnavailable, match="try again in a few minutes") as info:
            client.lookup("M1 1AE")
        assert time.monotonic() - started < 0.1
        assert "skipped" in info.value.detail
    assert len(service.requests) == 3
    assert len(warnings_in(caplog)) == 1  # the outage is logged once

    # After the cool-down one call is tried; still failing, it opens again (logged quietly).
    clock.now += 31
    with pytest.raises(PostcodeServiceUnavailable):
        client.lookup("BR8 7RE")
    assert len(service.requests) == 4
    with pytest.raises(PostcodeServiceUnavailable):
        client.lookup("BR8 7RE")
    assert len(service.requests) == 4
    assert len(warnings_in(caplog)) == 1
    assert any("still unavailable" in r.getMessage() for r in caplog.records)

    # Back: the next trial succeeds, the breaker closes and the recovery is logged.
    clock.now += 31
    service.handler = found
    assert client.lookup("BR8 7RE").gss_code == "E14001465"
    assert "postcodes.io is answering again, after an outage of 62 seconds" in warnings_in(caplog)[-1]
    assert client.lookup("BR8 7RE").gss_code == "E14001465"
    assert len(service.requests) == 6


def test_answers_that_say_not_found_are_not_failures() -> None:
    clock, service = Clock(), Recorder(not_found)
    client = breaking_client(service, clock, failures=2)
    for _ in range(4):
        with pytest.raises(UnknownPostcode):
            client.lookup("SW1A 9ZZ")
    assert len(service.requests) == 4 and not client.breaker.is_open


def test_a_success_resets_the_count() -> None:
    clock, service = Clock(), Recorder(down)
    client = breaking_client(service, clock, failures=2)
    for handler in (down, found, down, found, down):
        service.handler = handler
        with contextlib.suppress(PostcodeServiceUnavailable):
            client.lookup("BR8 7RE")
    assert not client.breaker.is_open and len(service.requests) == 5


def test_the_search_page_stops_asking_during_an_outage(app: Flask, client,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    service = Recorder(lambda _r: httpx.Response(502, json={"status": 502}))
    app.config.update(HTTP_TRANSPORT=httpx.MockTransport(service), POSTCODES_BREAKER_FAILURES=2)
    for postcode in ("BR8 7RE", "M1 1AE", "OX1 1AA", "SW1A 1AA"):
        text = client.get("/search", query_string={"q": postcode}).get_data(as_text=True)
        assert UNAVAILABLE in text and 'id="search-q"' in text
    assert len(service.requests) == 2
    assert [m for m in warnings_in(caplog) if "postcodes.io is unavailable" in m] != []


# -- a bounded number of lookups at once ----------------------------------------------------

def test_when_every_slot_is_taken_a_lookup_is_refused_at_once() -> None:
    entered, release = threading.Event(), threading.Event()

    def slow(_request: httpx.Request) -> httpx.Response:
        entered.set()
        release.wait(5)
        return found(_request)

    client = PostcodeClient(transport=httpx.MockTransport(slow), max_concurrent=1, deadline=5)
    results: list[str] = []
    first = threading.Thread(target=lambda: results.append(client.lookup("BR8 7RE").gss_code))
    first.start()
    try:
        assert entered.wait(5)
        started = time.monotonic()
        with pytest.raises(PostcodeServiceUnavailable, match="try again") as info:
            client.lookup("M1 1AE")
        assert time.monotonic() - started < 0.1
        assert "1 postcode lookups already running" in info.value.detail
    finally:
        release.set()
        first.join(5)
    assert results == ["E14001465"]
    assert not client.breaker.is_open  # being busy is not the service failing
    assert client.lookup("BR8 7RE").gss_code == "E14001465"  # the slot is free again


def test_bounded_calls_hand_back_results_and_errors() -> None:
    calls = BoundedCalls(2, 1.0)
    assert calls.run(lambda _cancel: 42) == 42
    with pytest.raises(KeyError):
        calls.run(lambda _cancel: {}["missing"])
    with pytest.raises(DeadlineExceeded):
        calls.run(lambda cancel: cancel.wait(5))
    wait_until(lambda: calls.in_flight == 0)
    blocker = threading.Event()
    threads = [threading.Thread(target=lambda: calls.run(lambda _c: blocker.wait(5)), daemon=True)
               for _ in range(2)]
    for thread in threads:
        thread.start()
    wait_until(lambda: calls.in_flight == 2)
    with pytest.raises(Busy):
        calls.run(lambda _cancel: 1)
    blocker.set()
    for thread in threads:
        thread.join(5)


# -- cached answers expire ------------------------------------------------------------------

def cache(session: Session, postcode: str, *, found_it: bool, days_ago: float) -> None:
    session.add(PostcodeLookup(postcode=postcode, found=found_it,
                               fetched_at=utcnow() - timedelta(days=days_ago),
                               gss_code="E14001465" if found_it else None,
                               constituency_name="Sevenoaks" if found_it else None))
    session.commit()


def test_a_not_found_answer_expires(session: Session) -> None:
    service = Recorder(found)
    client = PostcodeClient(transport=httpx.MockTransport(service))
    cache(session, "BR8 7RE", found_it=False, days_ago=8)
    # A week later the postcode may have been issued: asked again, and found.
    assert lookup_postcode(session, client, "BR8 7RE").gss_code == "E14001465"
    assert len(service.requests) == 1
    session.commit()
    row = session.get(PostcodeLookup, "BR8 7RE")
    assert row is not None and row.found


def test_a_recent_not_found_answer_is_kept(session: Session) -> None:
    service = Recorder(found)
    client = PostcodeClient(transport=httpx.MockTransport(service))
    cache(session, "BR8 7RE", found_it=False, days_ago=6)
    with pytest.raises(UnknownPostcode):
        lookup_postcode(session, client, "BR8 7RE")
    assert service.requests == []


def test_found_answers_last_longer_and_are_configurable(session: Session) -> None:
    service = Recorder(found)
    client = PostcodeClient(transport=httpx.MockTransport(service))
    cache(session, "BR8 7RE", found_it=True, days_ago=30)
    lookup_postcode(session, client, "BR8 7RE")
    assert service.requests == []
    lookup_postcode(session, client, "BR8 7RE", cache=CachePolicy(found=timedelta(days=20)))
    assert len(service.requests) == 1


def test_an_expired_answer_is_used_while_postcodes_io_is_down(session: Session) -> None:
    client = PostcodeClient(transport=httpx.MockTransport(down))
    cache(session, "BR8 7RE", found_it=True, days_ago=400)
    assert lookup_postcode(session, client, "BR8 7RE").constituency_name == "Sevenoaks"


def test_the_site_reads_the_expiry_from_its_settings(app: Flask, client, session: Session) -> None:
    service = Recorder(not_found)
    app.config.update(HTTP_TRANSPORT=httpx.MockTransport(service), POSTCODES_NOT_FOUND_DAYS=1)
    cache(session, "SW1A 9ZZ", found_it=False, days_ago=2)
    text = client.get("/search?q=SW1A+9ZZ").get_data(as_text=True)
    assert "We could not find the postcode SW1A 9ZZ" in text
    assert len(service.requests) == 1
    session.expire_all()
    row = session.get(PostcodeLookup, "SW1A 9ZZ")
    assert row is not None and CachePolicy(not_found=timedelta(hours=1)).fresh(row)  # fetched just now

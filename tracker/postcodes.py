"""Postcode -> Westminster constituency, via postcodes.io, cached in PostcodeLookup.

Every failure is an exception whose message a voter can read: a badly typed
postcode (``InvalidPostcode``, found before any request), a postcode that does
not exist (``UnknownPostcode``), or postcodes.io being unreachable
(``PostcodeServiceUnavailable``; ``detail`` says why, for logs). Answers are
cached, found or not found; an outage never is. A cached answer expires
(``CachePolicy``: not-found answers sooner, as new postcodes are issued), but an
expired one is still used while postcodes.io is down.

A lookup never stalls the page that asked: ``PostcodeClient`` gives each one a
total deadline, runs a bounded number at once (more are refused at once, not
queued) and stops asking during an outage (a circuit breaker). See
tracker.resilience.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
from flask import current_app
from sqlmodel import Session

from tracker.http_client import make_client
from tracker.models import PostcodeLookup, utcnow
from tracker.resilience import BoundedCalls, Busy, CircuitBreaker, DeadlineExceeded

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.postcodes.io"
DEFAULT_DEADLINE = 3.0
# A postcodes.io answer is about 3 KB; anything far larger is not one.
MAX_ANSWER_BYTES = 256 * 1024
# Outward code (area letters, district) and inward code (sector digit, unit letters).
_POSTCODE = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) [0-9][A-Z]{2}$")


class PostcodeError(Exception):
    """A postcode lookup failed; ``str(error)`` is a message for the voter."""


class InvalidPostcode(PostcodeError):
    pass


class UnknownPostcode(PostcodeError):
    pass


class PostcodeServiceUnavailable(PostcodeError):
    def __init__(self, detail: str) -> None:
        super().__init__("We could not look up postcodes just now. "
                         "Please try again in a few minutes.")
        self.detail = detail


@dataclass(frozen=True)
class PostcodeResult:
    postcode: str
    gss_code: str
    constituency_name: str | None


def normalise_postcode(text: str) -> str:
    """'sw1a1aa' -> 'SW1A 1AA': capitals, and one space before the last three characters."""
    compact = "".join(text.split()).upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def is_valid_postcode(text: str) -> bool:
    return bool(_POSTCODE.match(normalise_postcode(text)))


def check_postcode(text: str) -> str:
    """The normalised postcode, or InvalidPostcode with a message for the voter."""
    normal = normalise_postcode(text)
    if not _POSTCODE.match(normal):
        raise _invalid(text)
    return normal


def _invalid(text: str) -> InvalidPostcode:
    shown = " ".join(text.split())
    if not shown:
        return InvalidPostcode("Please enter a postcode (for example SW1A 1AA).")
    return InvalidPostcode(f"“{shown[:20]}” is not a valid UK postcode. "
                           "Please check it and try again (for example SW1A 1AA).")


def _unknown(postcode: str) -> UnknownPostcode:
    return UnknownPostcode(f"We could not find the postcode {postcode}. "
                           "Please check it and try again.")


def parse_answer(postcode: str, body: Any) -> PostcodeResult:
    """Read ``{"status": 200, "result": {...}}`` (or the bare result object)."""
    result = body.get("result", body) if isinstance(body, dict) else None
    if not isinstance(result, dict):
        raise PostcodeServiceUnavailable(f"postcodes.io answer for {postcode} has no result")
    codes = result.get("codes") if isinstance(result.get("codes"), dict) else {}
    gss = codes.get("parliamentary_constituency_2024") or codes.get("parliamentary_constituency")
    if not gss:
        raise UnknownPostcode(f"The postcode {postcode} is not in a UK parliamentary "
                              "constituency.")
    name = (result.get("parliamentary_constituency_2024")
            or result.get("parliamentary_constituency"))
    found = result.get("postcode")
    return PostcodeResult(postcode=normalise_postcode(found) if isinstance(found, str) else postcode,
                          gss_code=str(gss), constituency_name=name)


class PostcodeClient:
    """postcodes.io over a pooled httpx client, never keeping the caller past ``deadline``.

    At most ``max_concurrent`` lookups run at once; ``breaker`` skips lookups
    during an outage. ``transport`` lets tests answer with httpx.MockTransport.
    """

    def __init__(self, base_url: str = DEFAULT_BASE_URL, *, deadline: float = DEFAULT_DEADLINE,
                 transport: httpx.BaseTransport | None = None, max_concurrent: int = 4,
                 breaker: CircuitBreaker | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.deadline = deadline
        # Each read and the connect get the whole deadline, so a lookup past its deadline
        # (which the caller no longer waits for) ends soon after and frees its slot.
        self._http = make_client(transport=transport, timeout=deadline)
        self._calls = BoundedCalls(max_concurrent, deadline, name="postcode lookup")
        self.breaker = breaker or CircuitBreaker("postcodes.io", logger=log)

    @property
    def in_flight(self) -> int:
        return self._calls.in_flight

    def close(self) -> None:
        self._http.close()

    def lookup(self, postcode: str) -> PostcodeResult:
        normal = check_postcode(postcode)
        url = f"{self.base_url}/postcodes/{quote(normal.replace(' ', ''))}"
        if not self.breaker.allow():
            raise PostcodeServiceUnavailable(
                f"skipped {url}: postcodes.io failed {self.breaker.threshold} times in a row; "
                f"asking again in {self.breaker.retry_in():.0f} seconds")
        try:
            status, body = self._calls.run(lambda cancel: self._get(url, cancel))
        except Busy as exc:
            raise PostcodeServiceUnavailable(f"skipped {url}: {exc}") from None
        except DeadlineExceeded as exc:
            raise self._failure(f"{url}: {exc}") from None
        except httpx.HTTPError as exc:
            raise self._failure(f"could not reach {url}: {exc or type(exc).__name__}") from None
        except PostcodeServiceUnavailable as exc:
            raise self._failure(exc.detail) from None
        try:
            result = self._read(normal, url, status, body)
        except PostcodeServiceUnavailable as exc:
            raise self._failure(exc.detail) from None
        except PostcodeError:
            self.breaker.success()  # postcodes.io answered: it is up
            raise
        self.breaker.success()
        return result

    def _failure(self, detail: str) -> PostcodeServiceUnavailable:
        self.breaker.failure(detail)
        return PostcodeServiceUnavailable(detail)

    def _get(self, url: str, cancel: threading.Event) -> tuple[int, bytes]:
        """Runs in a worker thread (BoundedCalls); stops reading once the caller gave up."""
        with self._http.stream("GET", url) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                if cancel.is_set():
                    raise DeadlineExceeded("the caller stopped waiting")
                body += chunk
                if len(body) > MAX_ANSWER_BYTES:
                    raise PostcodeServiceUnavailable(f"{url} answered more than {MAX_ANSWER_BYTES} bytes")
            return response.status_code, bytes(body)

    def _read(self, postcode: str, url: str, status: int, raw: bytes) -> PostcodeResult:
        try:
            body = json.loads(raw)
        except ValueError:
            raise PostcodeServiceUnavailable(f"{url} answered {status} without JSON") from None
        if status == 404:
            error = str(body.get("error", "")) if isinstance(body, dict) else ""
            if "invalid" in error.casefold():
                raise _invalid(postcode)
            raise _unknown(postcode)
        if status != 200:
            raise PostcodeServiceUnavailable(f"{url} answered HTTP {status}")
        return parse_answer(postcode, body)


@dataclass(frozen=True)
class CachePolicy:
    """How long a cached answer is trusted: not-found answers expire sooner than found ones."""

    found: timedelta = timedelta(days=90)
    not_found: timedelta = timedelta(days=7)

    def fresh(self, cached: PostcodeLookup, now: datetime | None = None) -> bool:
        fetched = cached.fetched_at
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=UTC)
        age = (now or utcnow()) - fetched
        return age < (self.found if cached.found else self.not_found)


def cache_policy(config: Mapping[str, Any]) -> CachePolicy:
    """POSTCODES_FOUND_DAYS and POSTCODES_NOT_FOUND_DAYS from the app's settings."""
    return CachePolicy(found=timedelta(days=float(config.get("POSTCODES_FOUND_DAYS", 90))),
                       not_found=timedelta(days=float(config.get("POSTCODES_NOT_FOUND_DAYS", 7))))


_APP_CLIENT_LOCK = threading.Lock()


def app_client() -> PostcodeClient:
    """The app's client, made once from its settings, so that every request shares its
    connection pool, its bound on lookups at once and its circuit breaker."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    config = app.config
    settings = (str(config.get("POSTCODES_IO_URL") or DEFAULT_BASE_URL),
                float(config.get("POSTCODES_DEADLINE", DEFAULT_DEADLINE)),
                int(config.get("POSTCODES_MAX_CONCURRENT", 4)),
                int(config.get("POSTCODES_BREAKER_FAILURES", 5)),
                float(config.get("POSTCODES_BREAKER_COOLDOWN", 60)),
                config.get("HTTP_TRANSPORT"))
    with _APP_CLIENT_LOCK:
        held = app.extensions.get("tracker.postcodes")
        if held is not None and held[0] == settings:
            return held[1]  # type: ignore[no-any-return]
        url, deadline, at_once, failures, cooldown, transport = settings
        client = PostcodeClient(url, deadline=deadline, transport=transport, max_concurrent=at_once,
                                breaker=CircuitBreaker("postcodes.io", failures=failures,
                                                       cooldown=cooldown, logger=log))
        app.extensions["tracker.postcodes"] = (settings, client)
        return client


def needs_lookup(session: Session, postcode: str, cache: CachePolicy) -> bool:
    """Would looking ``postcode`` up ask postcodes.io (a valid postcode with no fresh answer)?"""
    if not is_valid_postcode(postcode):
        return False
    cached = session.get(PostcodeLookup, normalise_postcode(postcode))
    return cached is None or not cache.fresh(cached)


def lookup_postcode(session: Session, client: PostcodeClient, postcode: str, *,
                    cache: CachePolicy | None = None) -> PostcodeResult:
    """The constituency of ``postcode``, from the cache or else postcodes.io.

    Found and not-found answers are cached in PostcodeLookup (added to the
    session and flushed: the caller commits); an outage is never cached, and
    during one an expired answer is used rather than none.
    """
    normal = check_postcode(postcode)
    cached = session.get(PostcodeLookup, normal)
    if cached is not None and (cache or CachePolicy()).fresh(cached):
        return _from_cache(cached)
    try:
        result = client.lookup(normal)
    except UnknownPostcode:
        store_answer(session, normal, None)
        raise
    except PostcodeServiceUnavailable:
        if cached is None:
            raise
        return _from_cache(cached)
    store_answer(session, normal, result)
    return result


def store_answer(session: Session, postcode: str, result: PostcodeResult | None) -> None:
    """Cache an answer (``None`` = not found); merge, so a repeated answer is harmless."""
    name = result.constituency_name if result else None
    session.merge(PostcodeLookup(
        postcode=postcode, found=result is not None, fetched_at=utcnow(),
        gss_code=result.gss_code if result else None, constituency_name=name[:200] if name else None))
    session.flush()


def _from_cache(cached: PostcodeLookup) -> PostcodeResult:
    if not cached.found or not cached.gss_code:
        raise _unknown(cached.postcode)
    return PostcodeResult(cached.postcode, cached.gss_code, cached.constituency_name)

"""Every outbound HTTP call is made with a client from here.

``make_client`` gives a pooled ``httpx.Client`` (keep-alive connections reused
for every request made with it) that names the project in its User-Agent.
Importers ask for ``importer_client``: the same, plus retries on connection
errors and on 5xx/429 answers (``RetryPolicy``: a bounded number of attempts,
exponential backoff with a cap, and a server's ``Retry-After`` honoured).
Lookups made while a page waits (postcodes.io) get no retries: they have a
total deadline and a circuit breaker instead (tracker.resilience).

Tests answer every call with an ``httpx.MockTransport`` put in
``app.config["HTTP_TRANSPORT"]``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import httpx
from flask import current_app

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
# Connections kept open per client: importers ask one host many times in a row.
POOL_LIMITS = httpx.Limits(max_connections=10, max_keepalive_connections=5, keepalive_expiry=30.0)
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
# The connection failed or dropped before an answer came: safe to ask again.
RETRYABLE_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadError, httpx.RemoteProtocolError)


def _project_version() -> str:
    try:
        return version("tracker")
    except PackageNotFoundError:
        return "dev"


USER_AGENT = f"ceasefire-stance-tracker/{_project_version()}"


@dataclass(frozen=True)
class RetryPolicy:
    """How often, and after how long, a failed request is tried again.

    ``attempts`` counts the first try. The n-th wait is ``backoff * 2**(n-1)``,
    never more than ``max_wait``. A ``Retry-After`` answer is waited for as asked;
    one asking for longer than ``max_wait`` ends the retries (the answer is
    returned as it is) rather than being cut short.
    """

    attempts: int = 4
    backoff: float = 0.5
    max_wait: float = 30.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"a request needs at least one attempt, not {self.attempts}")
        if self.backoff < 0 or self.max_wait < 0:
            raise ValueError("retry waits cannot be negative")

    @staticmethod
    def retryable(status: int) -> bool:
        return status == 429 or status >= 500

    def wait(self, attempt: int, retry_after: float | None = None) -> float | None:
        """Seconds to wait after failed attempt number ``attempt`` (from 1), or None to stop."""
        if attempt >= self.attempts:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_wait else None
        return min(self.backoff * 2 ** (attempt - 1), self.max_wait)


def retry_after_seconds(response: httpx.Response, now: datetime | None = None) -> float | None:
    """The answer's ``Retry-After`` in seconds (given as seconds or as an HTTP date), if any."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport: idempotent requests are retried as ``policy`` says."""

    def __init__(self, inner: httpx.BaseTransport, policy: RetryPolicy,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.inner = inner
        self.policy = policy
        self.sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method not in _IDEMPOTENT:
            return self.inner.handle_request(request)
        attempt = 1
        while True:
            try:
                response = self.inner.handle_request(request)
            except RETRYABLE_ERRORS as exc:
                wait = self.policy.wait(attempt)
                if wait is None:
                    raise
                why = str(exc) or type(exc).__name__
            else:
                if not self.policy.retryable(response.status_code):
                    return response
                wait = self.policy.wait(attempt, retry_after_seconds(response))
                if wait is None:
                    return response
                response.close()
                why = f"HTTP {response.status_code}"
            log.info("%s %s failed (%s, attempt %d of %d); trying again in %.1f s",
                     request.method, request.url, why, attempt, self.policy.attempts, wait)
            self.sleep(wait)
            attempt += 1

    def close(self) -> None:
        self.inner.close()


def make_client(base_url: str = "", *, transport: httpx.BaseTransport | None = None,
                timeout: float | httpx.Timeout = DEFAULT_TIMEOUT, retry: RetryPolicy | None = None,
                sleep: Callable[[float], None] = time.sleep,
                headers: Mapping[str, str] | None = None) -> httpx.Client:
    """A pooled client; with ``retry``, failed idempotent requests are tried again."""
    inner = transport if transport is not None else httpx.HTTPTransport(limits=POOL_LIMITS)
    if retry is not None:
        inner = RetryTransport(inner, retry, sleep)
    return httpx.Client(base_url=base_url.rstrip("/"), transport=inner, timeout=timeout,
                        follow_redirects=True,
                        headers={"User-Agent": USER_AGENT, "Accept": "application/json",
                                 **(headers or {})})


def retry_policy(config: Mapping[str, Any]) -> RetryPolicy:
    """The importers' retry policy from the app's settings (HTTP_RETRIES and friends)."""
    return RetryPolicy(attempts=int(config.get("HTTP_RETRIES", 4)),
                       backoff=float(config.get("HTTP_RETRY_BACKOFF", 0.5)),
                       max_wait=float(config.get("HTTP_RETRY_MAX_WAIT", 30.0)))


def importer_client(base_url: str) -> httpx.Client:
    """A client for an importer run by a CLI command: the app's HTTP_TIMEOUT, its retry
    settings, and its HTTP_TRANSPORT if set. Close it (``with``) when the command ends."""
    config = current_app.config
    return make_client(base_url, transport=config.get("HTTP_TRANSPORT"),
                       timeout=float(config.get("HTTP_TIMEOUT", DEFAULT_TIMEOUT)),
                       retry=retry_policy(config))

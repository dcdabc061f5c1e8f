"""Calling a service while a page waits, without letting it stall the page.

``BoundedCalls`` runs a call in a worker thread with a TOTAL deadline: the
caller gets its answer or ``DeadlineExceeded`` by then, however slowly the
service trickles bytes (httpx's timeouts are per read, so they cannot promise
that). At most ``limit`` calls run at once; when all slots are taken the caller
gets ``Busy`` at once instead of queueing. A call past its deadline is told to
stop (its ``cancel`` event) and keeps its slot until it has.

``CircuitBreaker`` stops calling a service that failed ``failures`` times in a
row, for ``cooldown`` seconds; then calls go through again, and the first
answer closes it (or the first failure opens it for another cool-down). The
outage is logged once when it opens, and the recovery when it closes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class DeadlineExceeded(Exception):
    pass


class Busy(Exception):
    pass


class BoundedCalls:
    def __init__(self, limit: int, deadline: float, name: str = "call") -> None:
        if limit < 1:
            raise ValueError(f"at least one call at once is needed, not {limit}")
        if deadline <= 0:
            raise ValueError(f"the deadline must be positive, not {deadline}")
        self.limit = limit
        self.deadline = deadline
        self.name = name
        self._slots = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self._running = 0

    @property
    def in_flight(self) -> int:
        """Calls still running, including those past their deadline that have not stopped yet."""
        return self._running

    def run(self, call: Callable[[threading.Event], T]) -> T:
        """``call(cancel)``'s result or exception; DeadlineExceeded or Busy instead when so."""
        if not self._slots.acquire(blocking=False):
            raise Busy(f"{self.limit} {self.name}s already running")
        box: _Box[T] = _Box()
        cancel = threading.Event()

        def work() -> None:
            try:
                box.value = call(cancel)
            except BaseException as exc:  # handed to the caller, who re-raises it
                box.error = exc
            finally:
                with self._lock:
                    self._running -= 1
                self._slots.release()
                box.done.set()

        with self._lock:
            self._running += 1
        try:
            threading.Thread(target=work, name=self.name, daemon=True).start()
        except RuntimeError:  # no thread could be started
            with self._lock:
                self._running -= 1
            self._slots.release()
            raise Busy(f"no thread for another {self.name}") from None
        if not box.done.wait(self.deadline):
            cancel.set()
            raise DeadlineExceeded(f"no complete answer within {self.deadline:g} seconds")
        if box.error is not None:
            raise box.error
        return box.value  # type: ignore[return-value]


class _Box(Generic[T]):
    def __init__(self) -> None:
        self.value: T | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()


class CircuitBreaker:
    def __init__(self, name: str, *, failures: int = 5, cooldown: float = 60.0,
                 clock: Callable[[], float] = time.monotonic,
                 logger: logging.Logger | None = None) -> None:
        if failures < 1:
            raise ValueError(f"the breaker needs at least one failure to open, not {failures}")
        self.name = name
        self.threshold = failures
        self.cooldown = cooldown
        self.clock = clock
        self.log = logger or logging.getLogger(__name__)
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None  # when the current cool-down started
        self._outage_started: float | None = None

    @property
    def is_open(self) -> bool:
        """True while calls are being skipped."""
        with self._lock:
            return self._skipping()

    def _skipping(self) -> bool:
        return self._opened_at is not None and self.clock() - self._opened_at < self.cooldown

    def allow(self) -> bool:
        """May a call be made now? False during a cool-down."""
        with self._lock:
            return not self._skipping()

    def retry_in(self) -> float:
        """Seconds until calls go through again (0 when they do now)."""
        with self._lock:
            if self._opened_at is None:
                return 0.0
            return max(0.0, self.cooldown - (self.clock() - self._opened_at))

    def success(self) -> None:
        with self._lock:
            recovered = self._outage_started
            self._failures = 0
            self._opened_at = None
            self._outage_started = None
        if recovered is not None:
            self.log.warning("%s is answering again, after an outage of %.0f seconds",
                             self.name, self.clock() - recovered)

    def failure(self, detail: str) -> None:
        with self._lock:
            self._failures += 1
            if self._failures < self.threshold:
                return
            now = self.clock()
            first = self._outage_started is None
            if first:
                self._outage_started = now
            elif self._skipping():  # a call that began before the breaker opened
                return
            self._opened_at = now
        if first:
            self.log.warning("%s is unavailable: %d failures in a row (last: %s); calls are skipped "
                             "for %g seconds at a time until it answers again",
                             self.name, self.threshold, detail, self.cooldown)
        else:
            self.log.info("%s is still unavailable (%s); calls are skipped for another %g seconds",
                          self.name, detail, self.cooldown)

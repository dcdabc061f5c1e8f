"""Errors a reader can cause or meet, answered in the page's own format.

- A query parameter the URL does not take (:class:`tracker.web.params.BadParameter`):
  400, naming the parameter and what it takes.
- SQLite's "database is locked" (another program held a write lock longer than
  ``SQLITE_BUSY_TIMEOUT``): 503 with ``Retry-After``, saying to try again shortly.

A ``?format=json`` or ``?format=ndjson`` twin (and anything under /api, and a
``/downloads/<table>.ndjson``) gets ``{"error": {"status", "title", "message", ...}}``, a
``?format=csv`` twin (and a CSV or zip download) plain text, a page HTML.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, current_app, render_template, request
from flask_limiter import RateLimitExceeded
from sqlalchemy.exc import OperationalError

from tracker.locks import is_database_locked
from tracker.web.params import BadParameter

log = logging.getLogger(__name__)


def is_api_request() -> bool:
    """Everything under /api answers in JSON, errors included (tracker/web/api.py)."""
    return request.path == "/api" or request.path.startswith("/api/")


def asked_format() -> str | None:
    """The format the request asked for: ``?format=``, or a download's extension
    (``/downloads/vote.ndjson``)."""
    fmt = request.args.get("format")
    if fmt:
        return fmt
    if request.path.startswith("/downloads/"):
        stem, dot, extension = request.path.rpartition("/")[2].rpartition(".")
        return extension if dot and stem else None
    return None


def error_response(status: int, title: str, message: str, **extra: Any) -> Response:
    """An error in the format the request asked for."""
    fmt = asked_format()
    if fmt in ("json", "ndjson") or is_api_request():
        body = json.dumps({"error": {"status": status, "title": title, "message": message, **extra}},
                          ensure_ascii=False)
        return Response(body, status=status, mimetype="application/json")
    if fmt in ("csv", "zip"):
        return Response(f"{title}: {message}\n", status=status, mimetype="text/plain")
    return Response(render_template("errors/problem.html", status=status, title=title,
                                    message=message), status=status)


def bad_parameter(error: BadParameter) -> Response:
    return error_response(400, "Bad request", error.description or "", parameter=error.parameter)


def database_error(error: OperationalError) -> Response:
    if not is_database_locked(error):
        raise error
    log.warning("database busy, answered 503: %s %s", request.method, request.full_path)
    retry = int(current_app.config.get("BUSY_RETRY_AFTER", 10))
    response = error_response(
        503, "The site is busy",
        f"The database is being updated right now. Please try again in {retry} seconds.",
        retry_after=retry)
    response.headers["Retry-After"] = str(retry)
    return response


# A rate limit's page title by view (each limit's own message says what the limit is).
RATE_LIMIT_TITLES = {"search.search": "Too many postcode searches"}


def too_many_requests(error: RateLimitExceeded) -> Response:
    # The limiter adds Retry-After (RATELIMIT_HEADERS_ENABLED).
    title = RATE_LIMIT_TITLES.get(request.endpoint or "", "Too many attempts")
    message = error.description or "Too many attempts in a short time. Please wait a little and try again."
    return error_response(429, title, message)


def init_app(app: Flask) -> None:
    app.register_error_handler(RateLimitExceeded, too_many_requests)
    app.register_error_handler(BadParameter, bad_parameter)
    app.register_error_handler(OperationalError, database_error)

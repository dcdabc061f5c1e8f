"""``?as_of=YYYY-MM-DD`` on every public page, twin and API answer: the site as it stood at
the end of that day, read from a copy of the database made for that day (tracker/asof).

The copy is made by the first request that asks for the day (other requests for it wait
for that one) and kept in ``ASOF_DIR`` for every later one, by every worker process.
Links made with ``url_for`` on such a page keep its ``as_of``; today's version is one
link away. Only pages that show the data take ``as_of``: a form, a sign-in or a
moderator's page refuses it with a 400.
"""

from __future__ import annotations

import fcntl
import hashlib
import html
import logging
import re
import threading
import time
from collections.abc import Collection
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from flask import Flask, Response, current_app, g, request
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException

from tracker import clock
from tracker.asof.moment import AsOf, last_change_set, records_began
from tracker.asof.snapshot import build
from tracker.config import INSTANCE_DIR
from tracker.db import make_engine
from tracker.models import Topic
from tracker.web.errors import error_response
from tracker.web.params import BadParameter, parse_day
from tracker.web.site_url import absolute

log = logging.getLogger(__name__)

PARAMETER = "as_of"
# No page is shown as of a day before this (the tracked questions begin in October 2023).
EARLIEST = date(2000, 1, 1)
_EXTENSION = "tracker.as_of"
_PUBLIC = "tracker.as_of.blueprints"  # the blueprints whose pages can be seen as of a day


class Copies:
    """The as-of copies of one database, made once each, kept in a folder (LRU-pruned)."""

    def __init__(self, folder: Path, keep: int, wait: float) -> None:
        self.folder = folder
        self.keep = keep
        self.wait = wait
        self._engines: dict[Path, Engine] = {}
        self._lock = threading.Lock()

    def path_for(self, source: Engine, asof: AsOf) -> Path:
        """The copy's file: its name changes with anything that would change what it holds."""
        with source.connect() as connection:
            newest = last_change_set(connection, asof.moment)
            digests = sorted(connection.execute(sa.select(Topic.slug, Topic.scale_digest)).all())
            schema = MigrationContext.configure(connection).get_current_revision()
        identity = "\n".join([source.url.render_as_string(hide_password=True), str(newest),
                              str(schema), repr(digests)])
        digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
        return self.folder / f"{asof.day.isoformat()}-{digest}.sqlite3"

    def engine_for(self, source: Engine, asof: AsOf) -> Engine | None:
        """An engine on the copy for ``asof``, made now if need be; None if it is still being
        made (by another request) after ``wait`` seconds."""
        path = self.path_for(source, asof)
        if not path.exists() and not self._make(source, asof, path):
            return None
        with self._lock:
            engine = self._engines.get(path)
            if engine is None:
                engine = self._engines[path] = make_engine(f"sqlite:///{path}")
        path.touch()  # most recently used
        return engine

    def _make(self, source: Engine, asof: AsOf, path: Path) -> bool:
        self.folder.mkdir(parents=True, exist_ok=True)
        lock_path = path.with_suffix(".lock")
        deadline = time.monotonic() + self.wait
        with open(lock_path, "a") as lock_file:
            while True:
                try:
                    fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:  # another request is making it
                    if time.monotonic() >= deadline:
                        return path.exists()
                    time.sleep(0.1)
            try:
                if not path.exists():
                    started = time.perf_counter()
                    build(source, path, asof)
                    log.info("as-of copy for %s made in %.1fs: %s", asof.day, time.perf_counter() - started,
                             path.name)
                    self._prune(path)
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
        lock_path.unlink(missing_ok=True)
        return True

    def _prune(self, made: Path) -> None:
        copies = sorted(self.folder.glob("*.sqlite3"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in copies[self.keep:]:
            if old == made:
                continue
            with self._lock:
                engine = self._engines.pop(old, None)
            if engine is not None:
                engine.dispose()
            for file in (old, Path(f"{old}-wal"), Path(f"{old}-shm")):
                file.unlink(missing_ok=True)


def init_app(app: Flask, public_blueprints: Collection[str]) -> None:
    folder = Path(app.config.get("ASOF_DIR") or INSTANCE_DIR / "as-of")
    app.extensions[_EXTENSION] = Copies(folder, int(app.config.get("ASOF_KEEP", 20)),
                                        float(app.config.get("ASOF_WAIT", 25)))
    public = frozenset(public_blueprints)
    app.extensions[_PUBLIC] = public

    def choose_day() -> Response | None:
        return _choose_day(public)

    app.before_request(choose_day)
    app.url_defaults(_keep_as_of)
    app.after_request(_links_stay_on_the_day)
    app.context_processor(_template_values)


def _choose_day(public: frozenset[str]) -> Response | None:
    raw = request.args.get(PARAMETER, "")
    if raw == "":
        return None
    today = clock.real_today()
    day = parse_day(PARAMETER, raw, earliest=EARLIEST, latest=today)
    if request.method not in ("GET", "HEAD") or request.blueprint not in public:
        raise BadParameter(PARAMETER, "only pages that show the data can be seen as of a day; "
                                      "this one cannot")
    source: Engine = current_app.extensions["engine"]
    with source.connect() as connection:
        asof = AsOf(day, records_began(connection))
    g.as_of_day = day
    g.as_of = asof
    if day >= today:
        return None  # the day is not over: today's data, said to be as of today
    copies: Copies = current_app.extensions[_EXTENSION]
    engine = copies.engine_for(source, asof)
    if engine is None:
        retry = 5
        response = error_response(
            503, "Preparing this page",
            f"We are preparing the site as it stood at the end of {day:%-d %B %Y}. "
            f"This takes a little while the first time: please try again in {retry} seconds.",
            retry_after=retry)
        response.headers["Retry-After"] = str(retry)
        return response
    g.db_engine = engine
    return None


def _shown_as_of(endpoint: str) -> bool:
    """Whether an endpoint is a page that shows the data (not a form, an asset or an account's)."""
    blueprint = endpoint.rpartition(".")[0]
    return blueprint in current_app.extensions[_PUBLIC] and not any(
        "POST" in (rule.methods or ()) for rule in current_app.url_map.iter_rules(endpoint))


def _keep_as_of(endpoint: str, values: dict[str, Any]) -> None:
    """Links made with ``url_for`` on a page as of a day stay on that day."""
    day = g.get("as_of_day") if g else None
    if day is not None and PARAMETER not in values and _shown_as_of(endpoint):
        values[PARAMETER] = day.isoformat()


# An element whose links lead within the site: <a href="/...">, <link href="/...">.
_LINKING_TAG = re.compile(r'<(?:a|link)\b[^>]*>')
_SITE_HREF = re.compile(r'(\bhref=")(/(?!/)[^"]*)(")')
_GET_FORM = re.compile(r'<form\b(?=[^>]*\bmethod="get")[^>]*>')


def _on_the_day(match: re.Match[str], day: str) -> str:
    tag = match.group(0)
    if "data-as-of" in tag:  # the link to today's version
        return tag

    def add(href: re.Match[str]) -> str:
        path = html.unescape(href.group(2))
        if re.search(r"[?&]as_of=", path) or not _shown_as_of(_endpoint(path)):
            return href.group(0)
        base, _, fragment = path.partition("#")
        joined = f"{base}{'&' if '?' in base else '?'}{PARAMETER}={day}"
        if fragment:
            joined += f"#{fragment}"
        return href.group(1) + html.escape(joined) + href.group(3)

    return _SITE_HREF.sub(add, tag)


def _endpoint(path: str) -> str:
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(urlsplit(path).path, method="GET")
    except HTTPException:  # not found, or a redirect: left as it is
        return ""
    return str(endpoint)


def _links_stay_on_the_day(response: Response) -> Response:
    """On a page as of a day, every link to another such page (however the template wrote it)
    and every search form stays on that day; the link to today's version is marked ``data-as-of``."""
    day: date | None = g.get("as_of_day")
    if (day is None or response.mimetype != "text/html" or response.is_streamed
            or response.direct_passthrough or response.status_code != 200):
        return response
    text = response.get_data(as_text=True)
    stamp = day.isoformat()
    text = _LINKING_TAG.sub(lambda m: _on_the_day(m, stamp), text)
    text = _GET_FORM.sub(lambda m: m.group(0) + f'<input type="hidden" name="{PARAMETER}" value="{stamp}">',
                         text)
    response.set_data(text)
    return response


def _template_values() -> dict[str, Any]:
    asof: AsOf | None = g.get("as_of")
    day = asof.day if asof is not None else clock.real_today()
    return {"as_of": asof, "as_of_today": asof is not None and asof.day >= clock.real_today(),
            "today_url": _address() if asof is not None else None,
            "cite_day": day, "cite_url": absolute(_address(day)), "real_today": clock.real_today()}


def _address(day: date | None = None) -> str:
    """This page's address without ``as_of`` (today's version), or with ``as_of=day`` last."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != PARAMETER]
    if day is not None:
        args.append((PARAMETER, day.isoformat()))
    query = urlencode(args)
    return request.path + (f"?{query}" if query else "")

"""Rendered pages kept by (URL, data version), with ETag, Last-Modified and 304s.

Every committed write moves the data version on (``tracker/readmodel/hooks.py``),
so what a page shows can only change with the code and templates, the data
version, the date (pages say what is current today) or its URL and query string.
A digest of those is the page's ETag and its key in the cache. Each request reads
the data version afresh (one SELECT of one row by primary key, about 30 µs on
SQLite; it is never cached in the process), so the next GET after a commit, made
by any process, shows the change.

- Only opted-in views take part (``init_app``: whole blueprints, or an endpoint
  with a condition). A request carrying a session cookie or credentials never does,
  nor does a response that sets a cookie or writes the session, nor anything but a 200.
- A request whose If-None-Match (or, without one, If-Modified-Since) is current gets
  304 before the view runs.
- Bodies are kept gzipped: in Redis when ``REDIS_URL`` is set (shared by every worker
  process; should Redis fail, pages are rendered as if nothing were kept), else in a
  per-process LRU bounded in bytes (``PAGE_CACHE_MAX_BYTES``). Clients that accept
  gzip get the kept bytes as they are.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, current_app, g, request, session
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from tracker.config import PROJECT_ROOT
from tracker.models import DataVersion

log = logging.getLogger(__name__)

_EXTENSION = "tracker.page_cache"
_READ_VERSION = sa.select(DataVersion.version, DataVersion.changed_at).where(DataVersion.id == 1)
CACHE_CONTROL = "public, max-age=0, must-revalidate"
PERSONAL_CACHE_CONTROL = "private, no-cache"
VARY = ("Accept-Encoding", "Cookie")
# Headers of a view's response that are kept with its body (the rest are set per response).
_KEPT_HEADERS = ("Content-Disposition", "Content-Language", "Link")
# Cookies that mean a signed-in user (Flask-Login's), besides the session cookie.
_USER_COOKIES = ("remember_token",)
# Libraries whose version changes what a page looks like.
_RENDERING_PACKAGES = ("tracker", "flask", "jinja2", "werkzeug", "markupsafe", "plotly")
# Last-Modified has whole seconds: it is sent (and If-Modified-Since honoured) only once
# the data has been still for this long, so that two commits within a second never share it.
_SETTLED = timedelta(seconds=2)


# How long a data version read from a database server is trusted by a worker that has not
# committed since (other workers' writes show within this time; SQLite is read every time).
# PAGE_CACHE_VERSION_TTL overrides it (the tests, which count queries, set 0).
VERSION_TTL = 1.0
_COMMITS = [0]  # commits made in this process


@event.listens_for(Session, "after_commit")
def _note_commit(_session: Session) -> None:
    _COMMITS[0] += 1


def no_page_cache(view: Callable[..., Any]) -> Callable[..., Any]:
    """Keep a view of an opted-in blueprint out of the cache (no ETag, never stored)."""
    view._no_page_cache = True  # type: ignore[attr-defined]
    return view


class Store(Protocol):
    def get(self, key: str) -> _Kept | None: ...

    def set(self, key: str, value: _Kept) -> None: ...


class MemoryStore:
    """A least-recently-used map of this process, bounded by the bytes of its keys and values.
    Pages are kept whole and gzipped, so a hit costs no (de)compression either way."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, _Kept] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> _Kept | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def set(self, key: str, value: _Kept) -> None:
        cost = len(key) + value.size
        if cost > self.max_bytes // 4:  # one huge twin must not push out every page
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(key) + old.size
            self._items[key] = value
            self._size += cost
            while self._size > self.max_bytes:
                gone_key, gone = self._items.popitem(last=False)
                self._size -= len(gone_key) + gone.size

    @property
    def size(self) -> int:
        return self._size


class RedisStore:
    """Shared by every process. An error is logged and Redis left alone for a few seconds:
    a Redis outage only costs rendering."""

    RETRY_AFTER = 10.0

    def __init__(self, url: str, ttl: int) -> None:
        import redis

        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._ttl = ttl
        self._down_until = 0.0

    def get(self, key: str) -> _Kept | None:
        if time.monotonic() < self._down_until:
            return None
        try:
            raw = self._redis.get(key)
        except self._errors as error:
            self._failed(error)
            return None
        return _Kept.load(raw) if raw else None  # type: ignore[arg-type]

    def set(self, key: str, value: _Kept) -> None:
        if time.monotonic() < self._down_until:
            return
        try:
            self._redis.set(key, value.dump(), ex=self._ttl)
        except self._errors as error:
            self._failed(error)

    def _failed(self, error: BaseException) -> None:
        self._down_until = time.monotonic() + self.RETRY_AFTER
        log.warning("page cache: Redis failed (%s); rendering pages for %.0f s", error, self.RETRY_AFTER)


@dataclass(frozen=True)
class PageVersion:
    """What this request's page is, as of now."""

    key: str
    etag: str  # sent weak: a kept page may go out gzipped
    last_modified: datetime | None  # None while the data has not settled (see _SETTLED)


@dataclass(frozen=True)
class _Kept:
    content_type: str
    headers: list[tuple[str, str]]
    packed: bytes  # gzip
    body: bytes | None = None  # as sent, when kept in this process

    @property
    def size(self) -> int:
        return len(self.packed) + len(self.body or b"")

    def plain(self) -> bytes:
        return self.body if self.body is not None else gzip.decompress(self.packed)

    def dump(self) -> bytes:
        head = json.dumps({"type": self.content_type, "headers": self.headers}).encode()
        return len(head).to_bytes(4, "big") + head + self.packed

    @classmethod
    def load(cls, raw: bytes) -> _Kept | None:
        try:
            size = int.from_bytes(raw[:4], "big")
            head = json.loads(raw[4:4 + size])
            return cls(str(head["type"]), [(str(k), str(v)) for k, v in head["headers"]], raw[4 + size:])
        except (ValueError, KeyError, TypeError):
            return None


def _utcnow() -> datetime:
    return datetime.now(UTC)


@lru_cache(maxsize=8)
def _files_digest(folders: tuple[tuple[Path, str], ...]) -> tuple[str, float]:
    """A digest of the files (name and content) and the time the newest of them changed."""
    digest = hashlib.sha256()
    newest = 0.0
    for folder, pattern in folders:
        for path in sorted(folder.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
                newest = max(newest, path.stat().st_mtime)
    return digest.hexdigest(), newest


@lru_cache(maxsize=1)
def _package_versions() -> str:
    versions = []
    for name in _RENDERING_PACKAGES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    return "\n".join(versions)


def code_version(app: Flask) -> tuple[str, datetime]:
    """The version of everything but the data that shapes a page: code, templates, static
    files, library versions, the topic and reference files, and the settings pages show;
    and when its files last changed. The same in every worker process (and machine)
    running the same deploy. Files are read once per process; settings every time."""
    folders: list[tuple[Path, str]] = [(PROJECT_ROOT / "tracker", "*.py")]
    if app.template_folder:
        folders.append((Path(app.root_path) / app.template_folder, "*"))
    if app.static_folder:
        folders.append((Path(app.static_folder), "*"))
    folders.append((Path(app.config["DATA_DIR"]), "*.toml"))
    code, newest = _files_digest(tuple(folders))
    settings = [str(app.config.get(name, "")) for name in ("DATABASE_URL", "SITE_URL", "CORRECTIONS_CONTACT",
                                                           "PAGE_CACHE_SALT")]
    salt = hashlib.sha256("\n".join([code, _package_versions(), *settings]).encode()).hexdigest()
    return salt, datetime.fromtimestamp(newest, UTC)


class PageCache:
    def __init__(self, app: Flask, store: Store, blueprints: Collection[str],
                 conditions: Mapping[str, Callable[[], bool]]) -> None:
        self.store = store
        self.blueprints = frozenset(blueprints)
        self.conditions = dict(conditions)
        self.max_entry = int(app.config["PAGE_CACHE_MAX_ENTRY"])
        self._version: Any = None
        self._version_at = 0.0
        self._version_commits = 0
        code_version(app)  # read the files now, not on the first request

    def applies(self) -> bool:
        """Whether this request's page may be validated and kept at all."""
        if (request.method not in ("GET", "HEAD") or current_app.debug or not request.endpoint
                or not current_app.config.get("PAGE_CACHE", True)):
            return False
        condition = self.conditions.get(request.endpoint)
        if condition is not None:
            if not condition():
                return False
        elif request.blueprint not in self.blueprints:
            return False
        view = current_app.view_functions.get(request.endpoint)
        return not getattr(view, "_no_page_cache", False)

    def _read_version(self) -> Any:
        """The data version row: the one query a cached page costs."""
        engine = current_app.extensions["engine"]
        if engine.dialect.name != "sqlite":
            # A database server costs a round trip per page: the version read is reused for
            # VERSION_TTL seconds, except after a commit in this process (read your own writes).
            now, commits = time.monotonic(), _COMMITS[0]
            ttl = float(current_app.config.get("PAGE_CACHE_VERSION_TTL", VERSION_TTL))
            if (self._version is not None and commits == self._version_commits
                    and now - self._version_at < ttl):
                return self._version
            self._version = self._query_version(engine)
            self._version_at, self._version_commits = now, commits
            return self._version
        return self._query_version(engine)

    @staticmethod
    def _query_version(engine: sa.engine.Engine) -> Any:
        with engine.connect() as connection:
            return connection.execute(_READ_VERSION).first()

    def page_version(self) -> PageVersion | None:
        """None when the data version cannot be read (an unmigrated database): not cached."""
        try:
            row = self._read_version()
        except SQLAlchemyError as error:
            log.warning("page cache: cannot read the data version (%s)", error)
            return None
        if row is None:
            return None
        version, changed_at = row
        if changed_at.tzinfo is None:
            changed_at = changed_at.replace(tzinfo=UTC)
        salt, code_changed_at = code_version(current_app)
        today = date.today()
        url = request.path + "?" + request.query_string.decode("latin-1")
        digest = hashlib.sha256("\n".join(
            [salt, str(version), changed_at.isoformat(), today.isoformat(), url]).encode()).hexdigest()
        midnight = datetime.combine(today, clock.min).astimezone(UTC)
        modified = max(changed_at, code_changed_at, midnight).replace(microsecond=0)
        settled = _utcnow() >= modified + _SETTLED
        return PageVersion(key=f"{current_app.config['PAGE_CACHE_PREFIX']}:page:{digest}",
                           etag=f"v{version}-{digest[:20]}",
                           last_modified=modified if settled else None)


def _personal() -> bool:
    """The request carries someone's own state: a session, a sign-in, credentials."""
    cookies = request.cookies
    return ("Authorization" in request.headers
            or current_app.config["SESSION_COOKIE_NAME"] in cookies
            or any(name in cookies for name in _USER_COOKIES))


def _not_modified(page: PageVersion) -> bool:
    if request.if_none_match:  # when present, If-Modified-Since is ignored (RFC 9110 13.1.3)
        return request.if_none_match.contains_weak(page.etag)
    since = request.if_modified_since
    return since is not None and page.last_modified is not None and page.last_modified <= since


def _validators(response: Response, page: PageVersion) -> Response:
    response.set_etag(page.etag, weak=True)
    if page.last_modified is not None:
        response.last_modified = page.last_modified
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.vary.update(VARY)
    return response


def _accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def _from_kept(kept: _Kept) -> Response:
    if _accepts_gzip():
        response = Response(kept.packed, content_type=kept.content_type)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(kept.plain(), content_type=kept.content_type)
    for name, value in kept.headers:
        response.headers[name] = value
    return response


def _pack(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0)


def _before_request() -> Response | None:
    cache: PageCache = current_app.extensions[_EXTENSION]
    if not cache.applies():
        return None
    if _personal():
        g.page_cache_personal = True
        return None
    page = cache.page_version()
    if page is None:
        return None
    if _not_modified(page):
        response = _validators(Response(status=304), page)
        del response.headers["Content-Type"]
        return response
    kept = cache.store.get(page.key)
    if kept is not None:
        response = _validators(_from_kept(kept), page)
        response.headers["X-Cache"] = "hit"
        return response
    g.page_cache_miss = page
    return None


def _storable(response: Response) -> bool:
    return (response.status_code == 200 and not response.direct_passthrough
            and "Set-Cookie" not in response.headers and not session.modified
            and not (response.cache_control.private or response.cache_control.no_store))


def _after_request(response: Response) -> Response:
    if g.pop("page_cache_personal", False):
        response.headers.setdefault("Cache-Control", PERSONAL_CACHE_CONTROL)
        return response
    page: PageVersion | None = g.pop("page_cache_miss", None)
    if page is None or not _storable(response):
        return response
    cache: PageCache = current_app.extensions[_EXTENSION]
    _validators(response, page)
    response.headers["X-Cache"] = "miss"
    content_type = response.headers.get("Content-Type", "text/html; charset=utf-8")
    headers = [(name, response.headers[name]) for name in _KEPT_HEADERS if name in response.headers]
    store = cache.store

    def keep(body: bytes) -> None:
        store.set(page.key, _Kept(content_type, headers, _pack(body), body))

    if response.is_streamed:
        response.response = _KeepAsSent(response.response, keep, cache.max_entry)
        return response
    body = response.get_data()
    if len(body) > cache.max_entry:
        return response
    packed = _pack(body)
    store.set(page.key, _Kept(content_type, headers, packed, body))
    if _accepts_gzip():
        response.set_data(packed)
        response.headers["Content-Encoding"] = "gzip"
    return response


class _KeepAsSent:
    """A streamed body passed on as it is made, and kept once all of it has gone out
    (unless it grew past ``limit``). ``close`` closes the view's iterable even when it
    was never read (a HEAD request), which ``stream_with_context`` needs."""

    def __init__(self, chunks: Iterable[bytes | str], keep: Callable[[bytes], None], limit: int) -> None:
        self._chunks = chunks
        self._iterator = iter(chunks)
        self._keep = keep
        self._limit = limit
        self._kept: list[bytes] | None = []
        self._size = 0

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        try:
            chunk = next(self._iterator)
        except StopIteration:
            if self._kept is not None:
                self._keep(b"".join(self._kept))
                self._kept = None
            raise
        data = chunk.encode() if isinstance(chunk, str) else chunk
        if self._kept is not None:
            self._size += len(data)
            if self._size <= self._limit:
                self._kept.append(data)
            else:
                self._kept = None
        return data

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


class DirectoryStore:
    """Pages kept as files in one folder: shared by the worker processes of one server, so
    a page is rendered once per data version, not once per worker."""

    PRUNE_EVERY = 200  # writes

    def __init__(self, folder: Path, max_files: int = 20_000) -> None:
        self.folder = folder
        self.max_files = max_files
        self._writes = 0
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.folder / hashlib.sha256(key.encode()).hexdigest()

    def get(self, key: str) -> _Kept | None:
        try:
            raw = self._path(key).read_bytes()
        except OSError:
            return None
        return _Kept.load(raw)

    def set(self, key: str, value: _Kept) -> None:
        path = self._path(key)
        temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}")
        try:
            temporary.write_bytes(value.dump())
            os.replace(temporary, path)
        except OSError as error:
            log.warning("page cache: cannot write %s (%s)", path, error)
            return
        self._writes += 1
        if self._writes % self.PRUNE_EVERY == 0:
            self._prune()

    def _prune(self) -> None:
        """Drop the oldest files beyond ``max_files`` (pages of past data versions go first)."""
        try:
            files = sorted(self.folder.iterdir(), key=lambda p: p.stat().st_mtime)
        except OSError:
            return
        for stale in files[:max(0, len(files) - self.max_files)]:
            stale.unlink(missing_ok=True)


class LayeredStore:
    """This process's memory in front of a shared store."""

    def __init__(self, front: MemoryStore, back: Store) -> None:
        self.front = front
        self.back = back

    def get(self, key: str) -> _Kept | None:
        kept = self.front.get(key)
        if kept is None:
            kept = self.back.get(key)
            if kept is not None:
                kept = _Kept(kept.content_type, kept.headers, kept.packed, kept.plain())
                self.front.set(key, kept)
        return kept

    def set(self, key: str, value: _Kept) -> None:
        self.front.set(key, value)
        self.back.set(key, value)


def share_between_processes(app: Flask, folder: Path) -> None:
    """Before a server forks its workers: keep pages in ``folder`` as well as in each worker's
    memory (Redis, when configured, is shared already)."""
    cache = app.extensions.get(_EXTENSION)
    if cache is not None and isinstance(cache.store, MemoryStore):
        cache.store = LayeredStore(cache.store, DirectoryStore(folder))


def make_store(app: Flask) -> Store:
    if app.config.get("REDIS_URL"):
        return RedisStore(str(app.config["REDIS_URL"]), int(app.config["PAGE_CACHE_TTL"]))
    return MemoryStore(int(app.config["PAGE_CACHE_MAX_BYTES"]))


def init_app(app: Flask, blueprints: Iterable[Blueprint],
             conditions: Mapping[str, Callable[[], bool]] | None = None) -> None:
    """Validate and keep the pages of ``blueprints`` (after they are registered), and of
    each endpoint of ``conditions`` when its condition holds for the request.
    ``PAGE_CACHE`` false at start installs nothing; set false later, requests bypass it."""
    if not app.config.get("PAGE_CACHE", True):
        return
    app.extensions[_EXTENSION] = PageCache(app, make_store(app), [bp.name for bp in blueprints],
                                           conditions or {})
    app.before_request(_before_request)
    app.after_request(_after_request)


def page_cache(app: Flask | None = None) -> PageCache | None:
    """The app's page cache (None when PAGE_CACHE is off)."""
    return (app or current_app).extensions.get(_EXTENSION)

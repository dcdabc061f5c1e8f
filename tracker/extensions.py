"""Flask extensions, made and set up in one place: ``init_app``, called by create_app.

Each app gets its own instances (kept in ``app.extensions``), because
Flask-Limiter keeps the settings of the app it was first set up with.

Rate limits: counters live in Redis when ``REDIS_URL`` is set, so that every
worker process shares them, and in memory otherwise. Should Redis go away, the
limiter falls back to memory rather than fail the page.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

_LIMITER = "tracker.limiter"


def init_app(app: Flask) -> None:
    config = app.config
    config.setdefault("RATELIMIT_STORAGE_URI", config.get("REDIS_URL") or "memory://")
    config.setdefault("RATELIMIT_KEY_PREFIX", "tracker")
    config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.extensions[_LIMITER] = Limiter(get_remote_address, app=app)


def limiter(app: Flask | None = None) -> Limiter:
    """The app's rate limiter (the current app's when ``app`` is not given)."""
    target = app if app is not None else current_app
    return target.extensions[_LIMITER]  # type: ignore[no-any-return]

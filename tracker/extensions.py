"""Flask extensions, made and set up in one place: ``init_app``, called by create_app.

- Flask-Limiter (below); Flask-WTF's CSRF protection on every POST, PUT, PATCH and DELETE;
  Flask-Login (``tracker.web.auth`` loads the user).

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
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

_LIMITER = "tracker.limiter"


def init_app(app: Flask) -> None:
    config = app.config
    config.setdefault("RATELIMIT_STORAGE_URI", config.get("REDIS_URL") or "memory://")
    config.setdefault("RATELIMIT_KEY_PREFIX", "tracker")
    config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.extensions[_LIMITER] = Limiter(get_remote_address, app=app)
    CSRFProtect(app)
    login = LoginManager(app)
    login.login_view = "auth.login"
    login.login_message = "Please sign in to do that."
    login.login_message_category = "info"
    login.session_protection = "basic"


def limiter(app: Flask | None = None) -> Limiter:
    """The app's rate limiter (the current app's when ``app`` is not given)."""
    target = app if app is not None else current_app
    return target.extensions[_LIMITER]  # type: ignore[no-any-return]

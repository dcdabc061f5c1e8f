"""Configuration read from the environment.

Every setting can be overridden by an environment variable of the same name;
tests pass a mapping to ``create_app`` instead.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
SEEDS_DIR = PROJECT_ROOT / "seeds"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
INSTANCE_DIR = Path(os.environ.get("TRACKER_INSTANCE_DIR", PROJECT_ROOT / "instance"))


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'tracker.sqlite3'}"


def normalise_database_url(url: str) -> str:
    """Accept the common ``postgres://`` spellings and pick the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment() -> dict[str, object]:
    secret = os.environ.get("SECRET_KEY")
    return {
        "DATABASE_URL": normalise_database_url(
            os.environ.get("DATABASE_URL") or default_database_url()
        ),
        # Without SECRET_KEY a random key is made per process: sessions then end
        # when the server restarts, which is safe for a local run. Production sets it.
        "SECRET_KEY": secret or secrets.token_hex(32),
        "SECRET_KEY_FROM_ENV": bool(secret),
        "DATA_DIR": Path(os.environ.get("TRACKER_DATA_DIR", DATA_DIR)),
        "SEEDS_DIR": Path(os.environ.get("TRACKER_SEEDS_DIR", SEEDS_DIR)),
        "POSTCODES_IO_URL": os.environ.get("POSTCODES_IO_URL", "https://api.postcodes.io"),
        "HTTP_TIMEOUT": float(os.environ.get("TRACKER_HTTP_TIMEOUT", "10")),
        # Seconds SQLite waits for another writer before "database is locked" (then the
        # site answers 503 and the CLI says the database is busy).
        "SQLITE_BUSY_TIMEOUT": float(os.environ.get("SQLITE_BUSY_TIMEOUT", "30")),
        # The Retry-After (seconds) of that 503.
        "BUSY_RETRY_AFTER": int(os.environ.get("BUSY_RETRY_AFTER", "10")),
        # Where readers send corrections (an address or URL), shown on the methodology page.
        "CORRECTIONS_CONTACT": os.environ.get("CORRECTIONS_CONTACT", ""),
        **network_settings(),
        **page_cache_settings(),
        **as_of_settings(),
        **account_settings(),
    }


# Values of SECRET_KEY that are placeholders, not secrets.
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev", "development", "test",
                                 "test-secret", "you-will-never-guess", "please-change-me"})
MIN_SECRET_LENGTH = 32


class ConfigurationError(RuntimeError):
    """The settings cannot run the site as asked (the message says what to set)."""


def account_settings() -> dict[str, object]:
    """Accounts, sign-in cookies, mail and the limits on sign-in and submissions."""
    return {
        # "production" makes the app refuse to start without a real SECRET_KEY.
        "TRACKER_ENV": os.environ.get("TRACKER_ENV", "development").strip().lower(),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": int(_env_number("SESSION_HOURS", 12, minimum=1) * 3600),
        "INVITATION_DAYS": _env_number("INVITATION_DAYS", 7, minimum=0.01),
        "CLAIM_LINK_DAYS": _env_number("CLAIM_LINK_DAYS", 7, minimum=0.01),
        # How long a candidate's personal pledge link works (tracker/campaigns/links.py).
        "PLEDGE_LINK_DAYS": _env_number("PLEDGE_LINK_DAYS", 30, minimum=0.01),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute; 50 per hour"),
        "INVITATION_RATE_LIMIT": os.environ.get("INVITATION_RATE_LIMIT", "30 per hour"),
        "SUBMISSION_RATE_LIMIT": os.environ.get("SUBMISSION_RATE_LIMIT", "30 per hour; 200 per day"),
        # Campaign lists (tracker/uploads): the largest file in bytes and the most rows; no
        # request body may be much larger than that file (Flask answers 413).
        "UPLOAD_MAX_BYTES": int(_env_number("UPLOAD_MAX_BYTES", 2 * 2**20, minimum=1024)),
        "UPLOAD_MAX_ROWS": int(_env_number("UPLOAD_MAX_ROWS", 2000, minimum=1)),
        "MAX_CONTENT_LENGTH": int(_env_number("UPLOAD_MAX_BYTES", 2 * 2**20, minimum=1024)) + 2**19,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(_env_number("MAIL_PORT", 25, minimum=1)),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "").strip().lower() in ("1", "true", "yes", "on"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", ""),
    }


def check_production(config: dict[str, object]) -> None:
    """In production, refuse to start without a real SECRET_KEY (set in the environment)."""
    if config.get("TRACKER_ENV") != "production" or config.get("TESTING"):
        return
    secret = str(config.get("SECRET_KEY") or "")
    if not config.get("SECRET_KEY_FROM_ENV") or secret.strip().lower() in PLACEHOLDER_SECRETS:
        raise ConfigurationError("TRACKER_ENV=production needs a real SECRET_KEY in the environment: "
                                 "python3 -c 'import secrets; print(secrets.token_hex(32))'")
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigurationError(f"SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters in production.")


def as_of_settings() -> dict[str, object]:
    """Pages as of a past day (tracker/web/asof.py) read a copy of the database made for the day."""
    return {
        # Where the copies are kept (shared by every worker process): default instance/as-of.
        "ASOF_DIR": os.environ.get("ASOF_DIR", ""),
        # How many days' copies are kept (the least recently read go first).
        "ASOF_KEEP": int(_env_number("ASOF_KEEP", 20, minimum=1)),
        # How long a request waits for a copy another request is making before a 503 "preparing".
        "ASOF_WAIT": _env_number("ASOF_WAIT", 25.0),
    }


def page_cache_settings() -> dict[str, object]:
    """Rendered pages kept by (URL, data version): see tracker/web/cache.py."""
    return {
        "PAGE_CACHE": os.environ.get("PAGE_CACHE", "on").strip().lower() not in ("0", "off", "false", "no"),
        # The in-process cache's size (without REDIS_URL), per worker process, in bytes.
        "PAGE_CACHE_MAX_BYTES": int(_env_number("PAGE_CACHE_MAX_BYTES", 32 * 2**20, minimum=2**16)),
        # The largest body kept (uncompressed), in bytes.
        "PAGE_CACHE_MAX_ENTRY": int(_env_number("PAGE_CACHE_MAX_ENTRY", 8 * 2**20)),
        # How long Redis keeps a page, in seconds (a page of an old data version is never read again).
        "PAGE_CACHE_TTL": int(_env_number("PAGE_CACHE_TTL", 6 * 3600, minimum=1)),
        "PAGE_CACHE_PREFIX": os.environ.get("PAGE_CACHE_PREFIX", "tracker"),
        # Change it to drop every kept page and ETag at once.
        "PAGE_CACHE_SALT": os.environ.get("PAGE_CACHE_SALT", ""),
    }


def _env_number(name: str, default: float, *, minimum: float = 0) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None
    if not value >= minimum:  # also refuses nan
        raise ValueError(f"{name} must be at least {minimum:g}, not {raw!r}")
    return value


def network_settings() -> dict[str, object]:
    """The site's own address, rate limits, and how calls to other services behave."""
    return {
        # The site's public address. Absolute URLs (the Atom feed, JSON twins) are built
        # from it, never from a request's Host header.
        "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1:5000"),
        # Rate-limit counters live in Redis when set (shared by every worker process),
        # else in each process's memory.
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        # Postcode searches that would ask postcodes.io, per client address (Flask-Limiter syntax).
        "POSTCODES_RATE_LIMIT": os.environ.get("POSTCODES_RATE_LIMIT", "10 per minute; 100 per day"),
        # A lookup's total time, however slowly postcodes.io answers.
        "POSTCODES_DEADLINE": _env_number("POSTCODES_DEADLINE", 3.0, minimum=0.1),
        "POSTCODES_MAX_CONCURRENT": int(_env_number("POSTCODES_MAX_CONCURRENT", 4, minimum=1)),
        # After this many failures in a row, postcodes.io is not asked for COOLDOWN seconds.
        "POSTCODES_BREAKER_FAILURES": int(_env_number("POSTCODES_BREAKER_FAILURES", 5, minimum=1)),
        "POSTCODES_BREAKER_COOLDOWN": _env_number("POSTCODES_BREAKER_COOLDOWN", 60.0),
        # How long cached answers are trusted, in days.
        "POSTCODES_FOUND_DAYS": _env_number("POSTCODES_FOUND_DAYS", 90.0),
        "POSTCODES_NOT_FOUND_DAYS": _env_number("POSTCODES_NOT_FOUND_DAYS", 7.0),
        # Importers: attempts per request (the first included), and the first backoff
        # (doubling) and longest wait between them, in seconds.
        "HTTP_RETRIES": int(_env_number("HTTP_RETRIES", 4, minimum=1)),
        "HTTP_RETRY_BACKOFF": _env_number("HTTP_RETRY_BACKOFF", 0.5),
        "HTTP_RETRY_MAX_WAIT": _env_number("HTTP_RETRY_MAX_WAIT", 30.0),
    }


def normalise_site_url(url: str) -> str:
    """``SITE_URL`` without a trailing slash; refuse anything but an absolute http(s) URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"SITE_URL must be the site's address, such as https://example.org, "
                         f"not {url!r}")
    return url.strip().rstrip("/")

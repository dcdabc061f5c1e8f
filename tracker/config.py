"""Configuration read from the environment.

Every setting can be overridden by an environment variable of the same name;
tests pass a mapping to ``create_app`` instead.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

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
        # Where readers send corrections (an address or URL), shown on the methodology page.
        "CORRECTIONS_CONTACT": os.environ.get("CORRECTIONS_CONTACT", ""),
    }

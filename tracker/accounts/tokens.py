"""Single-use secrets sent in links (invitations, pledge links, claims).

Only a digest is stored, so a copy of the database gives nobody a working link.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

TOKEN_BYTES = 32


def new_token() -> tuple[str, str]:
    """A fresh token for a link, and the digest to store."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, digest(token)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def plausible(token: str) -> bool:
    """A token as new_token makes them (cheap to check before any query)."""
    return 20 <= len(token) <= 100 and all(c.isascii() and (c.isalnum() or c in "-_") for c in token)


def expired(expires_at: datetime, now: datetime | None = None) -> bool:
    moment = expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)  # SQLite drops the zone
    return moment <= (now or datetime.now(UTC))

"""What several resources share: sources, pages on the site, times, columns of their own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tracker.exports.columns import COMMON
from tracker.exports.schema import Column
from tracker.models import Source
from tracker.prose.sources import label
from tracker.stance import Scale
from tracker.web.site_url import absolute

SOURCE_COLUMNS = (Source.url.label("source_url"), Source.publisher.label("source_publisher"),  # type: ignore[union-attr]
                  Source.title.label("source_title"), Source.published_on.label("source_published_on"))

ID = Column("id", "integer", "The record's id in this list (its item is /api/v1/<list>/<id>).")
PAGE = Column("page", "url", "The record's page on this site (absolute address); empty when it has none.")
SOURCE = (COMMON["source"], COMMON["source_url"])


def source_cells(row: Any, prefix: str = "source") -> dict[str, Any]:
    """``source`` (publisher, title and date in one line) and ``source_url`` of a joined source."""
    m = row._mapping
    return {prefix: label(m[f"{prefix}_publisher"], m[f"{prefix}_title"], m[f"{prefix}_published_on"],
                          m[f"{prefix}_url"]),
            f"{prefix}_url": m[f"{prefix}_url"]}


def page(path: str | None) -> str | None:
    """An absolute address on SITE_URL (never the Host header)."""
    return absolute(path) if path else None


def utc(moment: datetime | None) -> str | None:
    """A stored UTC time in ISO 8601 with its offset (SQLite hands it back without a zone)."""
    if moment is None:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="seconds")


def stance_label(scale: Scale | None, key: str | None) -> str | None:
    """The scale's words for a stance key; None without one (or for a key not on the scale)."""
    return scale.label(key) if scale is not None and key and key in scale else None

"""A source named in one line: publisher, title and date."""

from __future__ import annotations

from datetime import date

from tracker.models import Source
from tracker.stance import format_day


def source_label(source: Source | None) -> str | None:
    """'BBC News, Title, 1 Nov 2023'; the URL when nothing else is known."""
    if source is None:
        return None
    return label(source.publisher, source.title, source.published_on, source.url)


def label(publisher: str | None, title: str | None, published_on: date | None, url: str | None) -> str | None:
    """A source's label from its columns (see ``source_label``)."""
    parts = [p for p in (publisher, title) if p]
    if published_on:
        parts.append(format_day(published_on))
    return ", ".join(parts) or url

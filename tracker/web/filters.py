"""Jinja filters and globals shared by every page."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask

from tracker import clock
from tracker.queries.stances import scale_for
from tracker.stance import format_day
from tracker.web.assets import plotly_url
from tracker.web.topics import known_topics


def day(value: date | str | None, empty: str = "") -> str:
    if value is None:
        return empty
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_day(value)


def number(value: int | float | None) -> str:
    return "" if value is None else f"{value:,}"


def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def share_of(count: int, total: int) -> str:
    """'6.5%'; a count that is not zero never shows as '0.0%'."""
    if not total:
        return ""
    value = 100 * count / total
    return "<0.1%" if 0 < value < 0.05 else f"{value:.1f}%"


def utc_time(value: datetime) -> str:
    """An RFC 3339 time in UTC (SQLite hands stored times back without their zone)."""
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return moment.isoformat(timespec="seconds")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["utc_time"] = utc_time
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["share_of"] = share_of
    app.jinja_env.globals["scale_for"] = scale_for
    app.jinja_env.globals["today"] = clock.today
    app.jinja_env.globals["plotly_url"] = plotly_url
    app.jinja_env.globals["known_topics"] = known_topics

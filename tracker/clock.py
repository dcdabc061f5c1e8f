"""The day pages are shown as: today, or the day a page is asked for "as of" (``?as_of=``).

Page and query code asks this module, never ``date.today()``, so a page as of a past day
counts "sitting", "open" and "no answer yet" on that day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import g, has_app_context


def real_today() -> date:
    return datetime.now(UTC).date()


def today() -> date:
    """The as-of day of the current request when there is one, else today (UTC)."""
    if has_app_context():
        day = g.get("as_of_day")
        if day is not None:
            return day
    return real_today()

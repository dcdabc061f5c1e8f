"""The /downloads page's sentences about the size of the data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from tracker.stance import format_day


def size_sentence(counts: Mapping[str, int], day: date, past: bool) -> str:
    """'27 tables, 1,402,113 rows in all, at the time of this page (2 Dec 2026).'"""
    tables = len(counts)
    rows = sum(counts.values())
    size = f"{tables:,} table{'' if tables == 1 else 's'}, {rows:,} row{'' if rows == 1 else 's'} in all"
    if past:
        return f"{size}, as the site stood at the end of {format_day(day)}."
    return f"{size}, at the time of this page ({format_day(day)})."


def rows_text(count: int) -> str:
    """'1 row', '12,345 rows'."""
    return f"{count:,} row{'' if count == 1 else 's'}"


def not_documented(what: str, raw: str, names: Sequence[str]) -> str:
    """"There is no table 'x' in the full data. The tables are: area, body, …." for a 404."""
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    plural = {"table": "tables", "kind of page": "kinds of page"}.get(what, what + "s")
    return f"There is no {what} {shown!r} here. The {plural} are: {', '.join(names)}."

"""Counts of stances over time, computed from the same timelines the pages show.

Charts, tables and CSV downloads should all come from ``aggregate`` so that
they always agree with each other and with the per-person timelines.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from .engine import Timeline
from .scale import Scale

K = TypeVar("K", bound=Hashable)

GroupSpans = Sequence[tuple[date | None, date | None, str]]
"""(start, end exclusive, group key) spans for one person; None = open-ended."""


@dataclass(frozen=True)
class AggregateRow:
    day: date
    group: str
    stance: str
    count: int


def month_starts(first: date, last: date) -> list[date]:
    """The 1st of each month from ``first``'s month to ``last``'s month inclusive.

    Empty when ``last`` is in an earlier month than ``first``.
    """
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def groups_on(spans: GroupSpans, day: date) -> set[str]:
    """The groups whose span contains ``day`` (start <= day < end)."""
    return {
        group
        for start, end, group in spans
        if (start is None or start <= day) and (end is None or day < end)
    }


def stance_of(timelines: Mapping[K, Timeline], key: K, day: date, scale: Scale) -> str:
    """A person's stance on ``day``; the scale default when they have no timeline."""
    timeline = timelines.get(key)
    return scale.default if timeline is None else timeline.stance_on(day)


def aggregate(
    timelines: Mapping[K, Timeline],
    groups: Mapping[K, GroupSpans],
    days: Sequence[date],
    scale: Scale,
) -> list[AggregateRow]:
    """Count people by (day, group, stance).

    A person is counted on a day in every group whose span contains that day
    (once per group); people with no group that day are not counted. Every
    group seen on a day gets one row per stance in scale order, zeros
    included. Rows are sorted by day, group, then scale order.
    """
    rows = []
    for day in sorted(set(days)):
        counts: dict[str, dict[str, int]] = {}
        for key, spans in groups.items():
            member_of = groups_on(spans, day)
            if not member_of:
                continue
            stance = stance_of(timelines, key, day, scale)
            for group in member_of:
                by_stance = counts.setdefault(group, dict.fromkeys(scale.keys(), 0))
                by_stance[stance] += 1
        for group in sorted(counts):
            rows.extend(
                AggregateRow(day, group, stance, count) for stance, count in counts[group].items()
            )
    return rows


def counts_on(
    timelines: Mapping[K, Timeline],
    day: date,
    scale: Scale,
    keys: Iterable[K] | None = None,
) -> dict[str, int]:
    """{stance: count} on ``day`` for every scale key, in scale order.

    ``keys`` limits the count to those people (a key without a timeline counts
    as the default stance); by default everyone in ``timelines`` is counted.
    """
    counts = dict.fromkeys(scale.keys(), 0)
    people = timelines.keys() if keys is None else dict.fromkeys(keys)  # dedupe, keep order
    for key in people:
        counts[stance_of(timelines, key, day, scale)] += 1
    return counts

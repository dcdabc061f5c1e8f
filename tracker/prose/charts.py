"""What a chart shows, in words (its text alternative)."""

from __future__ import annotations

from collections.abc import Sequence

from tracker.stance import AggregateRow, Scale, format_day, month_starts


def chart_summary(rows: Sequence[AggregateRow], scale: Scale) -> str | None:
    """'On 1 Jun 2025, of 650 sitting MPs: 120 “Ceasefire”; ...', and the months with no bars."""
    if not rows:
        return None
    last = max(r.day for r in rows)
    total = sum(r.count for r in rows if r.day == last)
    parts = [f"{sum(r.count for r in rows if r.day == last and r.stance == s.key)} “{s.label}”"
             for s in scale.stances]
    summary = f"On {format_day(last)}, of {total} sitting MPs: " + "; ".join(parts) + "."
    present = {r.day for r in rows}
    gaps = [format_day(d) for d in month_starts(min(present), last) if d not in present]
    if gaps:
        summary += (f" No MPs sat on {' or '.join(gaps)} (Parliament was dissolved for the general "
                    "election), so the chart has no bars there.")
    return summary

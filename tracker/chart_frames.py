"""Each chart's numbers as one pandas frame: the single source of the chart.

The figure (:mod:`tracker.charts`), the table beside it on the page and the twin
table that its "Download this chart's data" link serves are all made from the
same frame, so what is drawn, what is listed and what is downloaded cannot
differ. The frames are built from the read model (monthly counts from
:mod:`tracker.queries.aggregates`, a person's :class:`StanceHistory`); how each
one counts is explained on /methodology (:mod:`tracker.prose.charts`).

pandas is loaded on first use, as in :mod:`tracker.queries.aggregates`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from tracker.readmodel.view import StanceHistory
from tracker.stance import AggregateRow, Scale, format_day

if TYPE_CHECKING:
    import pandas as pd

# The home page chart: each party group's MPs by stance, as a percentage of the group's MPs.
SHARE_COLUMNS = ("day", "party", "stance", "stance_label", "count", "members", "percent")
# A party page chart: the party's MPs by stance, as numbers of MPs.
COUNT_COLUMNS = ("day", "party", "stance", "stance_label", "count", "members")
# A person's stance over time: the steps of the line, then the dots (one per piece of evidence).
TIMELINE_COLUMNS = ("person", "series", "date", "until", "stance", "stance_label", "level", "conflict",
                    "evidence_id", "kind", "vote_position", "summary", "source", "source_url")
STEP = "stance"  # a row of the line: one stance period
DOT = "evidence"  # a dot: one piece of evidence


def _pd() -> Any:
    import pandas as pd  # loaded on first use: the CLI and the workers start faster without it

    return pd


def plain(value: Any) -> Any:
    """A frame's cell as a plain Python value: numpy numbers as int/float/bool, missing as None."""
    if value is None or isinstance(value, str | date):
        return value
    pd = _pd()
    if pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """The frame's rows as plain dicts (what the twins write and the page tables show)."""
    for record in frame.to_dict("records"):
        yield {k: plain(v) for k, v in record.items()}


def values(frame: pd.DataFrame, column: str) -> list[Any]:
    """One column as plain values (dates as ISO text), as a figure plots them."""
    out = []
    for v in frame[column].tolist():
        v = plain(v)
        out.append(v.isoformat() if isinstance(v, date) else v)
    return out


def _monthly(rows: Sequence[AggregateRow], scale: Scale) -> pd.DataFrame:
    """Counts per (day, group, stance), in the order given, with the group's members that day.

    A group with no member on a day is dropped for that day: nothing is drawn there.
    """
    pd = _pd()
    frame = pd.DataFrame([(r.day, r.group, r.stance, r.count) for r in rows],
                         columns=["day", "party", "stance", "count"])
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in COUNT_COLUMNS})
    frame["count"] = frame["count"].astype("int64")
    frame["members"] = frame.groupby(["day", "party"], sort=False)["count"].transform("sum")
    frame = frame[frame["members"] > 0].reset_index(drop=True)
    frame["stance_label"] = [scale.label(k) for k in frame["stance"]]
    return frame[list(COUNT_COLUMNS)]


def monthly_counts(rows: Sequence[AggregateRow], scale: Scale) -> pd.DataFrame:
    """A party page chart's frame (COUNT_COLUMNS): MPs by stance on the 1st of each month."""
    return _monthly(rows, scale)


def monthly_shares(rows: Sequence[AggregateRow], scale: Scale) -> pd.DataFrame:
    """The home page chart's frame (SHARE_COLUMNS): each group's MPs by stance on the 1st of each
    month, with the percentage of the group's MPs sitting that day (one decimal place)."""
    frame = _monthly(rows, scale)
    frame["percent"] = (100 * frame["count"] / frame["members"]).astype("float64").round(1)
    return frame[list(SHARE_COLUMNS)]


def stance_points(history: StanceHistory, scale: Scale, person: str, until: date) -> pd.DataFrame:
    """A person's stance chart's frame (TIMELINE_COLUMNS).

    One ``stance`` row per period that has a start (the line steps there and runs to
    ``until``: the period's end, or for the current period the day the page is shown
    for), then one ``evidence`` row per piece of evidence (a dot on its date). ``level`` is
    the height drawn: the stance's rank on the scale; a conflict, and evidence that states
    no stance, are drawn at the default's rank.
    """
    pd = _pd()
    default_rank = scale.rank(scale.default)
    rows: list[dict[str, Any]] = []
    for period in history.periods:
        if period.start is None:  # before any evidence: not drawn
            continue
        rows.append({
            "person": person, "series": STEP, "date": period.start,
            "until": period.end or max(until, period.start), "stance": period.stance,
            "stance_label": period.label, "level": scale.rank(period.stance), "conflict": period.conflict,
            "evidence_id": " ".join(e.id for e in period.evidence) or None, "kind": None,
            "vote_position": None, "summary": None, "source": None,
            "source_url": " ".join(period.source_urls) or None})
    for e in history.evidence:
        rows.append({
            "person": person, "series": DOT, "date": e.date, "until": None, "stance": e.stance,
            "stance_label": e.stance_label, "level": scale.rank(e.stance) if e.stance else default_rank,
            "conflict": None, "evidence_id": e.id, "kind": e.kind, "vote_position": e.vote_position,
            "summary": e.summary, "source": e.source, "source_url": e.source_url})
    frame = pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS), dtype="object")
    frame["level"] = frame["level"].astype("int64")
    return frame


def concat(frames: Sequence[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    """Several charts' frames as one table (a page with a chart per person)."""
    pd = _pd()
    present = [f for f in frames if not f.empty]
    if not present:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    return pd.concat(present, ignore_index=True)[list(columns)]


# The tables beside the charts (their text alternatives), from the same frames.

def share_table(frame: pd.DataFrame, scale: Scale) -> dict[str, Any]:
    """One row per day and party: its MPs, then each stance's count and percentage."""
    stances = [s.short for s in scale.stances]
    rows: dict[tuple[Any, Any], dict[str, Any]] = {}
    for r in records(frame):
        row = rows.setdefault((r["day"], r["party"]), {
            "Day counted": format_day(r["day"]), "Party": r["party"], "MPs": r["members"]})
        row[scale[r["stance"]].short] = f"{r['count']} ({r['percent']:.1f}%)"
    return {"columns": ["Day counted", "Party", "MPs", *stances], "rows": list(rows.values())}


def count_table(frame: pd.DataFrame, scale: Scale) -> dict[str, Any]:
    """One row per day: each stance's count, then all the party's MPs that day."""
    rows: dict[Any, dict[str, Any]] = {}
    for r in records(frame):
        row = rows.setdefault(r["day"], {"Day counted": format_day(r["day"]), "MPs": r["members"]})
        row[scale.label(r["stance"])] = r["count"]
    columns = ["Day counted", *(s.label for s in scale.stances), "MPs"]
    return {"columns": columns, "rows": [rows[d] for d in sorted(rows)]}


def steps_table(frame: pd.DataFrame) -> dict[str, Any]:
    """The line's steps: from, to (exclusive; "now" for the current period) and the stance."""
    steps = [r for r in records(frame) if r["series"] == STEP]
    rows = [{"From": format_day(r["date"]),
             "To": format_day(r["until"]) if i + 1 < len(steps) else "now",
             "Stance": r["stance_label"]} for i, r in enumerate(steps)]
    return {"columns": ["From", "To", "Stance"], "rows": rows}

"""The comparison page's one chart (/compare): several people's stances over time.

Its frame is each person's stance-chart frame (:func:`tracker.chart_frames.stance_points`,
as on their own page) one after the other, plus ``y``: the height drawn, which is the
stance's rank plus a small offset per person, so that two people holding one stance draw
two lines rather than one. The figure plots the frame's columns and nothing else, and the
frame's rows are the chart's CSV, so what is drawn and what is downloaded cannot differ.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from tracker.chart_frames import DOT, STEP, TIMELINE_COLUMNS, concat, records, stance_points, values
from tracker.charts import _layout
from tracker.models import Person
from tracker.prose.charts import evidence_hover
from tracker.readmodel.view import StanceHistory
from tracker.stance import Scale, format_day

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = (*TIMELINE_COLUMNS, "y")
# How far apart people's lines sit around a stance's rank (at most ±0.2 for six people).
OFFSET_STEP = 0.08
# Each person's line: colours (Okabe-Ito, told apart with colour blindness), dashes and marker
# shapes all differ, so no one is told from another by colour alone. static/css/compare.css
# draws the same samples beside each person's name.
STYLES = (("#0072B2", "solid", "circle"), ("#D55E00", "dash", "square"),
          ("#009E73", "dot", "diamond"), ("#CC79A7", "dashdot", "triangle-up"),
          ("#000000", "longdash", "x"), ("#E69F00", "longdashdot", "star"))


def offsets(n: int) -> list[float]:
    """Each of ``n`` people's vertical offset, centred on 0."""
    return [round((i - (n - 1) / 2) * OFFSET_STEP, 2) for i in range(n)]


def frame(people: Sequence[Person], histories: Mapping[int, StanceHistory], scale: Scale,
          until: date) -> pd.DataFrame:
    """The chart's frame (COLUMNS): each person's steps and dots, in the order compared."""
    parts = []
    for person, offset in zip(people, offsets(len(people)), strict=True):
        part = stance_points(histories[person.id], scale, person.slug, until)  # type: ignore[index]
        part["y"] = (part["level"].astype("float64") + offset).round(2)
        parts.append(part)
    return concat(parts, COLUMNS)


def figure(chart: pd.DataFrame, people: Sequence[Person], scale: Scale) -> dict[str, Any]:
    """Per person, a step line through their steps' (date, y), ending at the last step's
    ``until``, and a marker per piece of evidence at its (date, y)."""
    order = sorted(scale.stances, key=lambda s: s.rank)
    traces: list[dict[str, Any]] = []
    for index, person in enumerate(people):
        colour, dash, symbol = STYLES[index % len(STYLES)]
        name = html.escape(person.name, quote=False)
        mine = chart[chart["person"] == person.slug]
        steps, dots = mine[mine["series"] == STEP], mine[mine["series"] == DOT]
        xs, ys, labels = values(steps, "date"), values(steps, "y"), values(steps, "stance_label")
        if xs:
            xs.append(values(steps, "until")[-1])
            ys.append(ys[-1])
            labels.append(labels[-1])
        traces.append({
            "type": "scatter", "mode": "lines", "name": person.name, "legendgroup": person.slug,
            "x": xs, "y": ys, "line": {"shape": "hv", "width": 3, "color": colour, "dash": dash},
            "hovertemplate": "%{text}<extra></extra>",
            "text": [f"{name}: {html.escape(str(label), quote=False)}" for label in labels],
        })
        traces.append({
            "type": "scatter", "mode": "markers", "name": person.name, "legendgroup": person.slug,
            "showlegend": False,
            "x": values(dots, "date"), "y": values(dots, "y"),
            # Evidence that states no stance (no vote recorded, a declined pledge): an open mark.
            "marker": {"size": 11, "color": colour, "line": {"width": 1.5, "color": "#1a1a1a"},
                       "symbol": [symbol if stance else f"{symbol}-open"
                                  for stance in values(dots, "stance")]},
            "hovertemplate": "%{text}<extra></extra>",
            "text": [f"{name}<br>{evidence_hover(r)}" for r in records(dots)],
        })
    return {"data": traces, "layout": _layout(
        height=360, showlegend=True, legend={"orientation": "h", "y": -0.2, "x": 0},
        xaxis={"type": "date", "showgrid": False},
        yaxis={"tickvals": [s.rank for s in order], "ticktext": [s.short for s in order], "automargin": True,
               "range": [order[0].rank - 0.5, order[-1].rank + 0.5], "fixedrange": True,
               "zeroline": False},
    )}


def steps_table(chart: pd.DataFrame, people: Sequence[Person]) -> dict[str, Any]:
    """The table beside the chart: each person's steps, from, to ("now" for the current one)
    and the stance."""
    names = {p.slug: p.name for p in people}
    steps = [r for r in records(chart) if r["series"] == STEP]
    rows = []
    for i, r in enumerate(steps):
        last = i + 1 == len(steps) or steps[i + 1]["person"] != r["person"]
        rows.append({"Person": names.get(r["person"], r["person"]), "From": format_day(r["date"]),
                     "To": "now" if last else format_day(r["until"]), "Stance": r["stance_label"]})
    return {"columns": ["Person", "From", "To", "Stance"], "rows": rows}

"""Plotly figures, each drawn from its chart's frame (:mod:`tracker.chart_frames`).

A figure plots the frame's own columns and nothing else, so the CSV a chart links
to (the same frame's rows) holds exactly the numbers drawn. Figures are plain JSON
(data + layout) with no embedded template, so a page ships a few kilobytes per
chart; plotly.js itself is served once by the app (see tracker/web/assets.py).
Colours and labels come from the topic scale.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tracker.chart_frames import DOT, STEP, records, values
from tracker.prose.charts import NO_STANCE, evidence_hover
from tracker.stance import Scale, StanceLevel

if TYPE_CHECKING:
    import pandas as pd

FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13,
        "color": "#1a1a1a"}


def _layout(**extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "font": FONT, "margin": {"l": 48, "r": 12, "t": 12, "b": 40},
        "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff", "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.18},
    }
    layout.update(extra)
    return layout


def to_json(figure: Mapping[str, Any]) -> str:
    """JSON safe to put inside <script type="application/json">."""
    text = json.dumps(figure, separators=(",", ":"), default=str, allow_nan=False)
    # As Flask's htmlsafe JSON: no "<", ">" or "&" reaches the HTML parser inside the script element.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _stack_order(scale: Scale) -> list[StanceLevel]:
    """Bars stack from the strongest support down, with "no recorded position" on top."""
    return sorted(scale.stances, key=lambda s: -s.rank if s.side != "none" else 99)


def _bars(frame: pd.DataFrame, scale: Scale, column: str, unit: str) -> list[dict[str, Any]]:
    """One bar trace per stance: x the day counted, y the frame's ``column``; the hover text
    gives the count and the MPs it is out of (the frame's count and members)."""
    traces = []
    for level in _stack_order(scale):
        part = frame[frame["stance"] == level.key]
        # Legends use the short names so they fit a phone; hover text gives the full label.
        traces.append({
            "type": "bar", "name": level.short, "x": values(part, "day"), "y": values(part, column),
            "customdata": [[c, m] for c, m in zip(values(part, "count"), values(part, "members"),
                                                  strict=True)],
            "marker": {"color": level.colour},
            "hovertemplate": f"{level.label}: %{{y}}{unit} (%{{customdata[0]}} of %{{customdata[1]}} MPs)"
                             "<extra></extra>"})
    return traces


def counts_figure(frame: pd.DataFrame, scale: Scale) -> dict[str, Any]:
    """Stacked bars of the frame's ``count`` per day counted (a party page)."""
    return {"data": _bars(frame, scale, "count", ""), "layout": _layout(
        height=340, barmode="stack", xaxis={"type": "date", "showgrid": False},
        yaxis={"title": {"text": "MPs"}, "fixedrange": True},
    )}


def shares_figure(frame: pd.DataFrame, scale: Scale) -> dict[str, Any]:
    """One panel of stacked bars of the frame's ``percent`` per party group, sharing the time axis
    (the home page)."""
    groups = list(dict.fromkeys(values(frame, "party")))
    n = max(len(groups), 1)
    gap = 0.06
    height = (1 - gap * (n - 1)) / n
    data: list[dict[str, Any]] = []
    layout = _layout(height=150 * n + 80, barmode="stack", showlegend=True, annotations=[])
    for index, group in enumerate(groups):
        axis = "" if index == 0 else str(index + 1)
        for trace in _bars(frame[frame["party"] == group], scale, "percent", "%"):
            trace.update(xaxis=f"x{axis}", yaxis=f"y{axis}", legendgroup=trace["name"],
                         showlegend=index == 0, meta=group)
            data.append(trace)
        top = 1 - index * (height + gap)
        layout[f"yaxis{axis}"] = {"domain": [top - height, top], "fixedrange": True, "automargin": True,
                                  "range": [0, 100], "ticksuffix": "%"}
        layout[f"xaxis{axis}"] = {"type": "date", "anchor": f"y{axis}", "showgrid": False,
                                  "matches": "x" if index else None,
                                  "showticklabels": index == n - 1}
        layout["annotations"].append({"text": f"<b>{group}</b>", "xref": "paper", "yref": "paper",
                                      "x": 0, "y": top, "xanchor": "left", "yanchor": "bottom",
                                      "showarrow": False})
    return {"data": data, "layout": layout}


def timeline_figure(frame: pd.DataFrame, scale: Scale) -> dict[str, Any]:
    """A person's stance as a step line over time, each piece of evidence a dot.

    The line goes through each ``stance`` row's (date, level) and ends at the last row's
    ``until``; the dots are the ``evidence`` rows, one trace per stance they state.
    """
    order = sorted(scale.stances, key=lambda s: s.rank)
    steps = frame[frame["series"] == STEP]
    xs, ys = values(steps, "date"), values(steps, "level")
    if xs:
        xs.append(values(steps, "until")[-1])
        ys.append(ys[-1])
    traces: list[dict[str, Any]] = [{
        "type": "scatter", "mode": "lines", "x": xs, "y": ys, "line": {"shape": "hv", "width": 3,
                                                                      "color": "#10253f"},
        "name": "Stance", "hoverinfo": "skip",
    }]
    dots = frame[frame["series"] == DOT]
    default = scale[scale.default]
    groups: list[tuple[str, Any, dict[str, Any]]] = [
        (level.label, dots["stance"] == level.key, {"color": level.colour}) for level in order]
    # Evidence that states no stance (a declined pledge, no vote recorded): an open dot.
    groups.append((NO_STANCE, dots["stance"].isna(), {"color": default.colour, "symbol": "circle-open"}))
    for name, mask, marker in groups:
        part = dots[mask]
        if part.empty:
            continue
        traces.append({
            "type": "scatter", "mode": "markers", "name": name,
            "x": values(part, "date"), "y": values(part, "level"),
            "marker": {"size": 12, "line": {"width": 1.5, "color": "#1a1a1a"}, **marker},
            "hovertemplate": "%{text}<extra></extra>",
            "text": [evidence_hover(r) for r in records(part)],
        })
    return {"data": traces, "layout": _layout(
        height=300, showlegend=False,
        xaxis={"type": "date", "showgrid": False},
        # The heights are ranks, so 0 is a stance like any other: no zero line.
        yaxis={"tickvals": [s.rank for s in order], "ticktext": [s.short for s in order], "automargin": True,
               "range": [order[0].rank - 0.5, order[-1].rank + 0.5], "fixedrange": True, "zeroline": False},
    )}

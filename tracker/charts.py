"""Plotly figures built from already-aggregated data.

Figures are plain JSON (data + layout) with no embedded template, so a page
ships a few kilobytes per chart; plotly.js itself is served once by the app
(see tracker/web/assets.py). Colours and labels come from the topic scale.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from tracker import clock
from tracker.readmodel.view import StanceHistory
from tracker.stance import AggregateRow, Scale

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
    text = json.dumps(figure, separators=(",", ":"), default=str)
    # As Flask's htmlsafe JSON: no "<", ">" or "&" reaches the HTML parser inside the script element.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def timeline_figure(history: StanceHistory, scale: Scale, today: date | None = None) -> dict[str, Any]:
    """A person's stance as a step line over time, each piece of evidence a marker."""
    order = sorted(scale.stances, key=lambda s: s.rank)
    y_of = {s.key: i for i, s in enumerate(order)}
    end = (today or clock.today()).isoformat()
    xs: list[str] = []
    ys: list[int] = []
    for period in history.periods:
        if period.start is None:
            continue
        xs.append(period.start.isoformat())
        ys.append(y_of[period.stance])
    if xs:
        xs.append(end)
        ys.append(ys[-1])
    traces: list[dict[str, Any]] = [{
        "type": "scatter", "mode": "lines", "x": xs, "y": ys, "line": {"shape": "hv", "width": 3,
                                                                      "color": "#10253f"},
        "name": "Stance", "hoverinfo": "skip",
    }]
    by_stance: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for cited in history.evidence:
        item = cited.as_dict()
        by_stance[item["stance"] or scale.default].append(item)
    for level in order:
        items = by_stance.get(level.key)
        if not items:
            continue
        traces.append({
            "type": "scatter", "mode": "markers", "name": level.label,
            "x": [i["date"] for i in items], "y": [y_of[level.key]] * len(items),
            "marker": {"size": 12, "color": level.colour, "line": {"width": 1.5, "color": "#1a1a1a"}},
            "hovertemplate": "%{text}<extra></extra>",
            "text": [_hover(i) for i in items],
        })
    return {"data": traces, "layout": _layout(
        height=300, showlegend=False,
        xaxis={"type": "date", "showgrid": False},
        yaxis={"tickvals": list(range(len(order))), "ticktext": [s.short for s in order], "automargin": True,
               "range": [-0.5, len(order) - 0.5], "fixedrange": True},
    )}


def _hover(item: Mapping[str, Any]) -> str:
    """Hover text: plotly.js reads tags in it, so everything from the data is escaped and only
    our own line breaks stay markup."""
    what = f"vote: {item['vote_position'].replace('_', ' ')}" if item.get("vote_position") else item["kind"]
    summary = item["summary"] if len(item["summary"]) <= 90 else item["summary"][:87] + "..."
    source = item.get("source") or item.get("source_url") or "no source recorded"
    return "<br>".join(html.escape(str(part), quote=False) for part in (
        f"{item['date']} ({what})", summary, f"Source: {source}"))


def stacked_figure(rows: Sequence[AggregateRow], scale: Scale, *, percent: bool = False) -> dict[str, Any]:
    """Stacked bars of stance counts per day, summed over the groups in ``rows``."""
    days = sorted({r.day for r in rows})
    totals: dict[tuple[date, str], int] = defaultdict(int)
    for r in rows:
        totals[(r.day, r.stance)] += r.count
    per_day = {d: sum(totals[(d, s.key)] for s in scale.stances) or 1 for d in days}
    traces = []
    for level in sorted(scale.stances, key=lambda s: -s.rank if s.side != "none" else 99):
        values = [totals[(d, level.key)] for d in days]
        if percent:
            values = [round(100 * v / per_day[d], 1) for v, d in zip(values, days, strict=True)]
        # Legends use the short names so they fit a phone; hover text gives the full label.
        traces.append({"type": "bar", "name": level.short, "x": [d.isoformat() for d in days],
                       "y": values, "marker": {"color": level.colour},
                       "hovertemplate": f"{level.label}: %{{y}}{'%' if percent else ''}<extra></extra>"})
    return {"data": traces, "layout": _layout(
        height=340, barmode="stack", xaxis={"type": "date", "showgrid": False},
        yaxis={"title": {"text": "% of members" if percent else "members"}, "fixedrange": True},
    )}


def small_multiples(rows: Sequence[AggregateRow], scale: Scale, groups: Sequence[str],
                    *, percent: bool = True) -> dict[str, Any]:
    """One stacked-bar panel per group (e.g. party), sharing the time axis."""
    n = max(len(groups), 1)
    gap = 0.06
    height = (1 - gap * (n - 1)) / n
    data: list[dict[str, Any]] = []
    layout = _layout(height=150 * n + 80, barmode="stack", showlegend=True, annotations=[])
    for index, group in enumerate(groups):
        panel = stacked_figure([r for r in rows if r.group == group], scale, percent=percent)
        axis = "" if index == 0 else str(index + 1)
        for trace in panel["data"]:
            trace.update(xaxis=f"x{axis}", yaxis=f"y{axis}", legendgroup=trace["name"],
                         showlegend=index == 0)
            data.append(trace)
        top = 1 - index * (height + gap)
        layout[f"yaxis{axis}"] = {"domain": [top - height, top], "fixedrange": True, "automargin": True,
                                  "range": [0, 100] if percent else None,
                                  "ticksuffix": "%" if percent else ""}
        layout[f"xaxis{axis}"] = {"type": "date", "anchor": f"y{axis}", "showgrid": False,
                                  "matches": "x" if index else None,
                                  "showticklabels": index == n - 1}
        layout["annotations"].append({"text": f"<b>{group}</b>", "xref": "paper", "yref": "paper",
                                      "x": 0, "y": top, "xanchor": "left", "yanchor": "bottom",
                                      "showarrow": False})
    return {"data": data, "layout": layout}

"""What a page needs to show a chart: the two links under it (the CSV of its frame, the twin
table holding exactly the numbers it draws, and how it counts, on /methodology), and a
person's stance chart made in one step.

The methodology anchors are named here once: the charts link to them and the methodology
page gives them to its sections.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flask import request, url_for

from tracker import chart_frames, charts
from tracker.readmodel.view import StanceHistory
from tracker.stance import Scale
from tracker.web.twins import table_url

if TYPE_CHECKING:
    import pandas as pd

COUNTING = "chart-counting"  # what every count of members by stance shares (e.g. a party's tally)
COMMONS_BY_PARTY = "chart-commons-by-party"  # the home page
PARTY_BY_MONTH = "chart-party-by-month"  # party pages
STANCE_OVER_TIME = "chart-stance-over-time"  # person and constituency pages
ANCHORS = {"rules": COUNTING, "commons_by_party": COMMONS_BY_PARTY, "party_by_month": PARTY_BY_MONTH,
           "stance_over_time": STANCE_OVER_TIME}


def chart_links(table: str, anchor: str) -> dict[str, str]:
    """``data_url``: the page's table ``table`` as CSV (keeping the page's own arguments, such as
    its topic); ``method_url``: the methodology section ``anchor``, for the page's topic."""
    if anchor not in ANCHORS.values():
        raise ValueError(f"no methodology section {anchor!r}")
    return {"data_url": table_url("csv", table),
            "method_url": url_for("public.methodology", topic=request.args.get("topic") or None,
                                  _anchor=anchor)}


def stance_chart(history: StanceHistory, scale: Scale, person: str,
                 until: date) -> tuple[pd.DataFrame, str | None, dict[str, Any]]:
    """A person's stance chart: its frame (for the twin), its figure as JSON (None when there is
    no evidence to draw) and its table alternative, all from the one frame."""
    frame = chart_frames.stance_points(history, scale, person, until)
    figure = None if frame.empty else charts.to_json(charts.timeline_figure(frame, scale))
    return frame, figure, chart_frames.steps_table(frame)

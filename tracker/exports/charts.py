"""The twin tables behind the charts: each is its chart's frame (:mod:`tracker.chart_frames`),
row for row, so the CSV a chart links to holds exactly the numbers it draws.

How each chart counts is on /methodology, at the anchor named by each table's description.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from tracker.chart_frames import COUNT_COLUMNS, DOT, SHARE_COLUMNS, STEP, TIMELINE_COLUMNS, records
from tracker.exports.columns import COMMON, SPACED_URLS, cols
from tracker.exports.schema import Column, ExportTable, Row

if TYPE_CHECKING:
    import pandas as pd

C = TypeVar("C")

DAY = Column("day", "date", "The day counted: the 1st of a month. Each count is of that one day, not of the "
                            "whole month.")
COUNT = COMMON["count"].but(description="MPs of the group holding that stance that day (no recorded position "
                                        "and conflicting evidence both count as the scale's default).")


def _members(of_what: str) -> Column:
    return Column("members", "integer", f"Every MP of the group sitting that day, whatever their stance: "
                                        f"{of_what}.")


SHARE_TABLE = cols(
    DAY,
    COMMON["party"].but(description="The party group: Labour, Conservative, SNP, Liberal Democrat, or Other "
                        "(every other party, independents, the Speaker and MPs with no party recorded)."),
    "stance", "stance_label", COUNT, _members("what percent is of"),
    Column("percent", "number", "count as a percentage of members, rounded to one decimal place: the height "
                                "drawn."))

COUNT_TABLE = cols(
    DAY, COMMON["party"].but(description="The party the MPs' seats were held for that day."),
    "stance", "stance_label", COUNT.but(description=COUNT.description + " The height drawn."),
    _members("the height of the whole bar"))

TIMELINE_TABLE = cols(
    "person",
    Column("series", "string", f"{STEP}: a step of the line (one period of one stance); {DOT}: a dot (one "
                               "piece of evidence).", (STEP, DOT)),
    COMMON["date"].but(description="A step: the first day of the period. A dot: the day of the evidence (for "
                                   "an early day motion, the day it was tabled: it was signed on or after "
                                   "it)."),
    Column("until", "date", "A step: the day the period ended (exclusive: the next period's first day) or, "
                            "for the current period, the day the chart runs to (the day the page is shown "
                            "for). Empty for a dot."),
    COMMON["stance"].but(description="The period's stance, or the stance the evidence states (a key of the "
                                     "topic's scale; empty: the evidence states none)."),
    "stance_label",
    Column("level", "integer", "The height drawn: the stance's rank on the scale (see /methodology); a "
                               "conflict and evidence that states no stance are drawn at the default's "
                               "rank."),
    Column("conflict", "boolean", "A step: whether the period's evidence conflicts. Empty for a dot."),
    Column("evidence_id", "string", "A step: the ids of the evidence that opened the period, separated by "
                                    "spaces. A dot: the evidence's id (vote:<id> for a vote)."),
    COMMON["kind"].but(description=COMMON["kind"].description + " Empty for a step."),
    "vote_position",
    COMMON["summary"].but(description="A dot: what the evidence shows, in the site's words."),
    "source",
    COMMON["source_url"].but(type="string", description="The sources: of the evidence that opened the "
                                                        f"period (a step), or of the evidence (a dot); "
                                                        f"{SPACED_URLS}."))

for _declared, _frame in ((SHARE_TABLE, SHARE_COLUMNS), (COUNT_TABLE, COUNT_COLUMNS),
                          (TIMELINE_TABLE, TIMELINE_COLUMNS)):
    if tuple(c.name for c in _declared) != _frame:
        raise RuntimeError(f"chart table columns {[c.name for c in _declared]} differ from the frame's "
                           f"{_frame}")


def chart_table(name: str, description: str, columns: tuple[Column, ...],
                frame_of: Callable[[C], pd.DataFrame | None]) -> ExportTable[C]:
    """A table whose rows are a chart's frame (none when the page draws no chart)."""

    def rows(context: C) -> Iterable[Row]:
        frame = frame_of(context)
        return () if frame is None else records(frame)

    return ExportTable(name, description, columns, rows)

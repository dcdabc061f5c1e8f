"""The stance engine: a pure-Python package (no Flask, no database).

* ``scale``: a topic's stance scale, read from ``data/topics/<slug>.toml``.
* ``engine``: one person's evidence -> a timeline of stances, shifts,
  conflicts and contradictions.
* ``aggregate``: counts per day, group and stance from those timelines.
"""

from .aggregate import AggregateRow, GroupSpans, aggregate, counts_on, groups_on, month_starts
from .engine import (
    Conflict,
    Contradiction,
    EvidenceItem,
    Interval,
    Shift,
    Timeline,
    build_timeline,
    end_of,
    expected_vote,
    format_day,
    vote_stance,
)
from .scale import (
    DEFAULT_DATA_DIR,
    SIDES,
    Scale,
    ScaleError,
    StanceLevel,
    load_scale,
    load_topic,
)

__all__ = [
    "DEFAULT_DATA_DIR",
    "SIDES",
    "AggregateRow",
    "Conflict",
    "Contradiction",
    "EvidenceItem",
    "GroupSpans",
    "Interval",
    "Scale",
    "ScaleError",
    "Shift",
    "StanceLevel",
    "Timeline",
    "aggregate",
    "build_timeline",
    "counts_on",
    "end_of",
    "expected_vote",
    "format_day",
    "groups_on",
    "load_scale",
    "load_topic",
    "month_starts",
    "vote_stance",
]

"""The comparison page's tables (/compare?people=a,b,...)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.compare_chart import COLUMNS as CHART_COLUMNS
from tracker.exports.charts import TIMELINE_TABLE, chart_table
from tracker.exports.columns import COMMON, cols, stance_columns
from tracker.exports.people import EVIDENCE, PERIOD_COLUMNS
from tracker.exports.schema import Column, ExportTable, PageTables, Row
from tracker.models import Person
from tracker.queries.compare import Standing
from tracker.readmodel.view import StanceHistory

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Compared:
    """One person of a comparison, as the page shows them."""

    person: Person
    standing: Standing
    line: str | None  # tracker.prose.compare.standing_text
    history: StanceHistory


@dataclass(frozen=True)
class CompareData:
    """What the comparison page shows, as the view built it."""

    topic: str
    people: Sequence[Compared]
    evidence: Sequence[Row]  # every person's evidence, newest first, each with "person" and "name"
    chart: pd.DataFrame  # the chart's frame (tracker.compare_chart.frame)


def _people(d: CompareData) -> Iterable[Row]:
    for c in d.people:
        standing = c.standing
        constituency, council = standing.constituency, standing.council
        yield {"person": c.person.slug, "name": c.person.name, "topic": d.topic, "role": c.line,
               "party": standing.party_name, "party_slug": standing.party.slug if standing.party else None,
               "constituency": constituency.name if constituency else None,
               "constituency_slug": constituency.slug if constituency else None,
               "council": council.slug if council else None,
               **c.history.current.row(), "evidence_count": len(c.history.evidence)}


def _urls(evidence: Iterable[object]) -> str | None:
    return " ".join(dict.fromkeys(e.source_url for e in evidence if e.source_url)) or None  # type: ignore[attr-defined]


def _periods(d: CompareData) -> Iterable[Row]:
    for c in d.people:
        for p in c.history.periods:
            yield {"person": c.person.slug, "start": p.start, "end": p.end, "stance": p.stance,
                   "stance_label": p.label, "conflict": p.conflict,
                   "evidence_ids": " ".join(e.id for e in p.evidence) or None,
                   "source_url": _urls(p.evidence)}


COMPARE = PageTables[CompareData]("compare", "/compare?people=<slug>,<slug>,...", (
    ExportTable(
        "people", "The people compared, in the order the address names them, with what places them and "
                  "their current stance on the topic.",
        cols("person", "name", "topic",
             Column("role", "string", "What places the person: their current seat, else their latest "
                                      "candidacy, else their last seat, with their party, in words."),
             COMMON["party"].but(description="The person's party today (else that of their seat or of the "
                                             "ballot paper)."),
             "party_slug",
             COMMON["constituency"].but(description="The constituency of that seat or candidacy (empty: "
                                                    "none)."),
             "constituency_slug",
             COMMON["council"].but(description="The council of that seat, its slug (/councils/<slug>; "
                                               "empty: none)."),
             *stance_columns(),
             Column("evidence_count", "integer", "How many pieces of evidence about the person on the topic "
                                                 "we hold (every one is in the evidence table).")),
        _people),
    ExportTable(
        "periods",
        "Each person's periods of one stance on the topic, oldest first: from start (inclusive) to end "
        "(exclusive; empty = now).",
        PERIOD_COLUMNS, _periods),
    ExportTable(
        "evidence",
        "Every piece of evidence about every person compared, newest first, with whose it is and its source.",
        (*EVIDENCE[:1], COMMON["name"], *EVIDENCE[1:],
         Column("evidence_id", "string", "The evidence's id (evidence:<id>, vote:<id> or edm:<id>).")),
        lambda d: d.evidence),
    chart_table(
        "chart",
        "The chart's data, row for row, person after person in the order compared: each step of a "
        "person's line (a period of one stance) and each dot (a piece of evidence), oldest first, as on "
        "their own page's chart (how it is drawn: /methodology#chart-stance-over-time), plus y, the "
        "height drawn.",
        (*TIMELINE_TABLE,
         Column("y", "number", "The height drawn: level plus a small offset per person (from -0.2 to 0.2), "
                               "so that two people holding one stance draw two lines, not one.")),
        lambda d: d.chart),
))

if tuple(c.name for c in COMPARE.tables[3].columns) != CHART_COLUMNS:
    raise RuntimeError(f"the chart table's columns differ from its frame's {CHART_COLUMNS}")

"""The tables of decisions taken without a division (/decisions, /decisions/<slug>)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.exports.columns import COMMON, cols
from tracker.exports.schema import Column, ExportTable, PageTables, Row
from tracker.models import Division, Source
from tracker.queries.decisions import DecisionRecord
from tracker.queries.stances import source_label


@dataclass(frozen=True)
class DecisionData:
    record: DecisionRecord
    text_source: Source | None
    divisions: Sequence[Division]  # tracked divisions on the same topic


@dataclass(frozen=True)
class DecisionsData:
    records: Sequence[DecisionRecord]


def summary_row(record: DecisionRecord) -> dict[str, Any]:
    d = record.decision
    return {"decision": d.slug, "date": d.decision_date, "body": record.body.name,
            "topic": record.topic.slug if record.topic else None, "title": d.title,
            "outcome": d.outcome, "outcome_label": record.outcome_label,
            "individual_record": "none", "source": source_label(record.source),
            "source_url": record.source.url if record.source else None}


def _decision(d: DecisionData) -> Iterable[Row]:
    v = d.record.decision
    yield {**summary_row(d.record), "plain_summary": v.plain_summary, "text_as_recorded": v.question,
           "why_no_record": v.why_no_record, "agreement_gid": v.twfy_gid, "motion_gid": v.motion_gid,
           "text_source": source_label(d.text_source),
           "text_source_url": d.text_source.url if d.text_source else None}


SUMMARY = cols("decision", COMMON["date"].but(description="The day of the decision."),
               Column("body", "string", "The House that decided."), "topic",
               COMMON["title"].but(description="The question, in a few words."), "outcome",
               Column("outcome_label", "string", "The outcome in words."),
               Column("individual_record", "string", "Always none: no member voted, so no one's stance can "
                                                     "be read from a decision.", ("none",)))
SOURCES = cols(COMMON["source"].but(description="The account of the day, or else the dataset of the texts."),
               "source_url")

DECISION = PageTables[DecisionData]("decision", "/decisions/<slug>", (
    ExportTable("decision", "The decision: what was decided in plain words, the text as recorded in "
                            "Hansard (in Hansard's order), why no individual record exists, and the "
                            "sources.",
                (*SUMMARY[:7],
                 Column("plain_summary", "string", "What was decided, in plain words."),
                 Column("text_as_recorded", "string", "The text as recorded in Hansard, in Hansard's order."),
                 Column("why_no_record", "string", "Why no individual record exists."), SUMMARY[7],
                 Column("agreement_gid", "string", "TheyWorkForYou's id of the Hansard passage where the "
                        "question was agreed (or not put)."),
                 Column("motion_gid", "string", "TheyWorkForYou's id of the Hansard passage with the "
                                                "motion."),
                 *SOURCES,
                 Column("text_source", "string", "The source of the text as recorded."),
                 Column("text_source_url", "url", "Its web address.")),
                _decision),
    ExportTable("divisions", "Tracked divisions (recorded votes) on the same topic.",
                cols("decision", "division", COMMON["date"].but(description="The day of the division."),
                     COMMON["title"].but(description="The division's title.")),
                lambda d: ({"decision": d.record.decision.slug, "division": v.slug, "date": v.division_date,
                            "title": v.title} for v in d.divisions)),
))

DECISIONS = PageTables[DecisionsData]("decisions", "/decisions", (
    ExportTable("decisions", "Questions decided without a division (or never put). individual_record is "
                             "always none: no member voted, so no one's stance can be read from them.",
                (*SUMMARY, *SOURCES),
                lambda d: (summary_row(r) for r in d.records)),
))

"""The person page's tables (/people/<slug>)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracker.exports.charts import TIMELINE_TABLE, chart_table
from tracker.exports.columns import COMMON, SPACED_URLS, cols
from tracker.exports.replies import replies_table
from tracker.exports.schema import Column, ExportTable, PageTables, Row
from tracker.models import Person
from tracker.prose.stances import shift_text
from tracker.queries.decisions import DecisionRecord
from tracker.queries.edms import SignedMotion
from tracker.queries.stances import source_label

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class PersonData:
    """What the person page shows, as the view built it."""

    slug: str
    report: dict[str, Any]  # tracker.queries.stances.person_stance_report
    votes: Sequence[Row]  # tracker.web.people.vote_rows
    decisions: Sequence[DecisionRecord]
    names: Sequence[Row]  # tracker.queries.person_names.names_of
    edms: Sequence[Row]  # motion_row of each motion signed
    replies: Sequence[Row] = ()  # tracker.queries.replies.PersonReplies.rows
    chart: pd.DataFrame | None = None  # the stance chart's frame (tracker.chart_frames.stance_points)


def _urls(evidence: Iterable[dict[str, Any] | None]) -> str | None:
    """The distinct source URLs of some evidence, space-separated (None when there are none)."""
    return " ".join(dict.fromkeys(e["source_url"] for e in evidence if e and e["source_url"])) or None


def motion_row(person: Person, motion: SignedMotion) -> dict[str, Any]:
    """One early day motion the person signed: the page's list and the ``edms`` table."""
    edm, signature = motion.edm, motion.signature
    return {
        "person": person.slug, "edm_id": edm.edm_id, "title": edm.title,
        "tabled_on": edm.tabled_on, "signed_on_or_after": edm.tabled_on, "role": motion.role,
        "withdrawn_on": signature.withdrawn_on, "counts_towards_stance": motion.counted,
        "topic": motion.topic.slug if motion.counted and motion.topic else None,
        "topic_name": motion.topic.name if motion.counted and motion.topic else None,
        "stance": edm.signing_means if motion.counted else None,
        "stance_label": motion.stance_label, "scale": motion.scale, "reason": edm.note or None,
        "url": edm.url, "source": source_label(motion.source),
        "source_url": motion.source.url if motion.source else edm.url,
    }


def _periods(d: PersonData) -> Iterable[Row]:
    for i in d.report["timeline"]:
        yield {"person": d.slug, "start": i["start"], "end": i["end"], "stance": i["stance"],
               "stance_label": i["label"], "conflict": i["conflict"],
               "evidence_ids": " ".join(e["id"] for e in i["evidence"]) or None,
               "source_url": _urls(i["evidence"])}


def _changes(d: PersonData) -> Iterable[Row]:
    for s in d.report["shifts"]:
        yield {"person": d.slug, "kind": "shift", "date": s["date"],
               "description": shift_text(s["from_label"], s["to_label"]),
               "source_url": _urls(s["evidence"])}
    for c in d.report["contradictions"]:
        yield {"person": d.slug, "kind": c["kind"], "date": c["did"]["date"] if c["did"] else None,
               "description": c["description"], "source_url": _urls([c["said"], c["did"]])}


def _decisions(d: PersonData) -> Iterable[Row]:
    for r in d.decisions:
        yield {"person": d.slug, "date": r.decision.decision_date, "decision": r.decision.slug,
               "topic": r.topic.slug if r.topic else None, "outcome": r.decision.outcome,
               "context": r.context, "source": source_label(r.source),
               "source_url": r.source.url if r.source else None}


EVIDENCE = cols("person", "date", "kind", "vote_position", "division", "stance", "stance_label", "summary",
                "quote", "source", "source_url")
SOURCES = COMMON["source_url"].but(type="string", description=f"The sources of the evidence: {SPACED_URLS}.")

# A person's stance periods (the person page's and the comparison's tables).
PERIOD_COLUMNS = cols(
    "person", COMMON["start"].but(description="The first day of the period (empty: before any evidence)."),
    COMMON["end"].but(description="The day the next period began (empty: the current period)."),
    "stance", "stance_label",
    Column("conflict", "boolean", "Whether the evidence of the period conflicts (the stance is then "
           "the scale's default)."),
    Column("evidence_ids", "string", "The ids of the evidence that opened the period, separated by "
           "spaces (vote:<id> for a vote)."),
    SOURCES.but(description=f"The sources of the evidence that opened the period: {SPACED_URLS}."))

PERSON = PageTables[PersonData]("person", "/people/<slug>", (
    ExportTable(
        "evidence", "Every piece of evidence about the person on the topic, oldest first, with its source.",
        EVIDENCE, lambda d: ({"person": d.slug, **e} for e in d.report["evidence"])),
    ExportTable(
        "stance_periods",
        "Each period of one stance on the topic, oldest first: from start (inclusive) to end (exclusive; "
        "empty = now).",
        PERIOD_COLUMNS, _periods),
    chart_table(
        "stance_chart",
        "The stance chart's data, row for row: each step of its line (a period of one stance) and each dot "
        "(a piece of evidence), oldest first (how it is drawn: /methodology#chart-stance-over-time).",
        TIMELINE_TABLE, lambda d: d.chart),
    ExportTable(
        "shifts_and_contradictions",
        "Changes of stance (kind = shift) and votes against what the person had said or pledged "
        "(kind = voted_against or did_not_vote).",
        cols("person",
             Column("kind", "string", "shift: a change of stance; voted_against: voted against what they "
                    "had said or pledged; did_not_vote: did not vote on it after saying how they would.",
                    ("shift", "voted_against", "did_not_vote")),
             COMMON["date"].but(description="The day of the change, or of the vote."),
             Column("description", "string", "What happened, in words."),
             SOURCES.but(description=f"The sources of the evidence involved: {SPACED_URLS}.")),
        _changes),
    ExportTable(
        "votes",
        "Votes in tracked divisions of this topic, newest first; a vote with no stance says nothing on its "
        "own.",
        cols("person", "division",
             Column("division_title", "string", "The division's title."),
             COMMON["date"].but(description="The day of the division."),
             "vote_position",
             COMMON["stance"].but(description="What the vote says about the person's stance (a key of the "
                                  "topic's scale); empty: nothing on its own."),
             "stance_label",
             Column("aye_means", "string", "What an aye vote in that division means, in words (empty: "
                    "nothing on its own)."),
             Column("whip", "string", "The whip of the member's party, where known, in words."),
             Column("whip_verdict", "string", "Whether the vote followed the whip, in words."),
             "whip_basis", "whip_source_url", "source", "source_url", "also_reported_by"),
        lambda d: d.votes),
    ExportTable(
        "parties",
        "Party history: start and end dates as recorded (empty end = still a member).",
        cols("person", "party", "party_slug",
             COMMON["start"].but(description="The day the membership began (empty when not recorded)."),
             COMMON["end"].but(description="The day it ended (empty: still a member)."),
             Column("note", "string", "Anything recorded about the membership (e.g. why it ended)."),
             "source", "source_url"),
        lambda d: ({"person": d.slug, **p} for p in d.report.get("parties", []))),
    ExportTable(
        "decisions_on_the_day",
        "Questions the body decided without a division while the person held a seat in it: context on "
        "the day, never the person's stance (no member's vote was recorded).",
        cols("person", COMMON["date"].but(description="The day of the decision."), "decision", "topic",
             "outcome", Column("context", "string", "How the decision bears on the person, in words."),
             "source", "source_url"),
        _decisions),
    ExportTable(
        "names",
        "Every spelling of the person's name a source used.",
        cols("person", COMMON["name"].but(description="The name as the source spelt it."),
             Column("origin", "string", "The dataset: twfy = TheyWorkForYou, commons-votes, members-api, "
                    "hoc-library = the House of Commons Library's GE2024 results, democracy-club, "
                    "councillors = news reports, seeds."),
             Column("origin_label", "string", "The dataset's name."),
             Column("official", "boolean", "A UK Parliament source, from which the display name comes (the "
                    "latest one's spelling)."),
             Column("used_on", "date", "The latest day that source is known to have used the name (empty "
                    "when unknown)."),
             "source", "source_url"),
        lambda d: ({"person": d.slug, **n} for n in d.names)),
    ExportTable(
        "edms",
        "Every early day motion the person signed, tracked or not. The record gives no signature dates: a "
        "signature was made on or after the tabling date.",
        cols("person",
             Column("edm_id", "integer", "The motion's number in the House of Commons record."),
             COMMON["title"].but(description="The motion's title."),
             Column("tabled_on", "date", "The day the motion was tabled."),
             Column("signed_on_or_after", "date", "The signature was made on or after this day (the tabling "
                    "date)."),
             Column("role", "string", "How the person signed it.", ("primary sponsor", "co-sponsor",
                                                                    "signatory")),
             Column("withdrawn_on", "date", "The day the signature was withdrawn (empty: never)."),
             Column("counts_towards_stance", "boolean", "Whether data/edms.toml ties the motion to a "
                                                        "topic; a withdrawn signature counts only until "
                                                        "withdrawn_on."),
             COMMON["topic"].but(description="The topic the motion counts towards (empty: not counted)."),
             COMMON["stance"].but(description="What a signature means on that topic (a key of its scale)."),
             "stance_label",
             Column("reason", "string", "Why the motion is or is not counted."),
             Column("url", "url", "The motion's page in the House of Commons record."),
             "source", "source_url"),
        lambda d: d.edms),
    replies_table(lambda d: d.replies),
))

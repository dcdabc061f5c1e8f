"""The tables of the home page, the changes page and the methodology page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from tracker.exports.charts import SHARE_TABLE, chart_table
from tracker.exports.columns import COMMON, cols
from tracker.exports.schema import Column, ExportTable, PageTables, Row
from tracker.models import REVISION_ACTIONS
from tracker.queries import changes as changes_q
from tracker.queries import coverage as coverage_q
from tracker.queries import divisions as divisions_q
from tracker.queries import home as home_q
from tracker.stance import SIDES, Scale

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class HomeData:
    today: date
    scale: Scale
    mps: home_q.StanceCounts | None = None  # None: an empty database
    candidates: home_q.CandidateFigures | None = None
    chart: pd.DataFrame | None = None  # the chart's frame (tracker.chart_frames.monthly_shares)
    latest: Sequence[changes_q.Change] = ()
    coverage: Sequence[coverage_q.TopicCoverage] = ()
    tracked_votes: Sequence[divisions_q.DivisionSummary] = field(default_factory=list)


@dataclass(frozen=True)
class ChangesData:
    changes: Sequence[changes_q.Change]


def _headline(d: HomeData) -> Iterable[Row]:
    if d.mps is not None:
        for k, n in d.mps.counts.items():
            yield {"measure": "sitting_mps", "on": d.today, "stance": k, "stance_label": d.scale.label(k),
                   "count": n, "out_of": d.mps.total}
    if d.candidates is not None:
        for k, n in d.candidates.counts.items():
            yield {"measure": "ge2024_candidates_with_a_recorded_stance", "on": d.today, "stance": k,
                   "stance_label": d.scale.label(k), "count": n, "out_of": d.candidates.total}


def _tracked_votes(d: HomeData) -> Iterable[Row]:
    for v in d.tracked_votes:
        held = v.held
        yield {"division": v.division.slug, "date": v.division.division_date, "title": v.division.title,
               "votes_complete": v.division.votes_complete, "members_listed": sum(held.values()),
               "aye": held["aye"] + held["teller_aye"], "no": held["no"] + held["teller_no"],
               "both": held["both"], "no_vote_recorded": held["no_vote_recorded"]}


CHANGES_COLUMNS = cols(
    Column("revision", "integer", "The revision's number."),
    Column("when", "datetime", "When the change was committed (UTC)."),
    Column("table", "string", "What kind of record changed: evidence, a vote, a party membership "
           "(affiliation) or a seat (membership).", tuple(changes_q.TRACKED)),
    Column("action", "string", "create, update or delete.", REVISION_ACTIONS),
    Column("record_id", "integer", "The record's id within its table."),
    Column("actor", "string", "Who made the change: an importer, a seed file, or a user."),
    COMMON["person"].but(description="The person the record is about (/people/<slug>), if any."),
    Column("title", "string", "The change in a few words."),
    COMMON["description"].but(description="The change in a sentence."),
    COMMON["stance"].but(description="The stance the record sets, if any (a key of its topic's scale)."),
    "stance_label", "source", "source_url",
    Column("reason", "string", "Why the change was made, as its change set records it."),
    "change_set")

HOME = PageTables[HomeData]("home", "/", (
    ExportTable("headline", "Sitting MPs by stance today; GE2024 candidates with a recorded stance by their "
                "stance today (out_of = all sitting MPs / all GE2024 candidacies).",
                cols(Column("measure", "string", "sitting_mps, or ge2024_candidates_with_a_recorded_stance.",
                            ("sitting_mps", "ge2024_candidates_with_a_recorded_stance")),
                     Column("on", "date", "The day counted (today)."), "stance", "stance_label",
                     COMMON["count"].but(description="How many hold that stance."),
                     Column("out_of", "integer", "All sitting MPs, or all GE2024 candidacies.")),
                _headline),
    chart_table("commons_by_party", "Sitting MPs on the 1st of each month by party group (Labour, "
                "Conservative, SNP, Liberal Democrat, Other) and stance, with the percentage of the group's "
                "MPs: the home page chart's data, row for row (how it is counted: "
                "/methodology#chart-commons-by-party).",
                SHARE_TABLE, lambda d: d.chart),
    ExportTable("latest_changes", "The newest changes to evidence, votes, party memberships and seats.",
                CHANGES_COLUMNS, lambda d: (changes_q.change_row(c) for c in d.latest)),
    ExportTable("coverage", "Per topic and group, how many hold a recorded stance: at least one vote, "
                            "pledge, statement or signature that sets a stance. Not voting never counts.",
                cols("topic", Column("topic_name", "string", "The topic's name."),
                     Column("group", "string", "sitting_mps: MPs sitting on the day; ge2024_candidates: "
                                               "everyone who stood at the 2024 general election; "
                                               "councillors: people with a council seat in our data on the "
                                               "day.", ("sitting_mps", "ge2024_candidates", "councillors")),
                     Column("on", "date", "The day counted (today)."),
                     Column("with_recorded_stance", "integer", "People of the group with a recorded stance."),
                     Column("out_of", "integer", "People in the group.")),
                lambda d: coverage_q.coverage_rows(list(d.coverage), d.today)),
    ExportTable("tracked_votes", "The divisions on this topic and the members' votes we hold (tellers "
                                 "counted with their side; both = named in both lobbies).",
                cols("division", COMMON["date"].but(description="The day of the division."),
                     COMMON["title"].but(description="The division's title."),
                     Column("votes_complete", "boolean", "Whether every member's vote is held."),
                     Column("members_listed", "integer", "Members whose vote we hold, of any position."),
                     Column("aye", "integer", "Ayes held, tellers included."),
                     Column("no", "integer", "Noes held, tellers included."),
                     Column("both", "integer", "Members named in both lobbies."),
                     Column("no_vote_recorded", "integer", "Members listed with no vote recorded.")),
                _tracked_votes),
))

CHANGES = PageTables[ChangesData]("changes", "/changes", (
    ExportTable("changes", "Changes to evidence, votes, party memberships and seats, newest first (when is "
                           "UTC).",
                CHANGES_COLUMNS, lambda d: (changes_q.change_row(c) for c in d.changes)),
))

METHODOLOGY = PageTables[Scale]("methodology", "/methodology", (
    ExportTable("stances", "The stances of the topic's scale, in the order charts and tables use.",
                cols(Column("key", "string", "The stance's key, as the stance columns of every table give "
                                             "it."),
                     Column("label", "string", "The stance in words."),
                     Column("short", "string", "A short name (charts)."),
                     Column("description", "string", "What the stance means."),
                     Column("colour", "string", "Its colour on charts, #rrggbb."),
                     Column("rank", "integer", "Its place on the scale: higher supports more, below zero "
                                               "opposes."),
                     Column("side", "string", "Which side of the question it is on.", tuple(sorted(SIDES)))),
                lambda scale: ({"key": s.key, "label": s.label, "short": s.short,
                                "description": s.description, "colour": s.colour, "rank": s.rank,
                                "side": s.side} for s in scale.stances)),
    ExportTable("evidence_strength", "On the same day, evidence of a stronger kind outranks a weaker one.",
                cols(COMMON["kind"].but(description="A kind of evidence."),
                     Column("strength", "integer", "Its strength: higher outranks lower.")),
                lambda scale: ({"kind": k, "strength": v}
                               for k, v in sorted(scale.strength.items(), key=lambda kv: -kv[1]))),
))

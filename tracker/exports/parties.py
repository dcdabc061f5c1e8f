"""The party pages' tables (/parties, /parties/<slug>)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.exports.charts import COUNT_TABLE, chart_table
from tracker.exports.columns import COMMON, cols, stance_columns
from tracker.exports.schema import Column, ExportTable, PageTables, Row
from tracker.queries import parties as q
from tracker.queries.stances import source_label
from tracker.readmodel.view import StanceView
from tracker.stance import Scale

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class PartyData:
    slug: str
    current: Sequence[q.MPSeat]
    past: Sequence[Sequence[q.MPSeat]]  # each 2019-2024 MP's seats, oldest first
    council: Sequence[q.Councillor]
    lines: Sequence[q.PartyLine]
    stances: Mapping[int, StanceView]
    chart: pd.DataFrame | None  # the chart's frame (tracker.chart_frames.monthly_counts)
    tally: Sequence[tuple[str, int]]
    scale: Scale


def _seat_row(seat: q.MPSeat) -> dict[str, object]:
    return {"person": seat.person.slug, "name": seat.person.name,
            "constituency": seat.area.name if seat.area else None,
            "constituency_slug": seat.area.slug if seat.area else None,
            "start": seat.start, "end": seat.end}


def _members(d: PartyData) -> Iterable[Row]:
    for seat in d.current:
        yield {"group": "current_mp", **_seat_row(seat), **d.stances[seat.person.id].row()}  # type: ignore[index]
    for group in d.past:
        first, last = group[0], group[-1]
        yield {"group": "mp_2019_parliament", **_seat_row(last), "start": first.start,
               **d.stances[first.person.id].row()}  # type: ignore[index]
    for c in d.council:
        yield {"group": "councillor" if c.current else "former_councillor_member",
               "person": c.person.slug, "name": c.person.name,
               "council": "; ".join(b.name for b, _ in c.councils),
               "end": c.left_on, **d.stances[c.person.id].row()}  # type: ignore[index]


def _lines(d: PartyData) -> Iterable[Row]:
    for ln in d.lines:
        yield {"party": d.slug, "date": ln.evidence.evidence_date, "kind": ln.evidence.kind,
               "stance": ln.evidence.stance, "stance_label": d.scale.label(ln.evidence.stance),
               "summary": ln.evidence.summary, "quote": ln.evidence.quote,
               "source": source_label(ln.source), "source_url": ln.source.url}


PARTY_SLUG = COMMON["party_slug"].but(name="party")

PARTY = PageTables[PartyData]("party", "/parties/<slug>", (
    ExportTable("stance_now", "Sitting MPs of the party today, counted by their current recorded stance.",
                cols(PARTY_SLUG, "stance", "stance_label",
                     Column("sitting_mps", "integer", "How many sitting MPs of the party hold that stance.")),
                lambda d: ({"party": d.slug, "stance": key, "stance_label": d.scale.label(key),
                            "sitting_mps": n} for key, n in d.tally)),
    chart_table("stance_by_month", "MPs sitting for the party on the 1st of each month, by their stance on "
                "that day: the party page chart's data, row for row (how it is counted: "
                "/methodology#chart-party-by-month).",
                COUNT_TABLE, lambda d: d.chart),
    ExportTable("official_line", "The party's official line: context, never counted as a member's own "
                                 "stance.",
                cols(PARTY_SLUG, "date", COMMON["kind"].but(description="What kind of evidence."), "stance",
                     "stance_label", "summary", "quote", "source", "source_url"),
                _lines),
    ExportTable("members", "Members: MPs sitting today, MPs who sat for the party in the 2019–2024 "
                           "Parliament, and councillors affiliated with it now or before, each with their "
                           "current stance.",
                cols(Column("group", "string", "current_mp: sitting today; mp_2019_parliament: sat for the "
                                               "party in the 2019–2024 Parliament (start/end span those "
                                               "seats); councillor: affiliated today; "
                                               "former_councillor_member: a councillor whose affiliation "
                                               "ended on end.",
                            ("current_mp", "mp_2019_parliament", "councillor", "former_councillor_member")),
                     "person", "name", "constituency", "constituency_slug",
                     Column("council", "string", "A councillor's councils, by name, separated by '; '."),
                     COMMON["start"].but(description="The day the MP's seat began (empty for councillors)."),
                     COMMON["end"].but(description="The last day the MP sat, or the day the councillor's "
                                       "affiliation ended (empty: still so)."),
                     *stance_columns()),
                _members),
))


@dataclass(frozen=True)
class PartiesData:
    summaries: Sequence[q.PartySummary]


PARTIES = PageTables[PartiesData]("parties", "/parties", (
    ExportTable("parties", "Every party we hold, with sitting MPs today, MPs who sat for it in the 2019–2024 "
                "Parliament, councillors affiliated with it today, and candidates at the latest general "
                "election.",
                cols(PARTY_SLUG, COMMON["name"].but(description="The party's name."),
                     Column("short_name", "string", "The party's short name."),
                     Column("sitting_mps", "integer", "MPs sitting for the party today."),
                     Column("mps_2019_parliament", "integer",
                            "MPs who sat for it in the 2019–2024 Parliament."),
                     Column("councillors", "integer", "Councillors affiliated with it today (in our data)."),
                     Column("candidates_latest_general_election", "integer",
                            "Its candidates at the latest general election.")),
                lambda d: ({"party": s.party.slug, "name": s.party.name, "short_name": s.party.short_name,
                            "sitting_mps": s.sitting_mps, "mps_2019_parliament": s.mps_2019,
                            "councillors": s.councillors, "candidates_latest_general_election": s.candidates}
                           for s in d.summaries)),
))

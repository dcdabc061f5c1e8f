"""The constituency and council pages' tables (/constituencies/<slug>, /councils/<slug>)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from tracker.exports.charts import TIMELINE_TABLE, chart_table
from tracker.exports.columns import COMMON, SPACED_URLS, cols, stance_columns
from tracker.exports.schema import Column, ExportTable, PageTables, Row
from tracker.models import Area
from tracker.queries.councils import Overlap, Tiers, council_type_name
from tracker.queries.places import PartyNow, RelatedSeat, Seat, Stood
from tracker.readmodel.view import STANCE_COLUMNS, StanceHistory

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class ConstituencyData:
    area: Area
    seats: Sequence[Seat]
    stood: Sequence[Stood]
    related: Sequence[RelatedSeat]
    councillors: Sequence[Seat]  # sitting councillors of the councils overlapping the seat
    stances: Mapping[int, StanceHistory]
    today: date
    councils: Sequence[Overlap]
    charts: pd.DataFrame | None = None  # the current MPs' stance charts (tracker.chart_frames.stance_points)


@dataclass(frozen=True)
class CouncilData:
    area: Area
    seats: Sequence[Seat]
    stances: Mapping[int, StanceHistory]
    parties: Mapping[int, PartyNow]
    today: date
    constituencies: Sequence[Overlap]
    tiers: Tiers


def stance_cells(history: StanceHistory | None) -> dict[str, Any]:
    """A person's current stance as table columns, with the source of what decided it."""
    return history.current.row() if history else dict.fromkeys(STANCE_COLUMNS)


def _seat_row(s: Seat, stances: Mapping[int, StanceHistory], today: date, **extra: Any) -> dict[str, Any]:
    return {"person": s.person.slug, "name": s.person.name, "body": s.body.name,
            "party": s.party.name if s.party else None, "role": s.membership.role,
            "start": s.membership.start_date, "end": s.membership.end_date,
            "current": s.is_current(today), **extra,
            **stance_cells(stances.get(s.person.id))}  # type: ignore[arg-type]


def _current_mps(d: ConstituencyData) -> list[Seat]:
    return [s for s in d.seats if s.is_current(d.today)]


def _candidates(d: ConstituencyData) -> Iterable[Row]:
    for c in d.stood:
        yield {"election": c.election.slug, "person": c.person.slug, "name": c.person.name,
               "party": c.candidacy.party_label or (c.party.name if c.party else None),
               "votes": c.candidacy.votes, "share": c.candidacy.share, "elected": c.candidacy.elected,
               **stance_cells(d.stances.get(c.person.id))}  # type: ignore[arg-type]


def _evidence(seats: Iterable[Seat], stances: Mapping[int, StanceHistory],
              current_only: bool) -> Iterable[Row]:
    for s in seats:
        history = stances[s.person.id]  # type: ignore[index]
        for e in history.current_evidence if current_only else history.evidence:
            yield {"person": s.person.slug, "name": s.person.name, **e.as_dict()}


def _periods(d: ConstituencyData) -> Iterable[Row]:
    for s in _current_mps(d):
        for p in d.stances[s.person.id].periods:  # type: ignore[index]
            yield {"person": s.person.slug, "name": s.person.name, "start": p.start, "end": p.end,
                   "stance": p.stance, "stance_label": p.label, "conflict": p.conflict,
                   "source_url": " ".join(p.source_urls) or None}


def _councils(d: ConstituencyData) -> Iterable[Row]:
    for o in d.councils:
        yield {"council": o.area.slug, "name": o.area.name, "type": council_type_name(o.area),
               "gss_code": o.area.gss_code, "share": o.share, "through_districts": o.through_districts,
               "basis": o.basis}


def _councillors(d: CouncilData) -> Iterable[Row]:
    for s in d.seats:
        now = d.parties.get(s.person.id)  # type: ignore[arg-type]
        left = now.left if now else []
        yield {
            "person": s.person.slug, "name": s.person.name, "role": s.membership.role,
            "current": s.is_current(d.today),
            "party": now.party.name if now and now.party else None,
            "party_since": now.affiliation.start_date if now and now.affiliation else None,
            "party_note": now.affiliation.note if now and now.affiliation else None,
            "left_party": "; ".join(p.name for _a, p, _s in left) or None,
            "left_on": "; ".join(a.end_date.isoformat() for a, _p, _s in left if a.end_date) or None,
            "party_source": " ".join(dict.fromkeys(src.url for _a, _p, src in left if src and src.url))
            or None,
            **stance_cells(d.stances.get(s.person.id))}  # type: ignore[arg-type]


def _constituencies(d: CouncilData) -> Iterable[Row]:
    for o in d.constituencies:
        yield {"constituency": o.area.slug, "name": o.area.name, "gss_code": o.area.gss_code,
               "share": o.share, "through_districts": o.through_districts, "basis": o.basis}


def _tiers(d: CouncilData) -> Iterable[Row]:
    for relation, areas in (("county", [d.tiers.county] if d.tiers.county else []),
                            ("district", d.tiers.districts)):
        for a in areas:
            yield {"relation": relation, "council": a.slug, "name": a.name, "type": council_type_name(a),
                   "gss_code": a.gss_code, "valid_to": a.valid_to}


SEAT = cols("person", "name",
            Column("body", "string", "The body the seat is in (House of Commons, or a council)."),
            COMMON["party"].but(description="The party the person held the seat for, as recorded."),
            Column("role", "string", "The role, where recorded (e.g. Mayor)."),
            COMMON["start"].but(description="The day the person took the seat (empty when not recorded)."),
            COMMON["end"].but(description="The day the person left it (empty: still holds it)."),
            Column("current", "boolean", "Whether the person holds the seat today."))
EVIDENCE = cols("person", "name", "date", "kind", "vote_position", "division", "stance", "stance_label",
                "summary", "quote", "source", "source_url")
SHARE = Column("share", "number", "The fraction (0 to 1) of the council that lies in the constituency; "
                                  "empty for a county council, which covers it through its districts.")
THROUGH = Column("through_districts", "boolean", "Whether a county council covers it through its districts.")
BASIS = Column("basis", "string", "How the overlap was worked out, in words.")
COUNCIL_TYPE = Column("type", "string", "The kind of council (e.g. District council, Unitary authority).")

CONSTITUENCY = PageTables[ConstituencyData]("constituency", "/constituencies/<slug>", (
    ExportTable("representatives", "Everyone who has held the seat, with their stance today.",
                (*SEAT, *stance_columns()),
                lambda d: (_seat_row(s, d.stances, d.today) for s in d.seats)),
    ExportTable("current_evidence", "The evidence behind the current MP's stance, with its source.", EVIDENCE,
                lambda d: _evidence(_current_mps(d), d.stances, current_only=True)),
    ExportTable("candidates", "Candidates at each election here, with results and their stance today.",
                cols("election", "person", "name",
                     COMMON["party"].but(description="The party (or description) on the ballot paper."),
                     "votes", "share", "elected", *stance_columns()),
                _candidates),
    ExportTable("related_seats", "MPs of seats of the other boundary set linked to this one; how_linked says "
                "how the link was made (there is no official mapping in our data).",
                (*cols(Column("seat", "string", "The linked constituency's slug (/constituencies/<slug>)."),
                       Column("seat_name", "string", "The linked constituency's name."),
                       Column("how_linked", "string", "How the link was made: the same name, or held by the "
                              "same MP.")),
                 *SEAT, *stance_columns()),
                lambda d: (_seat_row(s, d.stances, d.today, seat=r.area.slug, seat_name=r.area.name,
                                     how_linked=r.how) for r in d.related for s in r.seats)),
    ExportTable("councillors", "Sitting councillors we hold of the councils overlapping this seat (see the "
                "councils table; a councillor's ward may lie outside the seat).",
                (*cols("council"), *SEAT, *stance_columns()),
                lambda d: (_seat_row(s, d.stances, d.today, council=_council_slug(d, s))
                           for s in d.councillors)),
    ExportTable("stance_periods", "The current MP's stance over time: start inclusive, end exclusive "
                                  "(empty = now).",
                cols("person", "name", COMMON["start"].but(description="The first day of the period (empty: "
                                                                       "before any evidence)."),
                     COMMON["end"].but(description="The day the next period began (empty: now)."),
                     "stance", "stance_label",
                     Column("conflict", "boolean", "Whether the evidence of the period conflicts."),
                     COMMON["source_url"].but(type="string", description="The sources of the evidence that "
                                              f"opened the period: {SPACED_URLS}.")),
                _periods),
    chart_table("stance_chart", "The current MP's stance chart's data, row for row (one chart per current "
                "MP, by person): each step of its line (a period of one stance) and each dot (a piece of "
                "evidence), oldest first (how it is drawn: /methodology#chart-stance-over-time).",
                TIMELINE_TABLE, lambda d: d.charts),
    ExportTable("councils", "Councils overlapping the constituency, largest share first.",
                cols("council", COMMON["name"].but(description="The council's name."), COUNCIL_TYPE,
                     "gss_code", SHARE, THROUGH, BASIS),
                _councils),
))


def _council_slug(d: ConstituencyData, seat: Seat) -> str | None:
    return next((o.area.slug for o in d.councils if o.area.id == seat.membership.area_id), None)


COUNCIL = PageTables[CouncilData]("council", "/councils/<slug>", (
    ExportTable("councillors", "Councillors of the council in our data, their party now (the open "
                "affiliation, or the latest), the parties they left and when, and their stance today.",
                cols("person", "name", Column("role", "string", "The role, where recorded."),
                     Column("current", "boolean", "Whether the person sits on the council today."),
                     COMMON["party"].but(description="The party now: the open affiliation, or the latest."),
                     Column("party_since", "date", "The day that affiliation began (empty when not "
                                                   "recorded)."),
                     Column("party_note", "string", "Anything recorded about that affiliation."),
                     Column("left_party", "string", "The parties the person left, separated by '; '."),
                     Column("left_on", "string", "The days they left them (YYYY-MM-DD), separated by '; ', "
                            "in the same order."),
                     Column("party_source", "string", f"The sources of their leaving: {SPACED_URLS}."),
                     *stance_columns()),
                _councillors),
    ExportTable("evidence", "Every piece of evidence about these councillors, with its source.", EVIDENCE,
                lambda d: _evidence(d.seats, d.stances, current_only=False)),
    ExportTable("constituencies", "The 2024 constituencies the council overlaps, largest share first.",
                (Column("constituency", "string", "The constituency's slug (/constituencies/<slug>)."),
                 COMMON["name"].but(description="The constituency's name."), COMMON["gss_code"],
                 SHARE.but(description="The fraction (0 to 1) of the council in the constituency; empty "
                                       "for a county council, whose constituencies come through its "
                                       "districts."),
                 THROUGH, BASIS),
                _constituencies),
    ExportTable("related_councils", "The county council this council sits in, or the district councils "
                "within it.",
                cols(Column("relation", "string", "county: the county council this one sits in; district: a "
                            "district council within this one.", ("county", "district")),
                     "council", COMMON["name"].but(description="The council's "
                                                               "name."), COUNCIL_TYPE, "gss_code",
                     Column("valid_to", "date", "For a former council, the last day it existed.")),
                _tiers),
))

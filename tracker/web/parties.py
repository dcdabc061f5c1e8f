"""Party pages: members' stances now and over time, the official line, the members."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask import Blueprint, Response, abort, request, url_for

from tracker import charts
from tracker.db import get_session
from tracker.queries import parties as q
from tracker.queries.aggregates import stance_counts
from tracker.queries.stances import scale_for, source_label, topic_row
from tracker.stance import AggregateRow, Scale
from tracker.web.topics import requested_topic
from tracker.web.twins import Table, page

bp = Blueprint("parties", __name__)
CHART_FROM = date(2023, 10, 1)  # the month the war began


def plausible_slug(slug: str) -> bool:
    """False for text no slug can be (too long, or control characters such as NUL, which
    PostgreSQL refuses in a query): such URLs are 404s without asking the database."""
    return 0 < len(slug) <= 200 and not any(ord(c) < 32 or ord(c) == 127 for c in slug)


def only_requested(tables: Sequence[Table]) -> list[Table]:
    """``?table=NAME`` narrows a page's CSV/JSON twin to one of its tables.

    Lets a chart link to exactly its own numbers; an unknown name gives every table.
    """
    wanted = request.args.get("table")
    chosen = [t for t in tables if t.name == wanted]
    return chosen or list(tables)


@bp.get("/parties")
def index() -> Response | str:
    summaries, election = q.party_index(get_session(), date.today())
    rows = [{"party": s.party.slug, "name": s.party.name, "short_name": s.party.short_name,
             "sitting_mps": s.sitting_mps, "mps_2019_parliament": s.mps_2019,
             "councillors": s.councillors, "candidates_latest_general_election": s.candidates}
            for s in summaries]
    table = Table("parties", ("party", "name", "short_name", "sitting_mps", "mps_2019_parliament",
                              "councillors", "candidates_latest_general_election"), rows,
                  "Every party we hold, with sitting MPs today, MPs who sat for it in the 2019–2024 "
                  "Parliament, councillors affiliated with it today, and candidates at the latest "
                  "general election.", frozenset({"name", "short_name"}))
    return page("parties.html", [table], "parties",
                with_mps=[s for s in summaries if s.sitting_mps],
                others=[s for s in summaries if not s.sitting_mps], election=election)


@bp.get("/parties/<slug>")
def party(slug: str) -> Response | str:
    session = get_session()
    found = q.party_by_slug(session, slug) if plausible_slug(slug) else None
    if found is None:
        abort(404)
    today = date.today()
    topic_slug = requested_topic()
    scale = scale_for(topic_slug)
    topic = topic_row(session, topic_slug)
    seats = q.commons_seats(session, found.id)  # type: ignore[arg-type]
    current = sorted(q.current_mps(seats, today), key=lambda s: s.person.sort_name)
    past = q.parliament_mps(seats)
    council = q.councillors(session, found.id)  # type: ignore[arg-type]
    lines = q.official_line(session, found.id, topic.id) if topic else []  # type: ignore[arg-type]
    ids = [s.person.id for s in current] + [g[0].person.id for g in past] + [c.person.id for c in council]
    stances = q.person_stances(session, ids, topic_slug)  # type: ignore[arg-type]
    tally = q.stance_tally([stances[s.person.id] for s in current], scale)  # type: ignore[index]
    try:
        monthly = [r for r in stance_counts(session, by="party", first=CHART_FROM, last=today,
                                            topic=topic_slug)
                   if r.group == found.name]
    except LookupError:  # no House of Commons in this database yet
        monthly = []
    tables = party_tables(found.slug, current, past, council, lines, stances, monthly, tally, scale)
    return page(
        "party.html", only_requested(tables), found.slug,
        party=found, scale=scale, current=current, past=past, council=council, lines=lines,
        stances=stances, tally=tally, total_now=len(current),
        chart_json=charts.to_json(charts.stacked_figure(monthly, scale)) if monthly else None,
        chart_table=monthly_display(monthly, scale),
        chart_csv=url_for("parties.party", slug=found.slug, table="stance_by_month", format="csv"),
        chart_from=CHART_FROM)


def monthly_display(rows: Sequence[AggregateRow], scale: Scale) -> Table:
    """The chart's numbers as one row per month, a column per stance label (for the HTML table)."""
    months: dict[date, dict[str, object]] = {}
    totals: dict[date, int] = {}
    for r in rows:
        row = months.setdefault(r.day, {"Month": f"{r.day:%b %Y}"})
        row[scale.label(r.stance)] = r.count
        totals[r.day] = totals.get(r.day, 0) + r.count
        row["Total"] = totals[r.day]
    columns = ("Month", *(level.label for level in scale.stances), "Total")
    return Table("stance_by_month", columns, [months[d] for d in sorted(months)])


def _seat_row(seat: q.MPSeat) -> dict[str, object]:
    return {"person": seat.person.slug, "name": seat.person.name,
            "constituency": seat.area.name if seat.area else None,
            "constituency_slug": seat.area.slug if seat.area else None,
            "start": seat.start, "end": seat.end}


def party_tables(slug: str, current: Sequence[q.MPSeat], past: Sequence[Sequence[q.MPSeat]],
                 council: Sequence[q.Councillor], lines: Sequence[q.PartyLine],
                 stances: dict[int, q.ListedStance], monthly: Sequence[AggregateRow],
                 tally: Sequence[tuple[str, int]], scale: Scale) -> list[Table]:
    member_cols = ("group", "person", "name", "constituency", "constituency_slug", "council", "start", "end",
                   *q.STANCE_COLUMNS)
    members: list[dict[str, object]] = []
    for seat in current:
        members.append({"group": "current_mp", **_seat_row(seat), **stances[seat.person.id].row()})  # type: ignore[index]
    for group in past:
        first, last = group[0], group[-1]
        members.append({"group": "mp_2019_parliament", **_seat_row(last), "start": first.start,
                        **stances[first.person.id].row()})  # type: ignore[index]
    for c in council:
        members.append({"group": "councillor" if c.current else "former_councillor_member",
                        "person": c.person.slug, "name": c.person.name,
                        "council": "; ".join(b.name for b, _ in c.councils),
                        "end": c.left_on, **stances[c.person.id].row()})  # type: ignore[index]
    line_rows = [{"party": slug, "date": ln.evidence.evidence_date, "kind": ln.evidence.kind,
                  "stance": ln.evidence.stance, "stance_label": scale.label(ln.evidence.stance),
                  "summary": ln.evidence.summary, "quote": ln.evidence.quote,
                  "source": source_label(ln.source), "source_url": ln.source.url} for ln in lines]
    month_rows = [{"month": f"{r.day:%Y-%m}", "party": r.group, "stance": r.stance,
                   "stance_label": scale.label(r.stance), "count": r.count} for r in monthly]
    tally_rows = [{"party": slug, "stance": key, "stance_label": scale.label(key), "sitting_mps": n}
                  for key, n in tally]
    return [
        Table("stance_now", ("party", "stance", "stance_label", "sitting_mps"), tally_rows,
              "Sitting MPs of the party today, counted by their current recorded stance."),
        Table("stance_by_month", ("month", "party", "stance", "stance_label", "count"), month_rows,
              "MPs sitting for the party on the 1st of each month, by stance on that day."),
        Table("official_line", ("party", "date", "kind", "stance", "stance_label", "summary", "quote",
                                "source", "source_url"), line_rows,
              "The party's official line: context, never counted as a member's own stance.",
              frozenset({"summary", "quote", "source"})),
        Table("members", member_cols, members,
              "group: current_mp (sitting today), mp_2019_parliament (sat for the party in the 2019–2024 "
              "Parliament; start/end span those seats), councillor (affiliated today), "
              "former_councillor_member (a councillor whose affiliation ended on `end`). "
              "stance_source_url is the source of the evidence behind the current stance.",
              frozenset({"name", "constituency", "council", "stance_source"})),
    ]

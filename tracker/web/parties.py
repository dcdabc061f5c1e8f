"""Party pages: members' stances now and over time, the official line, the members."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort

from tracker import chart_frames, charts, clock
from tracker.db import get_session
from tracker.exports.parties import PARTIES, PARTY, PartiesData, PartyData
from tracker.prose.charts import party_chart_summary
from tracker.queries import parties as q
from tracker.queries.aggregates import stance_counts
from tracker.queries.stances import scale_for, topic_row
from tracker.readmodel import view
from tracker.web import page_charts as links
from tracker.web.pagination import paginate
from tracker.web.topics import requested_topic
from tracker.web.twins import page, requested_format

bp = Blueprint("parties", __name__)
CHART_FROM = date(2023, 10, 1)  # the month the war began
# A party page has four lists: the sitting MPs come first and fullest; the others, which
# for a large party run to hundreds (MPs of 2019-2024) or thousands (councillors), are
# shown in shorter pages so that the whole page stays light on a phone.
OTHERS_PER_PAGE = 25


def plausible_slug(slug: str) -> bool:
    """False for text no slug can be (too long, or control characters such as NUL, which
    PostgreSQL refuses in a query): such URLs are 404s without asking the database."""
    return 0 < len(slug) <= 200 and not any(ord(c) < 32 or ord(c) == 127 for c in slug)


@bp.get("/parties")
def index() -> Response | str:
    summaries, election = q.party_index(get_session(), clock.today())
    return page("parties.html", PARTIES.bind(PartiesData(summaries)), "parties",
                with_mps=[s for s in summaries if s.sitting_mps],
                others=[s for s in summaries if not s.sitting_mps], election=election)


@bp.get("/parties/<slug>")
def party(slug: str) -> Response | str:
    session = get_session()
    found = q.party_by_slug(session, slug) if plausible_slug(slug) else None
    if found is None:
        abort(404)
    today = clock.today()
    topic_slug = requested_topic()
    scale = scale_for(topic_slug)
    topic = topic_row(session, topic_slug)
    seats = q.commons_seats(session, found.id)  # type: ignore[arg-type]
    current = sorted(q.current_mps(seats, today), key=lambda s: (s.person.sort_name, s.person.id))
    past = q.parliament_mps(seats)
    on_council = q.councillor_index(session, found.id, today)  # type: ignore[arg-type]
    lines = q.official_line(session, found.id, topic.id) if topic else []  # type: ignore[arg-type]
    members = "members"
    current_page = paginate(current, parameter="mps_page", table=members, anchor="mps-h")
    past_page = paginate(past, parameter="past_page", per_page=OTHERS_PER_PAGE, table=members,
                         anchor="past-h")
    now_page = paginate([e for e in on_council if e.current], parameter="councillors_page",
                        per_page=OTHERS_PER_PAGE, table=members, anchor="council-now-h")
    left_page = paginate([e for e in on_council if not e.current], parameter="left_page",
                         per_page=OTHERS_PER_PAGE, table=members, anchor="council-left-h")
    # The page reads the details and stances of the rows it shows (and the sitting MPs', for
    # its tally); the twin, everyone's. A large party has thousands of councillors.
    everyone = requested_format() is not None
    shown = None if everyone else [e.person_id for e in (*now_page.rows, *left_page.rows)]
    council = q.councillors(session, found.id, shown)  # type: ignore[arg-type]
    by_person = {c.person.id: c for c in council}
    council_now = now_page.with_rows([by_person[e.person_id] for e in now_page.rows])
    council_left = left_page.with_rows([by_person[e.person_id] for e in left_page.rows])
    past_rows = past if everyone else past_page.rows
    ids = ([s.person.id for s in current] + [g[0].person.id for g in past_rows]
           + [c.person.id for c in council])
    stances = view.stances(session, ids, topic_slug)  # type: ignore[arg-type]
    tally = view.tally([stances[s.person.id] for s in current], scale)  # type: ignore[index]
    try:
        monthly = [r for r in stance_counts(session, by="party", first=CHART_FROM, last=today,
                                            topic=topic_slug)
                   if r.group == found.name]
    except LookupError:  # no House of Commons in this database yet
        monthly = []
    # The chart's one frame: its figure, its table and its CSV (the twin's stance_by_month).
    frame = chart_frames.monthly_counts(monthly, scale)
    twin = PARTY.bind(PartyData(found.slug, current, past, council, lines, stances, frame, tally, scale))
    return page(
        "party.html", twin, found.slug,
        party=found, scale=scale, current=current, past=past, council_total=len(on_council), lines=lines,
        stances=stances, tally=tally, total_now=len(current),
        current_page=current_page, past_page=past_page, council_now=council_now, council_left=council_left,
        chart_json=None if frame.empty else charts.to_json(charts.counts_figure(frame, scale)),
        chart_table=chart_frames.count_table(frame, scale),
        chart_summary=party_chart_summary(list(chart_frames.records(frame)), scale, found.name),
        chart_links=links.chart_links("stance_by_month", links.PARTY_BY_MONTH),
        tally_links=links.chart_links("stance_now", links.COUNTING),
        chart_from=CHART_FROM)

"""Election pages: seats, candidates, their stances, and each constituency's winner."""

from __future__ import annotations

from flask import Blueprint, Response, abort, url_for

from tracker.db import get_session
from tracker.exports.elections import ELECTION, ELECTIONS, ElectionData, ElectionsData
from tracker.queries import elections as q
from tracker.queries.stances import scale_for
from tracker.readmodel import view
from tracker.web.pagination import paginate
from tracker.web.parties import plausible_slug
from tracker.web.topics import requested_topic
from tracker.web.twins import page

bp = Blueprint("elections", __name__)


@bp.get("/elections")
def index() -> Response | str:
    summaries = q.election_index(get_session())
    return page("elections.html", ELECTIONS.bind(ElectionsData(summaries)), "elections", summaries=summaries)


@bp.get("/elections/<slug>")
def election(slug: str) -> Response | str:
    session = get_session()
    found = q.election_by_slug(session, slug) if plausible_slug(slug) else None
    if found is None:
        abort(404)
    topic = requested_topic()
    scale = scale_for(topic)
    stood = q.candidacies(session, found.id)  # type: ignore[arg-type]
    stances = view.stances(session, [s.person.id for s in stood], topic)  # type: ignore[misc]
    contests = q.contests(stood, stances)
    tally = view.tally([stances[s.person.id] for s in stood], scale)  # type: ignore[index]
    recorded = sum(1 for s in stood if stances[s.person.id].recorded)  # type: ignore[index]
    conflicts = sum(1 for s in stood if stances[s.person.id].conflict)  # type: ignore[index]
    others = [s for s in q.election_index(session) if s.election.id != found.id]
    twin = ELECTION.bind(ElectionData(found.slug, stood, contests, stances, tally, scale))
    return page("election.html", twin, found.slug,
                election=found, scale=scale, contests=contests, stances=stances, tally=tally,
                contests_page=paginate(contests, table="constituencies", anchor="seats-h"),
                seats=len(contests), candidates=len(stood), recorded=recorded, conflicts=conflicts,
                others=others,
                table_csv={t.name: url_for("elections.election", slug=found.slug, table=t.name, format="csv")
                           for t in ELECTION.tables})

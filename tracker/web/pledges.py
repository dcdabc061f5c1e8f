"""Pledge campaign pages: the pledge, the stance it implies, and who signed it and when."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from tracker.db import get_session
from tracker.exports.pledges import PLEDGE, PLEDGES, PledgeData, PledgesData
from tracker.queries import pledges as q
from tracker.queries.stances import scale_for
from tracker.readmodel import view
from tracker.web.pagination import paginate
from tracker.web.parties import plausible_slug
from tracker.web.twins import page

bp = Blueprint("pledges", __name__)


@bp.get("/pledges")
def index() -> Response | str:
    summaries = q.pledge_index(get_session())
    scales = {s.topic: scale_for(s.topic) for s in summaries}
    return page("pledges.html", PLEDGES.bind(PledgesData(summaries, scales)), "pledges", summaries=summaries,
                scales=scales)


@bp.get("/pledges/<slug>")
def pledge(slug: str) -> Response | str:
    session = get_session()
    record = q.pledge_by_slug(session, slug) if plausible_slug(slug) else None
    if record is None:
        abort(404)
    scale = scale_for(record.topic)
    signed = q.signatures(session, record.pledge.id)  # type: ignore[arg-type]
    stances = view.stances(session, [s.person.id for s in signed], record.topic)  # type: ignore[misc]
    twin = PLEDGE.bind(PledgeData(record, signed, stances, scale))
    return page("pledge.html", twin, record.pledge.slug,
                record=record, pledge=record.pledge, signed=signed, stances=stances, scale=scale,
                signed_page=paginate(signed, table="signatures", anchor="signed-h"),
                implied=record.pledge.stance if record.pledge.stance in scale else None)

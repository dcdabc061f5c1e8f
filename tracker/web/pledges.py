"""Pledge campaign pages: the pledge, the stance it implies, who signed or refused it and when,
and every candidate of the elections held while it was open, by election and constituency."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, abort, request

from tracker.db import get_session
from tracker.exports.pledges import PLEDGE, PLEDGES, PledgeData, PledgesData
from tracker.models import Election
from tracker.queries import pledges as q
from tracker.queries.stances import scale_for
from tracker.readmodel import view
from tracker.web.campaign_forms import may_moderate
from tracker.web.pagination import paginate
from tracker.web.params import BadParameter
from tracker.web.parties import plausible_slug
from tracker.web.twins import page

bp = Blueprint("pledges", __name__)
SEATS_PER_PAGE = 20  # constituencies a page: about 140 candidates, well under 100 KB


@bp.get("/pledges")
def index() -> Response | str:
    summaries = q.pledge_index(get_session())
    scales = {s.topic: scale_for(s.topic) for s in summaries}
    return page("pledges.html", PLEDGES.bind(PledgesData(summaries, scales)), "pledges", summaries=summaries,
                scales=scales)


@dataclass(frozen=True)
class ElectionCounts:
    election: Election
    counts: q.AnswerCounts


def _choice(name: str, allowed: list[str]) -> str | None:
    """``?name=`` when it is one of ``allowed`` (None when absent), else a 400 naming them."""
    raw = request.args.get(name, "")
    if raw == "":
        return None
    if raw not in allowed:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise BadParameter(name, f"unknown value {shown!r}; use one of: {', '.join(allowed) or 'none here'}")
    return raw


@bp.get("/pledges/<slug>")
def pledge(slug: str) -> Response | str:
    session = get_session()
    record = q.pledge_by_slug(session, slug) if plausible_slug(slug) else None
    if record is None:
        abort(404)
    scale = scale_for(record.topic)
    given = q.answers(session, record.pledge.id)  # type: ignore[arg-type]
    signed = [a for a in given if a.signed]
    refused = [a for a in given if not a.signed]
    answered = q.person_answers(given, view.contradicting(session, [a.said_id for a in signed], record.topic))
    elections = q.campaign_elections(session, record.pledge)
    election = _choice("election", [e.slug for e in elections])
    wanted = _choice("answer", list(q.ANSWER_FILTERS))
    everyone = q.candidates(session, elections, answered)
    by_election = [ElectionCounts(e, q.count(c for c in everyone if c.election.id == e.id))
                   for e in elections]
    chosen = [c for c in everyone if election is None or c.election.slug == election]
    shown = [c for c in chosen if c.matches(wanted)]
    broken = sorted((a for a in answered.values() if a.broken_by), key=lambda a: a.latest.person.sort_name)
    stances = view.stances(session, [s.person.id for s in signed], record.topic)  # type: ignore[misc]
    twin = PLEDGE.bind(PledgeData(record, signed, stances, scale, refused, answered, shown))
    return page("pledge.html", twin, record.pledge.slug,
                record=record, pledge=record.pledge, signed=signed, refused=refused, answered=answered,
                stances=stances, scale=scale, elections=by_election, election=election, wanted=wanted,
                totals=q.count(everyone), chosen=q.count(chosen), shown=len(shown),
                by_person=sum(1 for a in given if a.evidence.signed_by_person),
                broken=broken,
                moderating=may_moderate(),
                broken_page=paginate(broken, parameter="broken_page", per_page=20, table="signatures",
                                     anchor="broken-h"),
                seats_page=paginate(q.seats(shown), parameter="seats_page", per_page=SEATS_PER_PAGE,
                                    table="answers", anchor="candidates-h"),
                signed_page=paginate(signed, parameter="signed_page", table="signatures", anchor="signed-h"),
                refused_page=paginate(refused, parameter="refused_page", table="refusals",
                                      anchor="refused-h"),
                implied=record.pledge.stance if record.pledge.stance in scale else None)

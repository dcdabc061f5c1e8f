"""Division (recorded vote) pages: what was voted on, what each side means, the votes we hold."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from tracker.db import get_session
from tracker.exports.divisions import DIVISION, DIVISIONS, DivisionData, DivisionsData
from tracker.models import VOTE_POSITIONS
from tracker.prose.votes import NOTHING_ON_ITS_OWN, POSITION_LABELS, WHIP_LABELS, count_notes, gap_note
from tracker.queries import divisions as q
from tracker.queries.stances import ENGINE_POSITION, scale_for
from tracker.stance import vote_stance
from tracker.web.pagination import paginate
from tracker.web.parties import plausible_slug
from tracker.web.topics import default_topic
from tracker.web.twins import page

bp = Blueprint("divisions", __name__)


@bp.get("/divisions")
def index() -> Response | str:
    summaries = q.division_index(get_session())
    shown = paginate(summaries, table="divisions", anchor="divisions-h")
    scales = {s.division.id: scale_for(s.topic_slug or default_topic()) for s in shown.rows}
    return page("divisions.html", DIVISIONS.bind(DivisionsData(summaries)), "divisions",
                summaries=summaries, shown=shown, scales=scales,
                tracked=sum(1 for s in summaries if s.division.topic_id is not None),
                gaps={s.division.id: gap_note(s.division, q.held_sides(s.held)) for s in shown.rows})


@bp.get("/divisions/<slug>")
def division(slug: str) -> Response | str:
    session = get_session()
    record = q.division_by_slug(session, slug) if plausible_slug(slug) else None
    if record is None:
        abort(404)
    d = record.division
    scale = scale_for(record.topic_slug or default_topic())
    votes = q.member_votes(session, d)
    by_party = q.votes_by_party(session, d)
    held = dict.fromkeys(VOTE_POSITIONS, 0)
    for v in votes:
        held[v.vote.position] += 1
    vote_means = {v.vote.id: vote_stance(ENGINE_POSITION[v.vote.position], d.aye_means, d.no_means)
                  for v in votes}
    twin = DIVISION.bind(DivisionData(record, votes, by_party, vote_means, scale))
    return page("division.html", twin, d.slug,
                record=record, division=d, votes=votes,
                votes_page=paginate(votes, table="votes", anchor="votes-h"),
                by_party=by_party, vote_means=vote_means,
                scale=scale, held=held, gap=gap_note(d, q.held_sides(held)),
                labels={k: v for k, v in POSITION_LABELS.items() if k != "both" or held["both"]},
                count_notes=count_notes(d, held, q.held_sides(held)), whip_labels=WHIP_LABELS,
                nothing=NOTHING_ON_ITS_OWN, result_source_label=q.short_source(record.source))

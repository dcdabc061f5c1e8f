"""Election pages: seats, candidates, their stances, and each constituency's winner."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, Response, abort, url_for

from tracker.db import get_session
from tracker.queries import elections as q
from tracker.queries.parties import STANCE_COLUMNS, ListedStance, person_stances, stance_tally
from tracker.queries.stances import scale_for
from tracker.stance import Scale
from tracker.web.parties import only_requested, plausible_slug
from tracker.web.topics import requested_topic
from tracker.web.twins import Table, page

bp = Blueprint("elections", __name__)


@bp.get("/elections")
def index() -> Response | str:
    summaries = q.election_index(get_session())
    rows = [{"election": s.election.slug, "name": s.election.name, "kind": s.election.kind,
             "date": s.election.election_date, "seats": s.seats, "candidates": s.candidates}
            for s in summaries]
    table = Table("elections", ("election", "name", "kind", "date", "seats", "candidates"), rows,
                  "Every election we hold: seats contested and candidacies.", frozenset({"name"}))
    return page("elections.html", [table], "elections", summaries=summaries)


@bp.get("/elections/<slug>")
def election(slug: str) -> Response | str:
    session = get_session()
    found = q.election_by_slug(session, slug) if plausible_slug(slug) else None
    if found is None:
        abort(404)
    topic = requested_topic()
    scale = scale_for(topic)
    stood = q.candidacies(session, found.id)  # type: ignore[arg-type]
    stances = person_stances(session, [s.person.id for s in stood], topic)  # type: ignore[misc]
    contests = q.contests(stood, stances)
    tally = stance_tally([stances[s.person.id] for s in stood], scale)  # type: ignore[index]
    recorded = sum(1 for s in stood if stances[s.person.id].recorded)  # type: ignore[index]
    conflicts = sum(1 for s in stood if stances[s.person.id].conflict)  # type: ignore[index]
    others = [s for s in q.election_index(session) if s.election.id != found.id]
    tables = election_tables(found.slug, stood, contests, stances, tally, scale)
    return page("election.html", only_requested(tables), found.slug,
                election=found, scale=scale, contests=contests, stances=stances, tally=tally,
                seats=len(contests), candidates=len(stood), recorded=recorded, conflicts=conflicts,
                others=others,
                table_csv={t.name: url_for("elections.election", slug=found.slug, table=t.name, format="csv")
                           for t in tables})


def election_tables(slug: str, stood: Sequence[q.Stood], contests: Sequence[q.Contest],
                    stances: dict[int, ListedStance], tally: Sequence[tuple[str, int]],
                    scale: Scale) -> list[Table]:
    def person_stance(s: q.Stood | None) -> dict[str, object]:
        if s is None:
            return dict.fromkeys(STANCE_COLUMNS)
        return stances[s.person.id].row()  # type: ignore[index]

    seat_rows = []
    for c in contests:
        w = c.winner
        seat_rows.append({
            "election": slug, "constituency": c.area.name, "constituency_slug": c.area.slug,
            "gss_code": c.area.gss_code, "candidates": len(c.candidates),
            "candidates_with_recorded_stance": c.with_stance,
            "winner": w.person.slug if w else None, "winner_name": w.person.name if w else None,
            "winner_party": w.party_name if w else None,
            "winner_votes": w.candidacy.votes if w else None,
            "winner_share": w.candidacy.share if w else None,
            **{f"winner_{k}": v for k, v in person_stance(w).items()}})
    candidate_rows = [{
        "election": slug, "constituency": s.area.name, "constituency_slug": s.area.slug,
        "gss_code": s.area.gss_code, "person": s.person.slug, "name": s.person.name,
        "party": s.party_name, "party_slug": s.party.slug if s.party else None,
        "votes": s.candidacy.votes, "share": s.candidacy.share, "elected": s.candidacy.elected,
        **person_stance(s)} for s in stood]
    tally_rows = [{"election": slug, "stance": key, "stance_label": scale.label(key), "candidates": n}
                  for key, n in tally]
    return [
        Table("stance_counts", ("election", "stance", "stance_label", "candidates"), tally_rows,
              "Candidacies counted by the candidate's current recorded stance (conflicting evidence "
              "counts as no recorded position)."),
        Table("constituencies", ("election", "constituency", "constituency_slug", "gss_code", "candidates",
                                 "candidates_with_recorded_stance", "winner", "winner_name", "winner_party",
                                 "winner_votes", "winner_share",
                                 *(f"winner_{c}" for c in STANCE_COLUMNS)), seat_rows,
              "One row per seat contested, with the winner and the winner's current recorded stance.",
              frozenset({"constituency", "winner_name", "winner_party", "winner_stance_source"})),
        Table("candidates", ("election", "constituency", "constituency_slug", "gss_code", "person", "name",
                             "party", "party_slug", "votes", "share", "elected", *STANCE_COLUMNS),
              candidate_rows,
              "Every candidacy with its result and the candidate's current recorded stance; "
              "stance_source_url is the source of the evidence behind it.",
              frozenset({"constituency", "name", "party", "stance_source"})),
    ]

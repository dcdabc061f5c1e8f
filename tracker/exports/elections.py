"""The election pages' tables (/elections, /elections/<slug>)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tracker.exports.columns import COMMON, cols, stance_columns
from tracker.exports.schema import Column, ExportTable, PageTables, Row
from tracker.models import ELECTION_KINDS
from tracker.queries import elections as q
from tracker.readmodel.view import STANCE_COLUMNS, StanceView
from tracker.stance import Scale


@dataclass(frozen=True)
class ElectionData:
    slug: str
    stood: Sequence[q.Stood]
    contests: Sequence[q.Contest]
    stances: Mapping[int, StanceView]
    tally: Sequence[tuple[str, int]]
    scale: Scale


@dataclass(frozen=True)
class ElectionsData:
    summaries: Sequence[q.ElectionSummary]


def _stance(d: ElectionData, s: q.Stood | None) -> dict[str, object]:
    return d.stances[s.person.id].row() if s is not None else dict.fromkeys(STANCE_COLUMNS)  # type: ignore[index]


def _seats(d: ElectionData) -> Iterable[Row]:
    for c in d.contests:
        w = c.winner
        yield {"election": d.slug, "constituency": c.area.name, "constituency_slug": c.area.slug,
               "gss_code": c.area.gss_code, "candidates": len(c.candidates),
               "candidates_with_recorded_stance": c.with_stance,
               "winner": w.person.slug if w else None, "winner_name": w.person.name if w else None,
               "winner_party": w.party_name if w else None,
               "winner_votes": w.candidacy.votes if w else None,
               "winner_share": w.candidacy.share if w else None,
               **{f"winner_{k}": v for k, v in _stance(d, w).items()}}


def _candidates(d: ElectionData) -> Iterable[Row]:
    for s in d.stood:
        yield {"election": d.slug, "constituency": s.area.name, "constituency_slug": s.area.slug,
               "gss_code": s.area.gss_code, "person": s.person.slug, "name": s.person.name,
               "party": s.party_name, "party_slug": s.party.slug if s.party else None,
               "votes": s.candidacy.votes, "share": s.candidacy.share, "elected": s.candidacy.elected,
               **_stance(d, s)}


AREA = cols("election", "constituency", "constituency_slug", "gss_code")

ELECTION = PageTables[ElectionData]("election", "/elections/<slug>", (
    ExportTable("stance_counts", "Candidacies counted by the candidate's current recorded stance "
                                 "(conflicting evidence counts as no recorded position).",
                cols("election", "stance", "stance_label",
                     Column("candidates", "integer", "Candidacies whose candidate holds that stance today.")),
                lambda d: ({"election": d.slug, "stance": key, "stance_label": d.scale.label(key),
                            "candidates": n} for key, n in d.tally)),
    ExportTable("constituencies", "One row per seat contested, with the winner and the winner's current "
                "recorded stance.",
                (*AREA,
                 Column("candidates", "integer", "Candidates who stood there."),
                 Column("candidates_with_recorded_stance", "integer", "Of them, those with a recorded "
                                                                      "stance."),
                 Column("winner", "string", "The winner's slug (/people/<slug>)."),
                 Column("winner_name", "string", "The winner's display name."),
                 Column("winner_party", "string", "The winner's party, as on the ballot."),
                 Column("winner_votes", "integer", "The winner's votes."),
                 Column("winner_share", "number", "The winner's share of the votes cast (0 to 1)."),
                 *stance_columns("winner_", "The winner's")),
                _seats),
    ExportTable("candidates", "Every candidacy with its result and the candidate's current recorded stance.",
                (*AREA, *cols("person", "name",
                              COMMON["party"].but(description="The party as on the ballot (\"Labour and "
                                                  "Co-operative\"), else the party's name."),
                              "party_slug", "votes", "share", "elected"),
                 *stance_columns()),
                _candidates),
))

ELECTIONS = PageTables[ElectionsData]("elections", "/elections", (
    ExportTable("elections", "Every election we hold: seats contested and candidacies.",
                cols("election", Column("name", "string", "The election's name."),
                     Column("kind", "string", "general, by_election or local.", ELECTION_KINDS),
                     COMMON["date"].but(description="Polling day."),
                     Column("seats", "integer", "Seats contested."),
                     Column("candidates", "integer", "Candidacies.")),
                lambda d: ({"election": s.election.slug, "name": s.election.name, "kind": s.election.kind,
                            "date": s.election.election_date, "seats": s.seats, "candidates": s.candidates}
                           for s in d.summaries)),
))

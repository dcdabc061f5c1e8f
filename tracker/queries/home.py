"""The home page's headline figures, all from the stance read model, as the person pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_
from sqlmodel import Session, select

from tracker.models import Body, Candidacy, Election, Membership, Person
from tracker.queries.aggregates import stance_counts
from tracker.queries.stances import scale_for
from tracker.readmodel import view
from tracker.stance import AggregateRow

COMMONS = "house-of-commons"
GE2024 = "uk-general-election-2024"
CHART_FROM = date(2023, 10, 1)
# The chart's panels: the largest parties in the Commons since October 2023, the rest as "Other".
PANELS = {"Labour": "Labour", "Conservative": "Conservative", "Scottish National Party": "SNP",
          "Liberal Democrat": "Liberal Democrat"}
OTHER = "Other"
PANEL_ORDER = (*PANELS.values(), OTHER)


@dataclass(frozen=True)
class StanceCounts:
    counts: dict[str, int]  # every scale key, in scale order

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class CandidateFigures:
    election_name: str | None
    total: int  # candidacies at the election
    with_stance: int  # of those, people with any recorded stance
    counts: dict[str, int]  # their stances today, every scale key


def has_data(session: Session) -> bool:
    return session.exec(select(Person.id).limit(1)).first() is not None


def sitting_mp_ids(session: Session, today: date) -> list[int]:
    """People with an open House of Commons seat today (one query)."""
    rows = session.exec(
        select(Membership.person_id).join(Body, Body.id == Membership.body_id)  # type: ignore[arg-type]
        .where(Body.slug == COMMONS,
               or_(Membership.start_date.is_(None), Membership.start_date <= today),  # type: ignore[union-attr]
               or_(Membership.end_date.is_(None), Membership.end_date >= today))  # type: ignore[union-attr]
        .distinct()).all()
    return sorted(rows)


def sitting_mp_stances(session: Session, today: date, topic: str) -> StanceCounts:
    """How many sitting MPs hold each stance today."""
    ids = sitting_mp_ids(session, today)
    return StanceCounts(view.counts(session, ids, topic))


def candidate_figures(session: Session, today: date, election_slug: str = GE2024, *,
                      topic: str) -> CandidateFigures:
    """How many of an election's candidates have any recorded stance, and which today.

    "Any recorded stance" means at least one piece of evidence that sets a stance,
    now or in the past; a vote that says nothing on its own does not count.
    """
    election = session.exec(select(Election).where(Election.slug == election_slug)).first()
    scale = scale_for(topic)
    if election is None:
        return CandidateFigures(None, 0, 0, dict.fromkeys(scale.keys(), 0))
    rows = session.exec(select(Candidacy.person_id).where(Candidacy.election_id == election.id)).all()
    total = session.exec(select(func.count()).select_from(Candidacy)
                         .where(Candidacy.election_id == election.id)).one()
    recorded = sorted(set(rows) & view.people_on_record(session, topic))
    return CandidateFigures(election.name, total, len(recorded), view.counts(session, recorded, topic))


def commons_by_party(session: Session, today: date, topic: str) -> list[AggregateRow]:
    """Monthly stance counts of sitting MPs from Oct 2023, grouped into the chart's panels."""
    if session.exec(select(Body.id).where(Body.slug == COMMONS)).first() is None:
        return []
    rows = stance_counts(session, by="party", first=CHART_FROM, last=today, topic=topic)
    return regroup(rows, scale_keys=scale_for(topic).keys())


def regroup(rows: Sequence[AggregateRow], scale_keys: Sequence[str]) -> list[AggregateRow]:
    """Sum party rows into the panels (Labour, Conservative, SNP, Liberal Democrat, Other)."""
    sums: dict[tuple[date, str, str], int] = defaultdict(int)
    for r in rows:
        sums[(r.day, PANELS.get(r.group, OTHER), r.stance)] += r.count
    days = sorted({r.day for r in rows})
    return [AggregateRow(day, panel, stance, sums.get((day, panel, stance), 0))
            for day in days for panel in PANEL_ORDER for stance in scale_keys]

"""Elections: seats, candidates and results, for the election pages (fixed query counts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from tracker.models import Area, Candidacy, Election, Party, Person
from tracker.readmodel.view import StanceView


@dataclass(frozen=True)
class Stood:
    candidacy: Candidacy
    person: Person
    area: Area
    party: Party | None

    @property
    def party_name(self) -> str | None:
        """The party as on the ballot ("Labour and Co-operative"), else the party's name."""
        return self.candidacy.party_label or (self.party.name if self.party else None)


@dataclass(frozen=True)
class Contest:
    """One constituency's contest: its candidates, most votes first, and the winner."""

    area: Area
    candidates: list[Stood]
    with_stance: int  # candidates with any recorded stance

    @property
    def winner(self) -> Stood | None:
        return next((c for c in self.candidates if c.candidacy.elected), None)


@dataclass(frozen=True)
class ElectionSummary:
    election: Election
    seats: int
    candidates: int


def election_by_slug(session: Session, slug: str) -> Election | None:
    return session.exec(select(Election).where(Election.slug == slug)).first()


def candidacies(session: Session, election_id: int) -> list[Stood]:
    """Every candidacy of the election with person, constituency and party (one query)."""
    rows = session.exec(
        select(Candidacy, Person, Area, Party)
        .join(Person, Person.id == Candidacy.person_id)  # type: ignore[arg-type]
        .join(Area, Area.id == Candidacy.area_id)  # type: ignore[arg-type]
        .outerjoin(Party, Party.id == Candidacy.party_id)  # type: ignore[arg-type]
        .where(Candidacy.election_id == election_id)).all()
    stood = [Stood(*row) for row in rows]
    stood.sort(key=lambda s: (s.area.name, -(s.candidacy.votes or 0), s.person.sort_name))
    return stood


def contests(stood: Sequence[Stood], stances: Mapping[int, StanceView]) -> list[Contest]:
    """Candidacies grouped by constituency, in constituency-name order."""
    by_area: dict[int, list[Stood]] = {}
    areas: dict[int, Area] = {}
    for s in stood:
        by_area.setdefault(s.area.id, []).append(s)  # type: ignore[arg-type]
        areas[s.area.id] = s.area  # type: ignore[index]
    out = [Contest(areas[aid], group, sum(1 for c in group if stances[c.person.id].recorded))  # type: ignore[index]
           for aid, group in by_area.items()]
    out.sort(key=lambda c: (c.area.name, c.area.slug))
    return out


def election_index(session: Session) -> list[ElectionSummary]:
    """Every election, newest first, with its seats and candidates (two queries)."""
    elections = session.exec(select(Election).order_by(
        Election.election_date.desc(), Election.slug)).all()  # type: ignore[attr-defined]
    counts = {eid: (seats, people) for eid, seats, people in session.exec(
        select(Candidacy.election_id, func.count(func.distinct(Candidacy.area_id)), func.count())
        .group_by(Candidacy.election_id)).all()}
    return [ElectionSummary(e, *counts.get(e.id, (0, 0))) for e in elections]  # type: ignore[arg-type]

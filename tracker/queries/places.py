"""Constituencies, councils and the people who hold or stood for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from tracker.models import Area, Body, Candidacy, Election, Membership, Party, Person


@dataclass(frozen=True)
class Seat:
    membership: Membership
    person: Person
    party: Party | None
    body: Body

    def is_current(self, today: date) -> bool:
        m = self.membership
        return (m.start_date is None or m.start_date <= today) and (m.end_date is None or m.end_date >= today)


@dataclass(frozen=True)
class Stood:
    candidacy: Candidacy
    person: Person
    party: Party | None
    election: Election


def area_by_slug(session: Session, slug: str) -> Area | None:
    return session.exec(select(Area).where(Area.slug == slug)).first()


def seats_for_area(session: Session, area_id: int) -> list[Seat]:
    """Everyone who has held a seat for this area, newest first (one query)."""
    rows = session.exec(
        select(Membership, Person, Party, Body)
        .join(Person, Person.id == Membership.person_id)  # type: ignore[arg-type]
        .join(Body, Body.id == Membership.body_id)  # type: ignore[arg-type]
        .outerjoin(Party, Party.id == Membership.party_id)  # type: ignore[arg-type]
        .where(Membership.area_id == area_id)).all()
    seats = [Seat(m, p, party, b) for m, p, party, b in rows]
    seats.sort(key=lambda s: (s.membership.start_date or date.min, s.person.sort_name), reverse=True)
    return seats


def candidacies_for_area(session: Session, area_id: int) -> list[Stood]:
    rows = session.exec(
        select(Candidacy, Person, Party, Election)
        .join(Person, Person.id == Candidacy.person_id)  # type: ignore[arg-type]
        .join(Election, Election.id == Candidacy.election_id)  # type: ignore[arg-type]
        .outerjoin(Party, Party.id == Candidacy.party_id)  # type: ignore[arg-type]
        .where(Candidacy.area_id == area_id)).all()
    stood = [Stood(c, p, party, e) for c, p, party, e in rows]
    stood.sort(key=lambda s: (s.election.election_date, s.candidacy.votes or 0), reverse=True)
    return stood


def find_areas(session: Session, text: str, limit: int = 20) -> list[Area]:
    statement = select(Area)
    for word in text.lower().split():
        statement = statement.where(func.lower(Area.name).contains(word))
    return list(session.exec(statement.order_by(Area.name).limit(limit)).all())


def area_by_gss(session: Session, gss: str) -> Area | None:
    return session.exec(select(Area).where(Area.gss_code == gss)).first()

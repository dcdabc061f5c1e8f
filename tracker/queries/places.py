"""Constituencies, councils and the people who hold or stood for them.

Every function here runs a fixed number of SQL statements whatever the number
of people involved, so a seat with thirteen candidates costs what a seat with
four does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, select

from tracker.models import (
    Affiliation,
    Area,
    Body,
    Candidacy,
    Election,
    Membership,
    Party,
    Person,
    Source,
)
from tracker.queries import councils
from tracker.queries.councils import Overlap
from tracker.queries.stances import (
    source_label,
)

CONSTITUENCY = "westminster_constituency"
COUNCIL = "council"
# The first day of the Parliament elected on 4 July 2024 (TheyWorkForYou starts seats on 5 July).
NEW_BOUNDARIES_FROM = date(2024, 7, 4)


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


@dataclass(frozen=True)
class RelatedSeat:
    """A constituency of the other boundary set linked to this one, and how the link was made."""

    area: Area
    how: str  # "same name" or "held by <MP>"
    seats: list[Seat]


@dataclass(frozen=True)
class PartyNow:
    """A councillor's party: the open affiliation, or else the latest one."""

    party: Party | None
    affiliation: Affiliation | None
    source: Source | None
    left: list[tuple[Affiliation, Party, Source | None]] = field(default_factory=list)


def usable_slug(slug: str) -> bool:
    """Whether a slug typed in a URL can be looked up at all.

    PostgreSQL rejects text with NUL bytes (an error, not "no rows"), and no
    stored slug is longer than its column, so such input is simply not found.
    """
    return 0 < len(slug) <= 150 and "\x00" not in slug


def area_by_slug(session: Session, slug: str) -> Area | None:
    if not usable_slug(slug):
        return None
    return session.exec(select(Area).where(Area.slug == slug)).first()


def _seats_statement():  # type: ignore[no-untyped-def]
    return (select(Membership, Person, Party, Body)
            .join(Person, Person.id == Membership.person_id)  # type: ignore[arg-type]
            .join(Body, Body.id == Membership.body_id)  # type: ignore[arg-type]
            .outerjoin(Party, Party.id == Membership.party_id))  # type: ignore[arg-type]


def _sorted_seats(rows: Sequence[Any]) -> list[Seat]:
    seats = [Seat(m, p, party, b) for m, p, party, b in rows]
    seats.sort(key=lambda s: (s.membership.start_date or date.min, s.person.sort_name), reverse=True)
    return seats


def seats_for_area(session: Session, area_id: int) -> list[Seat]:
    """Everyone who has held a seat for this area, newest first (one query)."""
    return _sorted_seats(session.exec(_seats_statement().where(Membership.area_id == area_id)).all())


def seats_for_areas(session: Session, area_ids: Sequence[int]) -> dict[int, list[Seat]]:
    """Seats of several areas in one query, newest first per area (the query runs even for none)."""
    rows = session.exec(_seats_statement().where(
        Membership.area_id.in_(list(area_ids)))).all()  # type: ignore[union-attr]
    out: dict[int, list[Seat]] = {area_id: [] for area_id in area_ids}
    for seat in _sorted_seats(rows):
        out.setdefault(seat.membership.area_id, []).append(seat)  # type: ignore[arg-type]
    return out


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


def _plain_name(column: Any) -> Any:
    """Lower case without commas: "Birmingham, Hall Green" == "birmingham hall green"."""
    return func.lower(func.replace(column, ",", ""))


def related_constituencies(session: Session, area: Area, seats: Sequence[Seat]) -> list[RelatedSeat]:
    """The seats of the other boundary set linked to a constituency (two queries, always).

    There is no official mapping between the 2010 and 2024 sets in our data, so
    a link is made in two ways only, and each is labelled with how it was made:
    a seat of the other set with the same name (ignoring case and commas), and,
    for a 2024 seat, the 2010-set seat(s) its 2024 MP held before 2024 (for a
    2010 seat, the 2024 seat(s) held after the election by its last MPs).
    """
    other_set = "2010" if area.boundary_set == "2024" else "2024" if area.boundary_set == "2010" else None
    if area.boundary_set == "2024":
        linking = [s for s in seats if s.body.kind == "commons"
                   and (s.membership.start_date or date.min) >= NEW_BOUNDARIES_FROM]
    else:
        linking = [s for s in seats if s.body.kind == "commons" and s.membership.end_date is not None
                   and s.membership.end_date < NEW_BOUNDARIES_FROM
                   and s.membership.end_date >= date(2024, 5, 1)]
    person_ids = sorted({s.person.id for s in linking})  # type: ignore[type-var]
    by_membership = (select(Membership.area_id)
                     .where(Membership.person_id.in_(person_ids)))  # type: ignore[union-attr]
    statement = select(Area).where(
        Area.kind == CONSTITUENCY, Area.boundary_set == (other_set or "none"), Area.id != area.id,
        or_(_plain_name(Area.name) == area.name.replace(",", "").lower(),
            Area.id.in_(by_membership.scalar_subquery())))  # type: ignore[union-attr]
    areas = list(session.exec(statement.order_by(Area.name)).all())
    seats_by_area = seats_for_areas(session, [a.id for a in areas])  # type: ignore[misc]
    names = {s.person.id: s.person.name for s in linking}
    out = []
    for other in areas:
        other_seats = seats_by_area.get(other.id, [])  # type: ignore[arg-type]
        how = []
        if other.name.replace(",", "").lower() == area.name.replace(",", "").lower():
            how.append("same name")
        holders = sorted({names[s.person.id] for s in other_seats if s.person.id in names})
        if holders:
            when = "before 2024" if area.boundary_set == "2024" else "from 2024"
            how.append(f"held by {' and '.join(holders)} {when}")
        out.append(RelatedSeat(other, "; ".join(how) or "same name", other_seats))
    return out


def councils_for_constituency(session: Session, area: Area) -> list[Overlap]:
    """The councils overlapping a constituency, largest share first, counties after (one query)."""
    return councils.councils_for_constituency(session, area)


def parties_now(session: Session, person_ids: Sequence[int], today: date) -> dict[int, PartyNow]:
    """Each person's party today and the parties they have left, with sources (one query)."""
    rows = session.exec(
        select(Affiliation, Party, Source)
        .join(Party, Party.id == Affiliation.party_id)  # type: ignore[arg-type]
        .outerjoin(Source, Source.id == Affiliation.source_id)  # type: ignore[arg-type]
        .where(Affiliation.person_id.in_(list(person_ids)))).all()  # type: ignore[attr-defined]
    by_person: dict[int, list[tuple[Affiliation, Party, Source | None]]] = defaultdict(list)
    for row in rows:
        by_person[row[0].person_id].append(row)
    out: dict[int, PartyNow] = {}
    for pid in person_ids:
        spans = by_person.get(pid, [])
        open_spans = [s for s in spans if (s[0].end_date is None or s[0].end_date > today)
                      and (s[0].start_date is None or s[0].start_date <= today)]
        open_spans.sort(key=lambda s: s[0].start_date or date.min)
        ended = sorted((s for s in spans if s[0].end_date is not None and s[0].end_date <= today),
                       key=lambda s: s[0].end_date)  # type: ignore[arg-type, return-value]
        if open_spans:
            now = open_spans[-1]
        elif spans:
            now = max(spans, key=lambda s: (s[0].end_date or date.max, s[0].start_date or date.min))
        else:
            out[pid] = PartyNow(None, None, None, ended)
            continue
        out[pid] = PartyNow(now[1], now[0], now[2], [s for s in ended if s is not now])
    return out


def sources_of_seats(session: Session, seats: Sequence[Seat]) -> list[Source]:
    """The distinct sources the seats were recorded from (one query)."""
    ids = sorted({s.membership.source_id for s in seats if s.membership.source_id is not None})
    rows = session.exec(select(Source).where(Source.id.in_(ids))).all()  # type: ignore[union-attr]
    return sorted(rows, key=lambda s: (source_label(s) or "").lower())


def find_areas(session: Session, text: str, limit: int = 20) -> list[Area]:
    statement = select(Area)
    for word in text.lower().split():
        statement = statement.where(func.lower(Area.name).contains(word))
    return list(session.exec(statement.order_by(Area.name).limit(limit)).all())


def area_by_gss(session: Session, gss: str) -> Area | None:
    return session.exec(select(Area).where(Area.gss_code == gss)).first()


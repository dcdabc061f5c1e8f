"""Parties: their MPs, councillors and official line, and the index of parties.

Every function runs a fixed number of statements, whatever a party's size.
Stances come from the read model (``tracker.readmodel.view``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from sqlalchemy import case, func
from sqlmodel import Session, select

from tracker import clock
from tracker.models import (
    Affiliation,
    Area,
    Body,
    Candidacy,
    Election,
    Evidence,
    Membership,
    Party,
    Person,
    Source,
)
from tracker.queries.stances import source_label

# The 2019 Parliament: elected 12 Dec 2019, dissolved 30 May 2024.
PARLIAMENT_2019 = (date(2019, 12, 12), date(2024, 5, 30))


def short_source(source: Source | None) -> str | None:
    """A source's publisher, title and date, or else the site its URL is on ("indy100.com")."""
    if source is None:
        return None
    if source.publisher or source.title:
        return source_label(source)
    if source.url:
        host = urlsplit(source.url).hostname or source.url
        return host.removeprefix("www.")
    return source_label(source)


# --- one party -------------------------------------------------------------------------

@dataclass(frozen=True)
class MPSeat:
    person: Person
    area: Area | None
    start: date | None
    end: date | None  # last day served; None = still sitting


@dataclass
class Councillor:
    person: Person
    councils: list[tuple[Body, Area | None]] = field(default_factory=list)
    spans: list[tuple[Affiliation, Source | None]] = field(default_factory=list)

    @property
    def left_on(self) -> date | None:
        """The day the person's last span with the party ended; None while any is open."""
        ends = [a.end_date for a, _ in self.spans]
        return None if not ends or None in ends else max(e for e in ends if e is not None)

    @property
    def current(self) -> bool:
        return self.left_on is None or self.left_on > clock.today()

    @property
    def notes(self) -> list[str]:
        return list(dict.fromkeys(a.note for a, _ in self.spans if a.note))

    @property
    def sources(self) -> list[tuple[str | None, str | None]]:
        """Distinct (url, label) of the affiliation spans' sources."""
        seen: dict[tuple[str | None, str | None], None] = {}
        for _a, source in self.spans:
            if source is not None:
                seen[(source.url, short_source(source))] = None
        return list(seen)


@dataclass(frozen=True)
class PartyLine:
    evidence: Evidence
    source: Source

    @property
    def source_label(self) -> str | None:
        return short_source(self.source)


def party_by_slug(session: Session, slug: str) -> Party | None:
    return session.exec(select(Party).where(Party.slug == slug)).first()


def _open_on(start: date | None, end: date | None, day: date) -> bool:
    return (start is None or start <= day) and (end is None or end >= day)


def commons_seats(session: Session, party_id: int) -> list[MPSeat]:
    """Every Commons seat held for this party (one query), by person's sort name."""
    rows = session.exec(
        select(Membership, Person, Area)
        .join(Person, Person.id == Membership.person_id)  # type: ignore[arg-type]
        .join(Body, Body.id == Membership.body_id)  # type: ignore[arg-type]
        .outerjoin(Area, Area.id == Membership.area_id)  # type: ignore[arg-type]
        .where(Membership.party_id == party_id, Body.kind == "commons")).all()
    seats = [MPSeat(p, a, m.start_date, m.end_date) for m, p, a in rows]
    seats.sort(key=lambda s: (s.person.sort_name, s.person.id, s.start or date.min))
    return seats


def current_mps(seats: Sequence[MPSeat], today: date) -> list[MPSeat]:
    """One seat per person sitting today."""
    out: dict[int, MPSeat] = {}
    for seat in seats:
        if _open_on(seat.start, seat.end, today):
            out[seat.person.id] = seat  # type: ignore[index]
    return list(out.values())


def parliament_mps(seats: Sequence[MPSeat], first: date = PARLIAMENT_2019[0],
                   last: date = PARLIAMENT_2019[1]) -> list[list[MPSeat]]:
    """Seats overlapping a Parliament, grouped per person (a whip change splits a seat)."""
    per_person: dict[int, list[MPSeat]] = defaultdict(list)
    for seat in seats:
        if (seat.start is None or seat.start <= last) and (seat.end is None or seat.end >= first):
            per_person[seat.person.id].append(seat)  # type: ignore[index]
    return list(per_person.values())


@dataclass(frozen=True)
class CouncillorEntry:
    """A councillor of a party's list, before their details are read."""

    person_id: int
    sort_name: str
    current: bool  # a member of the party today (as ``Councillor.current``)


def councillor_index(session: Session, party_id: int, today: date) -> list[CouncillorEntry]:
    """Who ``councillors`` lists, in its order, and whether each is a member today: one query
    of plain columns, as a large party has thousands (a page reads the details of a few)."""
    open_spans = func.sum(case((Affiliation.end_date.is_(None), 1), else_=0))  # type: ignore[union-attr]
    on_a_council = select(Membership.person_id).join(Body, Body.id == Membership.body_id).where(  # type: ignore[arg-type]
        Body.kind == "council")
    rows = session.exec(
        select(Person.id, Person.sort_name, open_spans, func.max(Affiliation.end_date))
        .join(Affiliation, Affiliation.person_id == Person.id)  # type: ignore[arg-type]
        .where(Affiliation.party_id == party_id, Person.id.in_(on_a_council))  # type: ignore[union-attr]
        .group_by(Person.id, Person.sort_name)).all()
    entries = [CouncillorEntry(pid, sort_name, bool(open_count) or (last is not None and last > today))
               for pid, sort_name, open_count, last in rows]
    return sorted(entries, key=lambda e: (e.sort_name, e.person_id))


def councillors(session: Session, party_id: int,
                person_ids: Collection[int] | None = None) -> list[Councillor]:
    """People with a council seat who have ever been affiliated with this party, or those of
    them in ``person_ids`` (one query)."""
    statement = (
        select(Affiliation, Person, Source, Body, Area)
        .join(Person, Person.id == Affiliation.person_id)  # type: ignore[arg-type]
        .join(Membership, Membership.person_id == Affiliation.person_id)  # type: ignore[arg-type]
        .join(Body, Body.id == Membership.body_id)  # type: ignore[arg-type]
        .outerjoin(Area, Area.id == Body.area_id)  # type: ignore[arg-type]
        .outerjoin(Source, Source.id == Affiliation.source_id)  # type: ignore[arg-type]
        .where(Affiliation.party_id == party_id, Body.kind == "council"))
    if person_ids is not None:
        statement = statement.where(Affiliation.person_id.in_(list(person_ids)))  # type: ignore[attr-defined]
    rows = session.exec(statement).all()
    people: dict[int, Councillor] = {}
    seen_spans: set[tuple[int, int]] = set()
    for affiliation, person, source, body, area in rows:
        entry = people.setdefault(person.id, Councillor(person))  # type: ignore[arg-type]
        if all(b.id != body.id for b, _ in entry.councils):
            entry.councils.append((body, area))
        if (person.id, affiliation.id) not in seen_spans:
            seen_spans.add((person.id, affiliation.id))  # type: ignore[arg-type]
            entry.spans.append((affiliation, source))
    return sorted(people.values(), key=lambda c: (c.person.sort_name, c.person.id))


def official_line(session: Session, party_id: int, topic_id: int) -> list[PartyLine]:
    """The party's approved statements of its line, newest first, each with its source."""
    rows = session.exec(
        select(Evidence, Source).join(Source, Source.id == Evidence.source_id)  # type: ignore[arg-type]
        .where(Evidence.party_id == party_id, Evidence.topic_id == topic_id,
               Evidence.status == "approved")
        .order_by(Evidence.evidence_date.desc(), Evidence.id.desc())).all()  # type: ignore[attr-defined,union-attr]
    return [PartyLine(e, s) for e, s in rows]


# --- the index ---------------------------------------------------------------------

@dataclass(frozen=True)
class PartySummary:
    party: Party
    sitting_mps: int
    mps_2019: int
    councillors: int
    candidates: int  # at the latest general election held


def latest_general_election(session: Session) -> Election | None:
    return session.exec(select(Election).where(Election.kind == "general")
                        .order_by(Election.election_date.desc())).first()  # type: ignore[attr-defined]


def party_index(session: Session, today: date) -> tuple[list[PartySummary], Election | None]:
    """Every party with its member counts: parties with sitting MPs first (five queries)."""
    commons = (select(Membership.party_id, func.count(func.distinct(Membership.person_id)))
               .join(Body, Body.id == Membership.body_id)  # type: ignore[arg-type]
               .where(Body.kind == "commons", Membership.party_id.is_not(None))  # type: ignore[union-attr]
               .group_by(Membership.party_id))
    sitting = dict(session.exec(commons.where(
        (Membership.start_date.is_(None)) | (Membership.start_date <= today),  # type: ignore[union-attr,operator]
        (Membership.end_date.is_(None)) | (Membership.end_date >= today))).all())  # type: ignore[union-attr,operator]
    first, last = PARLIAMENT_2019
    in_2019 = dict(session.exec(commons.where(
        (Membership.start_date.is_(None)) | (Membership.start_date <= last),  # type: ignore[union-attr,operator]
        (Membership.end_date.is_(None)) | (Membership.end_date >= first))).all())  # type: ignore[union-attr,operator]
    council_people = (select(Membership.person_id).join(Body, Body.id == Membership.body_id)  # type: ignore[arg-type]
                      .where(Body.kind == "council"))
    councils = dict(session.exec(
        select(Affiliation.party_id, func.count(func.distinct(Affiliation.person_id)))
        .where(Affiliation.person_id.in_(council_people),  # type: ignore[attr-defined]
               (Affiliation.start_date.is_(None)) | (Affiliation.start_date <= today),  # type: ignore[union-attr,operator]
               (Affiliation.end_date.is_(None)) | (Affiliation.end_date > today))  # type: ignore[union-attr,operator]
        .group_by(Affiliation.party_id)).all())
    election = latest_general_election(session)
    candidates: dict[int, int] = {}
    if election is not None:
        candidates = dict(session.exec(
            select(Candidacy.party_id, func.count())
            .where(Candidacy.election_id == election.id, Candidacy.party_id.is_not(None))  # type: ignore[union-attr]
            .group_by(Candidacy.party_id)).all())  # type: ignore[arg-type]
    parties = session.exec(select(Party)).all()
    out = [PartySummary(p, sitting.get(p.id, 0), in_2019.get(p.id, 0), councils.get(p.id, 0),
                        candidates.get(p.id, 0)) for p in parties]
    out.sort(key=lambda s: (-s.sitting_mps, -s.mps_2019, -s.councillors, -s.candidates, s.party.name))
    return out, election

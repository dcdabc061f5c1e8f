"""Divisions (recorded votes): the votes we hold, by member and by party.

A member's party at the time is the party recorded on the vote, or else the
party of the Commons seat they held on the day of the division. Every function
runs a fixed number of statements, however many votes a division has.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from tracker.models import VOTE_POSITIONS, Area, Body, Division, Membership, Party, Person, Source, Vote
from tracker.queries.parties import short_source

POSITION_LABELS = {"aye": "Aye", "no": "No", "teller_aye": "Teller for the ayes",
                   "teller_no": "Teller for the noes", "no_vote_recorded": "No vote recorded"}


@dataclass(frozen=True)
class DivisionRecord:
    division: Division
    body: Body
    source: Source | None  # the source of the result


@dataclass(frozen=True)
class MemberVote:
    vote: Vote
    person: Person
    party: Party | None  # at the time of the division
    area: Area | None  # the seat held that day
    source: Source | None

    @property
    def source_text(self) -> str | None:
        return short_source(self.source)

    @property
    def position_label(self) -> str:
        return POSITION_LABELS[self.vote.position]


@dataclass(frozen=True)
class PartyVotes:
    party: Party | None
    counts: dict[str, int]  # position -> votes held

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def division_by_slug(session: Session, slug: str) -> DivisionRecord | None:
    row = session.exec(
        select(Division, Body, Source).join(Body, Body.id == Division.body_id)  # type: ignore[arg-type]
        .outerjoin(Source, Source.id == Division.source_id)  # type: ignore[arg-type]
        .where(Division.slug == slug)).first()
    return DivisionRecord(*row) if row else None


def _seat_on(division: Division) -> sa.ColumnElement[bool]:
    """Join condition: the voter's seat in the division's body on the division's day."""
    return sa.and_(Membership.person_id == Vote.person_id, Membership.body_id == division.body_id,
                   sa.or_(Membership.start_date.is_(None),  # type: ignore[union-attr]
                          Membership.start_date <= division.division_date),  # type: ignore[operator]
                   sa.or_(Membership.end_date.is_(None),  # type: ignore[union-attr]
                          Membership.end_date >= division.division_date))  # type: ignore[operator]


def member_votes(session: Session, division: Division) -> list[MemberVote]:
    """Every vote held for the division, with party and seat on the day (one query)."""
    vote_party = aliased(Party)
    seat_party = aliased(Party)
    rows = session.exec(
        select(Vote, Person, vote_party, seat_party, Area, Source)
        .join(Person, Person.id == Vote.person_id)  # type: ignore[arg-type]
        .outerjoin(vote_party, vote_party.id == Vote.party_id)  # type: ignore[arg-type]
        .outerjoin(Membership, _seat_on(division))
        .outerjoin(seat_party, seat_party.id == Membership.party_id)  # type: ignore[arg-type]
        .outerjoin(Area, Area.id == Membership.area_id)  # type: ignore[arg-type]
        .outerjoin(Source, Source.id == Vote.source_id)  # type: ignore[arg-type]
        .where(Vote.division_id == division.id)
        .order_by(Membership.start_date.desc())).all()  # type: ignore[union-attr]
    out: dict[int, MemberVote] = {}
    for vote, person, by_vote, by_seat, area, source in rows:
        # Two seats on one day (a change that day): the later-starting one, first in order, wins.
        out.setdefault(vote.id, MemberVote(vote, person, by_vote or by_seat, area, source))  # type: ignore[arg-type]
    order = {p: i for i, p in enumerate(VOTE_POSITIONS)}
    return sorted(out.values(), key=lambda v: (order[v.vote.position], v.person.sort_name))


def votes_by_party(session: Session, division: Division) -> list[PartyVotes]:
    """Votes held per party at the time and position, counted with one GROUP BY query."""
    seat_party = (select(Membership.party_id).where(_seat_on(division))
                  .order_by(Membership.start_date.desc()).limit(1)  # type: ignore[union-attr]
                  .correlate(Vote).scalar_subquery())
    held = (select(func.coalesce(Vote.party_id, seat_party).label("party_id"),
                   Vote.position.label("position"))  # type: ignore[attr-defined]
            .where(Vote.division_id == division.id).subquery())
    rows = session.exec(
        select(Party, held.c.position, func.count())
        .select_from(held).outerjoin(Party, Party.id == held.c.party_id)  # type: ignore[arg-type]
        .group_by(held.c.party_id, held.c.position, Party.id)).all()
    parties: dict[int | None, PartyVotes] = {}
    for party, position, count in rows:
        key = party.id if party else None
        entry = parties.setdefault(key, PartyVotes(party, dict.fromkeys(VOTE_POSITIONS, 0)))
        entry.counts[position] += count
    return sorted(parties.values(), key=lambda p: (-p.total, p.party.name if p.party else "~"))


@dataclass(frozen=True)
class DivisionSummary:
    division: Division
    held: dict[str, int]  # position -> votes held


def division_index(session: Session) -> list[DivisionSummary]:
    """Every division, newest first, with the votes held per position (two queries)."""
    divisions = session.exec(select(Division).order_by(
        Division.division_date.desc(), Division.slug)).all()  # type: ignore[attr-defined]
    counts = session.exec(select(Vote.division_id, Vote.position, func.count())
                          .group_by(Vote.division_id, Vote.position)).all()
    held: dict[int, dict[str, int]] = {}
    for division_id, position, count in counts:
        held.setdefault(division_id, dict.fromkeys(VOTE_POSITIONS, 0))[position] = count
    return [DivisionSummary(d, held.get(d.id, dict.fromkeys(VOTE_POSITIONS, 0))) for d in divisions]  # type: ignore[arg-type]


def held_sides(counts: dict[str, int]) -> tuple[int, int]:
    """(ayes, noes) held, tellers excluded as in the official totals."""
    return counts.get("aye", 0), counts.get("no", 0)

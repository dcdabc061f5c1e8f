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

from tracker.models import (
    VOTE_POSITIONS,
    Area,
    Body,
    Division,
    Membership,
    Party,
    Person,
    Source,
    Topic,
    Vote,
    VoteSource,
    Whip,
)
from tracker.prose.votes import POSITION_LABELS
from tracker.queries.parties import short_source
from tracker.whips import whip_verdict


@dataclass(frozen=True)
class DivisionRecord:
    division: Division
    body: Body
    source: Source | None  # the source of the result
    topic_slug: str | None = None


@dataclass(frozen=True)
class PartyWhip:
    whip: Whip
    source: Source | None


@dataclass(frozen=True)
class MemberVote:
    vote: Vote
    person: Person
    party: Party | None  # at the time of the division
    area: Area | None  # the seat held that day
    source: Source | None
    also: tuple[Source, ...] = ()  # other sources that reported the same vote

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
    whip: PartyWhip | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def whip_count(self, verdict: str) -> int | None:
        """How many of the party's members followed (or defied) its whip; None without a whip."""
        if self.whip is None or self.whip.whip.whip == "free":
            return None
        return sum(n for position, n in self.counts.items()
                   if whip_verdict(self.whip.whip.whip, position) == verdict)


def division_by_slug(session: Session, slug: str) -> DivisionRecord | None:
    row = session.exec(
        select(Division, Body, Source, Topic.slug).join(Body, Body.id == Division.body_id)  # type: ignore[arg-type]
        .outerjoin(Source, Source.id == Division.source_id)  # type: ignore[arg-type]
        .outerjoin(Topic, Topic.id == Division.topic_id)  # type: ignore[arg-type]
        .where(Division.slug == slug)).first()
    return DivisionRecord(*row) if row else None


def whips_for(session: Session, division_ids: list[int]) -> dict[tuple[int, int], PartyWhip]:
    """Known whips by (division id, party id), with their sources (one query)."""
    rows = session.exec(select(Whip, Source).outerjoin(Source, Source.id == Whip.source_id)  # type: ignore[arg-type]
                        .where(Whip.division_id.in_(division_ids))).all()  # type: ignore[attr-defined]
    return {(w.division_id, w.party_id): PartyWhip(w, source) for w, source in rows}


def other_sources(session: Session, vote_ids: list[int]) -> dict[int, list[Source]]:
    """Every source of each vote besides its main one (one query)."""
    rows = session.exec(select(VoteSource.vote_id, Source)
                        .join(Source, Source.id == VoteSource.source_id)  # type: ignore[arg-type]
                        .join(Vote, Vote.id == VoteSource.vote_id)  # type: ignore[arg-type]
                        .where(VoteSource.vote_id.in_(vote_ids),  # type: ignore[attr-defined]
                               VoteSource.source_id != Vote.source_id)).all()
    out: dict[int, list[Source]] = {}
    for vote_id, source in rows:
        out.setdefault(vote_id, []).append(source)
    return out


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
    also = other_sources(session, [row[0].id for row in rows])
    for vote, person, by_vote, by_seat, area, source in rows:
        # Two seats on one day (a change that day): the later-starting one, first in order, wins.
        out.setdefault(vote.id, MemberVote(vote, person, by_vote or by_seat, area, source,  # type: ignore[arg-type]
                                           tuple(also.get(vote.id, ()))))
    order = {p: i for i, p in enumerate(VOTE_POSITIONS)}
    return sorted(out.values(), key=lambda v: (order[v.vote.position], v.person.sort_name, v.vote.id))


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
    whips = whips_for(session, [division.id])  # type: ignore[list-item]
    parties: dict[int | None, PartyVotes] = {}
    for party, position, count in rows:
        key = party.id if party else None
        whip = whips.get((division.id, key)) if key is not None else None  # type: ignore[arg-type]
        entry = parties.setdefault(key, PartyVotes(party, dict.fromkeys(VOTE_POSITIONS, 0), whip))
        entry.counts[position] += count
    return sorted(parties.values(), key=lambda p: (-p.total, p.party.name if p.party else "~"))


@dataclass(frozen=True)
class DivisionSummary:
    division: Division
    held: dict[str, int]  # position -> votes held
    topic_slug: str | None = None


def division_index(session: Session, topic: str | None = None) -> list[DivisionSummary]:
    """Every division (or those of one topic), newest first, with the votes held per position
    (two queries)."""
    statement = (select(Division, Topic.slug).outerjoin(Topic, Topic.id == Division.topic_id)  # type: ignore[arg-type]
                 .order_by(Division.division_date.desc(), Division.slug))  # type: ignore[attr-defined]
    if topic is not None:
        statement = statement.where(Topic.slug == topic)
    rows = session.exec(statement).all()
    topics = {d.id: slug for d, slug in rows}
    divisions = [d for d, _slug in rows]
    counted = select(Vote.division_id, Vote.position, func.count()).group_by(Vote.division_id, Vote.position)
    if topic is not None:
        counted = counted.where(Vote.division_id.in_([d.id for d in divisions]))  # type: ignore[attr-defined]
    counts = session.exec(counted).all()
    held: dict[int, dict[str, int]] = {}
    for division_id, position, count in counts:
        held.setdefault(division_id, dict.fromkeys(VOTE_POSITIONS, 0))[position] = count
    return [DivisionSummary(d, held.get(d.id, dict.fromkeys(VOTE_POSITIONS, 0)), topics[d.id])  # type: ignore[arg-type]
            for d in divisions]


def held_sides(counts: dict[str, int]) -> tuple[int, int]:
    """(ayes, noes) named, tellers excluded as in the official totals; a member in both
    lobbies is named on both lists."""
    both = counts.get("both", 0)
    return counts.get("aye", 0) + both, counts.get("no", 0) + both

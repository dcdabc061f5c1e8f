"""What a person page shows besides the stance: seats, parties and candidacies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from tracker.models import (
    Affiliation,
    Area,
    Body,
    Candidacy,
    Division,
    Election,
    Membership,
    Party,
    Person,
    Source,
    Topic,
    Vote,
    Whip,
)
from tracker.queries.places import usable_slug


@dataclass(frozen=True)
class Role:
    membership: Membership
    body: Body
    area: Area | None
    party: Party | None


@dataclass(frozen=True)
class PartySpan:
    affiliation: Affiliation
    party: Party
    source: Source | None


@dataclass(frozen=True)
class Candidature:
    candidacy: Candidacy
    election: Election
    area: Area
    party: Party | None


def person_by_slug(session: Session, slug: str) -> Person | None:
    if not usable_slug(slug):
        return None
    return session.exec(select(Person).where(Person.slug == slug)).first()


def roles(session: Session, person_id: int) -> list[Role]:
    rows = session.exec(
        select(Membership, Body, Area, Party)
        .join(Body, Body.id == Membership.body_id)  # type: ignore[arg-type]
        .outerjoin(Area, Area.id == Membership.area_id)  # type: ignore[arg-type]
        .outerjoin(Party, Party.id == Membership.party_id)  # type: ignore[arg-type]
        .where(Membership.person_id == person_id)).all()
    out = [Role(*row) for row in rows]
    out.sort(key=lambda r: r.membership.start_date or date.min, reverse=True)
    return out


def party_history(session: Session, person_id: int) -> list[PartySpan]:
    rows = session.exec(
        select(Affiliation, Party, Source)
        .join(Party, Party.id == Affiliation.party_id)  # type: ignore[arg-type]
        .outerjoin(Source, Source.id == Affiliation.source_id)  # type: ignore[arg-type]
        .where(Affiliation.person_id == person_id)).all()
    out = [PartySpan(*row) for row in rows]
    out.sort(key=lambda s: (s.affiliation.start_date or date.min, s.affiliation.end_date or date.max))
    return out


def candidatures(session: Session, person_id: int) -> list[Candidature]:
    rows = session.exec(
        select(Candidacy, Election, Area, Party)
        .join(Election, Election.id == Candidacy.election_id)  # type: ignore[arg-type]
        .join(Area, Area.id == Candidacy.area_id)  # type: ignore[arg-type]
        .outerjoin(Party, Party.id == Candidacy.party_id)  # type: ignore[arg-type]
        .where(Candidacy.person_id == person_id)).all()
    out = [Candidature(*row) for row in rows]
    out.sort(key=lambda c: c.election.election_date, reverse=True)
    return out


def divisions_by_slug(session: Session, slugs: Sequence[str]) -> dict[str, Division]:
    """The tracked divisions a person voted in, by slug (one query)."""
    rows = session.exec(select(Division).where(Division.slug.in_(list(set(slugs))))).all()  # type: ignore[attr-defined]
    return {d.slug: d for d in rows}


@dataclass(frozen=True)
class VoteContext:
    """What a page shows beside one of a person's votes: the party whip and every source."""

    position: str  # the vote's position (a key of VOTE_POSITIONS)
    party: Party | None
    whip: Whip | None
    whip_source: Source | None
    also: tuple[Source, ...]  # the other sources that reported the vote, besides its main one


def vote_contexts(session: Session, person_id: int) -> dict[str, VoteContext]:
    """Per division slug, the whip of the person's party on the vote and its other sources
    (two queries)."""
    from tracker.queries.divisions import other_sources

    rows = session.exec(
        select(Vote, Division.slug, Party, Whip, Source)
        .join(Division, Division.id == Vote.division_id)  # type: ignore[arg-type]
        .outerjoin(Party, Party.id == Vote.party_id)  # type: ignore[arg-type]
        .outerjoin(Whip, (Whip.division_id == Vote.division_id) & (Whip.party_id == Vote.party_id))  # type: ignore[arg-type]
        .outerjoin(Source, Source.id == Whip.source_id)  # type: ignore[arg-type]
        .where(Vote.person_id == person_id)).all()
    also = other_sources(session, [vote.id for vote, *_rest in rows])  # type: ignore[misc]
    out = {}
    for vote, slug, party, whip, whip_source in rows:
        out[slug] = VoteContext(vote.position, party, whip, whip_source, tuple(also.get(vote.id, ())))  # type: ignore[arg-type]
    return out


def topics_with_evidence(session: Session, person_id: int) -> list[str]:
    """The topics on which we hold any evidence or tracked vote of the person (two queries)."""
    from tracker.models import Evidence

    said = session.exec(select(Topic.slug).join(Evidence, Evidence.topic_id == Topic.id)  # type: ignore[arg-type]
                        .where(Evidence.person_id == person_id, Evidence.status == "approved")
                        .distinct()).all()
    voted = session.exec(select(Topic.slug).join(Division, Division.topic_id == Topic.id)  # type: ignore[arg-type]
                         .join(Vote, Vote.division_id == Division.id)  # type: ignore[arg-type]
                         .where(Vote.person_id == person_id).distinct()).all()
    return sorted(set(said) | set(voted))

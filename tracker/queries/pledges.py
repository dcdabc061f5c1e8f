"""Pledge campaigns, who answered them (approved pledge and refusal evidence), and the candidates
of the elections a campaign covers with their answers, in fixed query counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from tracker.models import (
    Area,
    Candidacy,
    Election,
    Evidence,
    Party,
    Person,
    Pledge,
    Source,
    StanceContradiction,
    Topic,
)
from tracker.queries.parties import short_source

SIGNED_KIND = "pledge"
REFUSED_KIND = "pledge_refusal"
# What a candidate's answer can be, as the page filters it and the twin writes it.
ANSWER_FILTERS = ("signed", "broken", "refused", "none")


@dataclass(frozen=True)
class PledgeRecord:
    pledge: Pledge
    source: Source | None
    topic: str  # the slug of the topic whose scale the pledge's stance is on

    @property
    def url(self) -> str | None:
        """The campaign's own page, else the URL of the source that reports the pledge."""
        return self.pledge.url or (self.source.url if self.source else None)

    @property
    def source_text(self) -> str | None:
        return short_source(self.source)


@dataclass(frozen=True)
class Signature:
    """One answer to the campaign: a signature (kind ``pledge``) or a refusal."""

    evidence: Evidence
    person: Person
    source: Source

    @property
    def source_text(self) -> str | None:
        return short_source(self.source)

    @property
    def signed(self) -> bool:
        return self.evidence.kind == SIGNED_KIND

    @property
    def said_id(self) -> str:
        """The id the stance engine knows the evidence by ("evidence:12")."""
        return f"evidence:{self.evidence.id}"


@dataclass(frozen=True)
class PledgeSummary:
    pledge: Pledge
    signatures: int
    topic: str  # slug


def pledge_by_slug(session: Session, slug: str) -> PledgeRecord | None:
    row = session.exec(select(Pledge, Source, Topic.slug)
                       .join(Topic, Topic.id == Pledge.topic_id)  # type: ignore[arg-type]
                       .outerjoin(Source, Source.id == Pledge.source_id)  # type: ignore[arg-type]
                       .where(Pledge.slug == slug)).first()
    return PledgeRecord(*row) if row else None


# A signature: a person's approved evidence of kind "pledge" that names the pledge.
SIGNED = (Evidence.kind == SIGNED_KIND, Evidence.status == "approved",
          Evidence.person_id.is_not(None), Evidence.pledge_id.is_not(None))  # type: ignore[union-attr]


def answers(session: Session, pledge_id: int) -> list[Signature]:
    """Approved signatures and refusals of this pledge, oldest first, each with its person and
    source (one query)."""
    rows = session.exec(
        select(Evidence, Person, Source)
        .join(Person, Person.id == Evidence.person_id)  # type: ignore[arg-type]
        .join(Source, Source.id == Evidence.source_id)  # type: ignore[arg-type]
        .where(Evidence.pledge_id == pledge_id, Evidence.status == "approved",
               Evidence.kind.in_((SIGNED_KIND, REFUSED_KIND)))  # type: ignore[attr-defined]
        .order_by(Evidence.evidence_date, Person.sort_name, Evidence.id)).all()
    return [Signature(*row) for row in rows]


def signatures(session: Session, pledge_id: int) -> list[Signature]:
    """Approved pledge evidence for this pledge, oldest first, each with its source (one query)."""
    return [a for a in answers(session, pledge_id) if a.signed]


def pledge_index(session: Session) -> list[PledgeSummary]:
    """Every pledge with its number of recorded signatures (two queries)."""
    pledges = session.exec(select(Pledge, Topic.slug).join(Topic, Topic.id == Pledge.topic_id)  # type: ignore[arg-type]
                           .order_by(Pledge.title)).all()
    counts = dict(session.exec(
        select(Evidence.pledge_id, func.count(func.distinct(Evidence.person_id)))
        .where(*SIGNED)
        .group_by(Evidence.pledge_id)).all())
    return [PledgeSummary(p, counts.get(p.id, 0), topic) for p, topic in pledges]


# -- each person's answer -----------------------------------------------------------------

@dataclass(frozen=True)
class PersonAnswer:
    """A person's latest answer to the campaign, and the votes that broke a pledge they signed."""

    latest: Signature
    broken_by: tuple[StanceContradiction, ...] = ()  # against any of their signatures

    @property
    def status(self) -> str:
        """signed, broken (signed, then voted against it) or refused."""
        if self.broken_by and self.latest.signed:
            return "broken"
        return "signed" if self.latest.signed else "refused"


def person_answers(given: Sequence[Signature],
                   contradictions: Mapping[str, Sequence[StanceContradiction]]) -> dict[int, PersonAnswer]:
    """Each person's latest answer (``given`` oldest first), with the contradictions of their
    signatures (``contradictions``: by the signature's id, as ``view.contradicting`` gives them)."""
    latest: dict[int, Signature] = {}
    broken: dict[int, list[StanceContradiction]] = {}
    for a in given:
        pid = a.person.id
        assert pid is not None
        latest[pid] = a
        if a.signed:
            broken.setdefault(pid, []).extend(contradictions.get(a.said_id, ()))
    return {pid: PersonAnswer(a, tuple(broken.get(pid, ()))) for pid, a in latest.items()}


# -- the candidates of the campaign's elections ----------------------------------------------

@dataclass(frozen=True)
class CandidateAnswer:
    election: Election
    area: Area
    person: Person
    party: Party | None
    candidacy: Candidacy
    answer: PersonAnswer | None

    @property
    def party_name(self) -> str | None:
        return self.candidacy.party_label or (self.party.name if self.party else None)

    @property
    def status(self) -> str:
        """One of ANSWER_FILTERS: ``none`` when no answer is recorded."""
        return self.answer.status if self.answer else "none"

    def matches(self, wanted: str | None) -> bool:
        """Whether the row is shown under the filter ``wanted`` (None: every row); a broken
        pledge counts as signed too."""
        return wanted is None or self.status == wanted or (wanted == "signed" and self.status == "broken")


@dataclass(frozen=True)
class Seat:
    """One constituency of one election: its candidates and their answers."""

    election: Election
    area: Area
    candidates: tuple[CandidateAnswer, ...]

    @property
    def counts(self) -> AnswerCounts:
        return count(self.candidates)


@dataclass(frozen=True)
class AnswerCounts:
    candidates: int = 0
    signed: int = 0  # broken pledges included
    broken: int = 0
    refused: int = 0
    none: int = 0


def count(rows: Iterable[CandidateAnswer]) -> AnswerCounts:
    n = {"candidates": 0, "signed": 0, "broken": 0, "refused": 0, "none": 0}
    for row in rows:
        n["candidates"] += 1
        n[row.status] += 1
        if row.status == "broken":
            n["signed"] += 1
    return AnswerCounts(**n)


def campaign_elections(session: Session, pledge: Pledge) -> list[Election]:
    """The elections held while the campaign was open (either end may be open), newest first."""
    statement = select(Election)
    if pledge.launched_on is not None:
        statement = statement.where(Election.election_date >= pledge.launched_on)
    if pledge.closes_on is not None:
        statement = statement.where(Election.election_date <= pledge.closes_on)
    return list(session.exec(statement.order_by(Election.election_date.desc(), Election.slug)).all())  # type: ignore[attr-defined]


def candidates(session: Session, elections: Sequence[Election],
               answered: Mapping[int, PersonAnswer]) -> list[CandidateAnswer]:
    """Every candidacy in these elections with its answer, by election (as given), constituency
    name, then most votes and name (one query)."""
    if not elections:
        return []
    order = {e.id: i for i, e in enumerate(elections)}
    rows = session.exec(
        select(Candidacy, Election, Person, Area, Party)
        .join(Election, Election.id == Candidacy.election_id)  # type: ignore[arg-type]
        .join(Person, Person.id == Candidacy.person_id)  # type: ignore[arg-type]
        .join(Area, Area.id == Candidacy.area_id)  # type: ignore[arg-type]
        .outerjoin(Party, Party.id == Candidacy.party_id)  # type: ignore[arg-type]
        .where(Candidacy.election_id.in_(list(order)))).all()  # type: ignore[attr-defined]
    out = [CandidateAnswer(election, area, person, party, candidacy, answered.get(person.id))  # type: ignore[arg-type]
           for candidacy, election, person, area, party in rows]
    out.sort(key=lambda c: (order[c.election.id], c.area.name, c.area.slug, -(c.candidacy.votes or 0),
                            c.person.sort_name))
    return out


def seats(rows: Sequence[CandidateAnswer]) -> list[Seat]:
    """Rows (sorted as ``candidates`` sorts them) grouped by election and constituency."""
    out: list[Seat] = []
    group: list[CandidateAnswer] = []
    for row in rows:
        if group and (group[0].election.id, group[0].area.id) != (row.election.id, row.area.id):
            out.append(Seat(group[0].election, group[0].area, tuple(group)))
            group = []
        group.append(row)
    if group:
        out.append(Seat(group[0].election, group[0].area, tuple(group)))
    return out

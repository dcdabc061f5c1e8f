"""Pledge campaigns and who signed them (approved pledge evidence), in fixed query counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from tracker.models import Evidence, Person, Pledge, Source, Topic
from tracker.queries.parties import short_source


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
    evidence: Evidence
    person: Person
    source: Source

    @property
    def source_text(self) -> str | None:
        return short_source(self.source)


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
SIGNED = (Evidence.kind == "pledge", Evidence.status == "approved",
          Evidence.person_id.is_not(None), Evidence.pledge_id.is_not(None))  # type: ignore[union-attr]


def signatures(session: Session, pledge_id: int) -> list[Signature]:
    """Approved pledge evidence for this pledge, oldest first, each with its source (one query)."""
    rows = session.exec(
        select(Evidence, Person, Source)
        .join(Person, Person.id == Evidence.person_id)  # type: ignore[arg-type]
        .join(Source, Source.id == Evidence.source_id)  # type: ignore[arg-type]
        .where(Evidence.pledge_id == pledge_id, *SIGNED)
        .order_by(Evidence.evidence_date, Person.sort_name)).all()
    return [Signature(*row) for row in rows]


def pledge_index(session: Session) -> list[PledgeSummary]:
    """Every pledge with its number of recorded signatures (two queries)."""
    pledges = session.exec(select(Pledge, Topic.slug).join(Topic, Topic.id == Pledge.topic_id)  # type: ignore[arg-type]
                           .order_by(Pledge.title)).all()
    counts = dict(session.exec(
        select(Evidence.pledge_id, func.count(func.distinct(Evidence.person_id)))
        .where(*SIGNED)
        .group_by(Evidence.pledge_id)).all())
    return [PledgeSummary(p, counts.get(p.id, 0), topic) for p, topic in pledges]

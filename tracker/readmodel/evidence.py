"""Evidence from the database as stance-engine input: approved evidence, votes in
divisions tracked for the topic, and signatures on tracked early day motions.

A fixed number of queries whatever the number of people (``None`` = everyone).
The source gives no EDM signature dates, so a signature is dated by the motion's
tabling date and made "on or after" it; a withdrawn signature stops counting on
its withdrawal date (the engine's ``date_is_earliest`` and ``ends``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from tracker.config import DATA_DIR
from tracker.models import Division, Edm, EdmSignature, Evidence, Source, Topic, Vote
from tracker.prose.edms import signature_summary, withdrawal_summary
from tracker.prose.sources import label
from tracker.stance import EvidenceItem, Scale, end_of, load_topic, vote_stance

# Tellers count as having voted that way; "no vote recorded" is an explicit absence.
ENGINE_POSITION = {"aye": "aye", "teller_aye": "aye", "no": "no", "teller_no": "no",
                   "no_vote_recorded": "absent", "both": "both"}
EDM_KIND = "edm"
IN_LIST = 30_000  # people per IN (...) list: under SQLite's limit of 32,766 bound parameters


def scale_for(slug: str) -> Scale:
    return load_topic(slug, DATA_DIR)


@dataclass(frozen=True)
class EvidenceRecord:
    """An engine item plus what a page or report shows about it."""

    item: EvidenceItem
    quote: str | None = None
    division_slug: str | None = None
    position: str | None = None


@dataclass(frozen=True)
class CitedEvidence:
    """One piece of evidence as the read model cites it."""

    id: str
    date: date
    kind: str
    stance: str | None
    stance_label: str | None
    summary: str
    quote: str | None
    vote_position: str | None
    division: str | None
    source_url: str | None
    source: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CitedEvidence:
        return cls(**{**data, "date": date.fromisoformat(data["date"])})

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "date": self.date.isoformat(), "kind": self.kind, "stance": self.stance,
                "stance_label": self.stance_label, "summary": self.summary, "quote": self.quote,
                "vote_position": self.vote_position, "division": self.division,
                "source_url": self.source_url, "source": self.source}


def cite(record: EvidenceRecord, scale: Scale) -> CitedEvidence:
    """One piece of evidence as pages, twins and the read model cite it."""
    item = record.item
    return CitedEvidence(
        id=item.id, date=item.date, kind=item.kind, stance=item.stance,
        stance_label=scale.label(item.stance) if item.stance else None, summary=item.summary,
        quote=record.quote, vote_position=record.position, division=record.division_slug,
        source_url=item.source_url, source=item.source_label)


def evidence_dict(record: EvidenceRecord, scale: Scale) -> dict[str, Any]:
    """``cite(record, scale).as_dict()``, built directly (a full rebuild makes one per period)."""
    item = record.item
    return {"id": item.id, "date": item.date.isoformat(), "kind": item.kind, "stance": item.stance,
            "stance_label": scale.label(item.stance) if item.stance else None, "summary": item.summary,
            "quote": record.quote, "vote_position": record.position, "division": record.division_slug,
            "source_url": item.source_url, "source": item.source_label}


def id_chunks(ids: Iterable[int], size: int = IN_LIST) -> list[list[int]]:
    """Distinct ids, sorted, in slices short enough for one IN (...) list each."""
    unique = sorted(set(ids))
    return [unique[i:i + size] for i in range(0, len(unique), size)]


def _chunks(person_ids: Sequence[int] | None) -> Iterator[list[int] | None]:
    if person_ids is None:
        yield None
        return
    yield from id_chunks(person_ids)


def evidence_for_people(session: Session, person_ids: Sequence[int] | None, topic: Topic,
                        as_of: date | None = None,
                        shard: tuple[int, int] | None = None) -> dict[int, list[EvidenceRecord]]:
    """Each person's evidence on ``topic`` (``None``: everyone who has any; with ``shard``
    (k, n), only people whose id is k modulo n)."""
    out: dict[int, list[EvidenceRecord]] = defaultdict(list)
    sources = _Sources()
    for ids in _chunks(person_ids):
        if ids == []:
            continue
        _statements(session, ids, topic, as_of, out, sources, shard)
        _votes(session, ids, topic, as_of, out, sources, shard)
        _edm_signatures(session, ids, topic, as_of, out, sources, shard)
    return out


def _sharded(statement: sa.Select, column: Any, shard: tuple[int, int] | None) -> sa.Select:  # type: ignore[type-arg]
    if shard is None:
        return statement
    k, n = shard
    return statement.where(column % n == k)


class _Sources:
    """Each source's link and label, worked out once per load (rows carry the source's columns)."""

    COLUMNS = (Source.id, Source.url, Source.publisher, Source.title, Source.published_on)

    def __init__(self) -> None:
        self._seen: dict[int | None, tuple[str | None, str | None]] = {None: (None, None)}

    def cite(self, source_id: int | None, url: str | None, publisher: str | None, title: str | None,
             published_on: date | None) -> tuple[str | None, str | None]:
        found = self._seen.get(source_id)
        if found is None:
            found = (url, label(publisher, title, published_on, url))
            self._seen[source_id] = found
        return found


def _statements(session: Session, ids: list[int] | None, topic: Topic, as_of: date | None,
                out: dict[int, list[EvidenceRecord]], sources: _Sources,
                shard: tuple[int, int] | None = None) -> None:
    statement = (sa.select(Evidence.id, Evidence.person_id, Evidence.evidence_date, Evidence.kind,
                           Evidence.stance, Evidence.summary, Evidence.quote, *_Sources.COLUMNS)
                 .join(Source, Source.id == Evidence.source_id)  # type: ignore[arg-type]
                 .where(Evidence.person_id.is_not(None),  # type: ignore[union-attr]
                        Evidence.topic_id == topic.id, Evidence.status == "approved"))
    if ids is not None:
        statement = statement.where(Evidence.person_id.in_(ids))  # type: ignore[union-attr]
    if as_of is not None:
        statement = statement.where(Evidence.evidence_date <= as_of)
    statement = _sharded(statement, Evidence.person_id, shard)
    for eid, person_id, day, kind, stance, summary, quote, *source in session.execute(statement).all():
        url, label = sources.cite(*source)
        item = EvidenceItem(id=f"evidence:{eid}", date=day, kind=kind, stance=stance, summary=summary,
                            source_url=url, source_label=label)
        out[person_id].append(EvidenceRecord(item, quote=quote))


def _votes(session: Session, ids: list[int] | None, topic: Topic, as_of: date | None,
           out: dict[int, list[EvidenceRecord]], sources: _Sources,
           shard: tuple[int, int] | None = None) -> None:
    statement = (sa.select(Vote.id, Vote.person_id, Vote.position, Division.division_date, Division.title,
                           Division.slug, Division.aye_means, Division.no_means, *_Sources.COLUMNS)
                 .join(Division, Division.id == Vote.division_id)  # type: ignore[arg-type]
                 .outerjoin(Source, Source.id == Vote.source_id)  # type: ignore[arg-type]
                 .where(Division.topic_id == topic.id))
    if ids is not None:
        statement = statement.where(Vote.person_id.in_(ids))  # type: ignore[attr-defined]
    if as_of is not None:
        statement = statement.where(Division.division_date <= as_of)
    statement = _sharded(statement, Vote.person_id, shard)
    for vid, person_id, stored, day, title, slug, aye_means, no_means, *source in \
            session.execute(statement).all():
        url, label = sources.cite(*source)
        position = ENGINE_POSITION[stored]
        item = EvidenceItem(
            id=f"vote:{vid}", date=day, kind="vote", stance=vote_stance(position, aye_means, no_means),
            summary=title, source_url=url, source_label=label, division_key=slug,
            vote_position=position, aye_means=aye_means, no_means=no_means)
        out[person_id].append(EvidenceRecord(item, division_slug=slug, position=stored))


def _edm_signatures(session: Session, ids: list[int] | None, topic: Topic, as_of: date | None,
                    out: dict[int, list[EvidenceRecord]], sources: _Sources,
                    shard: tuple[int, int] | None = None) -> None:
    """A withdrawn signature gives two records: the signature, which ``ends`` on the
    withdrawal date, and the withdrawal itself (``end_of``), which says nothing on its own.
    With ``as_of``, only motions tabled by then, and withdrawals made by then."""
    statement = (sa.select(EdmSignature.id, EdmSignature.person_id, EdmSignature.withdrawn_on, Edm,
                           *_Sources.COLUMNS)
                 .join(Edm, Edm.id == EdmSignature.edm_id)  # type: ignore[arg-type]
                 .outerjoin(Source, Source.id == Edm.source_id)  # type: ignore[arg-type]
                 .where(Edm.topic_id == topic.id, Edm.signing_means.is_not(None)))  # type: ignore[union-attr]
    if ids is not None:
        statement = statement.where(EdmSignature.person_id.in_(ids))  # type: ignore[attr-defined]
    if as_of is not None:
        statement = statement.where(Edm.tabled_on <= as_of)
    statement = _sharded(statement, EdmSignature.person_id, shard)
    for sid, person_id, withdrawn_on, edm, *source in session.execute(statement).all():
        if withdrawn_on is not None and as_of is not None and withdrawn_on > as_of:
            withdrawn_on = None
        url, label = sources.cite(*source)
        item = EvidenceItem(
            id=f"edm:{sid}", date=edm.tabled_on, kind=EDM_KIND, stance=edm.signing_means,
            summary=signature_summary(edm, withdrawn_on), source_url=url or edm.url, source_label=label,
            date_is_earliest=True, ends=withdrawn_on,
            end_summary=withdrawal_summary(edm, withdrawn_on) if withdrawn_on else "")
        records = out[person_id]
        records.append(EvidenceRecord(item))
        if withdrawn_on is not None:
            records.append(EvidenceRecord(end_of(item)))

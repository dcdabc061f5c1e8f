"""Evidence from the database as stance-engine input: approved evidence, votes in
divisions tracked for the topic, and signatures on tracked early day motions.

A fixed number of queries whatever the number of people (``None`` = everyone).
The source gives no EDM signature dates, so a signature is dated by the motion's
tabling date and made "on or after" it; a withdrawn signature stops counting on
its withdrawal date (the engine's ``date_is_earliest`` and ``ends``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from tracker.config import DATA_DIR
from tracker.models import Division, Edm, EdmSignature, Evidence, Source, Topic, Vote
from tracker.stance import EvidenceItem, Scale, end_of, format_day, load_topic, vote_stance

# Tellers count as having voted that way; "no vote recorded" is an explicit absence.
ENGINE_POSITION = {"aye": "aye", "teller_aye": "aye", "no": "no", "teller_no": "no",
                   "no_vote_recorded": "absent", "both": "both"}
EDM_KIND = "edm"
_CHUNK = 2000  # people per IN list: well under SQLite's limit on bound parameters


def scale_for(slug: str) -> Scale:
    return load_topic(slug, DATA_DIR)


def source_label(source: Source | None) -> str | None:
    if source is None:
        return None
    parts = [p for p in (source.publisher, source.title) if p]
    if source.published_on:
        parts.append(format_day(source.published_on))
    return ", ".join(parts) or source.url


@dataclass(frozen=True)
class EvidenceRecord:
    """An engine item plus what a page or report shows about it."""

    item: EvidenceItem
    source: Source | None
    quote: str | None = None
    division_slug: str | None = None
    position: str | None = None


def evidence_dict(record: EvidenceRecord, scale: Scale) -> dict[str, Any]:
    """One piece of evidence as reports, pages and twins show it."""
    item = record.item
    return {
        "id": item.id, "date": item.date.isoformat(), "kind": item.kind,
        "stance": item.stance, "stance_label": scale.label(item.stance) if item.stance else None,
        "summary": item.summary, "quote": record.quote,
        "vote_position": record.position, "division": record.division_slug,
        "source_url": item.source_url, "source": item.source_label,
    }


def signature_summary(edm: Edm, withdrawn_on: date | None = None) -> str:
    """'Signed early day motion 61430 “…” (tabled 17 Oct 2023; signed on or after that date)'."""
    withdrawn = f"; withdrawn on {format_day(withdrawn_on)}" if withdrawn_on else ""
    return (f"Signed early day motion {edm.edm_id} “{edm.title}” (tabled "
            f"{format_day(edm.tabled_on)}; signed on or after that date{withdrawn})")


def withdrawal_summary(edm: Edm, withdrawn_on: date) -> str:
    return (f"Withdrew their signature from early day motion {edm.edm_id} “{edm.title}” on "
            f"{format_day(withdrawn_on)}; from then it no longer counts")


def _chunks(person_ids: Sequence[int] | None) -> Iterator[list[int] | None]:
    if person_ids is None:
        yield None
        return
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def evidence_for_people(session: Session, person_ids: Sequence[int] | None, topic: Topic,
                        as_of: date | None = None) -> dict[int, list[EvidenceRecord]]:
    """Each person's evidence on ``topic`` (``None``: everyone who has any)."""
    out: dict[int, list[EvidenceRecord]] = defaultdict(list)
    for ids in _chunks(person_ids):
        if ids == []:
            continue
        _statements(session, ids, topic, as_of, out)
        _votes(session, ids, topic, as_of, out)
        _edm_signatures(session, ids, topic, as_of, out)
    return out


def _statements(session: Session, ids: list[int] | None, topic: Topic, as_of: date | None,
                out: dict[int, list[EvidenceRecord]]) -> None:
    statement = (select(Evidence, Source)
                 .join(Source, Source.id == Evidence.source_id)  # type: ignore[arg-type]
                 .where(Evidence.person_id.is_not(None),  # type: ignore[union-attr]
                        Evidence.topic_id == topic.id, Evidence.status == "approved"))
    if ids is not None:
        statement = statement.where(Evidence.person_id.in_(ids))  # type: ignore[union-attr]
    if as_of is not None:
        statement = statement.where(Evidence.evidence_date <= as_of)
    for evidence, source in session.exec(statement).all():
        item = EvidenceItem(
            id=f"evidence:{evidence.id}", date=evidence.evidence_date, kind=evidence.kind,
            stance=evidence.stance, summary=evidence.summary, source_url=source.url,
            source_label=source_label(source))
        out[evidence.person_id].append(EvidenceRecord(item, source, quote=evidence.quote))  # type: ignore[index]


def _votes(session: Session, ids: list[int] | None, topic: Topic, as_of: date | None,
           out: dict[int, list[EvidenceRecord]]) -> None:
    statement = (select(Vote, Division, Source)
                 .join(Division, Division.id == Vote.division_id)  # type: ignore[arg-type]
                 .outerjoin(Source, Source.id == Vote.source_id)  # type: ignore[arg-type]
                 .where(Division.topic_id == topic.id))
    if ids is not None:
        statement = statement.where(Vote.person_id.in_(ids))  # type: ignore[attr-defined]
    if as_of is not None:
        statement = statement.where(Division.division_date <= as_of)
    for vote, division, source in session.exec(statement).all():
        position = ENGINE_POSITION[vote.position]
        item = EvidenceItem(
            id=f"vote:{vote.id}", date=division.division_date, kind="vote",
            stance=vote_stance(position, division.aye_means, division.no_means),
            summary=division.title, source_url=source.url if source else None,
            source_label=source_label(source), division_key=division.slug,
            vote_position=position, aye_means=division.aye_means, no_means=division.no_means)
        out[vote.person_id].append(
            EvidenceRecord(item, source, division_slug=division.slug, position=vote.position))


def _edm_signatures(session: Session, ids: list[int] | None, topic: Topic, as_of: date | None,
                    out: dict[int, list[EvidenceRecord]]) -> None:
    """A withdrawn signature gives two records: the signature, which ``ends`` on the
    withdrawal date, and the withdrawal itself (``end_of``), which says nothing on its own.
    With ``as_of``, only motions tabled by then, and withdrawals made by then."""
    statement = (select(EdmSignature, Edm, Source)
                 .join(Edm, Edm.id == EdmSignature.edm_id)  # type: ignore[arg-type]
                 .outerjoin(Source, Source.id == Edm.source_id)  # type: ignore[arg-type]
                 .where(Edm.topic_id == topic.id, Edm.signing_means.is_not(None)))  # type: ignore[union-attr]
    if ids is not None:
        statement = statement.where(EdmSignature.person_id.in_(ids))  # type: ignore[attr-defined]
    if as_of is not None:
        statement = statement.where(Edm.tabled_on <= as_of)
    for signature, edm, source in session.exec(statement).all():
        withdrawn_on = signature.withdrawn_on
        if withdrawn_on is not None and as_of is not None and withdrawn_on > as_of:
            withdrawn_on = None
        item = EvidenceItem(
            id=f"edm:{signature.id}", date=edm.tabled_on, kind=EDM_KIND, stance=edm.signing_means,
            summary=signature_summary(edm, withdrawn_on),
            source_url=source.url if source else edm.url, source_label=source_label(source),
            date_is_earliest=True, ends=withdrawn_on,
            end_summary=withdrawal_summary(edm, withdrawn_on) if withdrawn_on else "")
        records = out[signature.person_id]
        records.append(EvidenceRecord(item, source))
        if withdrawn_on is not None:
            records.append(EvidenceRecord(end_of(item), source))

"""Early day motion signatures: as stance evidence, and as the person page lists them.

The source gives no signature dates, so a signature is dated by the motion's
tabling date and said to be made "on or after" it; a withdrawn signature stops
counting on its withdrawal date (the stance engine's ``date_is_earliest`` and
``ends``). Only motions that ``data/edms.toml`` ties to a topic count as evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from tracker.models import Edm, EdmSignature, Source, Topic
from tracker.queries.stances import EvidenceRecord, scale_for, source_label
from tracker.stance import EvidenceItem, Scale, end_of, format_day

EDM_KIND = "edm"


def signature_summary(edm: Edm, withdrawn_on: date | None = None) -> str:
    """'Signed early day motion 61430 “…” (tabled 17 Oct 2023; signed on or after that date)'."""
    withdrawn = f"; withdrawn on {format_day(withdrawn_on)}" if withdrawn_on else ""
    return (f"Signed early day motion {edm.edm_id} “{edm.title}” (tabled "
            f"{format_day(edm.tabled_on)}; signed on or after that date{withdrawn})")


def withdrawal_summary(edm: Edm, withdrawn_on: date) -> str:
    return (f"Withdrew their signature from early day motion {edm.edm_id} “{edm.title}” on "
            f"{format_day(withdrawn_on)}; from then it no longer counts")


def edm_evidence(session: Session, person_ids: Sequence[int], topic: Topic,
                 as_of: date | None = None) -> dict[int, list[EvidenceRecord]]:
    """Signatures on motions tracked for ``topic``, as engine evidence, per person (one query).

    A withdrawn signature gives two records: the signature, which ``ends`` on the
    withdrawal date, and the withdrawal itself (``end_of``), which says nothing
    on its own. With ``as_of``, only motions tabled by then, and withdrawals made by then.
    """
    out: dict[int, list[EvidenceRecord]] = defaultdict(list)
    ids = list(set(person_ids))
    if not ids:
        return out
    statement = (select(EdmSignature, Edm, Source)
                 .join(Edm, Edm.id == EdmSignature.edm_id)  # type: ignore[arg-type]
                 .outerjoin(Source, Source.id == Edm.source_id)  # type: ignore[arg-type]
                 .where(EdmSignature.person_id.in_(ids),  # type: ignore[attr-defined]
                        Edm.topic_id == topic.id, Edm.signing_means.is_not(None)))  # type: ignore[union-attr]
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
    return out


def add_edm_evidence(session: Session, person_ids: Sequence[int], topic: Topic,
                     as_of: date | None, into: dict[int, list[EvidenceRecord]]) -> None:
    """Add each person's EDM evidence to ``into`` (what ``evidence_for_people`` builds)."""
    for person_id, records in edm_evidence(session, person_ids, topic, as_of).items():
        into[person_id].extend(records)


# -- the person page -------------------------------------------------------------------

@dataclass(frozen=True)
class SignedMotion:
    """One motion a person signed, tracked or not, as the person page shows it."""

    edm: Edm
    signature: EdmSignature
    source: Source | None
    topic: Topic | None
    scale: Scale | None  # the topic's scale, for tracked motions

    @property
    def counted(self) -> bool:
        return self.topic is not None and self.edm.signing_means is not None

    @property
    def role(self) -> str:
        if self.signature.is_primary_sponsor:
            return "primary sponsor"
        return "co-sponsor" if self.signature.is_cosponsor else "signatory"

    @property
    def stance_label(self) -> str | None:
        if not self.counted or self.scale is None:
            return None
        return self.scale.label(self.edm.signing_means or "")


def signed_motions(session: Session, person_id: int) -> list[SignedMotion]:
    """Every motion the person signed, newest first (one query)."""
    rows = session.exec(
        select(EdmSignature, Edm, Source, Topic)
        .join(Edm, Edm.id == EdmSignature.edm_id)  # type: ignore[arg-type]
        .outerjoin(Source, Source.id == Edm.source_id)  # type: ignore[arg-type]
        .outerjoin(Topic, Topic.id == Edm.topic_id)  # type: ignore[arg-type]
        .where(EdmSignature.person_id == person_id)).all()
    motions = [SignedMotion(edm, signature, source, topic,
                            scale_for(topic.slug) if topic and edm.signing_means else None)
               for signature, edm, source, topic in rows]
    motions.sort(key=lambda m: (m.edm.tabled_on, m.edm.edm_id), reverse=True)
    return motions

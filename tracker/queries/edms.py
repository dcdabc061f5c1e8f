"""Early day motions as the person page lists them (tracked or not).

Signatures as stance evidence are loaded by ``tracker.readmodel.evidence``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from tracker.models import Edm, EdmSignature, Source, Topic
from tracker.prose.edms import signature_summary, withdrawal_summary
from tracker.readmodel.evidence import EDM_KIND, scale_for
from tracker.stance import Scale

__all__ = ["EDM_KIND", "SignedMotion", "signature_summary", "signed_motions", "withdrawal_summary"]


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

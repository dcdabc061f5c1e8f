"""A person's approved responses (right of reply) on one topic, as their page and its
``replies`` table show them (one query). Pending and rejected responses are never read here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, or_, select

from tracker.models import Evidence, Person, Reply, Topic

EVIDENCE_KEY = "evidence:"  # how the read model names a piece of evidence (tracker.readmodel.evidence)


@dataclass(frozen=True)
class ShownReply:
    id: int
    replied_on: date
    body: str
    evidence_key: str | None  # "evidence:12", or None for a response to the stance as a whole
    approved_at: datetime | None

    @property
    def paragraphs(self) -> list[list[str]]:
        """Paragraphs, each a list of lines (the template escapes each and joins them)."""
        return [para.split("\n") for para in self.body.split("\n\n") if para.strip()]


@dataclass(frozen=True)
class PersonReplies:
    by_evidence: dict[str, list[ShownReply]] = field(default_factory=dict)
    whole: list[ShownReply] = field(default_factory=list)  # responses to the stance as a whole
    rows: list[dict[str, Any]] = field(default_factory=list)  # the page's ``replies`` table

    @staticmethod
    def evidence_number(key: str) -> int | None:
        """12 for "evidence:12"; None for a vote or a motion signature (not answerable one by one)."""
        number = key.removeprefix(EVIDENCE_KEY)
        return int(number) if key.startswith(EVIDENCE_KEY) and number.isascii() and number.isdigit() else None


def person_replies(session: Session, person: Person, topic_slug: str) -> PersonReplies:
    """The approved responses of ``person`` on the topic, oldest first. A response to evidence
    counts only while that evidence is on the site (approved)."""
    rows = session.exec(
        select(Reply, Evidence, Topic.slug).join(Topic, Topic.id == Reply.topic_id)  # type: ignore[arg-type, call-overload]
        .outerjoin(Evidence, Evidence.id == Reply.evidence_id)
        .where(Reply.person_id == person.id, Reply.status == "approved", Topic.slug == topic_slug,
               or_(Reply.evidence_id.is_(None), Evidence.status == "approved"))  # type: ignore[union-attr]
        .order_by(Reply.replied_on, Reply.id)).all()
    out = PersonReplies()
    for reply, evidence, slug in rows:
        key = f"{EVIDENCE_KEY}{evidence.id}" if evidence is not None else None
        shown = ShownReply(reply.id, reply.replied_on, reply.body, key, reply.reviewed_at)
        if key is None:
            out.whole.append(shown)
        else:
            out.by_evidence.setdefault(key, []).append(shown)
        out.rows.append({
            "person": person.slug, "reply": reply.id, "topic": slug,
            "responds_to": "evidence" if evidence is not None else "stance",
            "evidence_id": key, "evidence_date": evidence.evidence_date if evidence else None,
            "evidence_summary": evidence.summary if evidence else None,
            "replied_on": reply.replied_on, "signed_by": person.name, "body": reply.body,
            "approved_at": reply.reviewed_at})
    return out

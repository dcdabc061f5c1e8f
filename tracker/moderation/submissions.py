"""Evidence submitted by people with accounts, and what moderators decide about it.

Every function writes one change set through a Recorder (actor = the user's name). A
submission from someone not yet trusted, or about a locked person, waits as ``pending`` and
changes nothing public; a trusted contributor's goes live at once and still appears in the
moderators' review feed until a moderator marks it checked or reverts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session, func, or_, select

from tracker.accounts.users import may
from tracker.config import DATA_DIR
from tracker.models import Evidence, Person, Source, Topic, User
from tracker.moderation.trust import goes_live, lock_on
from tracker.revisions import Recorder, newest_revision
from tracker.stance import load_topic
from tracker.text import http_url

# What a contributor may submit (a vote comes from the division lists, a report is second-hand).
SUBMITTABLE_KINDS = {"statement": "A statement (speech, post, interview, letter)",
                     "pledge": "Signed a pledge", "edm": "Signed an early day motion",
                     "party_switch": "Left or joined a party over this", "other": "Something else"}
EARLIEST = date(1990, 1, 1)
MAX_SUMMARY = 2000
MAX_QUOTE = 1000


class SubmissionError(ValueError):
    """Bad input, by field: ``errors`` maps a field name to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class ReviewError(ValueError):
    """A decision that cannot be taken now (the message says why)."""


class EditConflict(ReviewError):
    """Someone else changed the record since the form was opened."""

    def __init__(self, current: Evidence, newest_revision: int | None) -> None:
        super().__init__("Someone else changed this evidence since you opened the form.")
        self.current = current
        self.newest_revision = newest_revision


@dataclass(frozen=True)
class Submission:
    person_id: int
    topic: str  # slug
    kind: str
    stance: str
    evidence_date: date
    summary: str
    source_url: str
    publisher: str = ""
    quote: str = ""


def check(session: Session, data: Submission, today: date | None = None) -> tuple[Topic, Source | None]:
    """Every problem with a submission at once (SubmissionError), or its topic and known source."""
    errors: dict[str, str] = {}
    today = today or datetime.now(UTC).date()
    topic = session.exec(select(Topic).where(Topic.slug == data.topic)).first()
    if topic is None:
        errors["topic"] = "Choose one of the topics listed."
    elif data.stance not in load_topic(topic.slug, DATA_DIR):
        errors["stance"] = "Choose one of the stances listed for this topic."
    if data.kind not in SUBMITTABLE_KINDS:
        errors["kind"] = "Choose one of the kinds listed."
    if data.evidence_date > today:
        errors["evidence_date"] = "The date cannot be in the future."
    elif data.evidence_date < EARLIEST:
        errors["evidence_date"] = f"The date must be after {EARLIEST:%Y}."
    summary = data.summary.strip()
    if len(summary) < 10:
        errors["summary"] = "Say in your own words what they said or did (at least 10 characters)."
    elif len(summary) > MAX_SUMMARY:
        errors["summary"] = f"Keep the summary under {MAX_SUMMARY} characters."
    if len(data.quote) > MAX_QUOTE:
        errors["quote"] = f"Keep the quote under {MAX_QUOTE} characters: quote the key words only."
    url = http_url(data.source_url)
    if url is None:
        errors["source_url"] = "Give the address of the source, starting http:// or https://."
    if len(data.publisher) > 200:
        errors["publisher"] = "Keep the publisher under 200 characters."
    if session.get(Person, data.person_id) is None:
        errors["person"] = "There is no such person."
    if errors:
        raise SubmissionError(errors)
    assert topic is not None and url is not None
    return topic, session.exec(select(Source).where(Source.url == url)).first()


def duplicates(session: Session, person_id: int, source_url: str, kind: str, day: date,
               exclude: int | None = None) -> list[Evidence]:
    """Evidence that looks like the same fact: same person and source, or same person, kind and day.
    Rejected evidence is left out."""
    same_source = select(Source.id).where(Source.url == source_url.strip())
    statement = (select(Evidence).where(
        Evidence.person_id == person_id, Evidence.status != "rejected",
        or_(Evidence.source_id.in_(same_source),  # type: ignore[attr-defined]
            sa.and_(Evidence.kind == kind, Evidence.evidence_date == day)))
        .order_by(Evidence.evidence_date.desc(), Evidence.id))  # type: ignore[attr-defined]
    if exclude is not None:
        statement = statement.where(Evidence.id != exclude)
    return list(session.exec(statement).all())


def submit(session: Session, user: User, data: Submission) -> Evidence:
    topic, source = check(session, data)
    url = http_url(data.source_url)
    recorder = Recorder(session, actor=user.name, user_id=user.id, source=url,
                        reason="submitted evidence")
    live = goes_live(session, user, data.person_id)
    source = source or _new_source(recorder, url or "", data.publisher, public=live)
    evidence = recorder.add(Evidence(
        topic_id=topic.id, person_id=data.person_id, kind=data.kind, stance=data.stance,  # type: ignore[arg-type]
        evidence_date=data.evidence_date, summary=data.summary.strip(), quote=data.quote.strip() or None,
        source_id=source.id, status="approved" if live else "pending",  # type: ignore[arg-type]
        submitted_by_id=user.id))
    recorder.flush()
    return evidence


def _new_source(recorder: Recorder, url: str, publisher: str, public: bool = True) -> Source:
    source = recorder.add(Source(url=url, publisher=publisher.strip() or
                                 (urlsplit(url).hostname or "").removeprefix("www.")), public=public)
    recorder.flush()
    return source


def _decide(session: Session, moderator: User, evidence: Evidence, values: dict[str, object],
            reason: str) -> None:
    recorder = Recorder(session, actor=moderator.name, user_id=moderator.id, reason=reason)
    recorder.update(evidence, {**values, "reviewed_by_id": moderator.id,
                               "reviewed_at": datetime.now(UTC)}, overwrite_with_none=True)
    recorder.flush()


def _moderator(user: User) -> None:
    if not may(user, "moderator"):
        raise ReviewError("Only a moderator can do that.")


def approve(session: Session, moderator: User, evidence: Evidence, note: str = "") -> None:
    _moderator(moderator)
    if evidence.status != "pending":
        raise ReviewError(f"This evidence is {evidence.status}, not waiting for review.")
    _decide(session, moderator, evidence, {"status": "approved", "review_reason": note.strip() or None},
            "approved a submission")


def reject(session: Session, moderator: User, evidence: Evidence, reason: str) -> None:
    """Reject a pending submission, or revert one that went live; the submitter sees the reason."""
    _moderator(moderator)
    if not reason.strip():
        raise ReviewError("Give a reason: the person who submitted it will see it.")
    if evidence.status == "rejected":
        raise ReviewError("This evidence is already rejected.")
    was = evidence.status
    _decide(session, moderator, evidence, {"status": "rejected", "review_reason": reason.strip()},
            "reverted a live submission" if was == "approved" else "rejected a submission")


def mark_checked(session: Session, moderator: User, evidence: Evidence) -> None:
    """A moderator has looked at a live submission and leaves it as it is."""
    _moderator(moderator)
    if evidence.status != "approved" or evidence.reviewed_by_id is not None:
        raise ReviewError("Only a live submission nobody has checked yet can be marked checked.")
    _decide(session, moderator, evidence, {"status": "approved"}, "checked a live submission")


def edit(session: Session, moderator: User, evidence: Evidence, data: Submission, opened_on: int | None,
         reason: str) -> bool:
    """Change a piece of evidence, unless someone else changed it since the form was opened
    (``opened_on``: the newest revision then): EditConflict. True when something changed."""
    _moderator(moderator)
    if not reason.strip():
        raise ReviewError("Say why you are changing it (it is shown in the history).")
    assert evidence.id is not None and evidence.person_id is not None
    lock = lock_on(session, "person", evidence.person_id)
    if lock is not None:
        raise ReviewError(f"This person's record is locked ({lock.reason}): unlock it first.")
    newest = newest_revision(session, "evidence", evidence.id)
    if newest != opened_on:
        raise EditConflict(evidence, newest)
    topic, source = check(session, data)
    url = http_url(data.source_url)
    recorder = Recorder(session, actor=moderator.name, user_id=moderator.id, source=url,
                        reason=reason.strip())
    source = source or _new_source(recorder, url or "", data.publisher)
    changed = recorder.update(evidence, {
        "topic_id": topic.id, "kind": data.kind, "stance": data.stance, "evidence_date": data.evidence_date,
        "summary": data.summary.strip(), "quote": data.quote.strip() or None, "source_id": source.id,
    }, overwrite_with_none=True)
    recorder.flush()
    return changed


@dataclass(frozen=True)
class SubmitterRecord:
    approved: int
    rejected: int
    pending: int
    trusted: bool


def submitter_record(session: Session, user: User) -> SubmitterRecord:
    from tracker.moderation.trust import is_trusted

    counts = dict(session.exec(select(Evidence.status, func.count()).where(
        Evidence.submitted_by_id == user.id).group_by(Evidence.status)).all())
    return SubmitterRecord(counts.get("approved", 0), counts.get("rejected", 0), counts.get("pending", 0),
                           is_trusted(session, user))


def queue(session: Session, limit: int = 200) -> list[Evidence]:
    """Submissions waiting for a moderator, oldest first."""
    return list(session.exec(select(Evidence).where(Evidence.status == "pending")
                             .order_by(Evidence.created_at, Evidence.id).limit(limit)).all())


def unchecked_live(session: Session, limit: int = 200) -> list[Evidence]:
    """Submissions that went live at once and no moderator has looked at yet, newest first."""
    return list(session.exec(select(Evidence).where(
        Evidence.status == "approved", Evidence.submitted_by_id.is_not(None),  # type: ignore[union-attr]
        Evidence.reviewed_by_id.is_(None))  # type: ignore[union-attr]
        .order_by(Evidence.created_at.desc(), Evidence.id.desc()).limit(limit)).all())  # type: ignore[attr-defined, union-attr]


def of_submitter(session: Session, user: User, limit: int = 500) -> list[Evidence]:
    return list(session.exec(select(Evidence).where(Evidence.submitted_by_id == user.id)
                             .order_by(Evidence.created_at.desc(), Evidence.id.desc()).limit(limit)).all())  # type: ignore[attr-defined, union-attr]


def people_by_id(session: Session, ids: set[int]) -> dict[int, Person]:
    if not ids:
        return {}
    return {p.id: p for p in session.exec(select(Person).where(Person.id.in_(sorted(ids)))).all()}  # type: ignore[misc, union-attr]

"""Responses (right of reply): written by the person's own verified representative, to one
piece of evidence or to their stance on a topic as a whole, then approved or rejected by a
moderator. A response is not stance evidence: nothing here touches evidence or votes, so
the read model never changes because of one. Every function writes one change set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from tracker.accounts.users import may
from tracker.models import Evidence, Person, Reply, Topic, User
from tracker.revisions import Recorder

MAX_BODY = 5000
MAX_REASON = 1000
EARLIEST = date(1990, 1, 1)
# Control characters other than tab and newline (PostgreSQL refuses NUL in text).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class ReplyError(ValueError):
    """Bad input, by form field: ``errors`` maps a field name to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def today() -> date:
    """Today in the UK, where the people who sign responses are."""
    try:
        return datetime.now(ZoneInfo("Europe/London")).date()
    except ZoneInfoNotFoundError:
        return datetime.now(UTC).date()


def speaks_for(user: object, person_id: int | None) -> bool:
    """Whether ``user`` is an active, verified representative of this person."""
    return (isinstance(user, User) and person_id is not None and user.person_id == person_id
            and may(user, "representative"))


def clean_body(text: str) -> str:
    """Plain text as it will be shown: newlines normalised, no control characters, at most
    one blank line between paragraphs."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@dataclass(frozen=True)
class Target:
    """What a response answers: one piece of the person's evidence, or their stance on a topic."""

    topic: Topic
    evidence: Evidence | None = None


def target(session: Session, person: Person, *, evidence_id: int | None,
           topic_slug: str | None) -> Target | None:
    """The evidence (approved, about this person) or topic a response would answer; None if
    there is no such thing to answer."""
    if evidence_id is not None:
        evidence = session.get(Evidence, evidence_id)
        if evidence is None or evidence.person_id != person.id or evidence.status != "approved":
            return None
        topic = session.get(Topic, evidence.topic_id)
        return Target(topic, evidence) if topic is not None else None
    if topic_slug:
        topic = session.exec(select(Topic).where(Topic.slug == topic_slug)).first()
        return Target(topic) if topic is not None else None
    return None


def submit(session: Session, user: User, person: Person, answering: Target, body: str,
           replied_on: date | None) -> Reply:
    """A pending response signed on ``replied_on``.

    :raise PermissionError: ``user`` does not speak for ``person``.
    :raise ReplyError: bad input, by field (``body``, ``replied_on``).
    """
    if not speaks_for(user, person.id):
        raise PermissionError(f"only {person.name}’s own verified account may respond for them")
    errors: dict[str, str] = {}
    text = clean_body(body)
    if not text:
        errors["body"] = "Write your response."
    elif len(text) > MAX_BODY:
        errors["body"] = f"Keep your response to {MAX_BODY:,} characters (it has {len(text):,})."
    if replied_on is None:
        errors["replied_on"] = "Enter the date you sign it, as YYYY-MM-DD."
    elif replied_on > today():
        errors["replied_on"] = "The date you sign it cannot be in the future."
    elif answering.evidence is not None and replied_on < answering.evidence.evidence_date:
        errors["replied_on"] = (f"A response cannot be signed before what it answers "
                                f"({answering.evidence.evidence_date:%-d %B %Y}).")
    elif replied_on < EARLIEST:
        errors["replied_on"] = f"Enter a date from {EARLIEST:%-d %B %Y} on."
    if errors:
        raise ReplyError(errors)
    assert replied_on is not None
    recorder = Recorder(session, actor=user.name, user_id=user.id, reason=f"right of reply for {person.name}")
    reply = recorder.add(Reply(person_id=person.id, topic_id=answering.topic.id,  # type: ignore[arg-type]
                               evidence_id=answering.evidence.id if answering.evidence else None,
                               body=text, replied_on=replied_on, user_id=user.id, status="pending"))  # type: ignore[arg-type]
    recorder.flush()
    return reply


class ReviewError(ValueError):
    """A decision that cannot be taken (the message says why)."""


def _decide(session: Session, moderator: User, reply: Reply, status: str, reason: str | None) -> None:
    if reply.status != "pending":
        raise ReviewError(f"This response was already {reply.status}.")
    person = session.get(Person, reply.person_id)
    name = person.name if person else f"person {reply.person_id}"
    words = "approved" if status == "approved" else "rejected"
    recorder = Recorder(session, actor=moderator.name, user_id=moderator.id,
                        reason=f"{words} a response from {name}" + (f": {reason}" if reason else ""))
    recorder.update(reply, {"status": status, "reviewed_by_id": moderator.id,
                            "reviewed_at": datetime.now(UTC), "review_reason": reason})
    recorder.flush()


def approve(session: Session, moderator: User, reply: Reply, note: str | None = None) -> None:
    """Publish a response beside what it answers (the stance stays as it is)."""
    _decide(session, moderator, reply, "approved", " ".join((note or "").split())[:MAX_REASON] or None)


def reject(session: Session, moderator: User, reply: Reply, reason: str) -> None:
    text = " ".join(reason.split())
    if not text or len(text) > MAX_REASON:
        raise ReviewError(f"Give a reason (at most {MAX_REASON:,} characters); the representative sees it.")
    _decide(session, moderator, reply, "rejected", text)


@dataclass(frozen=True)
class ReplyView:
    """A response with what it answers, for the moderators' queue and the writer's own list."""

    reply: Reply
    person: Person
    topic: Topic | None
    evidence: Evidence | None
    user: User


def _views(session: Session, *where: object) -> list[ReplyView]:
    rows = session.exec(select(Reply, Person, Topic, Evidence, User)
                        .join(Person, Person.id == Reply.person_id)  # type: ignore[arg-type]
                        .outerjoin(Topic, Topic.id == Reply.topic_id)  # type: ignore[arg-type]
                        .outerjoin(Evidence, Evidence.id == Reply.evidence_id)  # type: ignore[arg-type]
                        .join(User, User.id == Reply.user_id)  # type: ignore[arg-type]
                        .where(*where)  # type: ignore[arg-type]
                        .order_by(Reply.created_at, Reply.id)).all()
    return [ReplyView(*row) for row in rows]


def waiting(session: Session) -> list[ReplyView]:
    """Responses waiting for a moderator, oldest first."""
    return _views(session, Reply.status == "pending")


def of_user(session: Session, user: User) -> list[ReplyView]:
    """The responses a representative wrote, newest first."""
    return _views(session, Reply.user_id == user.id)[::-1]

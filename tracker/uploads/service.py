"""An uploaded list from preview to decision: every step is one change set (Recorder).

1. ``create``: the file is read and matched; a refused file writes nothing. The ``Upload``
   keeps every row with its match as JSON, in status ``preview``.
2. ``choose``: the uploader (or, once submitted, a moderator) picks a person for an ambiguous
   or unmatched row, or leaves a row out.
3. ``submit``: a trusted contributor's (or a moderator's) list is committed at once
   (:mod:`tracker.uploads.commit`); anyone else's waits as ``submitted``.
4. A moderator ``approve``s a submitted list as a whole (a commit), or ``reject``s it with a
   reason the uploader sees. The uploader may ``discard`` a list not yet committed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Literal

from sqlmodel import Session, select

from tracker.accounts.users import may
from tracker.models import Person, Pledge, Topic, Upload, User
from tracker.moderation.trust import is_trusted
from tracker.revisions import Recorder
from tracker.stance import Scale
from tracker.uploads.commit import commit
from tracker.uploads.entries import Entry, UploadError, entries, list_kind, unresolved
from tracker.uploads.format import CAMPAIGN, EVIDENCE
from tracker.uploads.match import match_rows
from tracker.uploads.parse import Limits, parse_upload

DROP = "drop"
Choice = int | Literal["drop"] | None  # a person's id, leave the row out, or undecided


__all__ = ["DROP", "Choice", "Entry", "UploadError", "approve", "choose", "counts", "create", "discard",
           "entries", "list_kind", "may_edit", "may_view", "of_user", "reject", "submit", "unresolved",
           "waiting"]


def may_view(user: User, upload: Upload) -> bool:
    return upload.user_id == user.id or may(user, "moderator")


def may_edit(user: User, upload: Upload) -> bool:
    """The uploader, while previewing; a moderator, while it waits for review (or their own)."""
    if upload.status == "preview":
        return upload.user_id == user.id
    return upload.status == "submitted" and may(user, "moderator")


def create(session: Session, user: User, data: bytes, filename: str, *, topic: Topic, scale: Scale,
           pledge: Pledge | None = None, limits: Limits = Limits(), today: date | None = None) -> Upload:
    """Read and match a list (UploadRefused when the file is refused: nothing is written)."""
    kind = CAMPAIGN if pledge is not None else EVIDENCE
    if pledge is not None and pledge.topic_id != topic.id:
        raise UploadError("The campaign is about another topic.")
    rows = parse_upload(data, filename, kind=kind, scale=scale, limits=limits, today=today)
    matches = match_rows(session, rows)
    stored = [Entry(r, m, m.person_id if m.status == "matched" else None).to_json()
              for r, m in zip(rows, matches, strict=True)]
    name = " ".join(filename.replace("\\", "/").rsplit("/", 1)[-1].split())[-300:] or "list"
    recorder = Recorder(session, actor=user.name, user_id=user.id, source=name,
                        reason="uploaded a list to preview")
    upload = recorder.add(Upload(user_id=user.id, topic_id=topic.id, pledge_id=pledge.id if pledge else None,  # type: ignore[arg-type]
                                 filename=name, status="preview", rows=stored))
    recorder.flush()
    return upload


def choose(session: Session, user: User, upload: Upload, choices: Mapping[int, Choice]) -> int:
    """Record choices by line: a person's id, ``DROP``, or None (undecided; a row the matcher
    matched goes back to its match). Returns how many rows changed."""
    if not may_edit(user, upload):
        raise UploadError("This list cannot be changed now.")
    current = {e.line: e for e in entries(upload)}
    unknown = sorted(set(choices) - set(current))
    if unknown:
        raise UploadError(f"The list has no line {unknown[0]}.")
    wanted = {c for c in choices.values() if isinstance(c, int)}
    found = set(session.exec(select(Person.id).where(
        Person.id.in_(sorted(wanted)))).all()) if wanted else set()  # type: ignore[union-attr]
    if wanted - found:
        raise UploadError("One of the people chosen is not in our records.")
    changed = 0
    for line, choice in choices.items():
        entry = current[line]
        if choice == DROP:
            new = replace(entry, dropped=True)
        elif choice is None:
            new = replace(entry, dropped=False, person_id=entry.match.person_id)
        else:
            new = replace(entry, dropped=False, person_id=choice)
        if new != entry:
            current[line] = new
            changed += 1
    if changed:
        recorder = Recorder(session, actor=user.name, user_id=user.id, source=upload.filename,
                            reason=f"chose people for {changed} row{'s' if changed != 1 else ''} of a list")
        recorder.update(upload, {"rows": [e.to_json() for e in current.values()]})
        recorder.flush()
    return changed


def submit(session: Session, user: User, upload: Upload, now: datetime | None = None) -> str:
    """Commit a trusted uploader's list at once, or send it to the moderators. Returns the
    upload's new status (``committed`` or ``submitted``)."""
    if upload.user_id != user.id or upload.status != "preview":
        raise UploadError("Only the person who uploaded this list can submit it, once.")
    if is_trusted(session, user):
        commit(session, upload, user, now=now)
        return "committed"
    recorder = Recorder(session, actor=user.name, user_id=user.id, source=upload.filename,
                        reason="submitted an uploaded list for review")
    recorder.update(upload, {"status": "submitted", "submitted_at": now or datetime.now(UTC)})
    recorder.flush()
    return "submitted"


def approve(session: Session, moderator: User, upload: Upload, now: datetime | None = None) -> None:
    if not may(moderator, "moderator"):
        raise UploadError("Only a moderator can approve a list.")
    if upload.status != "submitted":
        raise UploadError(f"This list is {upload.status}, not waiting for review.")
    commit(session, upload, moderator, now=now)


def reject(session: Session, moderator: User, upload: Upload, reason: str,
           now: datetime | None = None) -> None:
    if not may(moderator, "moderator"):
        raise UploadError("Only a moderator can reject a list.")
    if upload.status != "submitted":
        raise UploadError(f"This list is {upload.status}, not waiting for review.")
    if not reason.strip():
        raise UploadError("Give a reason: the person who uploaded it will see it.")
    recorder = Recorder(session, actor=moderator.name, user_id=moderator.id, source=upload.filename,
                        reason="rejected an uploaded list")
    recorder.update(upload, {"status": "rejected", "review_reason": reason.strip()[:1000],
                             "reviewed_by_id": moderator.id, "reviewed_at": now or datetime.now(UTC)})
    recorder.flush()


def discard(session: Session, user: User, upload: Upload) -> None:
    if upload.user_id != user.id or upload.status not in ("preview", "submitted"):
        raise UploadError("Only the person who uploaded this list can discard it, before it is committed.")
    recorder = Recorder(session, actor=user.name, user_id=user.id, source=upload.filename,
                        reason="discarded an uploaded list")
    recorder.update(upload, {"status": "discarded"})
    recorder.flush()


def of_user(session: Session, user: User, limit: int = 200) -> list[Upload]:
    return list(session.exec(select(Upload).where(Upload.user_id == user.id)
                             .order_by(Upload.created_at.desc(), Upload.id.desc()).limit(limit)).all())  # type: ignore[attr-defined, union-attr]


def waiting(session: Session, limit: int = 200) -> list[Upload]:
    """Lists submitted for review, oldest first."""
    return list(session.exec(select(Upload).where(Upload.status == "submitted")
                             .order_by(Upload.submitted_at, Upload.id).limit(limit)).all())  # type: ignore[arg-type]


def counts(items: Sequence[Entry]) -> dict[str, int]:
    """Rows by state: matched, ambiguous, unmatched (as the matcher left them), chosen, dropped."""
    out = {"matched": 0, "ambiguous": 0, "unmatched": 0, "chosen": 0, "dropped": 0, "waiting": 0}
    for e in items:
        out[e.match.status] += 1
        if e.dropped:
            out["dropped"] += 1
        elif e.chosen:
            out["chosen"] += 1
        elif not e.resolved:
            out["waiting"] += 1
    return out

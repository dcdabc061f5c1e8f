"""Commit an uploaded list: every kept row becomes evidence, in ONE change set.

- A campaign list: ``signed`` -> kind ``pledge`` with the campaign's stance; ``declined`` ->
  ``pledge_refusal`` with no stance; both tied to the campaign (``pledge_id``).
- An evidence list: the row's own kind and stance.
- Status: approved when the committer's submission would go live at once (a moderator; a
  trusted contributor, except about a locked person: the rule of
  ``tracker.moderation.trust.live_for``, for the whole list at once), else
  pending. A moderator approving someone else's list is its reviewer.
- A row whose fact is already recorded (same person and campaign answer; or same person,
  kind, day and source) is left out and says so, so uploading a list twice adds nothing.

All or nothing: the caller commits the session only when this returns; any error leaves the
caller to roll back everything (the evidence, the sources and the upload's own change).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from sqlmodel import Session, select

from tracker.db import chunks
from tracker.models import Evidence, Person, Pledge, Source, Topic, Upload, User
from tracker.moderation.trust import live_for
from tracker.prose.uploads import commit_reason, list_answer_summary
from tracker.revisions import Recorder
from tracker.stance import load_topic
from tracker.uploads.entries import Entry, UploadError, entries

ANSWER_KINDS = {"signed": "pledge", "declined": "pledge_refusal"}
_CHUNK = 500


class CommitError(UploadError):
    """The list cannot be committed as it stands; ``lines`` names the rows at fault."""

    def __init__(self, message: str, lines: Sequence[int] = ()) -> None:
        super().__init__(message)
        self.lines = list(lines)


@dataclass(frozen=True)
class Committed:
    change_set_id: int
    approved: int
    pending: int
    skipped: int  # already recorded
    dropped: int


def _lines(lines: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:20])
    return shown + (f" and {len(lines) - 20} more" if len(lines) > 20 else "")


def commit(session: Session, upload: Upload, user: User, *, now: datetime | None = None) -> Committed:
    """Write the list's evidence and mark the upload committed (one change set)."""
    moment = now or datetime.now(UTC)
    if upload.status not in ("preview", "submitted"):
        raise CommitError(f"This list is {upload.status}: it cannot be committed.")
    items = entries(upload)
    waiting = [e.line for e in items if not e.resolved]
    if waiting:
        raise CommitError("Choose a person for each row, or leave it out, first: "
                          f"line{'s' if len(waiting) > 1 else ''} {_lines(waiting)}.", waiting)
    kept = [e for e in items if not e.dropped]
    if not kept:
        raise CommitError("Every row is left out: there is nothing to record.")
    topic = session.get(Topic, upload.topic_id)
    pledge = session.get(Pledge, upload.pledge_id) if upload.pledge_id is not None else None
    assert topic is not None  # foreign key
    scale = load_topic(topic.slug)
    if pledge is not None and pledge.stance not in scale:
        raise CommitError(f"The campaign's stance “{pledge.stance}” is not on the topic's scale.")
    person_ids = sorted({e.person_id for e in kept if e.person_id is not None})
    present = _existing(session, select(Person.id), Person.id, person_ids)
    gone = [e.line for e in kept if e.person_id not in present]
    if gone:
        raise CommitError(f"The person chosen is no longer in our records: line {_lines(gone)}.", gone)

    uploader = session.get(User, upload.user_id)
    reviewing = upload.user_id != user.id
    recorder = Recorder(session, actor=user.name, user_id=user.id, source=upload.filename,
                        reason=commit_reason(upload.filename, len(kept),
                                             uploader.name if reviewing and uploader else None))
    live = live_for(session, user, person_ids)
    known = _recorded(session, topic, pledge, person_ids)
    # First which rows to write (a fact already recorded is left out), then their sources, then them.
    done: list[Entry] = []
    to_write: list[tuple[Entry, str, bool]] = []
    for entry in items:
        if entry.dropped:
            done.append(entry)
            continue
        row, pid = entry.row, entry.person_id
        assert pid is not None
        kind = ANSWER_KINDS[row.answer or ""] if pledge is not None else (row.kind or "")
        key = _key(pid, kind, row.date, row.source_url, pledge is not None)
        if key in known:
            done.append(replace(entry, skipped=known[key]))
            continue
        known[key] = f"line {entry.line} of this list records it"
        to_write.append((entry, kind, live(pid)))
        done.append(entry)
    sources = _sources(session, recorder,
                       [(e.row.source_url, e.row.publisher, live) for e, _, live in to_write])
    evidence_of: dict[int, Evidence] = {}
    for entry, kind, live in to_write:
        row = entry.row
        evidence_of[entry.line] = recorder.add(Evidence(
            topic_id=topic.id, person_id=entry.person_id, kind=kind,  # type: ignore[arg-type]
            stance=(pledge.stance if row.answer == "signed" else None) if pledge is not None else row.stance,
            evidence_date=row.date,
            summary=row.summary or (list_answer_summary(pledge, row.answer or "", row.publisher)
                                    if pledge is not None else ""),
            quote=row.quote, source_id=sources[row.source_url.strip()].id,
            pledge_id=pledge.id if pledge is not None else None,
            status="approved" if live else "pending", submitted_by_id=upload.user_id,
            reviewed_by_id=user.id if reviewing and live else None,
            reviewed_at=moment if reviewing and live else None, created_at=moment))
    recorder.flush()
    if recorder.change_set is None:  # every row already recorded: the change set is the upload's own
        recorder.update(upload, {"status": "committed"})
        recorder.flush()
    change_set = recorder.change_set
    assert change_set is not None and change_set.id is not None
    rows = [replace(e, evidence_id=evidence_of[e.line].id) if e.line in evidence_of else e for e in done]
    values: dict[str, object] = {"status": "committed", "change_set_id": change_set.id,
                                 "rows": [e.to_json() for e in rows]}
    if reviewing:
        values.update(reviewed_by_id=user.id, reviewed_at=moment)
    recorder.update(upload, values)
    recorder.flush()
    approved = sum(1 for _, _, live in to_write if live)
    return Committed(change_set.id, approved, len(to_write) - approved, sum(1 for e in done if e.skipped),
                     len(items) - len(kept))


def _existing(session: Session, statement, column, ids: Sequence[int]) -> set[int]:  # type: ignore[no-untyped-def]
    found: set[int] = set()
    for part in chunks(list(ids), _CHUNK):
        found.update(session.exec(statement.where(column.in_(list(part)))).all())
    return found


def _key(pid: int, kind: str, day: date, url: str, campaign: bool) -> tuple[object, ...]:
    return (pid, kind) if campaign else (pid, kind, day, url.strip())


def _recorded(session: Session, topic: Topic, pledge: Pledge | None,
              person_ids: Sequence[int]) -> dict[tuple[object, ...], str]:
    """What is already recorded (not rejected) about these people, by the key of a row."""
    out: dict[tuple[object, ...], str] = {}
    for part in chunks(list(person_ids), _CHUNK):
        statement = (select(Evidence.id, Evidence.person_id, Evidence.kind, Evidence.evidence_date,
                            Source.url)
                     .join(Source, Source.id == Evidence.source_id)  # type: ignore[arg-type]
                     .where(Evidence.person_id.in_(list(part)), Evidence.status != "rejected",  # type: ignore[union-attr]
                            Evidence.topic_id == topic.id))
        if pledge is not None:
            statement = statement.where(Evidence.pledge_id == pledge.id)
        for eid, pid, kind, day, url in session.exec(statement).all():
            out.setdefault(_key(pid, kind, day, url or "", pledge is not None),
                           f"already recorded (evidence {eid})")
    return out


def _sources(session: Session, recorder: Recorder,
             cited: Sequence[tuple[str, str | None, bool]]) -> dict[str, Source]:
    """The Source of each URL cited (url, publisher, live), found or created (a campaign list
    often cites one page for every row). A new source is public when a live row cites it."""
    urls: dict[str, tuple[str | None, bool]] = {}
    for url, publisher, live in cited:
        known_publisher, known_live = urls.get(url.strip(), (None, False))
        urls[url.strip()] = (known_publisher or publisher, known_live or live)
    found: dict[str, Source] = {}
    for part in chunks(sorted(urls), _CHUNK):
        found.update((s.url, s) for s in session.exec(select(Source).where(Source.url.in_(list(part)))).all())  # type: ignore[union-attr, misc]
    for url, (publisher, live) in urls.items():
        if url not in found:
            host = (urlsplit(url).hostname or "").removeprefix("www.")
            found[url] = recorder.add(Source(url=url, publisher=(publisher or host)[:200]), public=live)
    recorder.flush()
    return found

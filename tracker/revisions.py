"""Every write is a change set: records added, updated and deleted, each with a
Revision holding the whole record before and after, and the subject it is about."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from tracker.models import ALL_TABLES, ChangeSet, Revision, Vote, utcnow

M = TypeVar("M", bound=SQLModel)

MODELS: dict[str, type[SQLModel]] = {m.__tablename__: m for m in ALL_TABLES}  # type: ignore[attr-defined, misc]
# Records about a person (or a division, an area) are listed in that record's history.
_PERSON_RECORDS = frozenset({"vote", "membership", "affiliation", "candidacy", "person_name",
                             "edm_signature", "reply", "claim"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


# Accounts and their tokens: kept in change sets like every write, never shown on public pages.
PRIVATE_TABLES = frozenset({"user", "invitation", "claim", "pledge_link", "upload"})
# Secrets never stored in a revision, only whether they changed.
REDACTED_COLUMNS = frozenset({"password_hash", "token_hash"})
REDACTED = "(redacted)"
# Columns holding a user's id (every foreign key to ``user``): accounts are private, so a
# stored record is never shown, dumped or served with them (:func:`without_user_ids`).
USER_ID_COLUMNS = frozenset(c.name for t in SQLModel.metadata.tables.values() for c in t.columns
                            if any(fk.column.table.name == "user" for fk in c.foreign_keys))
# Records public only once a moderator approved them (or a trusted contributor's, at once).
_MODERATED_TABLES = frozenset({"evidence", "reply"})


def snapshot(obj: SQLModel) -> dict[str, Any]:
    """The record's column values, ready to store as JSON (secrets redacted)."""
    table = obj.__table__  # type: ignore[attr-defined]
    return {c.name: REDACTED if c.name in REDACTED_COLUMNS and getattr(obj, c.name) is not None
            else _jsonable(getattr(obj, c.name)) for c in table.columns}


def without_user_ids(state: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A record as a revision stored it, with every user id blanked (None)."""
    if state is None:
        return None
    return {k: (None if k in USER_ID_COLUMNS else v) for k, v in state.items()}


def is_public(table: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> bool:
    """Whether a revision may be shown to everyone: not an account's, and for moderated
    records, only a change to or from a state the public saw (approved)."""
    if table in PRIVATE_TABLES:
        return False
    if table in _MODERATED_TABLES:
        return any(state is not None and state.get("status") == "approved" for state in (before, after))
    return True


def subject_of(session: Session, table: str, values: Mapping[str, Any]) -> tuple[str, int]:
    """The record a change is about: a vote's person, a whip's division, a body's area."""
    if table in _PERSON_RECORDS:
        return "person", values["person_id"]
    if table == "evidence":
        return ("person", values["person_id"]) if values.get("person_id") else ("party", values["party_id"])
    if table == "vote_source":
        vote = session.get(Vote, values["vote_id"])
        return ("person", vote.person_id) if vote else ("vote", values["vote_id"])
    if table == "whip":
        return "division", values["division_id"]
    if table == "area_overlap":
        return "area", values["area_id"]
    if table == "body" and values.get("area_id"):
        return "area", values["area_id"]
    return table, values["id"]


def newest_revision(session: Session, table: str, record_id: int) -> int | None:
    """The id of a record's newest revision: what an edit form was opened on (an edit that
    finds a newer one shows a conflict instead of overwriting)."""
    return session.exec(select(sa.func.max(Revision.id)).where(
        Revision.table_name == table, Revision.record_id == record_id)).one()


def stamp_committed(session: Session) -> None:
    """Set ``committed_at`` on the change sets of this transaction (called before commit)."""
    ids = session.info.pop("change_sets", None)
    if ids:
        session.execute(sa.update(ChangeSet).where(ChangeSet.id.in_(ids))  # type: ignore[union-attr]
                        .values(committed_at=utcnow()))


class Recorder:
    """Adds, updates and deletes records in a session as one change set.

    The change set is written with its first revision; new rows are flushed in
    batches, so an import of thousands of rows makes a few multi-row INSERTs.
    """

    def __init__(self, session: Session, *, actor: str, source: str | None = None,
                 user_id: int | None = None, reason: str | None = None) -> None:
        self.session = session
        self.actor = actor
        self.source = source
        self.user_id = user_id
        self.reason = reason
        self.change_set: ChangeSet | None = None
        self.counts: Counter[tuple[str, str]] = Counter()
        self._pending: list[tuple[str, SQLModel, dict[str, Any] | None, str | None, bool | None]] = []

    def add(self, obj: M, *, source: str | None = None, public: bool | None = None) -> M:
        """``public=False`` keeps the revision from public pages whatever the record (e.g. the
        source of a submission still waiting for review)."""
        self.session.add(obj)
        self._pending.append(("create", obj, None, source, public))
        self.counts[(obj.__tablename__, "added")] += 1  # type: ignore[attr-defined]
        return obj

    def update(self, obj: SQLModel, values: Mapping[str, Any], *, source: str | None = None,
               overwrite_with_none: bool = False) -> bool:
        """Set ``values`` on ``obj``; log and return True only if something changed."""
        old: dict[str, Any] = {}
        for key, new in values.items():
            if new is None and not overwrite_with_none:
                continue
            current = getattr(obj, key)
            if current != new:
                old.setdefault(key, _jsonable(current))
                setattr(obj, key, new)
        table = obj.__tablename__  # type: ignore[attr-defined]
        if not old:
            self.counts[(table, "unchanged")] += 1
            return False
        if obj in self.session.new:
            return True  # not written yet: its create revision will hold the final values
        before = {**snapshot(obj), **old}
        self._pending.append(("update", obj, before, source, None))
        self.counts[(table, "updated")] += 1
        return True

    def delete(self, obj: SQLModel) -> None:
        self._pending.append(("delete", obj, snapshot(obj), None, None))
        self.counts[(obj.__tablename__, "deleted")] += 1  # type: ignore[attr-defined]
        self.session.flush()
        self.session.delete(obj)

    def skip(self, table: str, n: int = 1) -> None:
        self.counts[(table, "skipped")] += n

    def _open_change_set(self) -> ChangeSet:
        if self.change_set is None:
            self.change_set = ChangeSet(actor=self.actor, user_id=self.user_id, source=self.source,
                                        reason=self.reason)
            self.session.add(self.change_set)
            self.session.flush()
            self.session.info.setdefault("change_sets", []).append(self.change_set.id)
        return self.change_set

    def flush(self) -> None:
        """Flush pending writes and add their Revision rows."""
        if not self._pending:
            return
        change_set = self._open_change_set()
        self.session.flush()
        revisions = []
        for action, obj, before, source, public in self._pending:
            after = None if action == "delete" else snapshot(obj)
            table = obj.__tablename__  # type: ignore[attr-defined]
            state = after or before or {}
            subject_table, subject_id = subject_of(self.session, table, state)
            revisions.append(Revision(
                change_set_id=change_set.id,  # type: ignore[arg-type]
                table_name=table, record_id=state["id"], action=action,
                subject_table=subject_table, subject_id=subject_id,
                before=before, after=after, source=source,
                public=is_public(table, before, after) if public is None else public))
        self._pending.clear()
        self.session.add_all(revisions)
        self.session.flush()

    def totals(self) -> dict[str, int]:
        """Rows added/updated/unchanged/skipped over every table."""
        out: Counter[str] = Counter()
        for (_table, what), n in self.counts.items():
            out[what] += n
        return {k: out.get(k, 0) for k in ("added", "updated", "unchanged", "skipped", "deleted")}


# -- restoring -------------------------------------------------------------------------

RESTORED_FROM = "revision "  # a restore's change set names the revision it put back


class RestoreError(ValueError):
    """A revision cannot be restored (unknown, or a partial record from before change sets)."""


def values_from_json(model: type[SQLModel], values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in model.__table__.columns:  # type: ignore[attr-defined]
        if column.name not in values:
            raise RestoreError(f"revision lacks column {column.name!r}: it holds only part of the record")
        value = values[column.name]
        if isinstance(value, str):
            # A TypeDecorator (SQLModel's UTCDateTime) says ``object``: its implementation knows.
            try:
                kind = getattr(column.type, "impl_instance", column.type).python_type
            except NotImplementedError:
                kind = str
            if kind is datetime:
                value = datetime.fromisoformat(value)
            elif kind is date:
                value = date.fromisoformat(value)
        out[column.name] = value
    return out


def _refuse_reused_id(session: Session, revision: Revision) -> None:
    """SQLite may hand a deleted row's id to a new row: never restore one record over another."""
    recreated = session.exec(select(Revision.id).join(ChangeSet, ChangeSet.id == Revision.change_set_id)  # type: ignore[arg-type]
                             .where(Revision.table_name == revision.table_name,
                                    Revision.record_id == revision.record_id, Revision.action == "create",
                                    Revision.id > revision.id,
                                    # a restore re-creating the same record is not a new record
                                    sa.not_(sa.func.coalesce(ChangeSet.source, "").startswith(RESTORED_FROM))
                                    )).first()
    if recreated is not None:
        raise RestoreError(f"{revision.table_name} {revision.record_id} was deleted after revision "
                           f"{revision.id} and its id now belongs to another record (revision {recreated}); "
                           "restore that record's own revisions instead")


def restore(session: Session, revision_id: int, *, actor: str, reason: str,
            user_id: int | None = None) -> ChangeSet:
    """Put a record back as it stood just after ``revision_id``, as a new change set.

    A record deleted since is re-created with its id; restoring a deletion
    deletes the record again. Returns the new change set. When the old record
    cannot stand beside today's (its slug is taken now, or it is deleted while
    other records point at it), the session is rolled back and RestoreError says so.
    """
    revision = session.get(Revision, revision_id)
    if revision is None:
        raise RestoreError(f"there is no revision {revision_id}")
    model = MODELS.get(revision.table_name)
    if model is None or revision.table_name in PRIVATE_TABLES:
        # Accounts' revisions hold no secrets (redacted), so they cannot be put back whole.
        raise RestoreError(f"records of {revision.table_name!r} cannot be restored")
    _refuse_reused_id(session, revision)
    recorder = Recorder(session, actor=actor, user_id=user_id, reason=reason,
                        source=f"{RESTORED_FROM}{revision_id}")
    current = session.get(model, revision.record_id)
    if revision.after is None:
        if current is not None:
            recorder.delete(current)
    else:
        values = values_from_json(model, revision.after)
        if current is None:
            recorder.add(model(**values))
        else:
            recorder.update(current, {k: v for k, v in values.items() if k != "id"},
                            overwrite_with_none=True)
    try:
        recorder.flush()
    except sa.exc.IntegrityError as exc:
        session.rollback()
        detail = " ".join(str(exc.orig).split())
        raise RestoreError(f"{revision.table_name} {revision.record_id} cannot be put back as it stood after "
                           f"revision {revision_id}: that conflicts with the records as they are now "
                           f"({detail})") from None
    if recorder.change_set is None:
        raise RestoreError(f"{revision.table_name} {revision.record_id} already stands as it did "
                           f"after revision {revision_id}")
    return recorder.change_set


def history(session: Session, subject_table: str, subject_id: int) -> list[tuple[ChangeSet, list[Revision]]]:
    """The change sets that touched a subject, newest first, with their revisions of it."""
    rows = session.exec(
        select(Revision, ChangeSet).join(ChangeSet, ChangeSet.id == Revision.change_set_id)  # type: ignore[arg-type]
        .where(Revision.subject_table == subject_table, Revision.subject_id == subject_id)
        .order_by(Revision.change_set_id.desc(), Revision.id)).all()  # type: ignore[union-attr]
    out: list[tuple[ChangeSet, list[Revision]]] = []
    for revision, change_set in rows:
        if not out or out[-1][0].id != change_set.id:
            out.append((change_set, []))
        out[-1][1].append(revision)
    return out

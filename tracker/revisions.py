"""Write records and log every change as a Revision (who, when, what, source)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel

from tracker.models import Revision

M = TypeVar("M", bound=SQLModel)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def snapshot(obj: SQLModel) -> dict[str, Any]:
    """The record's column values, ready to store as JSON."""
    table = obj.__table__  # type: ignore[attr-defined]
    return {c.name: _jsonable(getattr(obj, c.name)) for c in table.columns}


class Recorder:
    """Adds and updates records in a session and logs a Revision for each change.

    New rows are flushed in batches, so an import of thousands of rows makes a
    few multi-row INSERTs rather than one round trip per row.
    """

    def __init__(self, session: Session, *, actor: str, source: str | None = None,
                 user_id: int | None = None, reason: str | None = None) -> None:
        self.session = session
        self.actor = actor
        self.source = source
        self.user_id = user_id
        self.reason = reason
        self.counts: Counter[tuple[str, str]] = Counter()
        self._pending: list[tuple[str, SQLModel, dict[str, Any] | None, dict[str, Any] | None]] = []

    def add(self, obj: M, *, source: str | None = None) -> M:
        self.session.add(obj)
        self._pending.append(("create", obj, None, {"__source": source} if source else None))
        self.counts[(obj.__tablename__, "added")] += 1  # type: ignore[attr-defined]
        return obj

    def update(self, obj: SQLModel, values: Mapping[str, Any], *, source: str | None = None,
               overwrite_with_none: bool = False) -> bool:
        """Set ``values`` on ``obj``; log and return True only if something changed."""
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for key, new in values.items():
            if new is None and not overwrite_with_none:
                continue
            old = getattr(obj, key)
            if old != new:
                before[key] = _jsonable(old)
                after[key] = _jsonable(new)
                setattr(obj, key, new)
        table = obj.__tablename__  # type: ignore[attr-defined]
        if not after:
            self.counts[(table, "unchanged")] += 1
            return False
        if source:
            after["__source"] = source
        self._pending.append(("update", obj, before, after))
        self.counts[(table, "updated")] += 1
        return True

    def delete(self, obj: SQLModel) -> None:
        self._pending.append(("delete", obj, snapshot(obj), None))
        self.counts[(obj.__tablename__, "deleted")] += 1  # type: ignore[attr-defined]
        self.session.flush()
        self.session.delete(obj)

    def skip(self, table: str, n: int = 1) -> None:
        self.counts[(table, "skipped")] += n

    def flush(self) -> None:
        """Flush pending writes and add their Revision rows."""
        if not self._pending:
            return
        self.session.flush()
        revisions = []
        for action, obj, before, after in self._pending:
            extra_source = None
            if after and "__source" in after:
                after = dict(after)
                extra_source = after.pop("__source")
            if action == "create":
                after = snapshot(obj)
            revisions.append(Revision(
                table_name=obj.__tablename__,  # type: ignore[attr-defined]
                record_id=obj.id,  # type: ignore[attr-defined]
                action=action, user_id=self.user_id, actor=self.actor,
                before=before, after=after or None,
                source=extra_source or self.source, reason=self.reason,
            ))
        self._pending.clear()
        self.session.add_all(revisions)
        self.session.flush()

    def totals(self) -> dict[str, int]:
        """Rows added/updated/unchanged/skipped over every table."""
        out: Counter[str] = Counter()
        for (_table, what), n in self.counts.items():
            out[what] += n
        return {k: out.get(k, 0) for k in ("added", "updated", "unchanged", "skipped", "deleted")}

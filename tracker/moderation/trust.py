"""When a submission goes live at once, and when it waits for a moderator.

A contributor is trusted once they have had ten submissions approved and none rejected among
their last twenty decided ones; moderators and admins always are. A submission about a locked
record waits for a moderator whoever sends it, unless a moderator sends it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from sqlmodel import Session, func, select

from tracker.accounts.users import may
from tracker.models import Evidence, RecordLock, User
from tracker.readmodel.evidence import id_chunks

TRUSTED_AFTER = 10  # approved submissions
TRUST_WINDOW = 20  # the last decided submissions, of which none may be rejected


def is_trusted(session: Session, user: User) -> bool:
    if may(user, "moderator"):
        return True
    approved = session.exec(select(func.count()).select_from(Evidence).where(
        Evidence.submitted_by_id == user.id, Evidence.status == "approved")).one()
    if approved < TRUSTED_AFTER:
        return False
    recent = session.exec(select(Evidence.status).where(
        Evidence.submitted_by_id == user.id, Evidence.status != "pending")
        .order_by(Evidence.created_at.desc(), Evidence.id.desc()).limit(TRUST_WINDOW)).all()  # type: ignore[attr-defined, union-attr]
    return "rejected" not in recent


def lock_on(session: Session, table: str, record_id: int) -> RecordLock | None:
    return session.exec(select(RecordLock).where(RecordLock.table_name == table,
                                                 RecordLock.record_id == record_id)).first()


def live_for(session: Session, user: User, person_ids: Collection[int]) -> Callable[[int], bool]:
    """Whether ``user``'s submission about each of these people is approved at once (a fixed
    number of queries, for a whole uploaded list)."""
    if may(user, "moderator"):
        return lambda _pid: True
    if not is_trusted(session, user):
        return lambda _pid: False
    locked: set[int] = set()
    for chunk in id_chunks(person_ids):
        locked.update(session.exec(select(RecordLock.record_id).where(
            RecordLock.table_name == "person", RecordLock.record_id.in_(chunk))).all())  # type: ignore[attr-defined]
    return lambda pid: pid not in locked


def goes_live(session: Session, user: User, person_id: int) -> bool:
    """Whether ``user``'s submission about this person is approved at once."""
    return live_for(session, user, [person_id])(person_id)

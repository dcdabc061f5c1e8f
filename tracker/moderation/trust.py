"""When a submission goes live at once, and when it waits for a moderator.

A contributor is trusted once they have had ten submissions approved and none rejected among
their last twenty decided ones; moderators and admins always are. A submission about a locked
record waits for a moderator whoever sends it, unless a moderator sends it.
"""

from __future__ import annotations

from sqlmodel import Session, func, select

from tracker.accounts.users import may
from tracker.models import Evidence, RecordLock, User

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


def goes_live(session: Session, user: User, person_id: int) -> bool:
    """Whether ``user``'s submission about this person is approved at once."""
    if may(user, "moderator"):
        return True
    return lock_on(session, "person", person_id) is None and is_trusted(session, user)

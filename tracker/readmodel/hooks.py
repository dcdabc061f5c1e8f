"""The write path keeps the read model and the data version current.

Session events see every ORM write: ``before_flush`` notes whose stance inputs
changed (evidence, votes, divisions, EDMs and signatures, sources), and
``before_commit`` recomputes those people through the engine, stamps the
transaction's change sets and moves the data version on, all in the same
transaction as the write. Readers never recompute.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session, SQLModel, select

from tracker.models import (
    DataVersion,
    Division,
    Edm,
    EdmSignature,
    Evidence,
    Person,
    PostcodeLookup,
    Source,
    StancePeriod,
    Topic,
    Vote,
    utcnow,
)
from tracker.readmodel.build import READ_MODEL, ensure_current, refresh
from tracker.revisions import PRIVATE_TABLES, stamp_committed

# Tables whose writes are not data: a cache, the version itself, and accounts (a sign-in
# changes no page; anything an account does that shows is written with a change set).
_NOT_DATA = frozenset({PostcodeLookup.__tablename__, DataVersion.__tablename__}) | PRIVATE_TABLES
# A change set and its revisions come with the records they describe: on their own (an
# account's change set) they change no page either.
_BOOKKEEPING = frozenset({"change_set", "revision"})
_PERSON_INPUTS = (Evidence, Vote, EdmSignature)


def _values(obj: SQLModel, column: str) -> set[Any]:
    """The column's value now and, for a changed row, before the change."""
    state = sa.inspect(obj)
    history = state.attrs[column].history
    return {v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None}


def _dirty(session: Session) -> dict[str, set[int]]:
    return session.info.setdefault("stance_dirty", {"person": set(), "division": set(),
                                                     "edm": set(), "source": set()})


@event.listens_for(Session, "before_flush")
def _note_writes(session: Session, _context: Any, _instances: Any) -> None:
    changed = [*session.new, *session.dirty, *session.deleted]
    if any(getattr(obj, "__tablename__", None) not in _NOT_DATA | _BOOKKEEPING for obj in changed):
        session.info["wrote"] = True
    dirty = _dirty(session)
    for obj in changed:
        if isinstance(obj, _PERSON_INPUTS):
            dirty["person"] |= _values(obj, "person_id")
        elif isinstance(obj, Division) and obj not in session.new:
            dirty["division"].add(obj.id)  # type: ignore[arg-type]
        elif isinstance(obj, Edm) and obj not in session.new:
            dirty["edm"].add(obj.id)  # type: ignore[arg-type]
        elif isinstance(obj, Source) and obj in session.dirty:
            dirty["source"].add(obj.id)  # type: ignore[arg-type]
    for person in session.deleted:
        if isinstance(person, Person):
            connection = session.connection()
            for table in READ_MODEL:
                connection.execute(sa.delete(table).where(table.person_id == person.id))
            dirty["person"].discard(person.id)  # type: ignore[arg-type]


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) not in _NOT_DATA | _BOOKKEEPING:
            state.session.info["wrote"] = True


def people_touched(session: Session, dirty: dict[str, set[int]]) -> set[int]:
    """Everyone whose stance may have changed: named directly, or voters in a changed
    division, signers of a changed motion, people whose evidence cites a changed source."""
    people = set(dirty["person"])
    if dirty["division"]:
        people |= set(session.exec(select(Vote.person_id).where(
            Vote.division_id.in_(dirty["division"]))).all())  # type: ignore[attr-defined]
    if dirty["edm"]:
        people |= set(session.exec(select(EdmSignature.person_id).where(
            EdmSignature.edm_id.in_(dirty["edm"]))).all())  # type: ignore[attr-defined]
    if dirty["source"]:
        sources = dirty["source"]
        people |= {p for p in session.exec(select(Evidence.person_id).where(
            Evidence.source_id.in_(sources))).all() if p is not None}  # type: ignore[attr-defined]
        people |= set(session.exec(select(Vote.person_id).where(
            Vote.source_id.in_(sources))).all())  # type: ignore[attr-defined]
        people |= set(session.exec(select(EdmSignature.person_id).join(
            Edm, Edm.id == EdmSignature.edm_id).where(Edm.source_id.in_(sources))).all())  # type: ignore[arg-type, union-attr]
    return people


def refresh_touched(session: Session, skip: Collection[str] = ()) -> int:
    """Recompute the people whose stance inputs this transaction changed; how many."""
    dirty = session.info.pop("stance_dirty", None)
    if not dirty or not any(dirty.values()):
        return 0
    people = people_touched(session, dirty)
    if people:
        for topic in session.exec(select(Topic)).all():
            if topic.slug not in skip:
                refresh(session, topic, people)
    return len(people)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    session.flush()
    if session.info.get("wrote"):
        # A topic whose scale file changed (or is new) is rebuilt whole, once.
        rebuilt = {done.topic for done in ensure_current(session)}
        refresh_touched(session, skip=rebuilt)
        stamp_committed(session)
        session.execute(sa.update(DataVersion).where(DataVersion.id == 1).values(
            version=DataVersion.version + 1, changed_at=utcnow()))
    for key in ("stance_dirty", "wrote", "change_sets"):
        session.info.pop(key, None)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    for key in ("stance_dirty", "wrote", "change_sets"):
        session.info.pop(key, None)


def read_model_is_empty(session: Session) -> bool:
    return session.exec(select(StancePeriod.id).limit(1)).first() is None

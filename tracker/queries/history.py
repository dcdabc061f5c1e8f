"""A record's history and a change set's revisions, a page at a time.

A history lists the revisions whose subject is the record (a person's votes,
seats, names and evidence are in the person's history), newest change set
first, grouped by change set. Pages count revisions, not change sets: one
import can touch a person a hundred times. Every value shown is the one the
revision stored; a fixed number of queries serves any page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.models import ALL_TABLES, ChangeSet, Revision
from tracker.paging import Paged
from tracker.prose.history import (
    FieldChange,
    Refs,
    field_changes,
    record_label,
    references,
    revision_title,
)
from tracker.queries import changes as changes_q
from tracker.queries.stances import scale_for
from tracker.revisions import without_user_ids
from tracker.stance import Scale

PER_PAGE = 50
# A change set or revision id beyond this is not one (and PostgreSQL refuses it as an integer).
MAX_ID = 2**31 - 1
_MODELS = {m.__tablename__: m for m in ALL_TABLES}  # type: ignore[attr-defined]
# Records with a page of their own, and so a history: the subjects a revision can link to.
SUBJECT_TABLES = ("person", "area", "party", "division", "decision", "election", "pledge")
_SUBJECT_COLUMNS = {"area": ("name", "slug", "kind"), "division": ("title", "slug"),
                    "decision": ("title", "slug"), "pledge": ("title", "slug")}


@dataclass(frozen=True)
class SubjectRef:
    """What a revision is about, enough to link to its page: ``kind`` tells a council from
    a constituency."""

    table: str
    id: int
    name: str
    slug: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class RevisionView:
    id: int
    table: str
    record_id: int
    action: str
    label: str  # 'EDM signature 93'
    title: str
    description: str | None  # a sentence, for evidence, votes, seats and party memberships
    fields: list[FieldChange]  # what the page shows
    data_fields: list[FieldChange]  # what the twins give (every stored field of a create or delete)
    source: str | None  # the row's own source, when it differs from its change set's
    source_url: str | None
    subject: SubjectRef


@dataclass(frozen=True)
class ChangeSetView:
    id: int
    actor: str
    reason: str | None
    source: str | None
    source_url: str | None
    created_at: datetime  # UTC
    committed_at: datetime | None  # UTC; None while its transaction is open
    revisions: list[RevisionView]

    @property
    def when(self) -> datetime:
        return self.committed_at or self.created_at


@dataclass(frozen=True)
class HistoryPage(Paged):
    change_set_count: int
    change_sets: list[ChangeSetView]


@dataclass(frozen=True)
class ChangeSetPage(Paged):
    change_set: ChangeSetView  # its revisions: this page's
    counts: list[tuple[str, str, int]]  # (table, action, revisions), every revision of the change set


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _url(text: str | None) -> str | None:
    return text if text and text.startswith(("http://", "https://")) else None


def refs_of(session: Session, revisions: Sequence[Revision]) -> dict[str, dict[int, Any]]:
    """Every record the revisions point at (parties, places, sources...), one query per table."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for r in revisions:
        for values in (r.before or {}, r.after or {}):
            for column, target in references(r.table_name).items():
                value = values.get(column)
                if isinstance(value, int) and not isinstance(value, bool) and target != "user":
                    wanted[target].add(value)
    out: dict[str, dict[int, Any]] = {}
    for table, ids in wanted.items():
        model = _MODELS.get(table)
        if model is not None:
            rows = session.exec(select(model).where(model.id.in_(sorted(ids)))).all()  # type: ignore[attr-defined]
            out[table] = {row.id: row for row in rows}
    return out


def subjects(session: Session, pairs: set[tuple[str, int]]) -> dict[tuple[str, int], SubjectRef]:
    """The records revisions are about, by (table, id), with what their links need."""
    by_table: dict[str, list[int]] = defaultdict(list)
    for table, record_id in pairs:
        by_table[table].append(record_id)
    out = {pair: SubjectRef(pair[0], pair[1], f"{pair[0].replace('_', ' ')} {pair[1]}") for pair in pairs}
    for table, ids in by_table.items():
        model = _MODELS.get(table)
        if table not in SUBJECT_TABLES or model is None:
            continue
        name, slug, *kind = _SUBJECT_COLUMNS.get(table, ("name", "slug"))
        columns = [model.id, getattr(model, name), getattr(model, slug)] + [getattr(model, k) for k in kind]  # type: ignore[attr-defined]
        for row in session.exec(select(*columns).where(model.id.in_(sorted(ids)))).all():  # type: ignore[attr-defined, call-overload]
            out[(table, row[0])] = SubjectRef(table, row[0], row[1], row[2], row[3] if kind else None)
    return out


def _describe(session: Session, rows: Sequence[tuple[Revision, ChangeSet]]) -> list[ChangeSetView]:
    """Revisions grouped by change set (in the order given), described in words."""
    revisions = [r for r, _ in rows]
    refs: Refs = refs_of(session, revisions)
    tracked = [(r, c) for r, c in rows if r.table_name in changes_q.TRACKED]
    sentences = {change.id: change for change in changes_q.describe(session, tracked)} if tracked else {}
    about = subjects(session, {(r.subject_table, r.subject_id) for r in revisions})
    out: list[ChangeSetView] = []
    for revision, change_set in rows:
        if not out or out[-1].id != change_set.id:
            out.append(ChangeSetView(
                id=change_set.id, actor=change_set.actor, reason=change_set.reason,  # type: ignore[arg-type]
                source=change_set.source, source_url=_url(change_set.source),
                created_at=_utc(change_set.created_at), committed_at=_utc(change_set.committed_at),  # type: ignore[arg-type]
                revisions=[]))
        out[-1].revisions.append(_revision_view(revision, change_set, refs, sentences, about))
    return out


def _scale(values: dict[str, Any], refs: Refs) -> Scale | None:
    """The scale of the topic a record is about (its stances are named by its labels)."""
    topic = refs.get("topic", {}).get(values.get("topic_id"))  # type: ignore[arg-type]
    return scale_for(topic.slug) if topic is not None else None


def _revision_view(revision: Revision, change_set: ChangeSet, refs: Refs,
                   sentences: dict[int, changes_q.Change], about: dict[tuple[str, int], SubjectRef]
                   ) -> RevisionView:
    table, action = revision.table_name, revision.action
    # Accounts are private: which user submitted or reviewed a record is never shown by id.
    before, after = without_user_ids(revision.before), without_user_ids(revision.after)
    values = after or before or {}
    sentence = sentences.get(revision.id)  # type: ignore[arg-type]
    own_source = revision.source if revision.source and revision.source != change_set.source else None
    scale = _scale(values, refs)
    return RevisionView(
        id=revision.id, table=table, record_id=revision.record_id, action=action,  # type: ignore[arg-type]
        label=record_label(table, revision.record_id),
        title=sentence.title if sentence else revision_title(table, action, values, refs),
        description=sentence.description if sentence else None,
        fields=field_changes(table, action, before, after, refs, main_only=True, scale=scale),
        data_fields=field_changes(table, action, before, after, refs, main_only=False, scale=scale),
        source=own_source, source_url=_url(own_source),
        subject=about[(revision.subject_table, revision.subject_id)])


def _with_change_sets():  # type: ignore[no-untyped-def]
    return select(Revision, ChangeSet).join(ChangeSet, ChangeSet.id == Revision.change_set_id)  # type: ignore[arg-type]


def _visible(include_private: bool) -> tuple[Any, ...]:
    """Everyone sees public revisions; moderators also the rest (tracker.revisions.is_public)."""
    return () if include_private else (Revision.public,)


def subject_history(session: Session, subject_table: str, subject_id: int, page: int = 1,
                    per_page: int = PER_PAGE, include_private: bool = False) -> HistoryPage:
    """The revisions about a record, newest change set first, ``per_page`` revisions a page."""
    return _history(session, (Revision.subject_table == subject_table, Revision.subject_id == subject_id,
                              *_visible(include_private)), page, per_page)


def record_history(session: Session, table: str, record_id: int, page: int = 1,
                   per_page: int = PER_PAGE, include_private: bool = False) -> HistoryPage:
    """The revisions of one record itself (a piece of evidence), newest first."""
    return _history(session, (Revision.table_name == table, Revision.record_id == record_id,
                              *_visible(include_private)), page, per_page)


def _history(session: Session, about: tuple[Any, ...], page: int, per_page: int) -> HistoryPage:
    total, change_set_count = session.exec(
        select(sa.func.count(), sa.func.count(sa.distinct(Revision.change_set_id))).where(*about)).one()
    rows = list(session.exec(
        _with_change_sets().where(*about)
        .order_by(Revision.change_set_id.desc(), Revision.id)  # type: ignore[union-attr]
        .offset((page - 1) * per_page).limit(per_page)).all())
    return HistoryPage(total=total, page=page, per_page=per_page, change_set_count=change_set_count,
                       change_sets=_describe(session, rows))


def change_set_page(session: Session, change_set_id: int, page: int = 1,
                    per_page: int = PER_PAGE, include_private: bool = False) -> ChangeSetPage | None:
    """A change set with a page of its revisions and the count of all of them; None if unknown."""
    if not 0 < change_set_id <= MAX_ID:
        return None
    change_set = session.get(ChangeSet, change_set_id)
    if change_set is None:
        return None
    counts = [(t, a, n) for t, a, n in session.exec(
        select(Revision.table_name, Revision.action, sa.func.count())
        .where(Revision.change_set_id == change_set_id, *_visible(include_private))
        .group_by(Revision.table_name, Revision.action)
        .order_by(Revision.table_name, Revision.action)).all()]
    if not counts and not include_private:
        return None  # every revision in it is private (an account's, a submission never approved)
    revisions = list(session.exec(
        select(Revision).where(Revision.change_set_id == change_set_id, *_visible(include_private))
        .order_by(Revision.id).offset((page - 1) * per_page).limit(per_page)).all())  # type: ignore[arg-type]
    described = _describe(session, [(r, change_set) for r in revisions])
    view = described[0] if described else ChangeSetView(
        id=change_set.id, actor=change_set.actor, reason=change_set.reason,  # type: ignore[arg-type]
        source=change_set.source, source_url=_url(change_set.source),
        created_at=_utc(change_set.created_at), committed_at=_utc(change_set.committed_at),  # type: ignore[arg-type]
        revisions=[])
    return ChangeSetPage(total=sum(n for _, _, n in counts), page=page, per_page=per_page,
                         change_set=view, counts=counts)


def revision_rows(change_sets: Sequence[ChangeSetView]) -> list[dict[str, Any]]:
    """One row per field a revision stored (as stored), for the ``revisions`` table
    (tracker/exports/history.py)."""
    rows = []
    for cs in change_sets:
        committed = cs.committed_at.isoformat(timespec="seconds") if cs.committed_at else None
        head = {"change_set": cs.id, "committed_at": committed, "actor": cs.actor, "reason": cs.reason}
        for r in cs.revisions:
            base = {**head, "source": r.source or cs.source, "table": r.table, "record_id": r.record_id,
                    "action": r.action}
            if not r.data_fields:
                rows.append({**base, "field": None, "before": None, "after": None})
            rows.extend({**base, "field": f.field, "before": f.before, "after": f.after}
                        for f in r.data_fields)
    return rows

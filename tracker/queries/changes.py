"""The newest changes to evidence, votes, party affiliations and seats, described in
words by ``tracker.prose.changes``.

Built on change sets and their revisions (every write is one change set). Each
change is described from the record as the revision left it, never as it is
today. A page of changes runs a fixed number of statements: the revisions with
their change sets, then the people, parties, divisions, places and sources
they name, each fetched in one query for the whole page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from tracker.models import (
    Affiliation,
    Area,
    Body,
    ChangeSet,
    Division,
    Evidence,
    Membership,
    Party,
    Person,
    Revision,
    Source,
    Topic,
    Vote,
)
from tracker.paging import Paged
from tracker.prose.changes import Named, change_text, stance_label
from tracker.queries.stances import scale_for, source_label
from tracker.stance import Scale

TRACKED: dict[str, type[SQLModel]] = {
    "evidence": Evidence, "vote": Vote, "affiliation": Affiliation, "membership": Membership}
KINDS = {"evidence": "evidence", "vote": "votes", "affiliation": "party memberships", "membership": "seats"}
PER_PAGE = 50
MAX_PAGE = 10_000


@dataclass(frozen=True)
class Change:
    """One revision described for people: what changed, about whom, when, by whom, from where."""

    id: int
    change_set: int
    table: str
    action: str
    record_id: int
    when: datetime  # UTC
    actor: str
    title: str
    description: str
    person_slug: str | None
    person_name: str | None
    party_slug: str | None
    division_slug: str | None
    stance: str | None
    stance_label: str | None
    source_url: str | None
    source: str | None
    reason: str | None
    topic: str | None = None  # the scale ``stance`` is a key of


@dataclass(frozen=True)
class ChangesPage(Paged):
    changes: list[Change]


def as_utc(moment: datetime) -> datetime:
    """Revision times are stored in UTC; SQLite hands them back without a zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _revisions(tables: Sequence[str], by_table_index: bool = True):  # type: ignore[no-untyped-def]
    # Without the table index (the column wrapped in an expression), the newest revisions are
    # found by walking the primary key backwards, instead of sorting every revision of the tables.
    table = Revision.table_name if by_table_index else sa.func.coalesce(Revision.table_name, "")
    return (select(Revision, ChangeSet).join(ChangeSet, ChangeSet.id == Revision.change_set_id)  # type: ignore[arg-type]
            .where(table.in_(tables), ChangeSet.committed_at.is_not(None),  # type: ignore[attr-defined, union-attr]
                   Revision.public))


def recent_changes(session: Session, page: int = 1, per_page: int = PER_PAGE,
                   tables: Iterable[str] = tuple(TRACKED), counted: bool = True) -> ChangesPage:
    """The newest revisions of ``tables``, newest first, described in words (``counted``
    False: the total is not worked out, for a list that shows only the newest)."""
    names = [t for t in tables if t in TRACKED]
    page = min(max(page, 1), MAX_PAGE)
    total = session.exec(select(func.count()).select_from(_revisions(names).subquery())).one() \
        if counted else 0
    rows = list(session.exec(
        # Revisions are numbered as they are written, change set after change set: newest first.
        _revisions(names, by_table_index=False).order_by(Revision.id.desc())  # type: ignore[union-attr]
        .offset((page - 1) * per_page).limit(per_page)).all())
    return ChangesPage(total=total, page=page, per_page=per_page, changes=describe(session, rows))


def latest_change_time(session: Session) -> datetime | None:
    newest = session.exec(select(func.max(ChangeSet.committed_at)).join(
        Revision, Revision.change_set_id == ChangeSet.id).where(  # type: ignore[arg-type]
        Revision.table_name.in_(list(TRACKED)), Revision.public)).one()  # type: ignore[attr-defined]
    return as_utc(newest) if newest else None


# --- describing revisions ----------------------------------------------------------


class _Lookup:
    """Everything a page of revisions names, fetched in one query per table."""

    def __init__(self, session: Session, revisions: Sequence[Revision]) -> None:
        self.values = {r.id: self._values(r) for r in revisions}

        def ids(key: str) -> list[int]:
            found = set()
            for r in revisions:
                before, after = r.before or {}, r.after or {}
                for value in (self.values[r.id].get(key), before.get(key), after.get(key)):
                    if isinstance(value, int) and not isinstance(value, bool):
                        found.add(value)
            return sorted(found)

        self.people = self._fetch(session, Person, ids("person_id"))
        self.parties = self._fetch(session, Party, ids("party_id"))
        self.divisions = self._fetch(session, Division, ids("division_id"))
        topic_ids = set(ids("topic_id")) | {d.topic_id for d in self.divisions.values() if d.topic_id}
        self.topics = self._fetch(session, Topic, sorted(topic_ids))
        self.areas = self._fetch(session, Area, ids("area_id"))
        self.bodies = self._fetch(session, Body, ids("body_id"))
        self.sources = self._fetch(session, Source, ids("source_id"))

    @staticmethod
    def _fetch(session: Session, model: type[SQLModel], ids: list[int]) -> dict[int, Any]:
        return {row.id: row for row in session.exec(select(model).where(model.id.in_(ids))).all()}  # type: ignore[attr-defined]

    @staticmethod
    def _values(revision: Revision) -> dict[str, Any]:
        """The record as the revision left it (or as it was before a delete)."""
        return dict(revision.after or revision.before or {})


def _stance(table: str, values: dict[str, Any], division: Division | None) -> str | None:
    """What the record says (evidence), or what the vote counts as (votes)."""
    if table == "evidence":
        return values.get("stance")
    if table == "vote" and division is not None:
        return {"aye": division.aye_means, "teller_aye": division.aye_means,
                "no": division.no_means, "teller_no": division.no_means}.get(str(values.get("position")))
    return None


def _describe_one(lookup: _Lookup, scale: Scale, revision: Revision, change_set: ChangeSet) -> Change:
    values = lookup.values[revision.id]
    table = revision.table_name
    person = lookup.people.get(values.get("person_id"))  # type: ignore[arg-type]
    party = lookup.parties.get(values.get("party_id"))  # type: ignore[arg-type]
    division = lookup.divisions.get(values.get("division_id"))  # type: ignore[arg-type]
    source = lookup.sources.get(values.get("source_id"))  # type: ignore[arg-type]
    topic_id = division.topic_id if division else values.get("topic_id")
    topic = lookup.topics.get(topic_id) if isinstance(topic_id, int) else None  # type: ignore[arg-type]
    if topic is not None:
        scale = scale_for(topic.slug)
    stance = _stance(table, values, division)
    named = Named(person, party, division, lookup.areas.get(values.get("area_id")),  # type: ignore[arg-type]
                  lookup.bodies.get(values.get("body_id")), lookup.parties, lookup.areas)  # type: ignore[arg-type]
    title, description = change_text(revision, named, scale, stance)
    label = stance_label(scale, stance)
    url = source.url if source else None
    named_source = revision.source or change_set.source
    if url is None and named_source and named_source.startswith(("http://", "https://")):
        url = named_source
    return Change(
        id=revision.id, change_set=change_set.id, table=table, action=revision.action,  # type: ignore[arg-type]
        record_id=revision.record_id, when=as_utc(change_set.committed_at or change_set.created_at),
        actor=change_set.actor, title=title, description=description,
        person_slug=person.slug if person else None, person_name=person.name if person else None,
        party_slug=party.slug if party else None, division_slug=division.slug if division else None,
        stance=stance if label else None, stance_label=label, topic=scale.slug if label else None,
        source_url=url, source=source_label(source) if source else (revision.source or change_set.source),
        reason=change_set.reason)


def describe(session: Session, rows: Sequence[tuple[Revision, ChangeSet]],
             topic_slug: str = "ceasefire") -> list[Change]:
    """Describe revisions in words (a fixed number of queries for any number of them)."""
    lookup = _Lookup(session, [revision for revision, _ in rows])
    scale = scale_for(topic_slug)
    return [_describe_one(lookup, scale, revision, change_set) for revision, change_set in rows]


def change_row(change: Change) -> Mapping[str, Any]:
    """One change as the CSV/JSON twins give it."""
    return {"revision": change.id, "when": change.when.isoformat(timespec="seconds"), "table": change.table,
            "action": change.action, "record_id": change.record_id, "actor": change.actor,
            "person": change.person_slug, "title": change.title, "description": change.description,
            "stance": change.stance, "stance_label": change.stance_label, "source": change.source,
            "source_url": change.source_url, "reason": change.reason, "change_set": change.change_set}


CHANGE_COLUMNS = ("revision", "when", "table", "action", "record_id", "actor", "person", "title",
                  "description", "stance", "stance_label", "source", "source_url", "reason", "change_set")

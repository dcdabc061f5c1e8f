"""The newest changes to evidence, votes, party affiliations and seats, in words.

Built on change sets and their revisions (every write is one change set). Each
change is described from the record as the revision left it, never as it is
today. A page of changes runs a fixed number of statements: the revisions with
their change sets, then the people, parties, divisions, places and sources
they name, each fetched in one query for the whole page.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

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
from tracker.queries.stances import scale_for, source_label
from tracker.stance import Scale, format_day

TRACKED: dict[str, type[SQLModel]] = {
    "evidence": Evidence, "vote": Vote, "affiliation": Affiliation, "membership": Membership}
KINDS = {"evidence": "evidence", "vote": "votes", "affiliation": "party memberships", "membership": "seats"}
FIELD_NAMES = {
    "start_date": "start date", "end_date": "end date", "evidence_date": "date", "party_id": "party",
    "area_id": "seat", "body_id": "body", "division_id": "division", "person_id": "person",
    "source_id": "source", "status": "moderation status", "position": "vote", "review_reason": "reason",
}
QUIET_FIELDS = frozenset({"id", "created_at", "reviewed_at", "reviewed_by_id", "submitted_by_id",
                          "external_id", "external_key", "topic_id"})
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


@dataclass(frozen=True)
class ChangesPage:
    changes: list[Change]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def as_utc(moment: datetime) -> datetime:
    """Revision times are stored in UTC; SQLite hands them back without a zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _revisions(tables: Sequence[str]):  # type: ignore[no-untyped-def]
    return (select(Revision, ChangeSet).join(ChangeSet, ChangeSet.id == Revision.change_set_id)  # type: ignore[arg-type]
            .where(Revision.table_name.in_(tables), ChangeSet.committed_at.is_not(None)))  # type: ignore[attr-defined, union-attr]


def recent_changes(session: Session, page: int = 1, per_page: int = PER_PAGE,
                   tables: Iterable[str] = tuple(TRACKED)) -> ChangesPage:
    """The newest revisions of ``tables``, newest first, described in words."""
    names = [t for t in tables if t in TRACKED]
    page = min(max(page, 1), MAX_PAGE)
    total = session.exec(select(func.count()).select_from(_revisions(names).subquery())).one()
    rows = list(session.exec(
        _revisions(names).order_by(Revision.change_set_id.desc(), Revision.id.desc())  # type: ignore[union-attr]
        .offset((page - 1) * per_page).limit(per_page)).all())
    return ChangesPage(describe(session, rows), total, page, per_page)


def latest_change_time(session: Session) -> datetime | None:
    newest = session.exec(select(func.max(ChangeSet.committed_at)).join(
        Revision, Revision.change_set_id == ChangeSet.id).where(  # type: ignore[arg-type]
        Revision.table_name.in_(list(TRACKED)))).one()  # type: ignore[attr-defined]
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


def _day(value: Any) -> str:
    if isinstance(value, date):
        return format_day(value)
    if isinstance(value, str):
        try:
            return format_day(date.fromisoformat(value[:10]))
        except ValueError:
            return value
    return "not set" if value is None else str(value)


def _dates(values: Mapping[str, Any]) -> str:
    start, end = values.get("start_date"), values.get("end_date")
    if start and end:
        return f"from {_day(start)} to {_day(end)}"
    if start:
        return f"from {_day(start)}"
    if end:
        return f"until {_day(end)} (start date not recorded)"
    return "dates not recorded"


def _label(scale: Scale, stance: Any) -> str | None:
    return scale.label(stance) if isinstance(stance, str) and stance in scale else None


def _field_value(lookup: _Lookup, scale: Scale, key: str, value: Any) -> str:
    if value is None:
        return "nothing"
    if key.endswith("_date"):
        return _day(value)
    if key == "party_id":
        party = lookup.parties.get(value)
        return party.name if party else f"party {value}"
    if key == "area_id":
        area = lookup.areas.get(value)
        return area.name if area else f"place {value}"
    if key == "stance":
        return f"“{_label(scale, value) or value}”"
    if key == "position":
        return str(value).replace("_", " ")
    if isinstance(value, str) and len(value) > 80:
        return f"“{value[:77]}...”"
    return f"“{value}”" if isinstance(value, str) else str(value)


def _changed_fields(lookup: _Lookup, scale: Scale, revision: Revision) -> str:
    before, after = revision.before or {}, revision.after or {}
    parts = []
    for key in after:
        if key in QUIET_FIELDS or key.startswith("__") or before.get(key) == after[key]:
            continue
        name = FIELD_NAMES.get(key, key.replace("_", " "))
        if key in ("summary", "quote", "note", "title"):
            parts.append(f"{name} edited")
        else:
            parts.append(f"{name} changed from {_field_value(lookup, scale, key, before.get(key))} "
                         f"to {_field_value(lookup, scale, key, after[key])}")
    return "; ".join(parts) or "details changed"


_VOTED = {"no vote recorded": "had no vote recorded", "both": "voted in both lobbies",
          "teller aye": "was a teller for the ayes", "teller no": "was a teller for the noes"}


def _describe_one(lookup: _Lookup, scale: Scale, revision: Revision, change_set: ChangeSet) -> Change:
    values = lookup.values[revision.id]
    table, action = revision.table_name, revision.action
    person = lookup.people.get(values.get("person_id"))  # type: ignore[arg-type]
    party = lookup.parties.get(values.get("party_id"))  # type: ignore[arg-type]
    division = lookup.divisions.get(values.get("division_id"))  # type: ignore[arg-type]
    source = lookup.sources.get(values.get("source_id"))  # type: ignore[arg-type]
    who = person.name if person else (f"{party.name} (party line)" if party and table == "evidence"
                                      else "someone no longer in our records")
    stance: str | None = None
    topic_id = division.topic_id if division else values.get("topic_id")
    topic = lookup.topics.get(topic_id) if isinstance(topic_id, int) else None  # type: ignore[arg-type]
    if topic is not None:
        scale = scale_for(topic.slug)
    if table == "evidence":
        stance = values.get("stance")
        kind = str(values.get("kind") or "evidence").replace("_", " ")
        what = f"{kind} of {_day(values.get('evidence_date'))}"
        if action == "create":
            title = f"New evidence about {who}"
            summary = values.get("summary") or ""
            description = f"{who}: {what}, “{_label(scale, stance) or stance}”. {summary}".strip()
        elif action == "delete":
            title = f"Evidence about {who} removed"
            description = f"{who}: the {what} was removed from our records."
        else:
            title = f"Evidence about {who} changed"
            description = f"{who}: {what}: {_changed_fields(lookup, scale, revision)}."
    elif table == "vote":
        position = str(values.get("position") or "").replace("_", " ")
        division_name = (f"“{division.title}” ({format_day(division.division_date)})" if division
                         else "a division")
        if division is not None:
            means = {"aye": division.aye_means, "teller aye": division.aye_means,
                     "no": division.no_means, "teller no": division.no_means}.get(position)
            stance = means
        if action == "create":
            title = f"Vote recorded for {who}"
            meaning = f", which counts as “{_label(scale, stance)}”" if _label(scale, stance) else ""
            description = f"{who} {_VOTED.get(position, 'voted ' + position)} in {division_name}{meaning}."
        elif action == "delete":
            title, description = f"Vote of {who} removed", f"{who}: the vote in {division_name} was removed."
        else:
            title = f"Vote of {who} changed"
            description = f"{who}, {division_name}: {_changed_fields(lookup, scale, revision)}."
    elif table == "affiliation":
        party_name = party.name if party else "a party"
        if action == "create":
            title = f"Party membership recorded for {who}"
            note = f" ({str(values['note']).rstrip('.')})" if values.get("note") else ""
            description = f"{who}: {party_name}, {_dates(values)}{note}."
        elif action == "delete":
            title = f"Party membership of {who} removed"
            description = f"{who}: {party_name} membership removed."
        else:
            title = f"Party membership of {who} changed"
            description = f"{who}, {party_name}: {_changed_fields(lookup, scale, revision)}."
    else:  # membership
        area = lookup.areas.get(values.get("area_id"))  # type: ignore[arg-type]
        body = lookup.bodies.get(values.get("body_id"))  # type: ignore[arg-type]
        seat = values.get("role") or ("MP" if body and body.kind == "commons" else "member")
        place = f" for {area.name}" if area else ""
        body_name = f" ({body.name})" if body and (area is None or area.name != body.name) else ""
        if action == "create":
            title = f"Seat recorded for {who}"
            description = f"{who}: {seat}{place}{body_name}, {_dates(values)}."
        elif action == "delete":
            title, description = f"Seat of {who} removed", f"{who}: {seat}{place}{body_name} removed."
        else:
            title = f"Seat of {who} changed"
            description = f"{who}, {seat}{place}: {_changed_fields(lookup, scale, revision)}."
    url = source.url if source else None
    named = revision.source or change_set.source
    if url is None and named and named.startswith(("http://", "https://")):
        url = named
    return Change(
        id=revision.id, change_set=change_set.id, table=table, action=action,  # type: ignore[arg-type]
        record_id=revision.record_id, when=as_utc(change_set.committed_at or change_set.created_at),
        actor=change_set.actor, title=title, description=description,
        person_slug=person.slug if person else None, person_name=person.name if person else None,
        party_slug=party.slug if party else None, division_slug=division.slug if division else None,
        stance=stance if _label(scale, stance) else None, stance_label=_label(scale, stance),
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

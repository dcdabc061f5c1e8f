"""What the Atom feeds of a person, a place, a party and a topic list, newest first:

- new evidence (statements, pledges and the rest, votes in tracked divisions, signatures of
  early day motions that count towards a stance), from the public revisions that put it on
  the site (added, or approved);
- corrections: a public record changed, restored (a moderator put back an old revision) or
  withdrawn (removed, or no longer approved);
- the changes of position and the contradictions that evidence brought, from the read model
  (``stance_shift``, ``stance_contradiction``), dated by the change set of the newest of
  their evidence.

A feed reads a bounded number of revisions (``_READ`` per kind of subject, newest first, by
index), then the records they name and the read-model rows of the people in them, one query
per table: a fixed number of statements whatever the size of a party or a topic.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.expression import SelectBase
from sqlmodel import Session, select

from tracker.models import (
    Affiliation,
    Body,
    Candidacy,
    ChangeSet,
    Division,
    Edm,
    Membership,
    Party,
    Person,
    Revision,
    StanceContradiction,
    StanceShift,
    Topic,
)
from tracker.prose import feeds as words
from tracker.prose.history import field_changes
from tracker.prose.sources import source_label
from tracker.queries.history import refs_of
from tracker.queries.stances import scale_for
from tracker.readmodel.evidence import id_chunks
from tracker.revisions import RESTORED_FROM
from tracker.stance import Scale

FEED_SIZE = 50
# Revisions read per kind of subject: more than a feed shows, as some are left out (a
# moderator marking a live submission as checked changes nothing a reader sees).
_READ = 2 * FEED_SIZE
# The stance engine's item ids ("vote:12", "edm:7", "edm:7:end") name records of these tables.
_ITEM_TABLES = {"evidence": "evidence", "vote": "vote", "edm": "edm_signature"}
# Fields whose change alone is bookkeeping, not a correction.
_QUIET = frozenset({"id", "created_at", "reviewed_at", "reviewed_by_id", "review_reason", "submitted_by_id",
                    "external_key", "external_id"})
# Entries of one revision, newest first: the change of position above the evidence behind it.
_RANK = {"contradiction": 2, "shift": 1}


@dataclass(frozen=True)
class Scope:
    """Whose records a feed follows: these people's (``None``: everyone's, party lines too),
    a party's own line, on one topic or all."""

    people: Collection[int] | SelectBase | None
    party_id: int | None = None
    topic: Topic | None = None


@dataclass(frozen=True)
class FeedEntry:
    key: str  # what the entry is, for its tag: id ('revision/12', 'shift/ceasefire/7/2024-02-21')
    kind: str  # new | corrected | restored | withdrawn | shift | contradiction
    title: str
    summary: str
    updated: datetime  # UTC: when the change set that brought it committed
    change_set: int
    revision: int
    person_slug: str | None  # the record's page: a person's, or else a party's
    party_slug: str | None
    topic: str | None  # the topic's slug
    topic_name: str | None
    source_url: str | None
    anchor: str  # the part of the record's page it is on


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- whose records ---------------------------------------------------------------------

def _open_on(start: Any, end: Any, day: date) -> Any:
    return sa.and_(sa.or_(start.is_(None), start <= day), sa.or_(end.is_(None), end >= day))


def party_members(party_id: int, today: date) -> SelectBase:
    """The people who belong to the party today: a party membership open today, or a Commons
    seat held for it today (as a SELECT of person ids)."""
    members = select(Affiliation.person_id).where(
        Affiliation.party_id == party_id, _open_on(Affiliation.start_date, Affiliation.end_date, today))
    mps = (select(Membership.person_id).join(Body, Body.id == Membership.body_id)  # type: ignore[arg-type]
           .where(Membership.party_id == party_id, Body.kind == "commons",
                  _open_on(Membership.start_date, Membership.end_date, today)))
    return sa.union(members, mps)


def area_people(area_id: int) -> SelectBase:
    """Everyone who has held a seat for the place or stood for election there."""
    return sa.union(select(Membership.person_id).where(Membership.area_id == area_id),
                    select(Candidacy.person_id).where(Candidacy.area_id == area_id))


# --- the revisions ---------------------------------------------------------------------

def _stored(key: str) -> Any:
    """A value of the record as the revision left it (as it was, for a deletion)."""
    return sa.func.coalesce(Revision.after[key].as_integer(), Revision.before[key].as_integer())


def _counts(topic: Topic | None, table: Any = Revision.table_name) -> Any:
    """Revisions of evidence (on the topic), of votes in divisions tracked (for it) and of
    signatures of motions that count (towards it). ``table``: the revision's table name, or an
    expression of it that no index answers."""
    divisions = select(Division.id).where(Division.topic_id.is_not(None) if topic is None  # type: ignore[union-attr]
                                          else Division.topic_id == topic.id)
    motions = select(Edm.id).where(Edm.signing_means.is_not(None),  # type: ignore[union-attr]
                                   Edm.topic_id.is_not(None) if topic is None  # type: ignore[union-attr]
                                   else Edm.topic_id == topic.id)
    evidence = table == "evidence"
    if topic is not None:
        evidence = sa.and_(evidence, _stored("topic_id") == topic.id)
    return sa.or_(evidence,
                  sa.and_(table == "vote", _stored("division_id").in_(divisions)),
                  sa.and_(table == "edm_signature", _stored("edm_id").in_(motions)))


def _revisions(session: Session, scope: Scope) -> list[tuple[Revision, ChangeSet]]:
    """The newest public, committed revisions of evidence in scope (at most ``_READ``)."""
    base = (select(Revision, ChangeSet).join(ChangeSet, ChangeSet.id == Revision.change_set_id)  # type: ignore[arg-type]
            .where(ChangeSet.committed_at.is_not(None), Revision.public))  # type: ignore[union-attr]
    # The table name is wrapped in an expression that no index answers: the database must not
    # gather and sort every revision of the three tables (a national import writes millions).
    # Everyone's revisions are read newest first by primary key; some people's by the subject index.
    counts = _counts(scope.topic, sa.func.coalesce(Revision.table_name, ""))
    if scope.people is None:
        wheres = [(counts,)]
    else:
        # The people first (one query), then their revisions by the subject index: given the
        # ids, both SQLite and PostgreSQL look each one up rather than scan every revision.
        people = (session.exec(scope.people).scalars().all() if isinstance(scope.people, SelectBase)  # type: ignore[call-overload]
                  else scope.people)
        wheres = [(Revision.subject_table == "person", Revision.subject_id.in_(chunk), counts)  # type: ignore[attr-defined]
                  for chunk in id_chunks(people)]
        if scope.party_id is not None:
            wheres.append((Revision.subject_table == "party", Revision.subject_id == scope.party_id, counts))
    rows: list[tuple[Revision, ChangeSet]] = []
    for where in wheres:
        rows += session.exec(base.where(*where).order_by(Revision.id.desc()).limit(_READ)).all()  # type: ignore[union-attr, arg-type]
    rows.sort(key=lambda row: row[0].id, reverse=True)  # type: ignore[arg-type, return-value]
    return rows[:_READ]


def happened(revision: Revision, change_set: ChangeSet) -> str | None:
    """What the revision did to the evidence, for a reader; None when it changed nothing they see."""
    before, after = revision.before or {}, revision.after or {}
    if revision.table_name == "evidence":
        was, now = before.get("status") == "approved", after.get("status") == "approved"
    else:
        was, now = revision.action != "create", revision.action != "delete"
    restored = (change_set.source or "").startswith(RESTORED_FROM)
    if not now:
        return words.WITHDRAWN if was else None
    if not was:
        return words.RESTORED if restored else words.NEW
    if not _changed(before, after):
        return None
    return words.RESTORED if restored else words.CORRECTED


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return [k for k in after if k not in _QUIET and before.get(k) != after[k]]


def _restored_from(change_set: ChangeSet) -> int | None:
    source = change_set.source or ""
    number = source.removeprefix(RESTORED_FROM)
    return int(number) if source.startswith(RESTORED_FROM) and number.isdigit() else None


# --- what they name ----------------------------------------------------------------------

def _refs(session: Session, revisions: Sequence[Revision]) -> dict[str, dict[int, Any]]:
    """Every record the revisions point at, and every topic (a vote's topic is its division's,
    a signature's its motion's: topics are few)."""
    out = refs_of(session, revisions)
    out["topic"] = {t.id: t for t in session.exec(select(Topic)).all()}
    return out


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class _Described:
    record: words.Record
    topic: Topic | None
    scale: Scale | None
    person: Person | None
    party: Party | None


def _describe(revision: Revision, refs: Mapping[str, Mapping[int, Any]]) -> _Described:
    values = dict(revision.after or revision.before or {})
    table = revision.table_name
    person = refs.get("person", {}).get(values.get("person_id"))  # type: ignore[call-overload]
    party = refs.get("party", {}).get(values.get("party_id")) if table == "evidence" else None  # type: ignore[call-overload]
    division = refs.get("division", {}).get(values.get("division_id")) if table == "vote" else None  # type: ignore[call-overload]
    edm = refs.get("edm", {}).get(values.get("edm_id")) if table == "edm_signature" else None  # type: ignore[call-overload]
    topic_id = (division.topic_id if division else edm.topic_id if edm else values.get("topic_id"))
    topic = refs["topic"].get(topic_id)  # type: ignore[arg-type]
    scale = scale_for(topic.slug) if topic is not None else None
    if person is not None:
        who = person.name
    elif party is not None:
        who = f"{party.name} (party line)"
    else:
        who = "someone no longer in our records"
    source = refs.get("source", {}).get(values.get("source_id"))  # type: ignore[call-overload]
    if table == "vote":
        position = str(values.get("position") or "")
        stance = {"aye": division.aye_means, "teller_aye": division.aye_means, "no": division.no_means,
                  "teller_no": division.no_means}.get(position) if division else None
        day, text = (division.division_date, division.title) if division else (None, "a division")
    elif table == "edm_signature":
        position = None
        stance = edm.signing_means if edm else None
        day, text = (edm.tabled_on, edm.title) if edm else (None, "an early day motion")
    else:
        position = None
        stance = values.get("stance")
        day, text = _date(values.get("evidence_date")), str(values.get("summary") or "")
    url = source.url if source is not None else (edm.url if edm is not None else None)
    label = scale.label(stance) if scale is not None and isinstance(stance, str) and stance in scale else None
    record = words.Record(
        table=table, who=who, topic=topic.name if topic else None, day=day,
        kind=values.get("kind") if table == "evidence" else None, stance_label=label, text=text,
        quote=values.get("quote") if table == "evidence" else None, position=position, edm=edm,
        withdrawn_on=_date(values.get("withdrawn_on")), source=source_label(source) if source else None,
        source_url=url if url and url.startswith(("http://", "https://")) else None)
    return _Described(record, topic, scale, person, party)


def _reason(revision: Revision, change_set: ChangeSet) -> str | None:
    """Why: the moderator's reason for a decision on a submission (which the submitter sees too),
    else the change set's."""
    before, after = revision.before or {}, revision.after or {}
    review = after.get("review_reason")
    if revision.table_name == "evidence" and review and review != before.get("review_reason"):
        return str(review)
    return change_set.reason


_ANCHORS = {"evidence": "evidence-h", "vote": "votes-h", "edm_signature": "edms-h"}


def _record_entry(revision: Revision, change_set: ChangeSet, kind: str, described: _Described,
                  refs: Mapping[str, Mapping[int, Any]]) -> FeedEntry:
    record = described.record
    changes = [c for c in field_changes(revision.table_name, "update", revision.before, revision.after, refs,
                                        main_only=False, scale=described.scale)
               if c.field not in _QUIET] if revision.action == "update" and kind != words.NEW else []
    return FeedEntry(
        key=f"revision/{revision.id}", kind=kind, title=words.record_title(kind, record),
        summary=words.record_summary(kind, record, changes, _reason(revision, change_set) if kind != words.NEW
                                     else None, _restored_from(change_set)),
        updated=_utc(change_set.committed_at),  # type: ignore[arg-type]
        change_set=change_set.id, revision=revision.id,  # type: ignore[arg-type]
        person_slug=described.person.slug if described.person else None,
        party_slug=described.party.slug if described.party and not described.person else None,
        topic=described.topic.slug if described.topic else None,
        topic_name=described.topic.name if described.topic else None,
        source_url=record.source_url, anchor=_ANCHORS[revision.table_name] if kind == words.NEW else "")


# --- changes of position and contradictions -----------------------------------------------

def _item_record(item_id: str) -> tuple[str, int] | None:
    """('vote', 12) for the engine's item "vote:12" ("edm:7:end", a withdrawal: its signature)."""
    prefix, _, rest = item_id.partition(":")
    number = rest.split(":", 1)[0]
    table = _ITEM_TABLES.get(prefix)
    return (table, int(number)) if table and number.isdigit() else None


def _read_model(session: Session, people: Sequence[int], topic: Topic | None
                ) -> tuple[list[StanceShift], list[StanceContradiction]]:
    if not people:
        return [], []
    shifts = select(StanceShift).where(StanceShift.person_id.in_(people))  # type: ignore[attr-defined]
    contradictions = select(StanceContradiction).where(StanceContradiction.person_id.in_(people))  # type: ignore[attr-defined]
    if topic is not None:
        shifts = shifts.where(StanceShift.topic_id == topic.id)
        contradictions = contradictions.where(StanceContradiction.topic_id == topic.id)
    return list(session.exec(shifts).all()), list(session.exec(contradictions).all())


@dataclass(frozen=True)
class _Cause:
    revision: Revision
    change_set: ChangeSet
    described: _Described


def _newest_cause(items: Sequence[str], causes: Mapping[tuple[str, int], _Cause]) -> _Cause | None:
    found = [causes[ref] for ref in map(_item_record, items) if ref is not None and ref in causes]
    return max(found, key=lambda c: c.revision.id) if found else None  # type: ignore[arg-type, return-value]


def _tag_part(text: str) -> str:
    return text.replace(":", "-")


def _stance_entries(session: Session, scope: Scope, causes: Mapping[tuple[str, int], _Cause],
                    refs: Mapping[str, Mapping[int, Any]]) -> list[FeedEntry]:
    people = sorted({cause.revision.subject_id for cause in causes.values()
                     if cause.revision.subject_table == "person"})
    shifts, contradictions = _read_model(session, people, scope.topic)
    persons = refs.get("person", {})
    out = []
    for shift in shifts:
        cause = _newest_cause(shift.evidence, causes)
        topic = refs["topic"].get(shift.topic_id)
        person = persons.get(shift.person_id)
        if cause is None or topic is None or person is None:
            continue
        scale = scale_for(topic.slug)
        because = [words.evidence_line(c.described.record) for ref in map(_item_record, shift.evidence)
                   if ref is not None and (c := causes.get(ref)) is not None]
        out.append(FeedEntry(
            key=f"shift/{topic.slug}/{shift.person_id}/{shift.shift_date.isoformat()}", kind="shift",
            title=words.shift_title(person.name, scale.label(shift.to_stance)),
            summary=words.shift_summary(person.name, shift.shift_date, scale.label(shift.from_stance),
                                        scale.label(shift.to_stance), topic.name, because),
            updated=_utc(cause.change_set.committed_at), change_set=cause.change_set.id,  # type: ignore[arg-type]
            revision=cause.revision.id, person_slug=person.slug, party_slug=None, topic=topic.slug,  # type: ignore[arg-type]
            topic_name=topic.name, source_url=cause.described.record.source_url, anchor="changes-h"))
    for found in contradictions:
        cause = _newest_cause([found.said_id, found.did_id], causes)
        topic = refs["topic"].get(found.topic_id)
        person = persons.get(found.person_id)
        if cause is None or topic is None or person is None:
            continue
        out.append(FeedEntry(
            key=(f"contradiction/{topic.slug}/{found.person_id}/{_tag_part(found.said_id)}/"
                 f"{_tag_part(found.did_id)}"), kind="contradiction",
            title=words.contradiction_title(person.name),
            summary=words.contradiction_summary(person.name, found.description, topic.name),
            updated=_utc(cause.change_set.committed_at), change_set=cause.change_set.id,  # type: ignore[arg-type]
            revision=cause.revision.id, person_slug=person.slug, party_slug=None, topic=topic.slug,  # type: ignore[arg-type]
            topic_name=topic.name, source_url=cause.described.record.source_url, anchor="changes-h"))
    return out


# --- the feed ------------------------------------------------------------------------------

def feed_entries(session: Session, scope: Scope, size: int = FEED_SIZE) -> list[FeedEntry]:
    """The newest ``size`` entries of a feed, newest first."""
    if scope.people is not None and not isinstance(scope.people, SelectBase) and not scope.people:
        return []
    rows = _revisions(session, scope)
    refs = _refs(session, [revision for revision, _ in rows])
    entries: list[FeedEntry] = []
    causes: dict[tuple[str, int], _Cause] = {}
    for revision, change_set in rows:
        kind = happened(revision, change_set)
        if kind is None:
            continue
        described = _describe(revision, refs)
        entries.append(_record_entry(revision, change_set, kind, described, refs))
        if kind != words.WITHDRAWN:
            causes.setdefault((revision.table_name, revision.record_id),  # rows are newest first
                              _Cause(revision, change_set, described))
    entries += _stance_entries(session, scope, causes, refs)
    entries.sort(key=lambda e: (e.updated, e.revision, _RANK.get(e.kind, 0)), reverse=True)
    return entries[:size]


def topic_by_slug(session: Session, slug: str) -> Topic | None:
    return session.exec(select(Topic).where(Topic.slug == slug)).first()

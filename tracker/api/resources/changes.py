"""Change sets and their revisions: public ones only (tracker.revisions.is_public), with the
user ids inside a stored record blanked."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from tracker.api import filters
from tracker.api.declare import Key, Lookup, Related, Resource, ordered
from tracker.api.resources.common import PAGE, page, utc
from tracker.exports.columns import COMMON
from tracker.exports.schema import Column
from tracker.models import REVISION_ACTIONS, ChangeSet, Person, Revision
from tracker.revisions import MODELS, PRIVATE_TABLES, without_user_ids

# Records everyone may see revisions of (accounts' never are).
PUBLIC_TABLES = tuple(sorted(t for t in MODELS if t not in PRIVATE_TABLES))
_MODERATED = frozenset({"evidence", "reply"})


def _web_address(text: str | None) -> str | None:
    return text if text and text.startswith(("http://", "https://")) and " " not in text else None


def _public_revision() -> sa.ColumnElement[bool]:
    return sa.exists().where(Revision.change_set_id == ChangeSet.id, Revision.public)


CHANGE_SET_COLUMNS = (
    COMMON["change_set"],
    Column("actor", "string", "Who made it: an importer (import:mps), the seed loader, or a user's display "
                              "name."),
    Column("reason", "string", "Why, as the change set records it."),
    COMMON["source"].but(description="Where the change came from (a file, a web address)."),
    COMMON["source_url"].but(description="The source, when it is a web address."),
    Column("created_at", "datetime", "When it began (UTC)."),
    Column("committed_at", "datetime", "When it was committed (UTC)."),
    PAGE)


def _change_sets(_session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    return [ordered({"change_set": r.id, "actor": r.actor, "reason": r.reason, "source": r.source,
                     "source_url": _web_address(r.source), "created_at": utc(r.created_at),
                     "committed_at": utc(r.committed_at), "page": page(f"/changes/{r.id}")},
                    CHANGE_SET_COLUMNS)
            for r in rows]


CHANGE_SETS = Resource(
    "change-sets", "change set",
    "Change sets",
    "Every write to the data is one change set: who, when it committed, from which source and why. Only "
    "change sets with at least one public change are here (not accounts', not submissions never approved); "
    "their changes are in /api/v1/revisions?change_set=<number>.",
    CHANGE_SET_COLUMNS,
    lambda: (sa.select(ChangeSet.id, ChangeSet.actor, ChangeSet.reason, ChangeSet.source,
                       ChangeSet.created_at, ChangeSet.committed_at)
             .where(ChangeSet.committed_at.is_not(None), _public_revision())),  # type: ignore[union-attr]
    _change_sets,
    order=(Key("id", ChangeSet.id, "integer"),),
    filters=filters.date_range(ChangeSet.committed_at, "change sets committed", moment=True),
    lookup=Lookup(ChangeSet.id, None, "The change set's number (as in /changes/<number>).", "1"),
    related=(Related("revisions", "revisions", "change_set", "change_set", "Its public revisions."),),
)


# -- revisions ---------------------------------------------------------------------------------

def public_record(table: str, values: Mapping[str, Any] | None) -> str | None:
    """A stored record as JSON text, with every user id blanked, and a moderator's note on a
    state that was not public (pending, rejected) blanked too."""
    shown = without_user_ids(values)
    if shown is None:
        return None
    if table in _MODERATED and shown.get("status") != "approved" and "review_reason" in shown:
        shown["review_reason"] = None
    return json.dumps(shown, ensure_ascii=False, sort_keys=True)


REVISION_COLUMNS = (
    Column("revision", "integer", "The revision's number."), COMMON["change_set"],
    Column("committed_at", "datetime", "When its change set was committed (UTC)."),
    Column("table", "string", "The kind of record changed (the database table: person, evidence, vote...).",
           PUBLIC_TABLES),
    Column("record_id", "integer", "The record's id within its table."),
    Column("action", "string", "create, update or delete.", REVISION_ACTIONS),
    Column("subject_table", "string", "The kind of record the change is about (a vote is about its person)."),
    Column("subject_id", "integer", "That record's id."),
    Column("before", "string", "The whole record before the change, as a JSON object (empty for a create); "
                               "user ids are blanked (null)."),
    Column("after", "string", "The whole record after the change, as a JSON object (empty for a delete); "
                              "user ids are blanked (null)."),
    COMMON["source"].but(description="The record's own source, when it differs from its change set's."))


def _revisions(_session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    return [ordered({"revision": r.id, "change_set": r.change_set_id, "committed_at": utc(r.committed_at),
                     "table": r.table_name, "record_id": r.record_id, "action": r.action,
                     "subject_table": r.subject_table, "subject_id": r.subject_id,
                     "before": public_record(r.table_name, r.before),
                     "after": public_record(r.table_name, r.after), "source": r.source}, REVISION_COLUMNS)
            for r in rows]


REVISIONS = Resource(
    "revisions", "revision",
    "Revisions",
    "Each record's change within a change set, the whole record before and after, in the order they were "
    "made. Public revisions only: not accounts', not of submissions never approved.",
    REVISION_COLUMNS,
    lambda: (sa.select(Revision.id, Revision.change_set_id, Revision.table_name, Revision.record_id,
                       Revision.action, Revision.subject_table, Revision.subject_id, Revision.before,
                       Revision.after, Revision.source, ChangeSet.committed_at)
             .join(ChangeSet, ChangeSet.id == Revision.change_set_id)  # type: ignore[arg-type]
             .where(Revision.public, ChangeSet.committed_at.is_not(None))),  # type: ignore[union-attr]
    _revisions,
    order=(Key("id", Revision.id, "integer"),),
    filters=(
        filters.record("change_set", ChangeSet, "public change set", "/api/v1/change-sets", "Only revisions "
                       "of this change set (its number).", lambda cid: Revision.change_set_id == cid,
                       by_slug=False, visible=_public_revision(), example="1"),
        filters.choice("table", PUBLIC_TABLES, "Only revisions of records of this table.",
                       lambda t: Revision.table_name == t, example="evidence"),
        filters.record("person", Person, "person", "/api/v1/people", "Only revisions about this person "
                       "(their record, votes, seats, party memberships, names, evidence...).",
                       lambda pid: sa.and_(Revision.subject_table == "person", Revision.subject_id == pid),
                       example="tahir-ali"),
    ),
    lookup=Lookup(Revision.id, None, "The revision's number.", "1"),
)

"""The tables of history pages (/<kind>/<slug>/history) and change set pages (/changes/<number>)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.exports.columns import COMMON, cols
from tracker.exports.schema import Column, ExportTable, PageTables, Row
from tracker.models import REVISION_ACTIONS
from tracker.queries import history as q


@dataclass(frozen=True)
class HistoryData:
    change_sets: Sequence[q.ChangeSetView]  # this page's


@dataclass(frozen=True)
class ChangeSetData:
    change_set: q.ChangeSetView  # with this page's revisions
    counts: Sequence[tuple[str, str, int]]  # (table, action, revisions) over every page


def stored_text(value: Any) -> str | None:
    """A stored value as text: strings as they are, numbers in decimal, true/false, lists and maps as JSON."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _revisions(change_sets: Sequence[q.ChangeSetView]) -> Iterable[Row]:
    for row in q.revision_rows(change_sets):
        yield {**row, "before": stored_text(row["before"]), "after": stored_text(row["after"])}


REVISIONS = cols(
    "change_set", Column("committed_at", "datetime", "When the change set was committed (UTC)."),
    Column("actor", "string", "Who made it: an importer, a seed file, or a user."),
    Column("reason", "string", "Why, as the change set records it."),
    COMMON["source"].but(description="The source of the change: the record's own, else the change set's."),
    Column("table", "string", "The kind of record changed (the database table: person, evidence, vote...)."),
    Column("record_id", "integer", "The record's id within its table."),
    Column("action", "string", "create, update or delete.", REVISION_ACTIONS),
    Column("field", "string", "The field (for an update, one that changed; for a create or a delete, every "
           "field that had a value); empty when the revision stored none."),
    Column("before", "string", "The field's value before the change, as the change stored it, as text "
                               "(numbers in decimal, true/false, dates YYYY-MM-DD); empty for a create."),
    Column("after", "string", "The value after the change, the same way; empty for a delete."))

HISTORY = PageTables[HistoryData]("history", "/<people|constituencies|councils|parties|divisions|decisions|"
                                  "elections|pledges>/<slug>/history", (
    ExportTable("revisions", "Changes to the records about the page's subject, newest change set first, "
                             "one row per field, as the changes stored them.",
                REVISIONS, lambda d: _revisions(d.change_sets)),
))

CHANGE_SET = PageTables[ChangeSetData]("change_set", "/changes/<number>", (
    ExportTable("revisions", "The revisions of the change set on this page (in the order they were made), "
                             "one row per field, as the change stored them.",
                REVISIONS, lambda d: _revisions([d.change_set])),
    ExportTable("counts", "How many records of each table the change set added, changed and removed (over "
                          "all its pages).",
                cols("change_set", Column("table", "string", "The kind of record (the database table)."),
                     Column("action", "string", "create, update or delete.", REVISION_ACTIONS),
                     Column("revisions", "integer", "How many records.")),
                lambda d: ({"change_set": d.change_set.id, "table": t, "action": a, "revisions": n}
                           for t, a, n in d.counts)),
))

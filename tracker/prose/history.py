"""Revisions in words, for history and change set pages: every sentence those pages show.

A revision is described from the values it stored, never from the record as it
is today; only the records it points at (a party id, a source id) are named by
their names in ``refs``, which :mod:`tracker.queries.history` fetches for a whole page,
and stances by the labels of the topic's ``scale``, which it passes in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from tracker.models import ALL_TABLES
from tracker.prose.changes import FIELD_NAMES
from tracker.prose.sources import source_label
from tracker.stance import Scale, format_day

# Referenced records by table, then id: {"party": {5: Party(...)}, ...}.
Refs = Mapping[str, Mapping[int, Any]]

_MODELS = {m.__tablename__: m for m in ALL_TABLES}  # type: ignore[attr-defined]

TABLE_WORDS = {
    "person": "person", "person_name": "other name", "membership": "seat", "affiliation": "party membership",
    "candidacy": "candidacy", "vote": "vote", "vote_source": "source of a vote",
    "edm_signature": "EDM signature",
    "evidence": "evidence", "area": "place", "body": "body", "area_overlap": "overlap with a constituency",
    "party": "party", "division": "division", "whip": "whip", "decision": "decision", "election": "election",
    "pledge": "pledge", "edm": "early day motion", "source": "source", "topic": "topic", "user": "user",
    "reply": "response", "claim": "claim",
}
ACTION_WORDS = {"create": "added", "update": "changed", "delete": "removed"}
FIELD_WORDS = {
    **FIELD_NAMES, "area_id": "place", "overlaps_id": "constituency", "parent_id": "part of",
    "edm_id": "early day motion", "election_id": "election", "pledge_id": "pledge", "topic_id": "topic",
    "vote_id": "vote", "primary_sponsor_id": "primary sponsor", "submitted_by_id": "submitted by",
    "reviewed_by_id": "reviewed by", "parliament_id": "UK Parliament id", "twfy_id": "TheyWorkForYou id",
    "democracy_club_id": "Democracy Club id", "wikidata_id": "Wikidata id", "gss_code": "GSS code",
    "mnis_id": "Members' Names id", "electoral_commission_id": "Electoral Commission id",
    "is_primary_sponsor": "primary sponsor", "is_cosponsor": "co-sponsor", "withdrawn_on": "withdrawn on",
    "used_on": "last used on", "official": "official spelling", "origin": "used by",
    "aye_means": "an aye means", "no_means": "a no means", "signing_means": "signing means",
    "votes_complete": "every vote held", "known_gaps": "known gaps", "why_no_record": "why no record",
    "plain_summary": "summary in plain words", "party_label": "party on the ballot",
}
# What a record is, for a create or a delete: its main fields, in this order.
MAIN_FIELDS: dict[str, tuple[str, ...]] = {
    "person": ("name", "sort_name", "slug", "parliament_id", "twfy_id", "democracy_club_id", "wikidata_id"),
    "person_name": ("name", "origin", "official", "used_on"),
    "membership": ("body_id", "area_id", "party_id", "role", "start_date", "end_date", "start_reason",
                   "end_reason"),
    "affiliation": ("party_id", "start_date", "end_date", "note"),
    "candidacy": ("election_id", "area_id", "party_id", "party_label", "votes", "elected"),
    "vote": ("division_id", "position", "party_id"),
    "vote_source": (),
    "edm_signature": ("is_primary_sponsor", "is_cosponsor", "withdrawn_on"),  # the motion is in the title
    "evidence": ("kind", "stance", "evidence_date", "summary", "quote", "status", "pledge_id"),
    "area": ("name", "kind", "gss_code", "boundary_set", "valid_from", "valid_to", "parent_id"),
    "body": ("name", "kind", "area_id"),
    "area_overlap": ("overlaps_id", "share", "basis"),
    "party": ("name", "short_name", "slug"),
    "division": ("title", "division_date", "number", "aye_means", "no_means", "aye_count", "no_count",
                 "votes_complete"),
    "whip": ("party_id", "whip", "basis"),
    "decision": ("title", "decision_date", "outcome"),
    "election": ("name", "kind", "election_date"),
    "pledge": ("title", "organisation", "stance", "launched_on", "url"),
    "edm": ("title", "tabled_on", "signing_means"),
    "source": ("title", "publisher", "url", "published_on"),
    "topic": ("name", "question"),
    "reply": ("replied_on", "evidence_id", "topic_id", "body", "status"),
}
_STANCE_FIELDS = frozenset({"stance", "aye_means", "no_means", "signing_means"})
_NAME_ATTRS = {"person": "name", "party": "name", "area": "name", "body": "name", "division": "title",
               "decision": "title", "election": "name", "pledge": "title", "edm": "title", "topic": "name"}
_LONG = 500


@dataclass(frozen=True)
class FieldChange:
    """One field of a revision: its value before and after, as stored and in words."""

    field: str
    label: str
    before: Any
    after: Any
    before_text: str
    after_text: str
    before_url: str | None = None
    after_url: str | None = None


@cache
def references(table: str) -> dict[str, str]:
    """The columns of ``table`` that point at another record: column -> referenced table."""
    model = _MODELS.get(table)
    if model is None:
        return {}
    return {c.name: next(iter(c.foreign_keys)).column.table.name
            for c in model.__table__.columns if c.foreign_keys}  # type: ignore[attr-defined]


def _python_type(table: str, key: str) -> type | None:
    model = _MODELS.get(table)
    column = model.__table__.columns.get(key) if model is not None else None  # type: ignore[attr-defined]
    try:
        # A TypeDecorator (SQLModel's UTCDateTime) says ``object``: its implementation knows.
        return getattr(column.type, "impl_instance", column.type).python_type if column is not None else None
    except NotImplementedError:
        return None


def record_name(table: str, record: Any) -> str:
    """A referenced record by its name (as it is named today)."""
    if table == "source":
        return source_label(record) or f"source {record.id}"
    attr = _NAME_ATTRS.get(table)
    name = getattr(record, attr, None) if attr else None
    return str(name) if name else f"{TABLE_WORDS.get(table, table)} {record.id}"


def moment(value: datetime) -> str:
    """'1 Dec 2026, 17:39 UTC' (stored times are UTC; SQLite hands them back without a zone)."""
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return f"{format_day(value.date())}, {value:%H:%M} UTC"


def value_text(table: str, key: str, value: Any, refs: Refs, scale: Scale | None = None
               ) -> tuple[str, str | None]:
    """A stored value in words, and a link where it names a source."""
    if value is None:
        return "not set", None
    target = references(table).get(key)
    if target and isinstance(value, int) and not isinstance(value, bool):
        record = refs.get(target, {}).get(value)
        if record is None:
            return f"{TABLE_WORDS.get(target, target)} {value}", None
        url = getattr(record, "url", None) if target == "source" else None
        return record_name(target, record), url
    if isinstance(value, bool):
        return ("yes" if value else "no"), None
    kind = _python_type(table, key)
    if isinstance(value, str) and kind in (date, datetime):
        try:
            if kind is date:
                return format_day(date.fromisoformat(value)), None
            return moment(datetime.fromisoformat(value)), None
        except ValueError:
            return value, None
    if key in _STANCE_FIELDS and isinstance(value, str) and scale is not None and value in scale:
        return f"“{scale.label(value)}”", None
    if key == "position" or (key in ("kind", "outcome", "whip") and isinstance(value, str)):
        return str(value).replace("_", " "), None
    if isinstance(value, str):
        shown = value if len(value) <= _LONG else value[:_LONG - 1] + "…"
        return f"“{shown}”", None
    return str(value), None


def field_label(key: str) -> str:
    words = FIELD_WORDS.get(key)
    if words:
        return words
    return key.removesuffix("_id").replace("_", " ")


def field_changes(table: str, action: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None,
                  refs: Refs, *, main_only: bool, scale: Scale | None = None) -> list[FieldChange]:
    """What a revision changed, field by field.

    An update gives the fields whose stored values differ; a create or a delete
    gives the record's fields (its main ones with ``main_only``, else every field
    with a value), from what the revision stored. ``scale``: the topic's, whose labels
    name stances (without it a stance shows as stored).
    """
    before, after = before or {}, after or {}
    if action == "update":
        # A record's id never changes: a revision of a record added and changed before it was
        # first written can hold no id before, which is not a change of the record.
        keys = [k for k in _ordered(table, [*before, *after]) if k != "id" and before.get(k) != after.get(k)]
    else:
        values = after if action == "create" else before
        keys = [k for k in _ordered(table, list(values)) if k != "id" and values.get(k) is not None]
        if main_only and table in MAIN_FIELDS:
            main = [k for k in MAIN_FIELDS[table] if k in keys and values[k] is not False]
            keys = main + (["source_id"] if "source_id" in keys else [])
    out = []
    for key in keys:
        was, now = before.get(key), after.get(key)
        # A revision from before change sets may hold only some fields on one side.
        was_text, was_url = (value_text(table, key, was, refs, scale) if key in before
                             else ("not recorded", None))
        now_text, now_url = (value_text(table, key, now, refs, scale) if key in after
                             else ("not recorded", None))
        out.append(FieldChange(key, field_label(key), was, now, was_text, now_text, was_url, now_url))
    return out


def _ordered(table: str, keys: list[str]) -> list[str]:
    """Keys in the order of the table's columns (unknown ones after, as stored)."""
    model = _MODELS.get(table)
    columns = [c.name for c in model.__table__.columns] if model is not None else []  # type: ignore[attr-defined]
    seen = dict.fromkeys(keys)
    return [c for c in columns if c in seen] + [k for k in seen if k not in columns]


def _ref_name(refs: Refs, table: str, value: Any) -> str | None:
    record = refs.get(table, {}).get(value)
    return record_name(table, record) if record is not None else None


def what_it_is(table: str, values: Mapping[str, Any], refs: Refs) -> str:
    """The record a revision is about, from the values it stored."""
    if table in ("person", "person_name", "party", "area", "body", "election", "topic"):
        return str(values.get("name") or f"{TABLE_WORDS.get(table, table)} {values.get('id')}")
    if table in ("division", "decision", "pledge", "edm"):
        return str(values.get("title") or f"{TABLE_WORDS[table]} {values.get('id')}")
    if table == "source":
        return str(values.get("title") or values.get("url") or values.get("key")
                   or f"source {values.get('id')}")
    if table == "edm_signature":
        return f"“{_ref_name(refs, 'edm', values.get('edm_id')) or 'an early day motion'}”"
    if table == "candidacy":
        election = _ref_name(refs, "election", values.get("election_id")) or "an election"
        area = _ref_name(refs, "area", values.get("area_id"))
        return f"candidate in {election}" + (f", {area}" if area else "")
    if table == "whip":
        party = _ref_name(refs, "party", values.get("party_id")) or "a party"
        return f"{party} whip: {str(values.get('whip') or 'not recorded').replace('_', ' ')}"
    if table == "vote_source":
        return f"vote {values.get('vote_id')}"
    if table == "area_overlap":
        return f"overlaps {_ref_name(refs, 'area', values.get('overlaps_id')) or 'a constituency'}"
    if table == "reply":  # the person's own words, signed on that day
        body = " ".join(str(values.get("body") or "").split())
        return f"“{body if len(body) <= 120 else body[:119] + '…'}”"
    return f"{TABLE_WORDS.get(table, table)} {values.get('id')}"


def revision_title(table: str, action: str, values: Mapping[str, Any], refs: Refs) -> str:
    """'Other name added: Rachael Maskell' (values: the record after the change, or before a delete)."""
    words = TABLE_WORDS.get(table, table.replace("_", " "))
    what = what_it_is(table, values, refs)
    return f"{words[:1].upper()}{words[1:]} {ACTION_WORDS.get(action, action)}: {what}"


def record_label(table: str, record_id: int) -> str:
    """'EDM signature 93'."""
    words = TABLE_WORDS.get(table, table.replace("_", " "))
    return f"{words[:1].upper()}{words[1:]} {record_id}"


def counts_text(table: str, action: str) -> str:
    """'seat added', for a change set's counts."""
    return f"{TABLE_WORDS.get(table, table.replace('_', ' '))} {ACTION_WORDS.get(action, action)}"

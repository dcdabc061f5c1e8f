"""A change to evidence, a vote, a party membership or a seat, in words (the /changes
page, its feed and twins, and the sentence on history pages).

Every value comes from the revision (the record as the change left it), and the
records it points at from ``Named``, which the query fills for a whole page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.models import Area, Body, Division, Party, Person, Revision
from tracker.stance import Scale, format_day

FIELD_NAMES = {
    "start_date": "start date", "end_date": "end date", "evidence_date": "date", "party_id": "party",
    "area_id": "seat", "body_id": "body", "division_id": "division", "person_id": "person",
    "source_id": "source", "status": "moderation status", "position": "vote", "review_reason": "reason",
}
QUIET_FIELDS = frozenset({"id", "created_at", "reviewed_at", "reviewed_by_id", "submitted_by_id",
                          "external_id", "external_key", "topic_id"})
_VOTED = {"no vote recorded": "had no vote recorded", "both": "voted in both lobbies",
          "teller aye": "was a teller for the ayes", "teller no": "was a teller for the noes"}


@dataclass(frozen=True)
class Named:
    """The records one revision points at, as the query found them (None: not in our records)."""

    person: Person | None = None
    party: Party | None = None
    division: Division | None = None
    area: Area | None = None
    body: Body | None = None
    # Every party and place the page's revisions name, for the values of changed fields.
    parties: Mapping[int, Party] = field(default_factory=dict)
    areas: Mapping[int, Area] = field(default_factory=dict)


def stance_label(scale: Scale, stance: Any) -> str | None:
    """The label of a stance of ``scale``; None for anything else."""
    return scale.label(stance) if isinstance(stance, str) and stance in scale else None


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


def _field_value(named: Named, scale: Scale, key: str, value: Any) -> str:
    if value is None:
        return "nothing"
    if key.endswith("_date"):
        return _day(value)
    if key == "party_id":
        party = named.parties.get(value)
        return party.name if party else f"party {value}"
    if key == "area_id":
        area = named.areas.get(value)
        return area.name if area else f"place {value}"
    if key == "stance":
        return f"“{stance_label(scale, value) or value}”"
    if key == "position":
        return str(value).replace("_", " ")
    if isinstance(value, str) and len(value) > 80:
        return f"“{value[:77]}...”"
    return f"“{value}”" if isinstance(value, str) else str(value)


def _changed_fields(named: Named, scale: Scale, revision: Revision) -> str:
    before, after = revision.before or {}, revision.after or {}
    parts = []
    for key in after:
        if key in QUIET_FIELDS or key.startswith("__") or before.get(key) == after[key]:
            continue
        name = FIELD_NAMES.get(key, key.replace("_", " "))
        if key in ("summary", "quote", "note", "title"):
            parts.append(f"{name} edited")
        else:
            parts.append(f"{name} changed from {_field_value(named, scale, key, before.get(key))} "
                         f"to {_field_value(named, scale, key, after[key])}")
    return "; ".join(parts) or "details changed"


def change_text(revision: Revision, named: Named, scale: Scale, stance: str | None) -> tuple[str, str]:
    """A revision's title and description: 'New evidence about Jo Bloggs', 'Jo Bloggs: statement of ...'.

    ``stance``: what the record says (evidence) or what the vote counts as (votes).
    """
    values = dict(revision.after or revision.before or {})
    table, action = revision.table_name, revision.action
    person, party, division = named.person, named.party, named.division
    who = person.name if person else (f"{party.name} (party line)" if party and table == "evidence"
                                      else "someone no longer in our records")
    if table == "evidence":
        kind = str(values.get("kind") or "evidence").replace("_", " ")
        what = f"{kind} of {_day(values.get('evidence_date'))}"
        if action == "create":
            summary = values.get("summary") or ""
            return (f"New evidence about {who}",
                    f"{who}: {what}, “{stance_label(scale, stance) or stance}”. {summary}".strip())
        if action == "delete":
            return f"Evidence about {who} removed", f"{who}: the {what} was removed from our records."
        return f"Evidence about {who} changed", f"{who}: {what}: {_changed_fields(named, scale, revision)}."
    if table == "vote":
        position = str(values.get("position") or "").replace("_", " ")
        division_name = (f"“{division.title}” ({format_day(division.division_date)})" if division
                         else "a division")
        if action == "create":
            label = stance_label(scale, stance)
            meaning = f", which counts as “{label}”" if label else ""
            return (f"Vote recorded for {who}",
                    f"{who} {_VOTED.get(position, 'voted ' + position)} in {division_name}{meaning}.")
        if action == "delete":
            return f"Vote of {who} removed", f"{who}: the vote in {division_name} was removed."
        return f"Vote of {who} changed", f"{who}, {division_name}: {_changed_fields(named, scale, revision)}."
    if table == "affiliation":
        party_name = party.name if party else "a party"
        if action == "create":
            note = f" ({str(values['note']).rstrip('.')})" if values.get("note") else ""
            return f"Party membership recorded for {who}", f"{who}: {party_name}, {_dates(values)}{note}."
        if action == "delete":
            return f"Party membership of {who} removed", f"{who}: {party_name} membership removed."
        return (f"Party membership of {who} changed",
                f"{who}, {party_name}: {_changed_fields(named, scale, revision)}.")
    # a seat (membership)
    area, body = named.area, named.body
    seat = values.get("role") or ("MP" if body and body.kind == "commons" else "member")
    place = f" for {area.name}" if area else ""
    body_name = f" ({body.name})" if body and (area is None or area.name != body.name) else ""
    if action == "create":
        return f"Seat recorded for {who}", f"{who}: {seat}{place}{body_name}, {_dates(values)}."
    if action == "delete":
        return f"Seat of {who} removed", f"{who}: {seat}{place}{body_name} removed."
    return f"Seat of {who} changed", f"{who}, {seat}{place}: {_changed_fields(named, scale, revision)}."

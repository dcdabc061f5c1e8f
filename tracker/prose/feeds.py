"""Entries of the Atom feeds that follow a person, a place, a party or a topic, in words:
new evidence, corrections to it, and the changes of position and contradictions it brought.

Every value comes from what a revision stored (the record as the change left it) or from
the read model's rows; the records they point at are named by the query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.models import Edm
from tracker.prose.edms import signature_summary
from tracker.prose.history import FieldChange
from tracker.stance import format_day

# What a feed entry says happened to a record.
NEW, CORRECTED, RESTORED, WITHDRAWN = "new", "corrected", "restored", "withdrawn"
CORRECTIONS = {CORRECTED: "Correction", RESTORED: "Restored", WITHDRAWN: "Withdrawn"}
_EVIDENCE_KINDS = {"statement": "statement", "pledge": "pledge", "pledge_refusal": "pledge declined",
                   "edm": "early day motion", "party_switch": "party switch", "report": "report",
                   "other": "evidence"}
_VOTED = {"aye": "voted aye", "no": "voted no", "teller_aye": "was a teller for the ayes",
          "teller_no": "was a teller for the noes", "no_vote_recorded": "had no vote recorded",
          "both": "voted in both lobbies"}
_LONG = 300


@dataclass(frozen=True)
class Record:
    """One piece of evidence (a statement, a vote, a motion's signature) as a revision left it."""

    table: str  # evidence | vote | edm_signature
    who: str  # 'Jo Bloggs', or 'Labour Party (party line)'
    topic: str | None  # the topic's name
    day: date | None
    kind: str | None  # the evidence's kind (evidence only)
    stance_label: str | None  # what it counts as
    text: str  # the evidence's summary, the division's title, the motion's title
    quote: str | None = None
    position: str | None = None  # a vote's
    edm: Edm | None = None  # the motion a signature is on
    withdrawn_on: date | None = None  # a motion's signature's
    source: str | None = None  # the source's label
    source_url: str | None = None


def _short(text: str, limit: int = _LONG) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _possessive(who: str) -> str:
    return f"{who}’" if who.endswith("s") else f"{who}’s"


def what(record: Record) -> str:
    """'statement of 2 Dec 2026', 'vote on “…” (15 Nov 2023)', 'signature of early day motion 61430'."""
    day = format_day(record.day) if record.day else "an unknown date"
    if record.table == "vote":
        return f"vote on “{_short(record.text, 120)}” ({day})"
    if record.table == "edm_signature":
        number = f" {record.edm.edm_id}" if record.edm else ""
        return f"signature of early day motion{number}"
    return f"{_EVIDENCE_KINDS.get(record.kind or '', 'evidence')} of {day}"


def record_title(happened: str, record: Record) -> str:
    """'Jo Bloggs: statement, “Calls for a ceasefire”', 'Correction: Jo Bloggs’s vote on “…”'."""
    if happened != NEW:
        return f"{CORRECTIONS[happened]}: {_possessive(record.who)} {what(record)}"
    counts = f" (counts as “{record.stance_label}”)" if record.stance_label else ""
    if record.table == "vote":
        return (f"{record.who} {_VOTED.get(record.position or '', 'voted')} on "
                f"“{_short(record.text, 120)}”{counts}")
    if record.table == "edm_signature":
        number = f" {record.edm.edm_id}" if record.edm else ""
        withdrawn = f", withdrawn on {format_day(record.withdrawn_on)}" if record.withdrawn_on else ""
        return f"{record.who} signed early day motion{number}{counts}{withdrawn}"
    said = f", “{record.stance_label}”" if record.stance_label else ""
    return f"{record.who}: {_EVIDENCE_KINDS.get(record.kind or '', 'evidence')}{said}"


def _source(record: Record) -> str:
    if record.source and record.source_url and record.source != record.source_url:
        return f" Source: {record.source} ({record.source_url})."
    if record.source_url or record.source:
        return f" Source: {record.source_url or record.source}."
    return ""


def _topic(record: Record) -> str:
    return f" On “{record.topic}”." if record.topic else ""


def _counts(record: Record) -> str:
    return f", which counts as “{record.stance_label}”" if record.stance_label else ""


def _new_text(record: Record) -> str:
    if record.table == "vote":
        day = format_day(record.day) if record.day else "an unknown date"
        return (f"{record.who} {_VOTED.get(record.position or '', 'voted')} on {day} in the division "
                f"“{_short(record.text)}”{_counts(record)}.")
    if record.table == "edm_signature":
        if record.edm is None:
            return f"{record.who} signed an early day motion{_counts(record)}."
        return f"{record.who}: {signature_summary(record.edm, record.withdrawn_on)}{_counts(record)}."
    stance = f" “{record.stance_label}”." if record.stance_label else ""
    quote = f" Quote: “{_short(record.quote)}”." if record.quote else ""
    summary = _short(record.text).rstrip(".")
    return f"{record.who}, {what(record)}:{stance} {summary}.{quote}"


def _changes_text(changes: Sequence[FieldChange]) -> str:
    parts = []
    for change in changes:
        if change.field in ("summary", "quote", "note", "title"):
            parts.append(f"{change.label} changed from {_short(change.before_text, 120)} "
                         f"to {_short(change.after_text, 120)}")
        else:
            parts.append(f"{change.label} changed from {change.before_text} to {change.after_text}")
    return "; ".join(parts)


def record_summary(happened: str, record: Record, changes: Sequence[FieldChange], reason: str | None,
                   restored_from: int | None = None) -> str:
    """The entry's text: what the record says (new), or what changed, why, and what it says now."""
    if happened == NEW:
        return f"{_new_text(record)}{_topic(record)}{_source(record)}"
    head = f"{_possessive(record.who)} {what(record)}"
    detail = _changes_text(changes)
    if happened == WITHDRAWN:
        body = f"{head} was withdrawn from our records" + (f" ({detail})." if detail else ".")
        said = f" It said: {_new_text(record)}"
    else:
        if happened == RESTORED:
            back = f" as it stood after revision {restored_from}" if restored_from else ""
            body = f"{head} was put back{back}" + (f": {detail}." if detail else ".")
        else:
            body = f"{head} was corrected: {detail or 'details changed'}."
        said = f" Now: {_new_text(record)}"
    why = f" Reason: {_short(reason).rstrip('.')}." if reason else ""
    return f"{body}{said}{why}{_topic(record)}{_source(record)}"


def evidence_line(record: Record) -> str:
    """One piece of evidence in a line: 'statement of 2 Dec 2026: “…”', 'early day motion 61430 “…”'."""
    if record.table == "vote":
        return what(record)
    if record.table == "edm_signature":
        number = f" {record.edm.edm_id}" if record.edm else ""
        return f"early day motion{number} “{_short(record.text, 160)}”"
    return f"{what(record)}: “{_short(record.text, 160)}”"


def shift_title(who: str, to_label: str) -> str:
    """'Jo Bloggs changed position: now “Calls for an immediate ceasefire”'."""
    return f"{who} changed position: now “{to_label}”"


def shift_summary(who: str, day: date, from_label: str, to_label: str, topic: str | None,
                  because: Sequence[str]) -> str:
    """'On 2 Dec 2026 Jo Bloggs changed from “Opposed” to “Ceasefire” on “…”, on this evidence: …'."""
    on = f" on “{topic}”" if topic else ""
    evidence = f" On this evidence: {'; '.join(because)}." if because else ""
    return (f"On {format_day(day)} {who} changed from “{from_label}” to “{to_label}”{on}.{evidence}")


def contradiction_title(who: str) -> str:
    return f"{who} said one thing and did another"


def contradiction_summary(who: str, description: str, topic: str | None) -> str:
    on = f" (“{topic}”)" if topic else ""
    return f"{who}: {description.rstrip('.')}{on}."


def feed_title(name: str) -> str:
    """'Ceasefire tracker: Jo Bloggs'."""
    return f"Ceasefire tracker: {name}"


def feed_subtitle(whose: str, topic: str | None) -> str:
    """What a feed follows, e.g. 'New evidence about Jo Bloggs, corrections to it, and ...'."""
    on = f" on “{topic}”" if topic else ""
    return (f"New evidence about {whose}{on} (statements, pledges, votes in tracked divisions, early day "
            "motions that count), corrections to it, and the changes of position and contradictions "
            "it shows.")

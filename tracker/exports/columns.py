"""Columns that many tables share, each described once.

A table names a shared column (``cols("person", "name", ...)``), or gives its own
:class:`Column`, or a shared one reworded for it (``COMMON["date"].but(description=...)``).
"""

from __future__ import annotations

from tracker.exports.schema import Column
from tracker.models import DECISION_OUTCOMES, EVIDENCE_KINDS, VOTE_POSITIONS, WHIP_POSITIONS
from tracker.readmodel.view import STANCE_COLUMNS

EVIDENCE_KIND_VALUES = ("vote", *EVIDENCE_KINDS)
STANCE_KEY = ("A stance key of the topic's scale (the keys and what they mean are on /methodology?topic=…); "
              "empty when nothing sets a stance.")
SLUG = "the last part of the address of its page on this site"
SPACED_URLS = "web addresses separated by spaces"


COMMON: dict[str, Column] = {c.name: c for c in (
    Column("person", "string", f"The person's slug, {SLUG} (/people/<slug>)."),
    Column("name", "string", "The person's display name (the latest official spelling)."),
    Column("party", "string", "The party's name."),
    Column("party_slug", "string", f"The party's slug, {SLUG} (/parties/<slug>)."),
    Column("stance", "string", STANCE_KEY),
    Column("stance_label", "string", "The stance in words, as the site shows it."),
    Column("date", "date", "The day it happened."),
    Column("kind", "string", "What kind of evidence: a vote in a tracked division, a statement, a pledge "
            "signature, an early day motion signature, leaving a party over the topic, or a second-hand "
            "report.", EVIDENCE_KIND_VALUES),
    Column("vote_position", "string", "For a vote: aye, no, teller_aye, teller_no, both (named in both "
            "lobbies) or no_vote_recorded; empty for other evidence.", VOTE_POSITIONS),
    Column("division", "string", f"The division's slug, {SLUG} (/divisions/<slug>)."),
    Column("summary", "string", "What the evidence shows, in the site's words."),
    Column("quote", "string", "The words as the source reports them, where it does."),
    Column("source", "string", "The source: its publisher or dataset."),
    Column("source_url", "url", "The source's web address."),
    Column("title", "string", "The title as the record gives it."),
    Column("topic", "string", "The topic's slug (e.g. ceasefire); its scale is on "
                              "/methodology?topic=<slug>."),
    Column("election", "string", f"The election's slug, {SLUG} (/elections/<slug>)."),
    Column("constituency", "string", "The constituency's name."),
    Column("constituency_slug", "string", f"The constituency's slug, {SLUG} (/constituencies/<slug>)."),
    Column("council", "string", f"The council's slug, {SLUG} (/councils/<slug>)."),
    Column("gss_code", "string", "The area's GSS code (Office for National Statistics)."),
    Column("start", "date", "The first day (empty when not recorded)."),
    Column("end", "date", "The last day, exclusive (empty: still so)."),
    Column("votes", "integer", "Votes the candidate received."),
    Column("share", "number", "The candidate's share of the votes cast, a fraction from 0 to 1."),
    Column("elected", "boolean", "Whether the candidate was elected."),
    Column("decision", "string", f"The decision's slug, {SLUG} (/decisions/<slug>)."),
    Column("outcome", "string", "What the House decided: agreed, negatived or not_put (the question was "
            "never put).", DECISION_OUTCOMES),
    Column("pledge", "string", f"The pledge campaign's slug, {SLUG} (/pledges/<slug>)."),
    Column("whip", "string", "The party's whip where known: aye, no, abstain or free.", WHIP_POSITIONS),
    Column("whip_basis", "string", "How the whip is known (e.g. reported, inferred), in words."),
    Column("whip_source_url", "url", "The web address of the source of the whip."),
    Column("also_reported_by", "string", f"Other sources that named the same vote: {SPACED_URLS}."),
    Column("month", "date", "The first day of the month the count is for."),
    Column("count", "integer", "How many people."),
    Column("description", "string", "What happened, in words."),
    Column("change_set", "integer", "The change set's number: its page is /changes/<number>."),
)}

STANCE: dict[str, Column] = {c.name: c for c in (
    Column("stance", "string", "The current stance on the topic, a key of its scale (see "
            "/methodology?topic=…): the scale's default (e.g. unknown) when nothing is recorded or the "
            "evidence conflicts."),
    Column("stance_label", "string", "The current stance in words (\"Conflicting evidence\" on a conflict)."),
    Column("stance_since", "date", "The day the current stance began (empty: no evidence yet)."),
    Column("stance_conflict", "boolean", "Whether the latest evidence conflicts (then stance is the "
                                         "default)."),
    Column("stance_source", "string", "The source of the evidence that set the current stance."),
    Column("stance_source_url", "string", "The sources of the evidence that set the current stance: "
            f"{SPACED_URLS}."),
)}
if tuple(STANCE) != STANCE_COLUMNS:  # the read model's StanceView.row() gives these, in this order
    raise RuntimeError(f"STANCE columns {tuple(STANCE)} differ from the read model's {STANCE_COLUMNS}")


def cols(*items: str | Column) -> tuple[Column, ...]:
    """Shared columns by name, and a table's own columns, in order."""
    return tuple(COMMON[i] if isinstance(i, str) else i for i in items)


def stance_columns(prefix: str = "", whose: str = "") -> tuple[Column, ...]:
    """The current-stance columns (``StanceView.row()``); ``winner_stance``... for the winner's."""
    return tuple(c.but(name=prefix + c.name, description=f"{whose}: {c.description}" if whose else
                       c.description) for c in STANCE.values())

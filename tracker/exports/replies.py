"""The person page's ``replies`` table: the person's own approved responses (right of reply)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from tracker.exports.columns import COMMON
from tracker.exports.schema import Column, ExportTable, Row


def replies_table(rows: Callable[[Any], Iterable[Row]]) -> ExportTable[Any]:
    """The table, reading its rows from the page's facts with ``rows``."""
    return ExportTable(
        "replies",
        "The person's own responses to the evidence about them or to their stance on the topic as a whole "
        "(right of reply), oldest first: their words, approved by a moderator as sent by their verified "
        "account. A response never changes a stance.",
        (COMMON["person"],
         Column("reply", "integer", "The response's number (its revisions are in the person's history)."),
         COMMON["topic"],
         Column("responds_to", "string", "What it answers: one piece of evidence, or the stance as a whole.",
                ("evidence", "stance")),
         Column("evidence_id", "string", "The evidence answered, as named in the stance_periods table's "
                "evidence_ids (evidence:<id>); empty for a response to the stance as a whole."),
         Column("evidence_date", "date", "The date of the evidence answered (empty: the stance as a whole)."),
         Column("evidence_summary", "string", "What the evidence answered shows, in the site's words."),
         Column("replied_on", "date", "The day the person signed the response."),
         Column("signed_by", "string", "Who the response is from: the person's display name."),
         Column("body", "string", "The response, in the person's own words (plain text)."),
         Column("approved_at", "datetime", "When a moderator approved it for the site (UTC).")),
        rows)

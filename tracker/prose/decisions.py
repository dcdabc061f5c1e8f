"""Decisions taken without a division, in words: their outcome, and why they say nothing
about any member's stance."""

from __future__ import annotations

from tracker.models import Decision
from tracker.stance import format_day

OUTCOME_LABELS = {"agreed": "Agreed without a division",
                  "negatived": "Rejected without a division",
                  "not_put": "Never put to a decision"}
NO_RECORD = ("No individual record exists: no member voted, so nobody's stance can be read "
             "from this decision.")


def outcome_label(outcome: str) -> str:
    """'Agreed without a division'."""
    return OUTCOME_LABELS[outcome]


def title_in_sentence(title: str) -> str:
    """The title as it reads inside a sentence ("the SNP's motion ...")."""
    return "the" + title[3:] if title.startswith("The ") else title


def decision_context(decision: Decision, body_name: str) -> str:
    """'On 21 Feb 2024 the House of Commons agreed ... without a division; ...'."""
    day = format_day(decision.decision_date)
    title = title_in_sentence(decision.title)
    if decision.outcome == "not_put":
        what = f"{title} was never put to a decision of the {body_name}"
    else:
        verb = "agreed" if decision.outcome == "agreed" else "rejected"
        what = f"the {body_name} {verb} {title} without a division"
    return f"On {day} {what}; no individual record exists."

"""Coverage in words: who holds a recorded stance on each topic."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

GROUP_LABELS = {
    "sitting_mps": "sitting MPs",
    "ge2024_candidates": "candidates at the 2024 general election",
    "councillors": "councillors in our data",
}


class Group(Protocol):
    key: str  # a key of GROUP_LABELS
    total: int
    with_stance: int


class TopicFigures(Protocol):
    topic: str
    name: str

    @property
    def groups(self) -> Sequence[Group]: ...


def coverage_sentence(item: TopicFigures) -> str:
    """'We hold a recorded stance on “Ceasefire in Gaza” for 33 of the 650 sitting MPs, ...'."""
    parts = [f"{g.with_stance:,} of the {g.total:,} {GROUP_LABELS[g.key]}" for g in item.groups]
    listed = ", ".join(parts[:-1]) + f", and {parts[-1]}" if len(parts) > 1 else parts[0]
    return f"We hold a recorded stance on “{item.name}” for {listed}."


def coverage_lines(items: Sequence[TopicFigures], today: date) -> list[str]:
    """The "Coverage" block `tracker stats` prints after the table counts."""
    lines = ["", f"Coverage on {today.isoformat()}: people with a recorded stance"]
    if not items:
        lines.append("  no topics loaded (run `tracker import reference`)")
    width = max(len(label) for label in GROUP_LABELS.values())
    for item in items:
        lines.append(f"  {item.name} ({item.topic})")
        lines.extend(f"    {GROUP_LABELS[g.key].ljust(width)}  {g.with_stance:>6,} of {g.total:>6,}"
                     for g in item.groups)
    return lines


# One person's part in the coverage groups, as a row of the coverage page names it.
ROLE_LABELS = {"sitting_mps": "MP", "ge2024_candidates": "2024 candidate", "councillors": "councillor"}


def unrecorded_sentence(count: int, topic_name: str) -> str:
    """'4,017 candidates, MPs and councillors have no recorded stance on “Ceasefire in Gaza” yet.'"""
    if count == 1:
        return f"1 candidate, MP or councillor has no recorded stance on “{topic_name}” yet."
    if count == 0:
        return f"Every candidate, MP and councillor we follow has a recorded stance on “{topic_name}”."
    return f"{count:,} candidates, MPs and councillors have no recorded stance on “{topic_name}” yet."

"""The home page's coverage figures: who holds a recorded stance on each topic."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlmodel import Session

from tracker.queries import coverage as q
from tracker.stance import Timeline
from tracker.web.twins import Table


def coverage_context(session: Session, today: date, members: Mapping[str, Sequence[int]] | None = None,
                     known: Mapping[str, Mapping[int, Timeline]] | None = None
                     ) -> tuple[list[q.TopicCoverage], Table]:
    """Per topic, the figures and their sentence for the page, and the twin table "coverage"."""
    items = q.coverage(session, today, members, known)
    table = Table("coverage", ("topic", "topic_name", "group", "on", "with_recorded_stance", "out_of"),
                  q.coverage_rows(items, today),
                  "Per topic and group (sitting_mps: MPs sitting on the day; ge2024_candidates: everyone "
                  "who stood at the 2024 general election; councillors: people with a council seat in "
                  "our data on the day), how many hold a recorded stance: at least one vote, pledge, "
                  "statement or signature that sets a stance. Not voting never counts.",
                  frozenset({"topic_name"}))
    return items, table

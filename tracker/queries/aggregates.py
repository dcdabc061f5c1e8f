"""Stance counts by party, seat or body over time, from the same timelines as the pages.

The people counted on a day are those holding a seat in the body that day; each
is counted in the group their seat gives them (the party they sat for, or the
seat itself). Figures therefore agree with every person page.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlmodel import Session, select

from tracker.models import Area, Body, Membership, Party
from tracker.queries.stances import scale_for, timelines_for_people
from tracker.stance import AggregateRow, aggregate, month_starts
from tracker.stance.aggregate import GroupSpans

GROUPINGS = ("party", "area", "body")
Span = tuple[date | None, date | None, str]


def _spans_by_person(session: Session, body: Body, by: str) -> dict[int, list[Span]]:
    rows = session.exec(
        select(Membership, Party.name, Area.name)
        .outerjoin(Party, Party.id == Membership.party_id)  # type: ignore[arg-type]
        .outerjoin(Area, Area.id == Membership.area_id)  # type: ignore[arg-type]
        .where(Membership.body_id == body.id)).all()
    spans: dict[int, list[Span]] = defaultdict(list)
    for membership, party_name, area_name in rows:
        group = {"party": party_name or "No party recorded", "area": area_name or "No seat recorded",
                 "body": body.name}[by]
        # Membership end dates are the last day served; group spans end the day after.
        end = membership.end_date + timedelta(days=1) if membership.end_date else None
        spans[membership.person_id].append((membership.start_date, end, group))
    return spans


def stance_counts(session: Session, *, body_slug: str = "house-of-commons", by: str = "party",
                  first: date, last: date, topic: str) -> list[AggregateRow]:
    """Counts per month (1st of each month from ``first`` to ``last``), group and stance."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    body = session.exec(select(Body).where(Body.slug == body_slug)).first()
    if body is None:
        raise LookupError(f"no body {body_slug!r}")
    spans = _spans_by_person(session, body, by)
    timelines = timelines_for_people(session, list(spans), topic)
    groups: dict[int, GroupSpans] = dict(spans)
    return aggregate(timelines, groups, month_starts(first, last), scale_for(topic))

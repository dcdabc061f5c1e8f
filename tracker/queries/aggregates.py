"""Stance counts by party, seat or body over time, from the stance read model: one query for
the body's seats, one for their stance periods, and one pandas frame, so a chart, its table
and its CSV are the same numbers.

The people counted on a day are those holding a seat in the body that day; each is counted
in the group their seat gives them (the party they sat for, or the seat itself), once per
group. A person with no stance period that day has no recorded position (the scale's
default), as on their own page.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.models import Area, Body, Membership, Party, StancePeriod, Topic
from tracker.queries.stances import scale_for
from tracker.stance import AggregateRow, month_starts

if TYPE_CHECKING:
    import pandas as pd

GROUPINGS = ("party", "area", "body")
_EARLIEST = "1900-01-01"  # open-ended spans, as timestamps pandas can compare
_LATEST = "2200-01-01"


def _frame(session: Session, statement: sa.Select, columns: list[str]) -> pd.DataFrame:  # type: ignore[type-arg]
    import pandas as pd  # loaded on first use: the CLI and the workers start faster without it

    return pd.DataFrame.from_records([tuple(row) for row in session.execute(statement)], columns=columns)


def stance_frame(session: Session, body: Body, by: str, days: list[date], topic: str) -> pd.DataFrame:
    """One row per (day, group, person) holding a seat that day, with their stance then."""
    import pandas as pd

    group = {"party": sa.func.coalesce(Party.name, "No party recorded"),
             "area": sa.func.coalesce(Area.name, "No seat recorded"),
             "body": sa.literal(body.name)}[by]
    seats = _frame(session, sa.select(Membership.person_id, group, Membership.start_date, Membership.end_date)
                   .outerjoin(Party, Party.id == Membership.party_id)  # type: ignore[arg-type]
                   .outerjoin(Area, Area.id == Membership.area_id)  # type: ignore[arg-type]
                   .where(Membership.body_id == body.id), ["person_id", "group", "start", "end"])
    seats["start"] = pd.to_datetime(seats["start"]).fillna(pd.Timestamp(_EARLIEST))
    seats["end"] = pd.to_datetime(seats["end"]).fillna(pd.Timestamp(_LATEST))  # the last day served
    on = pd.DataFrame({"day": pd.to_datetime(pd.Series(days, dtype="object"))})
    sitting = seats.merge(on, how="cross")
    sitting = sitting[(sitting["start"] <= sitting["day"]) & (sitting["day"] <= sitting["end"])]
    sitting = sitting.drop_duplicates(["day", "group", "person_id"])[["day", "group", "person_id"]]

    topic_id = session.exec(select(Topic.id).where(Topic.slug == topic)).first()
    periods = _frame(session, sa.select(StancePeriod.person_id, StancePeriod.stance, StancePeriod.start_date,
                                        StancePeriod.end_date)
                     .where(StancePeriod.topic_id == topic_id, StancePeriod.start_date <= max(days),
                            sa.or_(StancePeriod.end_date.is_(None), StancePeriod.end_date > min(days)),  # type: ignore[union-attr]
                            StancePeriod.person_id.in_(sa.select(Membership.person_id)  # type: ignore[attr-defined]
                                                       .where(Membership.body_id == body.id))),
                     ["person_id", "stance", "from", "until"])
    periods["from"] = pd.to_datetime(periods["from"]).fillna(pd.Timestamp(_EARLIEST))
    periods["until"] = pd.to_datetime(periods["until"]).fillna(pd.Timestamp(_LATEST))  # exclusive
    held = sitting[["day", "person_id"]].drop_duplicates().merge(periods, on="person_id")
    held = held[(held["from"] <= held["day"]) & (held["day"] < held["until"])][["day", "person_id", "stance"]]
    frame = sitting.merge(held, on=["day", "person_id"], how="left")
    frame["stance"] = frame["stance"].fillna(scale_for(topic).default)
    return frame


def stance_counts(session: Session, *, body_slug: str = "house-of-commons", by: str = "party",
                  first: date, last: date, topic: str) -> list[AggregateRow]:
    """Counts per month (1st of each month from ``first`` to ``last``), group and stance.

    Every group seen on a day gets a row per stance in scale order, zeros included.
    """
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    body = session.exec(select(Body).where(Body.slug == body_slug)).first()
    if body is None:
        raise LookupError(f"no body {body_slug!r}")
    days = month_starts(first, last)
    if not days:
        return []
    frame = stance_frame(session, body, by, days, topic)
    counted = frame.groupby(["day", "group", "stance"]).size().to_dict()
    keys = scale_for(topic).keys()
    return [AggregateRow(day.date(), group, key, int(counted.get((day, group, key), 0)))
            for day, group in sorted({(d, g) for d, g, _s in counted}) for key in keys]

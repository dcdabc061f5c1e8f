"""The filters resources share: each checks its raw value (through tracker/web/params.py for
numbers and days) and says what is allowed when the value is not."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from sqlmodel import Session, SQLModel

from tracker import clock
from tracker.api.declare import Filter
from tracker.config import DATA_DIR
from tracker.models import Affiliation, Area, Body, Membership, Party, Topic
from tracker.queries.stances import scale_for
from tracker.reference import topics_in_order
from tracker.web.params import BadParameter, parse_day

# The largest id a record has (PostgreSQL's integer); a larger number names nothing.
MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]+")


def shown(raw: str) -> str:
    return repr(raw if len(raw) <= 40 else raw[:40] + "…")


def topics() -> list[str]:
    """Every topic slug (``data/topics``), the default first."""
    if not has_app_context():
        return topics_in_order(DATA_DIR)
    if "api_topics" not in g:
        g.api_topics = topics_in_order(Path(current_app.config["DATA_DIR"]))
    return list(g.api_topics)


def stance_keys() -> list[str]:
    """Every stance key of every topic's scale, topic by topic, each once."""
    keys: dict[str, None] = {}
    for slug in topics():
        keys.update(dict.fromkeys(scale_for(slug).keys()))
    return list(keys)


def record_id(session: Session, model: type[SQLModel], raw: str, *, slug: Any | None = None,
              key: Any | None = None, visible: sa.ColumnElement[bool] | None = None) -> int | None:
    """The id of the record ``raw`` names: its id when all digits (or its ``key`` column, for a
    record known by another number), else its ``slug``; None when there is none, or when it
    is not ``visible`` (evidence not approved: whether it exists is not public either)."""
    id_column = key if key is not None else model.id  # type: ignore[attr-defined]
    shown_only = (visible,) if visible is not None else ()

    def first(condition: sa.ColumnElement[bool]) -> int | None:
        return session.execute(sa.select(model.id).where(condition, *shown_only)).scalar()  # type: ignore[attr-defined, no-any-return]

    if _DIGITS.fullmatch(raw):
        number = raw.lstrip("0") or "0"
        if len(number) > len(str(MAX_ID)) or int(number) > MAX_ID:
            return None
        found = first(id_column == int(number))
        if found is not None or slug is None:
            return found
    return first(slug == raw) if slug is not None else None


def record(name: str, model: type[SQLModel], noun: str, listing: str, description: str,
           condition: Callable[[int], sa.ColumnElement[bool]], *, by_slug: bool = True,
           key: Any | None = None, visible: sa.ColumnElement[bool] | None = None,
           example: str | None = None) -> Filter:
    """A filter naming one record by its slug or id (``person=tahir-ali``)."""
    slug_column = getattr(model, "slug") if by_slug else None  # noqa: B009

    def parse(session: Session, raw: str, _parsed: Mapping[str, Any]) -> int:
        found = record_id(session, model, raw, slug=slug_column, key=key, visible=visible)
        if found is None:
            named = "slug or id" if by_slug else "number"
            raise BadParameter(name, f"no {noun} has the {named} {shown(raw)}; the {noun} list is at "
                                     f"{listing}")
        return found

    kind = "slug" if by_slug else "integer"
    return Filter(name, kind, description, parse, condition, example=example)  # type: ignore[arg-type]


def choice(name: str, values: Sequence[str] | Callable[[], Sequence[str]], description: str,
           condition: Callable[[str], sa.ColumnElement[bool]], example: str | None = None) -> Filter:
    """A filter taking one of a fixed list of values."""
    allowed: Callable[[], Sequence[str]] = values if callable(values) else (lambda: values)

    def parse(_session: Session, raw: str, _parsed: Mapping[str, Any]) -> str:
        options = list(allowed())
        if raw not in options:
            raise BadParameter(name, f"must be one of: {', '.join(options)}; got {shown(raw)}")
        return raw

    return Filter(name, "choice", description, parse, condition, choices=allowed, example=example)


@dataclass(frozen=True)
class TopicValue:
    slug: str
    id: int | None  # None: a topic of data/topics not yet loaded into the database


def topic(column: Any, description: str = "Only records about this topic (its slug).") -> Filter:
    def parse(session: Session, raw: str, _parsed: Mapping[str, Any]) -> TopicValue:
        known = topics()
        if raw not in known:
            raise BadParameter("topic", f"must be a topic's slug: {', '.join(known)}; got {shown(raw)}")
        return TopicValue(raw, session.execute(sa.select(Topic.id).where(Topic.slug == raw)).scalar())

    def condition(value: TopicValue) -> sa.ColumnElement[bool]:
        return column == value.id if value.id is not None else sa.false()

    return Filter("topic", "choice", description, parse, condition, choices=topics, example="ceasefire")


def stance(condition: Callable[[str], sa.ColumnElement[bool]], description: str) -> Filter:
    """A stance key: of the scale of ``topic`` when the request names one, else of any topic's."""

    def parse(_session: Session, raw: str, parsed: Mapping[str, Any]) -> str:
        chosen: TopicValue | None = parsed.get("topic")
        keys = list(scale_for(chosen.slug).keys()) if chosen else stance_keys()
        if raw not in keys:
            scale = f"the {chosen.slug} scale" if chosen else "any topic's scale"
            raise BadParameter("stance", f"{shown(raw)} is not a stance of {scale}; its stances are: "
                                         f"{', '.join(keys)}")
        return raw

    return Filter("stance", "choice", description, parse, condition, choices=stance_keys, example="ceasefire")


def _day(name: str) -> Callable[[Session, str, Mapping[str, Any]], date]:
    return lambda _session, raw, _parsed: parse_day(name, raw)


def date_range(column: Any, what: str, *, moment: bool = False) -> tuple[Filter, Filter]:
    """``from`` and ``to`` (both inclusive) on a date column, or on a UTC time (``moment``)."""
    def start(day: date) -> Any:
        return datetime.combine(day, time.min, tzinfo=UTC) if moment else day

    def since(day: date) -> sa.ColumnElement[bool]:
        return column >= start(day)  # type: ignore[no-any-return]

    def until(day: date) -> sa.ColumnElement[bool]:
        if moment:
            return column < start(day + timedelta(days=1))  # type: ignore[no-any-return]
        return column <= day  # type: ignore[no-any-return]

    return (Filter("from", "date", f"Only {what} on or after this day (YYYY-MM-DD).", _day("from"), since,
                   example="2023-11-01"),
            Filter("to", "date", f"Only {what} on or before this day (YYYY-MM-DD).", _day("to"), until,
                   example="2024-02-29"))


# -- people: their party and seats on the day shown -------------------------------------

def _open_on(start: Any, end: Any, day: date, *, end_inclusive: bool) -> sa.ColumnElement[bool]:
    ends = end >= day if end_inclusive else end > day
    return sa.and_(sa.or_(start.is_(None), start <= day), sa.or_(end.is_(None), ends))


def party_today(person: Any, what: str) -> Filter:
    """People whose party membership (an open affiliation) is this party today."""
    def condition(party_id: int) -> sa.ColumnElement[bool]:
        return sa.exists().where(Affiliation.person_id == person, Affiliation.party_id == party_id,
                                 _open_on(Affiliation.start_date, Affiliation.end_date, clock.today(),
                                          end_inclusive=False))

    return record("party", Party, "party", "/api/v1/parties",
                  f"Only {what} whose party today (the as_of day, with as_of) is this one (its slug).",
                  condition, example="labour")


def seat_today(person: Any, what: str) -> tuple[Filter, Filter]:
    """``area`` and ``body``: people holding a seat for that area, or in that body, today."""
    def seated(*where: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
        return sa.exists().where(Membership.person_id == person, *where,
                                 _open_on(Membership.start_date, Membership.end_date, clock.today(),
                                          end_inclusive=True))

    def in_area(area_id: int) -> sa.ColumnElement[bool]:
        body_of_area = sa.select(Body.id).where(Body.area_id == area_id)
        return seated(sa.or_(Membership.area_id == area_id, Membership.body_id.in_(body_of_area)))  # type: ignore[attr-defined]

    return (record("area", Area, "area", "/api/v1/areas",
                   f"Only {what} holding a seat today for this area (a constituency's or council's slug), "
                   "or in its council.", in_area, example="birmingham-perry-barr"),
            record("body", Body, "body", "/api/v1/bodies",
                   f"Only {what} holding a seat today in this body (its slug: house-of-commons, a council).",
                   lambda body_id: seated(Membership.body_id == body_id), example="house-of-commons"))

"""Reading a resource a page at a time (keyset pagination), and one record of it.

A page is the first ``limit`` rows in the resource's order after the cursor. The
cursor is opaque to clients: the keys of the last row shown, base64url-encoded JSON
tagged with the resource's name, so a cursor of another list (or one edited by hand)
is refused with a 400 rather than read as a position. Nothing counts the whole list.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session
from werkzeug.datastructures import MultiDict

from tracker.api.declare import (
    AS_OF,
    CURSOR,
    DEFAULT_LIMIT,
    LIMIT,
    MAX_LIMIT,
    RESERVED,
    Key,
    Resource,
)
from tracker.api.filters import record_id, shown
from tracker.web.params import BadParameter, parse_int

MAX_CURSOR = 2000  # characters: a cursor holds a few keys
_MAX_INT = 2**62
_BAD_CURSOR = ("is not a cursor this list gave; use the next URL of the previous page as it is, or "
               "start again without a cursor")


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    cursor: str | None  # the next page's, None on the last page


def encode_cursor(resource: Resource, values: Sequence[Any]) -> str:
    keys = [v.isoformat() if isinstance(v, date) else v for v in values]
    raw = json.dumps({"r": resource.name, "k": keys}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _key_value(key: Key, value: Any) -> Any:
    if key.type == "integer" and isinstance(value, int) and not isinstance(value, bool) \
            and -_MAX_INT < value < _MAX_INT:
        return value
    if key.type == "date" and isinstance(value, str):
        return date.fromisoformat(value)  # ValueError when it is not a day
    if key.type == "string" and isinstance(value, str) and "\x00" not in value:
        return value
    raise ValueError(f"{key.name}: {value!r}")


def decode_cursor(resource: Resource, raw: str) -> list[Any]:
    """The keys a cursor holds, or :class:`BadParameter` naming ``cursor``."""
    try:
        if len(raw) > MAX_CURSOR:
            raise ValueError("too long")
        data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"=" * (-len(raw) % 4)))
        if not isinstance(data, dict) or data.get("r") != resource.name:
            raise ValueError("another list's cursor")
        keys = data.get("k")
        if not isinstance(keys, list) or len(keys) != len(resource.order):
            raise ValueError("not this list's keys")
        return [_key_value(k, v) for k, v in zip(resource.order, keys, strict=True)]
    except (ValueError, UnicodeError, binascii.Error, RecursionError):
        raise BadParameter(CURSOR, _BAD_CURSOR) from None


def after(order: Sequence[Key], values: Sequence[Any]) -> sa.ColumnElement[bool]:
    """Rows after ``values`` in ``order``: (a > x) or (a = x and b > y) ..., which every
    database reads the same way (and can use an index for)."""
    clauses = []
    for i, key in enumerate(order):
        equal = [order[j].column == values[j] for j in range(i)]
        clauses.append(sa.and_(*equal, key.column > values[i]))
    return sa.or_(*clauses)


def _single(args: MultiDict[str, str], allowed: Sequence[str], what: str) -> dict[str, str]:
    """Each parameter once, and only those ``allowed``; an empty value counts as absent."""
    for name in args:
        if name not in allowed:
            raise BadParameter(name, f"{what} takes no parameter {shown(name)}; it takes: "
                                     f"{', '.join(allowed)}")
        if len(args.getlist(name)) > 1:
            raise BadParameter(name, "is given more than once; give it once")
    values = {name: args[name] for name in args if args[name] != ""}
    for name, value in values.items():
        if "\x00" in value:
            raise BadParameter(name, "must not hold a NUL character")
    return values


def parameters(resource: Resource) -> list[str]:
    return [*(f.name for f in resource.filters), *RESERVED]


def list_page(session: Session, resource: Resource, args: MultiDict[str, str]) -> Page:
    """One page of ``resource`` as ``args`` (the query string) asks: filters, limit, cursor."""
    raw = _single(args, parameters(resource), f"{resource.path}")
    limit = parse_int(LIMIT, raw[LIMIT], minimum=1, maximum=MAX_LIMIT) if LIMIT in raw else DEFAULT_LIMIT
    parsed: dict[str, Any] = {}
    statement = resource.select()
    for f in resource.filters:  # in declared order: a filter may read one parsed before it
        if f.name in raw:
            parsed[f.name] = f.parse(session, raw[f.name], parsed)
            statement = statement.where(f.condition(parsed[f.name]))
    if CURSOR in raw:
        statement = statement.where(after(resource.order, decode_cursor(resource, raw[CURSOR])))
    keys = [k.column.label(f"_key{i}") for i, k in enumerate(resource.order)]
    statement = statement.add_columns(*keys).order_by(*(k.column for k in resource.order)).limit(limit + 1)
    rows = session.execute(statement).all()
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = encode_cursor(resource, [getattr(rows[-1], f"_key{i}") for i in range(len(keys))]) \
        if more and rows else None
    return Page(resource.shape(session, rows), cursor)


def item(session: Session, resource: Resource, key: str, args: MultiDict[str, str]) -> dict[str, Any] | None:
    """The record ``key`` names (its id, or its slug), None when there is none."""
    _single(args, [AS_OF], f"{resource.path}/<key>")
    lookup = resource.lookup
    if lookup is None or "\x00" in key:
        return None
    model_id = _model_id(session, resource, key)
    if model_id is None:
        return None
    rows = session.execute(resource.select().where(model_id)).all()
    shaped = resource.shape(session, rows)
    return shaped[0] if shaped else None


def _model_id(session: Session, resource: Resource, key: str) -> sa.ColumnElement[bool] | None:
    """The condition picking the record ``key`` names, or None when no record has that key."""
    lookup = resource.lookup
    assert lookup is not None
    table = lookup.id.class_ if hasattr(lookup.id, "class_") else None
    if table is None:
        raise TypeError(f"{resource.name}: lookup.id must be a model's column")
    found = record_id(session, table, key, slug=lookup.slug, key=lookup.id)
    return table.id == found if found is not None else None


def links(resource: Resource, row: Mapping[str, Any], url: Any) -> dict[str, str | None]:
    """The lists narrowed to this record, by name: ``url(resource name, filter, value)``."""
    return {r.name: url(r.resource, r.filter, row[r.value]) if row.get(r.value) is not None else None
            for r in resource.related}

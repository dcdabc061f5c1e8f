"""Stored values as the dump writes them, and dump cells read back as values.

One rule for every file: null is an empty cell, booleans ``true``/``false``, dates
``YYYY-MM-DD``, datetimes ISO 8601 in UTC ending in ``Z``, numbers as Python writes
them (the shortest text that reads back as the same float), JSON compact with sorted
keys. Reading a cell back (:func:`parser`) accepts exactly what writing produces, so a
dump loaded and dumped again is the same, byte for byte.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import SQLModel

import tracker.models  # noqa: F401  (the tables' metadata)
from tracker.dataset.tables import DumpTable

_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True,
                         check_circular=False).encode
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?Z")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


class CellError(ValueError):
    """A cell that is not what its column declares."""


def boolean_text(value: bool) -> str:
    return "true" if value else "false"


def day_text(value: date) -> str:
    return value.isoformat()


def moment_text(value: datetime) -> str:
    """A stored time in UTC (a time without a zone is stored UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat() + "Z"


def number_text(value: float) -> str:
    return repr(float(value))


def json_text(value: Any) -> str:
    return _JSON(value)


Converter = Callable[[Any], Any]


def text_converters(table: DumpTable) -> list[tuple[int, Converter]]:
    """(column index, function) for the columns whose values need turning into text (a CSV
    writer turns integers and strings into text itself, and None into an empty cell)."""
    out: list[tuple[int, Converter]] = []
    for index, column in enumerate(table.columns):
        if column.name in table.json:
            out.append((index, json_text))
        elif column.type == "boolean":
            out.append((index, boolean_text))
        elif column.type == "date":
            out.append((index, day_text))
        elif column.type == "datetime":
            out.append((index, moment_text))
        elif column.type == "number":
            out.append((index, number_text))
    return out


def _json_or_null(encode: Converter) -> Converter:
    def convert(value: Any) -> str:
        return "null" if value is None else encode(value)

    return convert


def _json_boolean(value: Any) -> str:
    return "null" if value is None else "true" if value else "false"


def _json_number(value: Any) -> str:
    return "null" if value is None else repr(float(value))


def _json_integer(value: Any) -> Any:
    return "null" if value is None else value


_JSON_STRING = json.encoder.encode_basestring  # type: ignore[attr-defined]  # C, no ASCII escapes


def json_value_converters(table: DumpTable) -> list[tuple[int, Converter]]:
    """(column index, function) turning a stored value into its JSON text ("null" for null),
    for the columns whose values are not already written as JSON by ``%s`` (integers never
    null are)."""
    out: list[tuple[int, Converter]] = []
    stored = _nullable(table)
    for index, column in enumerate(table.columns):
        if column.name in table.json:
            out.append((index, _json_or_null(json_text)))
        elif column.type == "integer":
            if stored[column.name]:
                out.append((index, _json_integer))
        elif column.type == "boolean":
            out.append((index, _json_boolean))
        elif column.type == "number":
            out.append((index, _json_number))
        elif column.type == "date":
            out.append((index, _json_or_null(lambda v: _JSON_STRING(day_text(v)))))
        elif column.type == "datetime":
            out.append((index, _json_or_null(lambda v: _JSON_STRING(moment_text(v)))))
        else:
            out.append((index, _json_or_null(_JSON_STRING)))
    return out


def _nullable(table: DumpTable) -> dict[str, bool]:
    stored = SQLModel.metadata.tables[table.name].c
    return {c.name: bool(stored[c.name].nullable) for c in table.columns}


# -- reading cells back ----------------------------------------------------------------------

def _integer(text: str) -> int:
    digits = text[1:] if text[:1] == "-" else text
    # ASCII digits only (int() would also take " 1", "1_000" or Arabic-Indic digits).
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
        raise CellError(f"{text!r} is not a whole number")
    return int(text)


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CellError(f"{text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise CellError(f"{text!r} is not a finite number")
    return value


def _boolean(text: str) -> bool:
    if text == "true":
        return True
    if text == "false":
        return False
    raise CellError(f"{text!r} is not true or false")


def _date(text: str) -> date:
    if not _DAY.fullmatch(text):
        raise CellError(f"{text!r} is not a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CellError(f"{text!r} is not a date that exists") from None


def parse_moment(text: str) -> datetime:
    if not _MOMENT.fullmatch(text):
        raise CellError(f"{text!r} is not a time written YYYY-MM-DDTHH:MM:SS[.ffffff]Z (UTC)")
    try:
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    except ValueError:
        raise CellError(f"{text!r} is not a time that exists") from None


def _url(text: str) -> str:
    if not _URL.fullmatch(text):
        raise CellError(f"{text!r} is not a web address")
    return text


def _json(kind: str) -> Converter:
    expected = dict if kind == "object" else list

    def parse(text: str) -> Any:
        try:
            value = json.loads(text)
        except ValueError:
            raise CellError(f"{text[:60]!r} is not JSON") from None
        if not isinstance(value, expected):
            raise CellError(f"{text[:60]!r} is not a JSON {kind}")
        return value

    return parse


def json_checker(kind: str) -> Converter:
    """Like the parser of a JSON column, but giving the cell's text back once it is checked
    (stored as it is: parsing and writing it again would cost more than the check)."""
    parse = _json(kind)

    def check(text: str) -> str:
        parse(text)
        return text

    return check


_PARSERS: dict[str, Converter] = {"integer": _integer, "number": _number, "boolean": _boolean,
                                  "date": _date, "datetime": parse_moment, "url": _url}


def parser(table: DumpTable, name: str) -> Converter:
    """The function that reads a non-empty cell of column ``name`` (CellError if it cannot)."""
    if name in table.json:
        return _json(table.json[name])
    column = table.column(name)
    found = _PARSERS.get(column.type)
    if found is None:
        return str
    return found

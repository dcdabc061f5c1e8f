"""One table as CSV or JSON, written row by row (a large table is never one string in memory).

CSV: a header of the column names, then one line per row; null is an empty cell,
dates ISO 8601, booleans True/False. Every text cell that a spreadsheet would run
as a formula (starting with = + - @, a tab or a carriage return) gets a leading
apostrophe, whatever the column: numbers stay numbers.

JSON: ``head`` (what the page says about its tables), then ``"rows"``: one object
per row, keyed by column name, in column order.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from tracker.exports.schema import Row, plain

# Cells starting with these run as formulas in spreadsheets (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Rows are written out in chunks of about this many characters.
CHUNK = 32_768


def defuse(value: Any) -> Any:
    """A CSV cell: text that would start a formula gets a leading apostrophe."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_chunks(columns: Sequence[str], rows: Iterable[Row]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([defuse(row.get(c)) for c in columns])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_chunks(head: Mapping[str, Any], columns: Sequence[str], rows: Iterable[Row]) -> Iterator[str]:
    opening = json.dumps({**head, "rows": []}, ensure_ascii=False, indent=1)
    if not opening.endswith("[]\n}"):
        raise ValueError("the head of a JSON twin must end before its rows")
    yield opening[:-len("]\n}")] + "\n"
    parts: list[str] = []
    size = 0
    separator = ""
    for row in rows:
        text = separator + json.dumps({c: plain(row.get(c)) for c in columns}, ensure_ascii=False)
        separator = ",\n"
        parts.append(text)
        size += len(text)
        if size >= CHUNK:
            yield "".join(parts)
            parts, size = [], 0
    yield "".join(parts) + "\n]\n}\n"

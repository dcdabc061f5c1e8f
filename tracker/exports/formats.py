"""One table as CSV, JSON or NDJSON, written row by row (a large table is never one string
in memory).

CSV: RFC 4180 as the data dump writes it (a header of the column names, then one line
per row, CRLF line ends, quotes only where a cell needs them); null is an empty cell,
dates ISO 8601, booleans true/false. Every text cell that a spreadsheet would run as a
formula (starting with = + - @, a tab or a carriage return) gets a leading apostrophe,
whatever the column: numbers stay numbers. With ``bom``, a UTF-8 byte order mark comes
first (Excel then reads the file as UTF-8); otherwise the bytes are the same.

JSON: ``head`` (what the page says about its tables), then ``"rows"``: one object
per row, keyed by column name, in column order.

NDJSON: the same objects as JSON's rows, one a line, nothing else.
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
# The UTF-8 byte order mark, as the first character of an Excel-friendly CSV.
BOM = "\ufeff"


def defuse(value: Any) -> Any:
    """A CSV cell: text that would start a formula gets a leading apostrophe."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):  # as the data dump writes them
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_chunks(columns: Sequence[str], rows: Iterable[Row], bom: bool = False) -> Iterator[str]:
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    # The dump's dialect (tracker.dataset.export.csv_chunks): excel, spelt out.
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
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


def ndjson_chunks(columns: Sequence[str], rows: Iterable[Row]) -> Iterator[str]:
    """One JSON object a line (keys in column order), each line ending in a newline."""
    parts: list[str] = []
    size = 0
    for row in rows:
        text = json.dumps({c: plain(row.get(c)) for c in columns}, ensure_ascii=False) + "\n"
        parts.append(text)
        size += len(text)
        if size >= CHUNK:
            yield "".join(parts)
            parts, size = [], 0
    yield "".join(parts)

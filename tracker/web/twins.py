"""Every page's data as CSV and JSON twins (``?format=csv`` / ``?format=json``).

A view builds its facts once as ``Table``s, renders them as HTML, and the same
tables answer the twins, so a page and its download always agree. Columns are
declared per table and stay stable; every row that states a stance carries
the URL of its source.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import Response, render_template, request, url_for

from tracker.web.site_url import absolute

FORMATS = ("csv", "json")
# Cells starting with these run as formulas in spreadsheets (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    name: str
    columns: Sequence[str]
    rows: Sequence[Mapping[str, Any]]
    description: str = ""
    text_columns: frozenset[str] = field(default_factory=frozenset)


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _csv_cell(value: Any, is_text: bool) -> Any:
    value = _plain(value)
    if value is None:
        return ""
    if is_text and isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def as_csv(tables: Sequence[Table]) -> str:
    """One CSV; with several tables, a leading ``table`` column says which each row is from."""
    out = io.StringIO()
    writer = csv.writer(out)
    several = len(tables) > 1
    if several:
        columns: list[str] = ["table"]
        for table in tables:
            columns.extend(c for c in table.columns if c not in columns)
    else:
        columns = list(tables[0].columns) if tables else []
    writer.writerow(columns)
    for table in tables:
        for row in table.rows:
            values = {**row, "table": table.name} if several else row
            writer.writerow([_csv_cell(values.get(c), c in table.text_columns or c == "table")
                             for c in columns])
    return out.getvalue()


def as_json(tables: Sequence[Table], meta: Mapping[str, Any]) -> str:
    body = {
        **meta,
        "tables": {t.name: {"description": t.description, "columns": list(t.columns),
                            "rows": [{c: _plain(r.get(c)) for c in t.columns} for r in t.rows]}
                   for t in tables},
    }
    return json.dumps(body, ensure_ascii=False, indent=1)


def requested_format() -> str | None:
    fmt = request.args.get("format")
    return fmt if fmt in FORMATS else None


def data_links() -> dict[str, str]:
    """URLs of the current page's CSV and JSON twins (keeping its other arguments)."""
    args = {k: v for k, v in request.args.items() if k != "format"}
    endpoint = request.endpoint or ""
    view_args = request.view_args or {}
    return {fmt: url_for(endpoint, **view_args, **args, format=fmt) for fmt in FORMATS}


def page(template: str, tables: Sequence[Table], filename: str, **context: Any) -> Response | str:
    """Render ``template``, or its data when ``?format=csv|json`` is asked for."""
    fmt = requested_format()
    wanted = request.args.get("table")
    # ``&table=NAME`` narrows a twin to one of the page's tables; an unknown name gives them all.
    tables = [t for t in tables if t.name == wanted] or list(tables)
    if fmt == "csv":
        response = Response(as_csv(tables), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if fmt == "json":
        meta = {"page": absolute(request.path), "generated": date.today().isoformat()}
        return Response(as_json(tables, meta), mimetype="application/json")
    return render_template(template, data_links=data_links(), **context)

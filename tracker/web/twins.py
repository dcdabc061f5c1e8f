"""Every page's data as CSV, JSON and NDJSON twins (``?format=csv|json|ndjson``).

A view builds its facts once, renders them as HTML, and binds the same facts to
its kind of page's tables (:mod:`tracker.exports.registry`), so a page and its
download always agree. One table per URL, written row by row:

- ``?format=csv&table=NAME``: that table; without ``table``, the page's primary
  (first) table. Saved as ``{page}-{table}-YYYY-MM-DD.csv`` (the day the page is shown
  as of: today, or its ``as_of``). ``bom=1`` puts a UTF-8 byte order mark first, for
  Excel; ``bom=0`` (the default) none.
- ``?format=json&table=NAME``: ``{"page", "generated", "tables", "table", "rows"}``:
  ``tables`` is the index of every table of the page (its description, its columns
  with their types and descriptions, and the URLs of its CSV, JSON and NDJSON twins),
  ``table`` the name of the table whose ``rows`` follow; without ``table``, the
  primary table's.
- ``?format=ndjson&table=NAME``: the same rows as the JSON twin, one object a line.

An unknown ``format`` or ``table`` is a 400 that says what is allowed.

The body is written as the server sends it, after the view has returned and its
request (with its database session) has ended: a table's rows are made from the
facts the view already holds, never by a query or ``url_for`` of their own.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, render_template, request, url_for

from tracker import clock
from tracker.exports.formats import csv_chunks, json_chunks, ndjson_chunks
from tracker.exports.schema import ExportTable, PageTables, Twin
from tracker.web.pagination import list_parameters
from tracker.web.params import BadParameter, int_arg
from tracker.web.site_url import absolute, absolute_url_for

FORMATS = ("csv", "json", "ndjson")
NDJSON = "application/x-ndjson"


def _shown(raw: str) -> str:
    return repr(raw if len(raw) <= 40 else raw[:40] + "…")


def requested_format() -> str | None:
    """``csv``, ``json`` or ``ndjson`` when a twin is asked for, None for the page; anything
    else is a 400."""
    raw = request.args.get("format", "")
    if raw == "":
        return None
    if raw not in FORMATS:
        raise BadParameter("format", f"unknown format {_shown(raw)}; use csv, json or ndjson")
    return raw


def requested_table(tables: PageTables[Any]) -> ExportTable[Any]:
    """The table ``?table=`` names (the primary table when absent); an unknown name is a 400."""
    raw = request.args.get("table", "")
    if raw == "":
        return tables.primary
    found = tables.get(raw)
    if found is None:
        raise BadParameter("table", f"unknown table {_shown(raw)}; this page has: {', '.join(tables.names)}")
    return found


def data_links() -> dict[str, str]:
    """URLs of the current page's CSV and JSON twins (keeping its other arguments but the
    page numbers of its lists: a twin has every row)."""
    skip = ("format", *list_parameters())
    args = {k: v for k, v in request.args.items() if k not in skip}
    endpoint = request.endpoint or ""
    view_args = request.view_args or {}
    return {fmt: url_for(endpoint, **view_args, **args, format=fmt) for fmt in FORMATS}


def table_url(fmt: str, table: str, external: bool = False) -> str:
    """The URL of one table of the current page (keeping its other arguments); absolute on SITE_URL
    when ``external``."""
    skip = ("format", "table", *list_parameters())
    args = {k: v for k, v in request.args.items() if k not in skip}
    build = absolute_url_for if external else url_for
    return build(request.endpoint or "", **(request.view_args or {}), **args, format=fmt, table=table)


def index(tables: PageTables[Any]) -> dict[str, Any]:
    """What the JSON twin says about each of the page's tables."""
    return {t.name: {"description": t.description, "columns": [c.describe() for c in t.columns],
                     **{fmt: table_url(fmt, t.name, True) for fmt in FORMATS}}
            for t in tables.tables}


def page(template: str, twin: Twin[Any], filename: str, **context: Any) -> Response | str:
    """Render ``template``, or one of the page's tables when ``?format=csv|json|ndjson`` is asked for."""
    fmt = requested_format()
    if fmt is None:
        about = url_for("downloads.twins_doc", page=twin.tables.page)
        return render_template(template, data_links=data_links(), data_about=about, **context)
    table = requested_table(twin.tables)
    bom = int_arg("bom", 0, minimum=0, maximum=1) == 1
    rows = twin.rows(table)
    saved_as = f"{filename}-{table.name}-{clock.today().isoformat()}"
    if fmt == "csv":
        response = Response(csv_chunks(table.column_names, rows, bom=bom), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{saved_as}.csv"'
        return response
    if fmt == "ndjson":
        response = Response(ndjson_chunks(table.column_names, rows), mimetype=NDJSON)
        response.headers["Content-Disposition"] = f'attachment; filename="{saved_as}.ndjson"'
        return response
    as_of = g.get("as_of_day")
    head = {"page": absolute(request.path), "generated": clock.real_today().isoformat(),
            "as_of": as_of.isoformat() if as_of else None,
            "tables": index(twin.tables), "table": table.name}
    return Response(json_chunks(head, table.column_names, rows), mimetype="application/json")

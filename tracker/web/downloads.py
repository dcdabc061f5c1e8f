"""The full data, for download: ``/downloads/dump.zip`` (every table as CSV with
``datapackage.json``, zipped as it is sent) and each table alone, ``/downloads/<table>.csv``
and ``/downloads/<table>.ndjson``, written row by row from a cursor.

The bytes are the dump's (:mod:`tracker.dataset`): the same as ``tracker export dump``
writes. A body is made after the view has returned, from its own database connection
(the engine is passed to the generator: nothing of the request is used while sending).
With ``?as_of=YYYY-MM-DD`` the engine is that day's copy of the database
(:mod:`tracker.web.asof`); ``?bom=1`` puts a UTF-8 byte order mark before a CSV, for Excel.

``/downloads`` documents the files, ``/downloads/tables/<name>`` each table of the full data
column by column and ``/downloads/pages/<page>`` each kind of page's own tables
(:mod:`tracker.web.downloads_docs`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from flask import Blueprint, Response, abort, current_app, g, render_template
from sqlalchemy.engine import Engine

from tracker import clock
from tracker.dataset import FORMATS
from tracker.dataset.dump import zip_chunks
from tracker.dataset.export import csv_chunks, ndjson_chunks, snapshot
from tracker.dataset.tables import BY_NAME, DumpTable
from tracker.db import get_session
from tracker.exports.formats import BOM
from tracker.prose.downloads import not_documented
from tracker.queries import downloads as downloads_q
from tracker.web import downloads_docs
from tracker.web.params import int_arg
from tracker.web.site_url import site_url

bp = Blueprint("downloads", __name__)

NAME = "ceasefire-tracker"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson; charset=utf-8"}


def _shown(raw: str) -> str:
    return repr(raw if len(raw) <= 40 else raw[:40] + "…")


def _error(status: int, title: str, message: str, fmt: str) -> Response:
    """An error in the format asked for: JSON for an NDJSON download, plain text otherwise."""
    if fmt == "ndjson":
        body = json.dumps({"error": {"status": status, "title": title, "message": message}},
                          ensure_ascii=False)
        return Response(body, status=status, mimetype="application/json")
    return Response(f"{title}: {message}\n", status=status, mimetype="text/plain")


def _what_exists() -> str:
    return (f"the tables are {', '.join(BY_NAME)}; each is at /downloads/<table>.csv and "
            "/downloads/<table>.ndjson, and all of them at /downloads/dump.zip")


def _engine() -> Engine:
    """The database this request reads: a past day's copy for ``?as_of=`` (set by
    tracker/web/asof.py), else the site's."""
    engine: Engine = g.get("db_engine") or current_app.extensions["engine"]
    return engine


@bp.get("/downloads")
def documentation() -> str:
    """What every downloadable file, table and column holds, for journalists."""
    session = get_session()
    day = clock.today()
    past = day < clock.real_today()
    return render_template("downloads.html", **downloads_docs.context(
        downloads_q.row_counts(session), day, past, downloads_q.last_changed(session)))


@bp.get("/downloads/tables/<string:name>")
def table_doc(name: str) -> str:
    """One table of the full data: its keys, and every column with its type, meaning and values."""
    table = BY_NAME.get(name)
    if table is None:
        abort(404, description=not_documented("table", name, downloads_docs.dump_table_names()))
    count = downloads_q.row_counts(get_session(), [table])[name]
    return render_template("downloads/table.html", **downloads_docs.table_context(name, count))


@bp.get("/downloads/pages/<string:page>")
def twins_doc(page: str) -> str:
    """One kind of page's own tables (its CSV, JSON and NDJSON twins) and their columns."""
    context = downloads_docs.twins_context(page)
    if context is None:
        abort(404, description=not_documented("kind of page", page, downloads_docs.twin_page_names()))
    return render_template("downloads/page.html", **context)


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/downloads/dump.zip")
def dump_zip() -> Response:
    folder = f"{NAME}-{clock.today().isoformat()}"
    chunks = zip_chunks(_engine(), site_url(), folder)
    return _attachment(Response(chunks, mimetype="application/zip"), f"{folder}.zip")


@bp.get("/downloads/<string:filename>")
def table_file(filename: str) -> Response:
    stem, dot, fmt = filename.rpartition(".")
    if not dot or fmt not in FORMATS:
        shown = _shown(fmt) if dot else "none"
        return _error(400, "Bad request", f"unknown format {shown} in {_shown(filename)}; the formats are "
                      f"{' and '.join(FORMATS)}, and {_what_exists()}", fmt)
    table = BY_NAME.get(stem)
    if table is None:
        return _error(404, "Not found", f"there is no table {_shown(stem)}; {_what_exists()}", fmt)
    bom = int_arg("bom", 0, minimum=0, maximum=1) == 1 and fmt == "csv"
    chunks = _table_chunks(_engine(), table, fmt, bom)
    response = Response(chunks, content_type=CONTENT_TYPES[fmt])
    return _attachment(response, f"{table.name}-{clock.today().isoformat()}.{fmt}")


def _table_chunks(engine: Engine, table: DumpTable, fmt: str, bom: bool = False) -> Iterator[bytes]:
    if bom:
        yield BOM.encode()
    with snapshot(engine) as connection:
        if fmt == "csv":
            yield from csv_chunks(connection, table)
        else:
            yield from ndjson_chunks(connection, table)

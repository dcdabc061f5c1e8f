"""The full data, for download: ``/downloads/dump.zip`` (every table as CSV with
``datapackage.json``, zipped as it is sent) and each table alone, ``/downloads/<table>.csv``
and ``/downloads/<table>.ndjson``, written row by row from a cursor.

The bytes are the dump's (:mod:`tracker.dataset`): the same as ``tracker export dump``
writes. A body is made after the view has returned, from its own database connection
(the engine is passed to the generator: nothing of the request is used while sending).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from flask import Blueprint, Response, current_app
from sqlalchemy.engine import Engine

from tracker import clock
from tracker.dataset import FORMATS
from tracker.dataset.dump import zip_chunks
from tracker.dataset.export import csv_chunks, ndjson_chunks, snapshot
from tracker.dataset.tables import BY_NAME, DumpTable
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


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/downloads/dump.zip")
def dump_zip() -> Response:
    folder = f"{NAME}-{clock.today().isoformat()}"
    chunks = zip_chunks(current_app.extensions["engine"], site_url(), folder)
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
    chunks = _table_chunks(current_app.extensions["engine"], table, fmt)
    response = Response(chunks, content_type=CONTENT_TYPES[fmt])
    return _attachment(response, f"{table.name}-{clock.today().isoformat()}.{fmt}")


def _table_chunks(engine: Engine, table: DumpTable, fmt: str) -> Iterator[bytes]:
    with snapshot(engine) as connection:
        if fmt == "csv":
            yield from csv_chunks(connection, table)
        else:
            yield from ndjson_chunks(connection, table)

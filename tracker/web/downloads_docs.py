"""What the /downloads pages say: every file, table and column, from their declarations.

The full data's tables come from :func:`tracker.dataset.describe`, the page twins' from
:func:`tracker.exports.registry.describe` and the licences from
:mod:`tracker.dataset.package` (what ``datapackage.json`` says): the pages are made from
the same declarations as the files they document, so they cannot fall behind them.

Documenting every column on one page came to over 300 KB of HTML, so ``/downloads`` is the
overview (files, sizes, licences, citation) and each table of the full data
(``/downloads/tables/<name>``) and each kind of page's tables (``/downloads/pages/<page>``)
has a page of its own. The overview keeps the old anchors (``#table-<name>``,
``#twins-<page>``) on the entries that link to those pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import url_for

from tracker import dataset
from tracker.dataset import package
from tracker.exports import registry
from tracker.exports.formats import FORMULA_START
from tracker.prose.downloads import rows_text, size_sentence
from tracker.web.site_url import absolute, absolute_url_for, site_url
from tracker.web.twins import FORMATS as TWIN_FORMATS

# Above this many allowed values, a column's list is folded (in <details>).
FOLD_VALUES = 20


def table_anchor(name: str) -> str:
    return f"table-{name}"


def twins_anchor(page: str) -> str:
    return f"twins-{page}"


def table_doc_url(name: str) -> str:
    return url_for("downloads.table_doc", name=name)


def twins_doc_url(page: str) -> str:
    return url_for("downloads.twins_doc", page=page)


def twin_address(page_url: str, fmt: str, table: str) -> str:
    """How to ask a kind of page for one table: ``/people/<slug>?format=csv&table=evidence``."""
    joiner = "&" if "?" in page_url else "?"
    return f"{page_url}{joiner}format={fmt}&table={table}"


def first_sentence(text: str) -> str:
    """The first sentence of a description (for the list of files; the table's page has it all)."""
    head, stop, _rest = text.partition(". ")
    return head + "." if stop else text


def dump_table_names() -> list[str]:
    return [t["name"] for t in dataset.describe()["tables"]]


def twin_page_names() -> list[str]:
    return [p["page"] for p in registry.describe()["pages"]]


def _title(page: str) -> str:
    return page.replace("_", " ").capitalize()


def documented_columns(columns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Columns with their allowed values, and whether that list is long enough to fold."""
    return [{**c, "values": c.get("values") or [], "fold": len(c.get("values") or []) > FOLD_VALUES}
            for c in columns]


def _dump_table(described: dict[str, Any], count: int) -> dict[str, Any]:
    name = described["name"]
    keys = [{**fk, "url": table_doc_url(fk["table"])} for fk in described["foreign_keys"]]
    return {**described, "anchor": table_anchor(name), "url": table_doc_url(name),
            "summary": first_sentence(described["description"]), "count": count,
            "count_text": rows_text(count), "foreign_keys": keys,
            "columns": documented_columns(described["columns"]),
            "links": {fmt: url_for("downloads.table_file", filename=f"{name}.{fmt}")
                      for fmt in dataset.FORMATS}}


def _twin_kind(described: dict[str, Any]) -> dict[str, Any]:
    page_url = described["url"]
    tables = [{**table, "primary": index == 0, "anchor": f"{twins_anchor(described['page'])}-{table['name']}",
               "columns": documented_columns(table["columns"]),
               "asks": {fmt: twin_address(page_url, fmt, table["name"]) for fmt in TWIN_FORMATS}}
              for index, table in enumerate(described["tables"])]
    return {"page": described["page"], "title": _title(described["page"]), "url": page_url,
            "anchor": twins_anchor(described["page"]), "doc_url": twins_doc_url(described["page"]),
            "tables": tables}


def _licences() -> dict[str, Any]:
    licences = {entry["name"]: entry for entry in package.LICENSES}
    sources = [{"name": s.name, "covers": s.covers, "path": s.path.replace("{site}", site_url().rstrip("/")),
                "licence": licences.get(s.licence) if s.licence else None, "terms": s.terms,
                "credit": s.credit}
               for s in package.SOURCE_LIST]
    return {"licences": list(package.LICENSES), "sources": sources, "own_terms": package.OWN_RECORDS_TERMS}


def context(counts: Mapping[str, int], day: date, past: bool, changed: datetime | None) -> dict[str, Any]:
    """Everything the overview shows. ``day``: the day the page is shown as of (today, or
    its ``as_of``); ``past``: whether that day is over (an as-of page)."""
    described = dataset.describe()
    stamp = day.isoformat()
    return {
        "size": size_sentence(counts, day, past),
        "changed": changed,
        "dump_url": url_for("downloads.dump_zip"),
        "dump_filename": f"{package.NAME}-{stamp}.zip",
        "package_file": described["package"],
        "raw_cells": described["cells"],
        "tables": [_dump_table(t, counts[t["name"]]) for t in described["tables"]],
        "excluded": described["excluded_tables"],
        "types": described["types"],
        "pages": [_twin_kind(p) for p in registry.describe()["pages"]],
        "formula_start": [c for c in FORMULA_START if c.isprintable()],
        **_licences(),
        "api_url": url_for("api.overview"),
        "openapi_url": url_for("api.openapi"),
        "cite_dump_url": absolute_url_for("downloads.dump_zip", as_of=stamp),
        "cite_page_url": absolute_url_for("downloads.documentation", as_of=stamp),
        "example_as_of": absolute(url_for("downloads.table_file", filename="evidence.csv", as_of=stamp)),
        "site": site_url().rstrip("/"),
    }


def table_context(name: str, count: int) -> dict[str, Any]:
    """What ``/downloads/tables/<name>`` shows (``name``: one of the full data's tables)."""
    described = dataset.describe()
    found = next(t for t in described["tables"] if t["name"] == name)
    names = [t["name"] for t in described["tables"]]
    return {"table": _dump_table(found, count), "package_file": described["package"],
            "other_links": [(n, table_doc_url(n)) for n in names if n != name]}


def twins_context(page: str) -> dict[str, Any] | None:
    """What ``/downloads/pages/<page>`` shows; None for a kind of page that has no tables."""
    pages = registry.describe()["pages"]
    found = next((p for p in pages if p["page"] == page), None)
    if found is None:
        return None
    others = [(_title(p["page"]).lower(), twins_doc_url(p["page"])) for p in pages if p["page"] != page]
    return {"kind": _twin_kind(found), "other_links": others}

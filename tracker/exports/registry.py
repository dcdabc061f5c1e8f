"""Every table the site exports, declared once, by the kind of page that exports it.

Page twins (``?format=csv|json&table=NAME``, :mod:`tracker.web.twins`) serve these
tables and nothing else; :func:`describe` gives all of them with their columns,
types and descriptions (for the data dump's ``datapackage.json`` and the API's
OpenAPI document).
"""

from __future__ import annotations

from typing import Any

from tracker.exports import compare as compare_tables
from tracker.exports import coverage as coverage_tables
from tracker.exports import decisions, divisions, elections, history, parties, people, places, pledges, public
from tracker.exports import search as search_tables
from tracker.exports.schema import TYPES, ExportTable, PageTables

REGISTRY: dict[str, PageTables[Any]] = {p.page: p for p in (
    public.HOME, public.CHANGES, public.METHODOLOGY, search_tables.SEARCH,
    people.PERSON, places.CONSTITUENCY, places.COUNCIL,
    parties.PARTIES, parties.PARTY, divisions.DIVISIONS, divisions.DIVISION,
    decisions.DECISIONS, decisions.DECISION, elections.ELECTIONS, elections.ELECTION,
    pledges.PLEDGES, pledges.PLEDGE, history.HISTORY, history.CHANGE_SET, coverage_tables.COVERAGE,
    compare_tables.COMPARE,
)}


def table(page: str, name: str) -> ExportTable[Any]:
    """The table ``name`` of a kind of page (KeyError if there is none)."""
    found = REGISTRY[page].get(name)
    if found is None:
        raise KeyError(f"page {page} has no table {name!r}")
    return found


def describe() -> dict[str, Any]:
    """Every page's tables, with their columns, types and descriptions (JSON-ready)."""
    return {"types": list(TYPES), "pages": [p.describe() for p in REGISTRY.values()]}

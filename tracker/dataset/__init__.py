"""The full data dump: every public table of the database, declared once
(:mod:`tracker.dataset.tables`), written as CSV files with a Frictionless
``datapackage.json`` (:mod:`tracker.dataset.dump`), served table by table
(:mod:`tracker.dataset.export`) and loaded back (:mod:`tracker.dataset.load`).
"""

from __future__ import annotations

from typing import Any

from tracker.dataset.package import FILENAME
from tracker.dataset.tables import EXCLUDED_TABLES, RAW_CELLS, TABLES
from tracker.exports.schema import TYPES

FORMATS = ("csv", "ndjson")


def describe() -> dict[str, Any]:
    """Every dump table with its columns (type, description, allowed values, example) and keys,
    JSON-ready (for the /downloads page)."""
    return {"types": list(TYPES), "formats": list(FORMATS), "package": FILENAME, "cells": RAW_CELLS,
            "tables": [t.describe() for t in TABLES],
            "excluded_tables": [{"name": name, "why": why} for name, why in EXCLUDED_TABLES.items()]}

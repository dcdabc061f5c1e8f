"""What an exported table is: its columns with types and descriptions, and how its rows are made.

A page's tables are a :class:`PageTables`: the page builds its facts once (its
*context*), renders them as HTML, and each :class:`ExportTable` turns the same
context into rows for the CSV and JSON twins. The declarations are the only
place a table's name, columns and meaning are written down
(:mod:`tracker.exports.registry` collects them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar, get_args

ColumnType = Literal["string", "integer", "number", "boolean", "date", "datetime", "url"]
TYPES: tuple[str, ...] = get_args(ColumnType)
Row = Mapping[str, Any]
C = TypeVar("C")


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    description: str
    values: tuple[str, ...] | None = None  # the allowed values, when there is a fixed list
    example: str | None = None  # a value as a CSV cell holds it (the data dump's columns give one)

    def but(self, **changes: Any) -> Column:
        """The same column with some of its declaration changed (a table's own wording)."""
        return replace(self, **changes)

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "description": self.description}
        if self.values is not None:
            out["values"] = list(self.values)
        if self.example is not None:
            out["example"] = self.example
        return out


@dataclass(frozen=True)
class ExportTable(Generic[C]):
    """One table of a page: what a journalist reads about it, and the rows it holds for a page.

    ``rows`` runs while the twin is being sent, after the request has ended: it reads
    only the page's facts (no queries, no ``url_for``).
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[C], Iterable[Row]] = field(repr=False)

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name}: a column is declared twice: {names}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description,
                "columns": [c.describe() for c in self.columns]}


@dataclass(frozen=True)
class PageTables(Generic[C]):
    """Every table a kind of page exports, the first being its primary table."""

    page: str  # "person"
    url: str  # "/people/<slug>", for the description
    tables: tuple[ExportTable[C], ...]

    def __post_init__(self) -> None:
        names = [t.name for t in self.tables]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"page {self.page}: tables must be named once each: {names}")

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tables]

    @property
    def primary(self) -> ExportTable[C]:
        return self.tables[0]

    def get(self, name: str) -> ExportTable[C] | None:
        return next((t for t in self.tables if t.name == name), None)

    def bind(self, context: C) -> Twin[C]:
        return Twin(self, context)

    def describe(self) -> dict[str, Any]:
        return {"page": self.page, "url": self.url, "tables": [t.describe() for t in self.tables]}


@dataclass(frozen=True)
class Twin(Generic[C]):
    """A page's tables with the facts of one page (what the view built)."""

    tables: PageTables[C]
    context: C

    def rows(self, table: ExportTable[C]) -> Iterable[Row]:
        return table.rows(self.context)


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_URL = re.compile(r"https?://\S+")


def plain(value: Any) -> Any:
    """A cell as the twins write it: dates and times in ISO 8601, everything else as it is."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def conforms(column_type: str, value: Any) -> bool:
    """Whether a value as the JSON twin gives it (after :func:`plain`) is of the declared type.

    Null is allowed in every column.
    """
    if value is None:
        return True
    if column_type == "string":
        return isinstance(value, str)
    if column_type == "url":
        return isinstance(value, str) and _URL.fullmatch(value) is not None
    if column_type == "boolean":
        return isinstance(value, bool)
    if column_type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if column_type == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if column_type == "date":
        return isinstance(value, str) and _DAY.fullmatch(value) is not None and _parses(date, value)
    if column_type == "datetime":
        return isinstance(value, str) and "T" in value and _parses(datetime, value)
    raise ValueError(f"unknown column type {column_type!r}")


def _parses(kind: type[date] | type[datetime], text: str) -> bool:
    try:
        kind.fromisoformat(text)
    except ValueError:
        return False
    return True

"""What an API resource is: declared once, read by the endpoints, the OpenAPI document and /api.

A :class:`Resource` says everything about one list (``/api/v1/<name>``) and its items
(``/api/v1/<name>/<key>``): what a row means, its columns (the exports'
:class:`~tracker.exports.schema.Column`, so a fact has the name and meaning of its CSV twin),
the query that reads it, the filters it takes, the order its pages follow (which is also
what its cursor holds), how one record is found, and the lists related to a record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel import Session

from tracker.exports.schema import Column

KeyType = Literal["integer", "date", "string"]
FilterType = Literal["slug", "integer", "date", "choice"]
# A query row (``sqlalchemy.Row``): columns by their labels.
DbRow = Any
Shape = Callable[[Session, Sequence[DbRow]], list[dict[str, Any]]]


@dataclass(frozen=True)
class Key:
    """One part of a list's order. The keys of the last row shown are the next page's cursor,
    so together they must be unique and never null."""

    name: str
    column: Any  # an expression of the resource's query
    type: KeyType


@dataclass(frozen=True)
class Filter:
    """A query parameter that narrows a list.

    ``parse`` turns the raw value into what ``condition`` takes (a record's id, a day...),
    or raises :class:`tracker.web.params.BadParameter`; it sees the values parsed before it
    (``stance`` checks its key against the scale of ``topic``).
    """

    name: str
    type: FilterType
    description: str
    parse: Callable[[Session, str, Mapping[str, Any]], Any]
    condition: Callable[[Any], sa.ColumnElement[bool]]
    choices: Callable[[], Sequence[str]] | None = None  # the allowed values, when there is a list
    example: str | None = None


@dataclass(frozen=True)
class Lookup:
    """How ``/api/v1/<name>/<key>`` finds one record: by id (digits), else by slug."""

    id: Any  # the column an all-digits key is matched against
    slug: Any | None = None  # the column any other key is matched against (None: ids only)
    description: str = "The record's id."
    example: str | None = None


@dataclass(frozen=True)
class Related:
    """A list narrowed to one record, linked from that record's item (``person`` -> its votes)."""

    name: str  # the link's key in ``links``
    resource: str  # the list's resource name
    filter: str  # the filter of that list
    value: str  # the column of the record whose value the filter takes
    description: str


@dataclass(frozen=True)
class Resource:
    name: str  # the path below /api/v1/ ("people", "stances/periods")
    item: str  # one row, in words and in schema names ("person", "stance period")
    title: str
    description: str
    columns: tuple[Column, ...]
    select: Callable[[], sa.Select[Any]]  # the query (a function: it may use today's date)
    shape: Shape  # one page of query rows -> rows of the declared columns, in order
    order: tuple[Key, ...]
    filters: tuple[Filter, ...] = ()
    lookup: Lookup | None = None
    related: tuple[Related, ...] = ()

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"resource {self.name}: a column is declared twice: {names}")
        params = [f.name for f in self.filters]
        if len(set(params)) != len(params) or set(params) & set(RESERVED):
            raise ValueError(f"resource {self.name}: filters must be named once each, and not "
                             f"{', '.join(RESERVED)}: {params}")

    @property
    def path(self) -> str:
        return f"/api/v1/{self.name}"

    @property
    def schema_name(self) -> str:
        """``StancePeriod`` for "stance period": the name of its row in the OpenAPI document."""
        return "".join(word.capitalize() for word in self.item.replace("_", " ").split())

    def filter(self, name: str) -> Filter | None:
        return next((f for f in self.filters if f.name == name), None)


# Parameters every list takes besides its filters (``as_of`` is read before any view runs).
LIMIT = "limit"
CURSOR = "cursor"
AS_OF = "as_of"
RESERVED = (LIMIT, CURSOR, AS_OF)
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def ordered(row: Mapping[str, Any], columns: Sequence[Column]) -> dict[str, Any]:
    """``row`` with exactly the declared columns, in their order (absent ones null)."""
    return {c.name: row.get(c.name) for c in columns}

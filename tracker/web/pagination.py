"""Long lists shown a page of rows at a time, with the whole list in the page's twins.

A page with one long list pages it with ``?page=``; a page with several gives each
its own parameter (``?mps_page=``, ``?councillors_page=``), so that paging one list
leaves the others where they were. The view keeps every summary (counts, tallies)
computed from the whole list or an aggregate, never from the rows shown, and binds
the whole list to its twin: twin links drop these parameters.

A page number past the end is not an error (``page_arg``): the list says so and
links to its first page. A number that is not one is a 400.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import g, request, url_for

from tracker.paging import Paged
from tracker.web.params import page_arg

T = TypeVar("T")
U = TypeVar("U")
PER_PAGE = 50
_REGISTERED = "list_page_parameters"


def list_parameters() -> frozenset[str]:
    """The query parameters that page this request's lists (none outside a request's views)."""
    return frozenset(g.get(_REGISTERED, ()))


def _url(parameter: str, number: int, anchor: str | None) -> str:
    """This URL with ``parameter`` set to ``number`` (dropped for page 1) and no twin arguments."""
    args = {k: v for k, v in request.args.items() if k not in ("format", "table", parameter)}
    if number > 1:
        args[parameter] = str(number)
    return url_for(request.endpoint or "", **(request.view_args or {}), **args, _anchor=anchor)


@dataclass(frozen=True)
class Pager(Paged, Generic[T]):
    """One page of a list: its rows, where they sit in the whole list, and links to its neighbours."""

    rows: Sequence[T] = ()
    parameter: str = "page"
    anchor: str | None = None
    table: str | None = None  # the twin table holding the whole list

    @property
    def paged(self) -> bool:
        """Whether the list is longer than a page (or a page past its end was asked for)."""
        return self.total > self.per_page or self.past_end

    def url(self, number: int) -> str:
        return _url(self.parameter, number, self.anchor)

    @property
    def previous_url(self) -> str | None:
        return self.url(min(self.page - 1, self.pages)) if self.page > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.page + 1) if self.page < self.pages else None

    def with_rows(self, rows: Sequence[U]) -> Pager[U]:
        """The same page showing ``rows`` (e.g. the details of the entries paged)."""
        return Pager(self.total, self.page, self.per_page, rows, self.parameter, self.anchor, self.table)

    def page_of(self, index: int) -> int:
        """The page on which the row at ``index`` (from 0) of the whole list is shown."""
        return index // self.per_page + 1

    def twin_url(self, fmt: str) -> str | None:
        """The twin table with the whole list (the page's other arguments kept, no list's page)."""
        if self.table is None:
            return None
        skip = ("format", "table", *list_parameters())
        args = {k: v for k, v in request.args.items() if k not in skip}
        return url_for(request.endpoint or "", **(request.view_args or {}), **args, format=fmt,
                       table=self.table)


def paginate(rows: Sequence[T], *, parameter: str = "page", per_page: int = PER_PAGE,
             table: str | None = None, anchor: str | None = None) -> Pager[T]:
    """The page of ``rows`` asked for by ``?parameter=`` (a 400 if it is not a page number).

    ``table`` names the page's twin table with the whole list; ``anchor`` the id of the
    list's heading, so that the links to other pages land on the list.
    """
    g.setdefault(_REGISTERED, set()).add(parameter)
    number = page_arg(parameter)
    start = (number - 1) * per_page
    return Pager(len(rows), number, per_page, rows[start:start + per_page], parameter, anchor, table)

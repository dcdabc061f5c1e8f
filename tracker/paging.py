"""Where one page of a long list sits in the whole list (shared by queries and views)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paged:
    total: int  # rows in the whole list
    page: int  # from 1
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def first(self) -> int:
        """The position (from 1) of the first row shown."""
        return (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)

    @property
    def past_end(self) -> bool:
        return self.page > self.pages

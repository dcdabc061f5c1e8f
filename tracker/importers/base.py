"""What every importer shares: file errors with line numbers, parsing, results, progress."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session, select

from tracker.revisions import Recorder

T = TypeVar("T")
Progress = Callable[[str, int], Callable[[int], None]]


class ImportFileError(Exception):
    """A problem in an input file, located by file, line and column."""

    def __init__(self, path: str | Path, message: str, *, line: int | None = None,
                 column: str | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message
        where = self.path
        if line is not None:
            where += f", line {line}"
        if column:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")


class ImportSourceError(Exception):
    """A live source could not be read (network down, bad response)."""


@dataclass
class ImportResult:
    source: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    deleted: int = 0
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_recorder(cls, source: str, recorder: Recorder, notes: Iterable[str] = ()) -> ImportResult:
        return cls(source=source, notes=list(notes), **recorder.totals())

    def summary(self) -> str:
        text = (f"{self.source}: {self.added} added, {self.updated} updated, "
                f"{self.unchanged} unchanged, {self.skipped} skipped")
        if self.deleted:
            text += f", {self.deleted} deleted"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "added": self.added, "updated": self.updated,
                "unchanged": self.unchanged, "skipped": self.skipped, "deleted": self.deleted,
                "notes": self.notes}


def no_progress(_label: str, _total: int) -> Callable[[int], None]:
    return lambda _n: None


@dataclass(frozen=True)
class Row:
    """One CSV row with its line number, and parsers that name the line on error."""

    path: Path
    line: int
    values: dict[str, str]

    def error(self, column: str | None, message: str) -> ImportFileError:
        return ImportFileError(self.path, message, line=self.line, column=column)

    def text(self, column: str, *, required: bool = False) -> str | None:
        value = (self.values.get(column) or "").strip()
        if not value:
            if required:
                raise self.error(column, "is empty")
            return None
        return value

    def required(self, column: str) -> str:
        value = self.text(column, required=True)
        assert value is not None
        return value

    def integer(self, column: str, *, required: bool = False) -> int | None:
        value = self.text(column, required=required)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise self.error(column, f"{value!r} is not a whole number") from None

    def number(self, column: str, *, required: bool = False) -> float | None:
        value = self.text(column, required=required)
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            raise self.error(column, f"{value!r} is not a number") from None

    def day(self, column: str, *, required: bool = False) -> date | None:
        value = self.text(column, required=required)
        if value is None:
            return None
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            raise self.error(column, f"{value!r} is not a date (YYYY-MM-DD)") from None

    def flag(self, column: str, truthy: Sequence[str] = ("yes", "true", "t", "1", "y")) -> bool:
        return (self.text(column) or "").lower() in truthy


def read_csv(path: str | Path, required_columns: Sequence[str]) -> list[Row]:
    """Read a whole CSV file, checking its header; rows carry their line numbers."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(path, "file not found")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in required_columns if c not in header]
            if missing:
                raise ImportFileError(path, f"missing column(s) {', '.join(missing)}; "
                                            f"found {', '.join(header) or 'no header'}", line=1)
            rows = []
            for values in reader:
                line = reader.line_num
                if None in values:
                    raise ImportFileError(path, f"has {len(header) + len(values[None])} fields, "
                                                f"the header has {len(header)}", line=line)
                if not any((v or "").strip() for v in values.values()):
                    continue
                rows.append(Row(path, line, values))
            return rows
    except UnicodeDecodeError as exc:
        raise ImportFileError(path, f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise ImportFileError(path, f"is not valid CSV: {exc}") from None


_slug_strip = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _slug_strip.sub("-", ascii_text.lower()).strip("-") or "x"


class Slugs:
    """Hands out unique slugs for one table, knowing those already taken."""

    def __init__(self, session: Session, model: Any) -> None:
        self.taken: set[str] = set(session.exec(select(model.slug)).all())

    def claim(self, *candidates: str) -> str:
        options = [slugify(c) for c in candidates if c]
        for option in options:
            if option not in self.taken:
                self.taken.add(option)
                return option
        base = options[0] if options else "x"
        n = 2
        while f"{base}-{n}" in self.taken:
            n += 1
        self.taken.add(f"{base}-{n}")
        return f"{base}-{n}"


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]

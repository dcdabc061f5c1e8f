"""What every importer shares: file errors with line numbers, parsing, results, progress,
the reference sync before a lone import, and the files a command reads.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from sqlmodel import Session

from tracker.importers.expected import shortfall
from tracker.reference import PartyResolver, project_data_dir, sync_reference
from tracker.revisions import Recorder

if TYPE_CHECKING:
    from tracker.models import Party

Progress = Callable[[str, int], Callable[[int], None]]
# The click types of a command's file options and of its --data-dir option.
FILE_PATH = click.Path(exists=False, dir_okay=False, path_type=Path)
DATA_DIR_PATH = click.Path(exists=True, file_okay=False, path_type=Path)


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

    def url(self, column: str) -> str:
        """A required web address (http:// or https://)."""
        value = self.required(column)
        if not value.startswith(("https://", "http://")):
            raise self.error(column, f"{value!r} is not a web address")
        return value


def require_file(path: Path) -> None:
    if not path.is_file():
        raise ImportFileError(path, "file not found")


def source_name(path: Path) -> str:
    """How a revision names its file: 'constituencies/constituencies_2024.csv'."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def read_csv(path: str | Path, required_columns: Sequence[str],
             dataset: str | None = None) -> list[Row]:
    """Read a whole CSV file, checking its header; rows carry their line numbers.

    Every row must have as many fields as the header, no more and no fewer (a short
    row is often a file cut off mid-line); the file must hold as many rows as the
    dataset it claims to be (``dataset``, a key of tracker/importers/expected.py, or
    its file name) at least.
    """
    path = Path(path)
    require_file(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in required_columns if c not in header]
            if missing:
                raise ImportFileError(path, f"missing column(s) {', '.join(missing)}; "
                                            f"found {', '.join(header) or 'no header'}", line=1)
            rows = []
            misshapen: list[tuple[int, int]] = []  # (line, fields)
            for values in reader:
                line = reader.line_num
                fields = len(header) + len(values.get(None) or ()) - sum(
                    v is None for k, v in values.items() if k is not None)
                if fields != len(header):
                    misshapen.append((line, fields))
                    continue
                if not any((v or "").strip() for v in values.values()):
                    continue
                rows.append(Row(path, line, values))
    except UnicodeDecodeError as exc:
        raise ImportFileError(path, f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise ImportFileError(path, f"is not valid CSV: {exc}") from None
    if misshapen:
        raise _misshapen(path, misshapen, len(header))
    if (reason := shortfall(path, len(rows), dataset)) is not None:
        raise ImportFileError(path, reason)
    return rows


def _misshapen(path: Path, misshapen: list[tuple[int, int]], expected: int) -> ImportFileError:
    """The first row with the wrong number of fields, and the lines of the others."""
    line, fields = misshapen[0]
    message = f"has {fields} fields, the header has {expected}"
    others = [str(n) for n, _ in misshapen[1:]]
    if others:
        listed = ", ".join(others[:20]) + (f" and {len(others) - 20} more" if len(others) > 20 else "")
        message += f"; so do{'es' if len(others) == 1 else ''} line{'s' if len(others) > 1 else ''} {listed}"
    return ImportFileError(path, message, line=line)


def resolve_files(data_dir: Path | None, **files: tuple[Path | None, Path]) -> dict[str, Path]:
    """Each explicit file, else its default under ``data_dir``; a usage error if neither."""
    resolved = {}
    for name, (explicit, default) in files.items():
        if explicit is not None:
            resolved[name] = explicit
        elif data_dir is not None:
            resolved[name] = data_dir / default
        else:
            option = "--" + name.replace("_", "-")
            raise click.UsageError(f"give --data-dir or {option}")
    return resolved


# -- reference data (topics, parties, tracked divisions) of the project's data/ folder --------

def import_reference(session: Session, data_dir: Path) -> ImportResult:
    """Sync the reference data of ``data_dir`` and report what changed."""
    recorder = Recorder(session, actor="import:reference", source=f"{data_dir.name}/ (project)")
    sync_reference(session, recorder, data_dir)
    recorder.flush()
    return ImportResult.from_recorder("reference", recorder)


def with_reference(fn: Callable[[Session, Progress], ImportResult]
                   ) -> Callable[[Session, Progress], list[ImportResult]]:
    """Wrap a command's import so it first syncs reference data (idempotent).

    A lone ``tracker import mps`` must work on an empty migrated database; the
    reference result is reported only when it changed something.
    """
    def run(session: Session, progress: Progress) -> list[ImportResult]:
        reference = import_reference(session, project_data_dir())
        results = [reference] if reference.added or reference.updated else []
        return [*results, fn(session, progress)]

    return run


def sync_reference_quietly(session: Session, data_dir: Path) -> None:
    """Sync the reference data of ``data_dir`` before a lone import, without reporting it."""
    sync_reference(session, Recorder(session, actor="import:reference", source="data/"), data_dir)


def resolve_party(parties: PartyResolver, name: str | None, abbreviation: str | None = None,
                  mnis_id: int | None = None) -> Party | None:
    """By MNIS id, then name, then abbreviation; created from the name if still unknown."""
    return (parties.resolve(name, mnis_id=mnis_id, create=False)
            or (parties.resolve(abbreviation, create=False) if abbreviation else None)
            or parties.resolve(name, mnis_id=mnis_id, short_name=abbreviation))

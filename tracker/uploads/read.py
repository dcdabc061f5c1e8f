"""An uploaded file's bytes -> its rows as text, with their line numbers; or a refusal.

The line of a row is the spreadsheet's own row number (blank rows are skipped but keep
their numbers). A file is refused (:class:`UploadRefused`) when its name does not end
.csv or .xlsx, when its content is not what the name says (a workbook is a zip holding a
workbook's parts; a CSV is UTF-8 text, with or without a byte-order mark), when it is
over the size limit, or when it cannot be read. Nothing here evaluates a cell: a cell
that looks like a formula is text. An XLSX is read with pandas and openpyxl, every cell
as text; a date cell becomes its day.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import pandas as pd

DEFAULT_MAX_BYTES = 2 * 2**20
DEFAULT_MAX_ROWS = 2000
# A workbook is compressed: refuse one that unpacks to more than this many times the size limit.
MAX_UNPACKED_RATIO = 25
EXTENSIONS = (".csv", ".xlsx")
_XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_rows: int = DEFAULT_MAX_ROWS

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        """``UPLOAD_MAX_BYTES`` and ``UPLOAD_MAX_ROWS`` of an app's config, else the defaults."""
        return cls(int(config.get("UPLOAD_MAX_BYTES") or DEFAULT_MAX_BYTES),
                   int(config.get("UPLOAD_MAX_ROWS") or DEFAULT_MAX_ROWS))


@dataclass(frozen=True)
class Problem:
    line: int | None  # None: the file as a whole
    message: str
    column: str | None = None

    def __str__(self) -> str:
        where = [f"line {self.line}"] if self.line is not None else []
        if self.column:
            where.append(self.column)
        return f"{', '.join(where)}: {self.message}" if where else self.message


class UploadRefused(ValueError):
    """The file is refused whole; ``problems`` lists every problem, by line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line or 0))
        super().__init__("; ".join(str(p) for p in self.problems[:5])
                         + (f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""))


@dataclass(frozen=True)
class Table:
    """A file's rows as text: (line, cells) for every non-blank row, the header first."""

    rows: list[tuple[int, list[str]]]
    ragged: bool  # CSV: rows may have a different number of fields than the header


def read_table(data: bytes, filename: str, limits: Limits = Limits()) -> Table:
    """The file's non-blank rows as text cells, or :class:`UploadRefused` for a file that is not
    a CSV or XLSX, is too large, or cannot be read."""
    name = (filename or "").strip()
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if len(data) > limits.max_bytes:
        refuse(f"The file is {size_text(len(data))}; the limit is {size_text(limits.max_bytes)}.")
    if not data.strip():
        refuse("The file is empty.")
    if extension not in EXTENSIONS:
        refuse(f"“{name or 'the file'}” is not a CSV (.csv) or Excel workbook (.xlsx) file."
                + (" An old Excel file (.xls): save it as .xlsx or CSV." if extension == ".xls" else ""))
    if extension == ".xlsx":
        return Table(_xlsx_rows(data, limits), ragged=False)
    return Table(_csv_rows(data), ragged=True)


def size_text(n: int) -> str:
    """'2.0 MB', '12 kB'."""
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{max(1, round(n / 1024))} kB"


def refuse(message: str, line: int | None = None) -> NoReturn:
    raise UploadRefused([Problem(line, message)])


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    if data.startswith(b"PK\x03\x04"):
        refuse("The file is named .csv but is a zip archive (an Excel workbook?): name it .xlsx, "
                "or save it as CSV.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        refuse("The file is UTF-16 text (Excel's “Unicode text”): save it as “CSV UTF-8”.")
    if b"\x00" in data:
        refuse("The file is named .csv but is not text (it holds NUL bytes).",
                data[:data.index(b"\x00")].count(b"\n") + 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        refuse(f"This line is not UTF-8 text (byte 0x{data[exc.start]:02x}); the file may be in "
                "an older encoding such as Windows-1252. Save it as “CSV UTF-8” and upload it again.",
                line)
    first = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first:
        delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 0
    try:
        for line, cells in enumerate(reader, start=1):
            if any(c.strip() for c in cells):
                rows.append((line, cells))
    except csv.Error as exc:
        refuse(f"The file cannot be read as CSV here: {exc}.", line + 1)
    return rows


def _xlsx_rows(data: bytes, limits: Limits) -> list[tuple[int, list[str]]]:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        refuse("The file is named .xlsx but is an old Excel file (.xls) or a password-protected "
                "workbook: save it as an unprotected .xlsx, or as CSV.")
    if not data.startswith(b"PK\x03\x04"):
        refuse("The file is named .xlsx but is not an Excel workbook"
                + (" (it looks like CSV text: name it .csv)." if _looks_like_text(data) else "."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        refuse("The file is named .xlsx but is not a readable workbook (a damaged zip archive).")
    if not all(part in names for part in _XLSX_PARTS):
        refuse("The file is a zip archive but not an Excel workbook (.xlsx): it lacks a "
                "workbook's parts. Save it from the spreadsheet as .xlsx, or as CSV.")
    if unpacked > MAX_UNPACKED_RATIO * limits.max_bytes:
        refuse(f"The workbook unpacks to {size_text(unpacked)}, more than a list of this size can "
                "hold: save only the list, as CSV.")
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=0, header=None, dtype=str, engine="openpyxl",
                              keep_default_na=False, na_filter=False)
    except Exception as exc:  # openpyxl raises many kinds of error for a broken workbook
        refuse(f"The workbook cannot be read ({type(exc).__name__}): save it again as .xlsx, or as CSV.")
    rows = []
    for index, cells in enumerate(frame.itertuples(index=False, name=None)):
        values = [_xlsx_text(c) for c in cells]
        if any(values):
            rows.append((index + 1, values))
    return rows


def _looks_like_text(data: bytes) -> bool:
    try:
        data[:4096].decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data[:4096]


_XLSX_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$")


def _xlsx_text(value: Any) -> str:
    """A cell as text: a date cell (pandas writes '2024-06-14 00:00:00') as its day."""
    text = "" if value is None else str(value)
    match = _XLSX_MIDNIGHT.match(text)
    return match.group(1) if match else text



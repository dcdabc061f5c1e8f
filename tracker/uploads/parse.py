"""An uploaded list -> its checked rows, each with its line number; or a refusal listing every
problem with its line.

Beyond what :mod:`tracker.uploads.read` checks of the file itself: the header (unknown,
repeated or missing columns, columns of the other kind of list), the row limit, and every
row: its number of fields, its date (YYYY-MM-DD, or DD/MM/YYYY: a slashed date whose day
and month could be swapped is refused unless the file shows elsewhere that it writes the
day first), its answer, kind or stance, its ids, its source address.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from tracker.stance import Scale
from tracker.text import http_url
from tracker.uploads.format import (
    ANSWERS,
    BY_NAME,
    CAMPAIGN,
    COLUMNS,
    EVIDENCE_KINDS,
    EXAMPLE_HOSTS,
    ID_COLUMNS,
    ListKind,
    columns_for,
    stance_keys,
)
from tracker.uploads.read import Limits, Problem, Table, UploadRefused, read_table, refuse

__all__ = ["Limits", "Problem", "UploadRefused", "UploadRow", "parse_upload"]


@dataclass(frozen=True)
class UploadRow:
    """One row of a list, checked: ids as numbers, the date as a date, text stripped."""

    line: int
    date: date
    source_url: str
    name: str | None = None
    constituency: str | None = None
    person: str | None = None  # the person's slug
    parliament_id: int | None = None
    democracy_club_id: int | None = None
    twfy_id: int | None = None
    wikidata_id: str | None = None
    answer: str | None = None  # campaign lists
    kind: str | None = None  # evidence lists
    stance: str | None = None  # evidence lists
    publisher: str | None = None
    summary: str | None = None
    quote: str | None = None

    @property
    def ids(self) -> dict[str, int | str]:
        """The ids the row gives, by column."""
        return {c: getattr(self, c) for c in ID_COLUMNS if getattr(self, c) is not None}

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["date"] = self.date.isoformat()
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> UploadRow:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["date"] = date.fromisoformat(values["date"])
        return cls(**values)


def parse_upload(data: bytes, filename: str, *, kind: ListKind, scale: Scale | None = None,
                 limits: Limits = Limits(), today: date | None = None) -> list[UploadRow]:
    """The rows of an uploaded list, or :class:`UploadRefused` listing every problem.

    :param kind: ``campaign`` (column ``answer``) or ``evidence`` (``kind`` and ``stance``).
    :param scale: the topic's scale, which ``stance`` must be on (an evidence list needs it).
    """
    if kind != CAMPAIGN and scale is None:
        raise ValueError("an evidence list needs the topic's scale")
    table = read_table(data, filename, limits)
    return _Checker(kind, scale, today or date.today()).rows(table, limits)


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_INTEGER = re.compile(r"^\d{1,10}(?:\.0+)?$")
_WIKIDATA = re.compile(r"^Q[1-9]\d{0,11}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _header_name(cell: str) -> str:
    return "_".join(cell.strip().lower().replace("-", " ").split())


def _day_name(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


class _Checker:
    def __init__(self, kind: ListKind, scale: Scale | None, today: date) -> None:
        self.kind = kind
        self.scale = scale
        self.today = today
        self.problems: list[Problem] = []
        self.day_first_shown = False  # a DD/MM/YYYY date in the file whose day is over 12
        self.month_first_hint = False  # a date whose second part is over 12 (MM/DD/YYYY?)

    def add(self, line: int | None, message: str, column: str | None = None) -> None:
        self.problems.append(Problem(line, message, column))

    def rows(self, table: Table, limits: Limits) -> list[UploadRow]:
        if not table.rows:
            refuse("The file holds no rows: the first row must name the columns.")
        (header_line, header), body = table.rows[0], table.rows[1:]
        if not body:
            refuse("The file has a header but no rows under it.")
        if len(body) > limits.max_rows:
            refuse(f"The file has {len(body):,} rows; the limit is {limits.max_rows:,}. "
                    "Split it into smaller files.")
        columns = self._header(header_line, header, body)
        if self.problems:
            raise UploadRefused(self.problems)
        records = []
        for line, cells in body:
            if table.ragged and len(cells) != len(header):
                fewer = "few" if len(cells) < len(header) else "many"
                self.add(line, f"too {fewer} fields: {len(cells)} where the header names "
                         f"{len(header)} columns (check for a stray comma or a missing quote).")
                continue
            values = {name: _clean(cells[i]) for i, name in columns.items() if i < len(cells)}
            records.append((line, values))
        # Slashed dates are day first; the whole file tells whether that is certain.
        for _, values in records:
            self._note_date_order(values.get("date", ""))
        rows = [row for line, values in records if (row := self._row(line, values)) is not None]
        if self.problems:
            raise UploadRefused(self.problems)
        return rows

    def _header(self, line: int, header: list[str], body: list[tuple[int, list[str]]]) -> dict[int, str]:
        allowed = {c.name for c in columns_for(self.kind)}
        columns: dict[int, str] = {}
        seen: dict[str, int] = {}
        for i, cell in enumerate(header):
            name = _header_name(cell)
            if not name:
                used = next((n for n, cells in body if i < len(cells) and cells[i].strip()), None)
                if used is not None:
                    self.add(line, f"column {i + 1} has no name, but line {used} has a value in it.")
                continue
            if name in seen:
                self.add(line, f"column “{name}” appears twice (columns {seen[name] + 1} and {i + 1}).")
                continue
            seen[name] = i
            if name not in BY_NAME:
                self.add(line, f"unknown column “{cell.strip()}”. The columns are: "
                         f"{', '.join(c.name for c in columns_for(self.kind))}.")
            elif name not in allowed:
                other = "an evidence list (no campaign)" if self.kind == CAMPAIGN else "a campaign's list"
                self.add(line, f"column “{name}” belongs to {other}, not to this one.")
            else:
                columns[i] = name
        for column in COLUMNS:
            if self.kind in column.required and column.name not in seen:
                self.add(line, f"the column “{column.name}” is missing.")
        if not any(BY_NAME[n].identifies for n in columns.values()):
            self.add(line, "no column names the person: give “name” or one of "
                     f"{', '.join(ID_COLUMNS)}.")
        return columns

    def _note_date_order(self, text: str) -> None:
        match = _SLASHED.match(text)
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            if first > 12 and 1 <= second <= 12:
                self.day_first_shown = True
            if second > 12 and 1 <= first <= 12:
                self.month_first_hint = True

    def _row(self, line: int, values: dict[str, str]) -> UploadRow | None:
        before = len(self.problems)
        for name, value in values.items():
            limit = BY_NAME[name].max_length
            if limit is not None and len(value) > limit:
                self.add(line, f"{len(value):,} characters; at most {limit:,}.", name)
        for column in COLUMNS:
            if self.kind in column.required and not values.get(column.name):
                self.add(line, "empty; every row needs it.", column.name)
        if not any(values.get(c) for c in (*ID_COLUMNS, "name")):
            self.add(line, "nothing names the person: fill in the name or an id.")
        fields: dict[str, Any] = {
            "name": values.get("name") or None,
            "constituency": values.get("constituency") or None,
            "publisher": values.get("publisher") or None,
            "summary": values.get("summary") or None,
            "quote": values.get("quote") or None,
        }
        fields.update(self._ids(line, values))
        fields["date"] = self._date(line, values.get("date", ""))
        fields["source_url"] = self._url(line, values.get("source_url", ""))
        if self.kind == CAMPAIGN:
            fields["answer"] = self._one_of(line, "answer", values.get("answer", ""), ANSWERS)
        else:
            fields["kind"] = self._one_of(line, "kind", values.get("kind", ""), EVIDENCE_KINDS)
            fields["stance"] = self._stance(line, values.get("stance", ""))
        if len(self.problems) > before:
            return None
        return UploadRow(line=line, **fields)

    def _ids(self, line: int, values: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("parliament_id", "democracy_club_id", "twfy_id"):
            text = values.get(name, "")
            if not text:
                continue
            if _INTEGER.match(text) and int(float(text)) > 0:
                out[name] = int(float(text))
            else:
                self.add(line, f"“{text}” is not an id (a whole number).", name)
        wikidata = values.get("wikidata_id", "").upper()
        if wikidata:
            if _WIKIDATA.match(wikidata):
                out["wikidata_id"] = wikidata
            else:
                self.add(line, f"“{values['wikidata_id']}” is not a Wikidata item (Q and digits, "
                         "such as Q42).", "wikidata_id")
        slug = values.get("person", "").lower().rstrip("/").rsplit("/", 1)[-1]
        if slug:
            if _SLUG.match(slug):
                out["person"] = slug
            else:
                self.add(line, f"“{values['person']}” is not a person's address on this site "
                         "(such as rosena-allin-khan).", "person")
        return out

    def _date(self, line: int, text: str) -> date | None:
        if not text:
            return None  # reported as a missing required value
        if match := _ISO.match(text):
            year, month, day = (int(g) for g in match.groups())
        elif match := _SLASHED.match(text):
            day, month, year = (int(g) for g in match.groups())
            if len(match.group(3)) != 4:
                self.add(line, f"“{text}”: write the year in full (DD/MM/YYYY or YYYY-MM-DD).", "date")
                return None
            if month > 12 and day <= 12:
                self.add(line, f"“{text}” has no month {month}: dates are day first (DD/MM/YYYY) or "
                         "YYYY-MM-DD.", "date")
                return None
            if day <= 12 and month <= 12 and day != month and (
                    not self.day_first_shown or self.month_first_hint):
                try:
                    as_written, swapped = date(year, month, day), date(year, day, month)
                except ValueError:
                    as_written = swapped = None
                if as_written and swapped:
                    self.add(line, f"“{text}” could be {_day_name(as_written)} or "
                             f"{_day_name(swapped)}: write it as YYYY-MM-DD "
                             f"({as_written.isoformat()} or {swapped.isoformat()}).", "date")
                    return None
        else:
            self.add(line, f"“{text}” is not a date: write YYYY-MM-DD (or DD/MM/YYYY).", "date")
            return None
        try:
            day_value = date(year, month, day)
        except ValueError:
            self.add(line, f"“{text}” is not a day of the calendar.", "date")
            return None
        if day_value > self.today:
            self.add(line, f"“{text}” is in the future.", "date")
            return None
        if day_value.year < 1900:
            self.add(line, f"“{text}” is too long ago to be right.", "date")
            return None
        return day_value

    def _url(self, line: int, text: str) -> str | None:
        if not text:
            return None
        if http_url(text) is None:
            self.add(line, f"“{_short(text)}” is not a web address: it must start with http:// or "
                     "https://.", "source_url")
            return None
        if (urlsplit(text).hostname or "").lower().removeprefix("www.") in EXAMPLE_HOSTS:
            self.add(line, "this is the template's example address: give the real source (or delete "
                     "the template's example row).", "source_url")
            return None
        return text

    def _one_of(self, line: int, column: str, text: str, allowed: Sequence[str]) -> str | None:
        if not text:
            return None
        value = "_".join(text.lower().replace("-", " ").split())
        if value in allowed:
            return value
        self.add(line, f"“{_short(text)}” is not one of: {', '.join(allowed)}.", column)
        return None

    def _stance(self, line: int, text: str) -> str | None:
        if not text or self.scale is None:
            return None
        value = "_".join(text.lower().split())
        keys = stance_keys(self.scale)
        if value in keys:
            return value
        if value == self.scale.default:
            self.add(line, f"“{text}” shows no stance; evidence must show one of: {', '.join(keys)}.",
                     "stance")
        else:
            self.add(line, f"“{_short(text)}” is not a stance of the topic “{self.scale.name}”; "
                     f"the stances are: {', '.join(keys)}.", "stance")
        return None


def _clean(cell: str) -> str:
    """A cell's text without surrounding spaces or control characters (tabs and line breaks kept
    inside text; PostgreSQL cannot store a NUL)."""
    return _CONTROL.sub("", cell).strip()


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

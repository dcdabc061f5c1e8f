"""`tracker import councils`: every UK council, and the 2024 constituencies each overlaps.

Reads mySociety's register of local authorities (``councils/uk_local_authorities.csv``)
and Open Innovations' lookup of councils to 2024 constituencies
(``councils/lookup_LAD24CD_PCON24CD.json``).

Each register row becomes one ``Area(kind="council")`` (official name, GSS code,
register code, type, alternative names one a line, nation, region, start and end
dates, and for a district its county council as ``parent_id``) with one
``Body(kind="council")``. A council that ``import councillors`` or the seeds made
first (found by register code, GSS code, then name or alternative name, see
``council_index``) is updated in place and keeps its slug, so a council is one
area and one body whichever ran first.

Former councils are kept too, with ``valid_to`` set: councillors' records reach
back before the reorganisations of 2019-2023, and a councillor of Allerdale or
Aylesbury Vale belongs to that council, not to its successor; keeping them also
lets their names be recognised rather than made into new councils. Name matching
prefers a current council over a former one of the same name.

Overlaps (``AreaOverlap``): each council of the lookup overlaps 2024 constituencies
with the fraction of the council in each; a county council covers the constituencies
of its districts, with no share (we do not know the districts' sizes) and a basis
naming the districts. Overlaps of the register's councils that the lookup no longer
gives are deleted. Both files are read and checked whole before anything is written.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from sqlmodel import Session, select

from tracker.importers.base import (
    DATA_DIR_PATH,
    FILE_PATH,
    ImportFileError,
    ImportResult,
    ImportSourceError,
    Progress,
    Row,
    read_csv,
    require_file,
    source_name,
    with_reference,
)
from tracker.importers.council_index import (
    AmbiguousCouncilName,
    CouncilIndex,
    NameMatcher,
    join_alt_names,
    split_alt_names,
)
from tracker.importers.runner import run_import
from tracker.models import Area, AreaOverlap, Source
from tracker.reference import SourceBook
from tracker.revisions import Recorder
from tracker.text import Slugs

ALL_ORDER = 15
ACTOR = "import:councils"
KIND = "council"
CONSTITUENCY = "westminster_constituency"
BOUNDARY_SET = "2024"
REGISTER_FILE = Path("councils") / "uk_local_authorities.csv"
LOOKUP_FILE = Path("councils") / "lookup_LAD24CD_PCON24CD.json"
COLUMNS = ("local-authority-code", "official-name", "nice-name", "gss-code", "start-date",
           "end-date", "nation", "region", "local-authority-type", "county-la", "alt-names",
           "current-authority")
# The fractions of a council are rounded to 3 places: they sum to 1 within this.
SUM_TOLERANCE = 0.01
BASIS_LENGTH = 300
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,9}$")
_GSS = re.compile(r"^[ENSWK]\d{8}$")
# Where the shared lookup comes from (shared/data/README.md, at the commits it names).
KNOWN_SOURCES = {
    LOOKUP_FILE.name: {
        "url": "https://github.com/open-innovations/constituencies/blob/"
               "8c28561bc48cf1a8b947b51becf2e4e4ae1162e7/lookups/lookup-LAD24CD-PCON24CD.json",
        "publisher": "Open Innovations",
        "title": "Lookup of 2024 local authority districts to 2024 constituencies"},
}


# -- reading and checking the files ---------------------------------------------------

@dataclass(frozen=True)
class RegisterRow:
    row: Row
    code: str
    official: str
    nice: str | None
    gss: str | None
    council_type: str
    county: str | None
    current: bool
    other_names: tuple[str, ...]  # nice-name and alt-names
    values: dict[str, Any]  # the Area's columns, except slug and parent_id

    @property
    def short_name(self) -> str:
        return self.nice or self.official


def _current(row: Row) -> bool:
    text = row.required("current-authority")
    if text not in ("True", "False"):
        raise row.error("current-authority", f"{text!r} is not True or False")
    return text == "True"


def parse_register_row(row: Row) -> RegisterRow:
    code = row.required("local-authority-code")
    if not _CODE.match(code):
        raise row.error("local-authority-code", f"{code!r} is not a register code "
                                                "(capital letters, digits and '-', at most 10)")
    gss = row.text("gss-code")
    if gss is not None and not _GSS.match(gss):
        raise row.error("gss-code", f"{gss!r} is not a GSS code (a letter and 8 digits)")
    council_type = row.required("local-authority-type")
    if len(council_type) > 10:
        raise row.error("local-authority-type", f"{council_type!r} is longer than 10 characters")
    start, end, current = row.day("start-date"), row.day("end-date"), _current(row)
    if current and end is not None:
        raise row.error("end-date", f"a current council cannot have ended ({end.isoformat()})")
    if not current and end is None:
        raise row.error("end-date", "a former council (current-authority False) needs its end date")
    if start and end and end < start:
        raise row.error("end-date", f"{end.isoformat()} is before the start {start.isoformat()}")
    official = row.required("official-name")
    nice = row.text("nice-name")
    others = tuple(n for n in (nice, *split_alt_names(row.text("alt-names"))) if n)
    values = {
        "name": official, "kind": KIND, "gss_code": gss, "register_code": code,
        "council_type": council_type, "alt_names": join_alt_names(others, official),
        "nation": row.text("nation"), "region": row.text("region"), "valid_from": start,
        "valid_to": end, "boundary_set": None, "electorate": None,
    }
    return RegisterRow(row, code, official, nice, gss, council_type, row.text("county-la"),
                       current, others, values)


def read_register(path: Path) -> list[RegisterRow]:
    """Every row of the register, checked: codes unique, counties known."""
    rows = [parse_register_row(row) for row in read_csv(path, COLUMNS)]
    if not rows:
        raise ImportFileError(path, "holds no councils")
    first: dict[tuple[str, str], int] = {}
    for r in rows:
        for column, value in (("local-authority-code", r.code), ("gss-code", r.gss)):
            if value is None:
                continue
            if (column, value) in first:
                raise r.row.error(column, f"{value} is repeated (first on line "
                                          f"{first[column, value]})")
            first[column, value] = r.row.line
    by_code = {r.code: r for r in rows}
    for r in rows:
        if r.county is None:
            continue
        county = by_code.get(r.county)
        if county is None:
            raise r.row.error("county-la", f"{r.county!r} is not a council of this file")
        if county.county is not None or county is r:
            raise r.row.error("county-la", f"{r.county} is itself a district, not a county council")
    return rows


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _RepeatedKey(key)
        seen[key] = value
    return seen


class _RepeatedKey(Exception):
    pass


def _json_path(*keys: str) -> str:
    return "$" + "".join(f".{k}" if re.fullmatch(r"\w+", k) else f"[{json.dumps(k)}]"
                         for k in keys)


def read_lookup(path: Path, council_codes: set[str]) -> dict[str, dict[str, float]]:
    """Council GSS code -> {constituency GSS code: fraction of the council}, checked whole."""
    require_file(path)
    name = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"), object_pairs_hook=_no_repeats)
    except UnicodeDecodeError as exc:
        raise ImportFileError(path, f"is not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(path, f"is not valid JSON: {exc.msg} (column {exc.colno})",
                              line=exc.lineno) from None
    except _RepeatedKey as exc:
        raise ImportFileError(path, f"repeats the key {exc.args[0]!r}") from None

    def error(message: str, *keys: str) -> ImportFileError:
        return ImportFileError(name, f"{_json_path(*keys)} {message}")

    if not isinstance(data, dict):
        raise error("is not an object of council GSS codes")
    if not data:
        raise error("holds no councils")
    lookup: dict[str, dict[str, float]] = {}
    for council, seats in data.items():
        if council not in council_codes:
            raise error(f"is not the GSS code of a council in the register: {council!r}", council)
        if not isinstance(seats, dict) or not seats:
            raise error("is not an object of constituency GSS codes and fractions", council)
        for seat, fraction in seats.items():
            if not _GSS.match(seat):
                raise error(f"is not a GSS code: {seat!r}", council, seat)
            if isinstance(fraction, bool) or not isinstance(fraction, int | float):
                raise error(f"is not a number: {fraction!r}", council, seat)
            if not 0 <= fraction <= 1:
                raise error(f"is not a fraction between 0 and 1: {fraction!r}", council, seat)
        total = sum(seats.values())
        if abs(total - 1) > SUM_TOLERANCE:
            raise error(f"fractions add up to {total:.3f}, not 1", council)
        lookup[council] = {seat: float(fraction) for seat, fraction in seats.items()}
    return lookup


def _constituencies_2024(session: Session, lookup: dict[str, dict[str, float]],
                         lookup_name: str) -> dict[str, Area]:
    """The 2024 constituencies the lookup names, each one required (one query)."""
    areas = {a.gss_code: a for a in session.exec(select(Area).where(
        Area.kind == CONSTITUENCY, Area.boundary_set == BOUNDARY_SET)).all()}
    if not areas:
        raise ImportSourceError("there are no 2024 constituencies in the database: import "
                                "constituencies first (tracker import constituencies --data-dir DIR)")
    for council, seats in lookup.items():
        for seat in seats:
            if seat not in areas:
                raise ImportFileError(lookup_name, f"{_json_path(council, seat)} is not the GSS "
                                                   "code of a 2024 constituency we hold")
    return areas  # type: ignore[return-value]


# -- writing ------------------------------------------------------------------------

def _source(sources: SourceBook, path: Path) -> Source:
    known = KNOWN_SOURCES.get(path.name, {})
    return sources.get(key=f"dataset:{source_name(path)}", url=known.get("url"),
                       publisher=known.get("publisher"), title=known.get("title") or path.name)


def _basis_through(districts: list[str]) -> str:
    """'through its districts: Burnley, Pendle', shortened to fit the column."""
    text = "through its districts: "
    for i, name in enumerate(districts):
        rest = len(districts) - i
        piece = ("" if i == 0 else ", ") + name
        if len(text) + len(piece) + len(f" and {rest} more") > BASIS_LENGTH and rest > 1:
            return text + f" and {rest} more"
        text += piece
    return text


class CouncilImport:
    def __init__(self, session: Session, register: Path, lookup: Path | None,
                 progress: Progress) -> None:
        self.session = session
        self.register_path = register
        self.lookup_path = lookup
        self.progress = progress
        self.register_name = source_name(register)
        self.recorder = Recorder(session, actor=ACTOR, source=self.register_name)
        self.notes: list[str] = []

    def run(self) -> ImportResult:
        rows = read_register(self.register_path)
        lookup = seats = None
        if self.lookup_path is not None:
            lookup = read_lookup(self.lookup_path, {r.gss for r in rows if r.gss})
            seats = _constituencies_2024(self.session, lookup, self.lookup_path.name)
        else:
            self.notes.append("no lookup file given: overlaps with constituencies left as they are")
        index = CouncilIndex(self.session, self.recorder)
        areas = self._areas(rows, index)
        self._bodies(rows, areas, index)
        if lookup is not None and seats is not None:
            self._overlaps(rows, areas, lookup, seats)
        self.recorder.flush()
        former = sum(1 for r in rows if not r.current)
        self.notes.insert(0, f"{len(rows) - former} current and {former} former councils")
        return ImportResult.from_recorder("councils", self.recorder, self.notes)

    # Areas ---------------------------------------------------------------------------

    def _existing(self, rows: list[RegisterRow], index: CouncilIndex) -> dict[str, Area]:
        """The stored area of each row: by register code, GSS code, then name."""
        councils = index.areas
        by_code = {a.register_code: a for a in councils if a.register_code}
        codes = [r.gss for r in rows if r.gss]
        holders = {a.gss_code: a for a in self.session.exec(
            select(Area).where(Area.gss_code.in_(codes))).all()}  # type: ignore[union-attr]
        found: dict[str, Area] = {}
        for r in rows:
            area = by_code.get(r.code)
            holder = holders.get(r.gss) if r.gss else None
            if holder is not None and holder is not area:
                if holder.kind != KIND:
                    raise r.row.error("gss-code", f"{r.gss} is already stored as a "
                                                  f"{holder.kind} ({holder.name})")
                if area is not None or (holder.register_code and holder.register_code != r.code):
                    raise r.row.error("gss-code", f"{r.gss} is already stored for "
                                                  f"{holder.name} ({holder.register_code})")
                area = holder
            if area is not None:
                found[r.code] = area
        taken = {id(a) for a in found.values()}
        matcher: NameMatcher[RegisterRow] = NameMatcher()
        for r in rows:
            matcher.add(r, r.official, r.other_names, current=r.current)
        for area in councils:
            if id(area) in taken or area.register_code:
                continue
            try:
                r = matcher.find(area.name)
            except AmbiguousCouncilName as exc:
                self.notes.append(f"{area.name!r} (made by an earlier import) left as it is: {exc}")
                continue
            if r is None:
                self.notes.append(f"{area.name!r} (made by an earlier import) is not in the register; "
                                  "left as it is")
            elif r.code in found:
                self.notes.append(f"{area.name!r} (made by an earlier import) is also "
                                  f"{r.official}, stored as {found[r.code].slug}; left as it is")
            else:
                found[r.code] = area
                taken.add(id(area))
                if area.name != r.official:
                    self.notes.append(f"{area.name!r} (made by an earlier import) is "
                                      f"{r.official} ({r.code}): updated in place")
        return found

    def _areas(self, rows: list[RegisterRow], index: CouncilIndex) -> dict[str, Area]:
        existing = self._existing(rows, index)
        slugs = Slugs(self.session, Area)
        areas: dict[str, Area] = {}
        advance = self.progress("Councils", len(rows))
        # Counties (and every council without one) first, so districts can point to them.
        for level in ([r for r in rows if r.county is None], [r for r in rows if r.county]):
            for r in level:
                values = dict(r.values)
                values["parent_id"] = areas[r.county].id if r.county else None
                area = existing.get(r.code)
                if area is None:
                    area = self.recorder.add(Area(slug=slugs.claim(r.official, f"{r.official}-{r.code}"),
                                                  **values))
                else:
                    self.recorder.update(area, values, overwrite_with_none=True)
                areas[r.code] = area
                advance(1)
            self.recorder.flush()
        return areas

    def _bodies(self, rows: list[RegisterRow], areas: dict[str, Area], index: CouncilIndex) -> None:
        for r in rows:
            area = areas[r.code]
            body = index.body_for(area)
            if (body.name, body.kind, body.area_id) != (area.name, KIND, area.id):
                self.recorder.update(body, {"name": area.name, "kind": KIND, "area_id": area.id})
        self.recorder.flush()

    # Overlaps ------------------------------------------------------------------------

    def _overlaps(self, rows: list[RegisterRow], areas: dict[str, Area],
                  lookup: dict[str, dict[str, float]], seats: dict[str, Area]) -> None:
        assert self.lookup_path is not None
        lookup_name = source_name(self.lookup_path)
        source = _source(SourceBook(self.session, self.recorder), self.lookup_path)
        self.recorder.flush()
        by_gss = {r.gss: r for r in rows if r.gss}
        basis = f"fraction of the council in this constituency ({lookup_name})"
        wanted: dict[tuple[int, int], tuple[float | None, str]] = {}
        # county code -> constituency gss -> [(share of the district, district name)]
        through: dict[str, dict[str, list[tuple[float, str]]]] = defaultdict(lambda: defaultdict(list))
        for council_gss, shares in lookup.items():
            r = by_gss[council_gss]
            for seat_gss, share in shares.items():
                wanted[areas[r.code].id, seats[seat_gss].id] = (share, basis)  # type: ignore[index]
                if r.county:
                    through[r.county][seat_gss].append((share, r.short_name))
        for county, by_seat in through.items():
            for seat_gss, districts in by_seat.items():
                names = [name for _share, name in sorted(districts, key=lambda d: (-d[0], d[1]))]
                wanted[areas[county].id, seats[seat_gss].id] = (None, _basis_through(names))  # type: ignore[index]

        council_ids = {a.id for a in areas.values()}
        stored = {(o.area_id, o.overlaps_id): o for o in self.session.exec(select(AreaOverlap)).all()
                  if o.area_id in council_ids}
        for (area_id, seat_id), (share, why) in wanted.items():
            values = {"area_id": area_id, "overlaps_id": seat_id, "share": share, "basis": why,
                      "source_id": source.id}
            overlap = stored.pop((area_id, seat_id), None)
            if overlap is None:
                self.recorder.add(AreaOverlap(**values), source=lookup_name)
            else:
                self.recorder.update(overlap, values, source=lookup_name, overwrite_with_none=True)
        for overlap in stored.values():
            self.recorder.delete(overlap)


def import_councils(session: Session, register: Path, lookup: Path | None,
                    progress: Progress) -> ImportResult:
    return CouncilImport(session, Path(register), Path(lookup) if lookup else None, progress).run()


def from_data_dir(session: Session, data_dir: Path, progress: Progress) -> ImportResult:
    return import_councils(session, Path(data_dir) / REGISTER_FILE, Path(data_dir) / LOOKUP_FILE,
                           progress)


@click.command("councils")
@click.option("--data-dir", type=DATA_DIR_PATH,
              help=f"The shared/data folder (reads {REGISTER_FILE} and {LOOKUP_FILE}).")
@click.option("--register", type=FILE_PATH, help=f"Instead of DATA_DIR/{REGISTER_FILE}.")
@click.option("--lookup", type=FILE_PATH,
              help=f"Instead of DATA_DIR/{LOOKUP_FILE} (without either, overlaps are left alone).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def command(data_dir: Path | None, register: Path | None, lookup: Path | None,
            as_json: bool) -> None:
    """Every UK council (mySociety's register) and the 2024 constituencies each overlaps."""
    if register is None and data_dir is None:
        raise click.UsageError("give --data-dir or --register")
    register_file = register or data_dir / REGISTER_FILE  # type: ignore[operator]
    lookup_file = lookup or (data_dir / LOOKUP_FILE if data_dir else None)
    run_import(with_reference(lambda session, progress: import_councils(
        session, register_file, lookup_file, progress)), as_json=as_json)

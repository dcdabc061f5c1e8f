"""`tracker import constituencies`: Westminster constituencies, 2024 and 2010 boundary sets.

Both sets are keyed by GSS code, 650 areas each. Five Scottish seats whose
boundaries did not change in 2024 kept their code (East Renfrewshire,
Midlothian, North Ayrshire and Arran, Na h-Eileanan an Iar, Orkney and
Shetland). ``Area.gss_code`` is unique, so the code goes to the 2024-set area
and the 2010-set area of the same name is stored without one, found again by
(boundary set, name). ``ConstituencyIndex.find(code, "2010")`` hides this.

This module also holds the constituency helpers the other shared-data
importers (mps, ge2024) use: the constituency index and GSS codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click
from sqlmodel import Session, select

from tracker.importers.base import (
    DATA_DIR_PATH,
    FILE_PATH,
    ImportResult,
    ImportSourceError,
    Progress,
    Row,
    read_csv,
    resolve_files,
    source_name,
    with_reference,
)
from tracker.importers.runner import run_import
from tracker.models import Area
from tracker.revisions import Recorder
from tracker.text import Slugs, slugify

ALL_ORDER = 10

KIND = "westminster_constituency"
FILE_2024 = Path("constituencies") / "constituencies_2024.csv"
FILE_2010 = Path("constituencies") / "constituencies_2010-2024_boundaries.csv"
START_2024 = date(2024, 7, 4)
START_2010 = date(2010, 5, 6)
NATIONS = ("England", "Scotland", "Wales", "Northern Ireland")
_GSS = re.compile(r"^[ENSW]\d{8}$")


# -- helpers shared with the mps and ge2024 importers ---------------------------------

class ConstituencyIndex:
    """Areas by GSS code, and constituencies by (boundary set, name).

    Five Scottish seats kept their GSS code in 2024; the code belongs to the
    2024-set area, and the 2010-set area of the same name has no code. ``find``
    hides that: asked for a code in the 2010 set, it gives the 2010-set area.
    """

    def __init__(self, areas: Iterable[Area]) -> None:
        self.by_code: dict[str, Area] = {}
        self.by_set_name: dict[tuple[str | None, str], Area] = {}
        self._without_code: dict[tuple[str | None, str], Area] = {}
        for area in areas:
            if area.gss_code:
                self.by_code[area.gss_code] = area
            if area.kind == KIND:
                self.by_set_name[area.boundary_set, area.name] = area
                if not area.gss_code:
                    self._without_code[area.boundary_set, area.name] = area

    def __len__(self) -> int:
        return len(self.by_set_name)

    def stored(self, code: str | None, boundary_set: str, name: str) -> Area | None:
        """The row a file's constituency is stored in (by code, else by set and name)."""
        if code:
            return self.by_code.get(code)
        return self._without_code.get((boundary_set, name))

    def find(self, code: str, boundary_set: str | None = None) -> Area | None:
        """The constituency with this code, in this boundary set if one is given."""
        area = self.by_code.get(code)
        if area is None or area.kind != KIND:
            return None
        if boundary_set is None or area.boundary_set == boundary_set:
            return area
        return self.by_set_name.get((boundary_set, area.name))


def constituency_areas(session: Session) -> ConstituencyIndex:
    """Every Westminster constituency in the database."""
    return ConstituencyIndex(session.exec(select(Area).where(Area.kind == KIND)).all())


def require_constituencies(areas: ConstituencyIndex) -> None:
    if not len(areas):
        raise ImportSourceError(
            "there are no constituencies in the database: import constituencies first "
            "(tracker import constituencies --data-dir DIR)")


def gss_code(row: Row, column: str) -> str:
    value = row.required(column)
    if not _GSS.match(value):
        raise row.error(column, f"{value!r} is not a GSS code (a letter E, N, S or W and 8 digits)")
    return value


# -- this importer ------------------------------------------------------------------

@dataclass
class _Wanted:
    """The values one constituency should have, and the row they came from."""

    row: Row
    values: dict[str, Any]
    slug: str


def _parse(path: Path, *, boundary_set: str, valid_from: date, valid_to: date | None,
           slug_suffix: str, with_electorate: bool) -> dict[str, _Wanted]:
    columns = ["gss_code", "name", "region", "nation"]
    if with_electorate:
        columns.append("electorate_2024")
    wanted: dict[str, _Wanted] = {}
    for row in read_csv(path, columns, dataset=f"constituencies_{boundary_set}"):
        code = gss_code(row, "gss_code")
        if code in wanted:
            first = wanted[code].row.line
            raise row.error("gss_code", f"{code} is repeated (first on line {first})")
        nation = row.required("nation")
        if nation not in NATIONS:
            raise row.error("nation", f"{nation!r} is not one of {', '.join(NATIONS)}")
        electorate = row.integer("electorate_2024", required=True) if with_electorate else None
        if electorate is not None and electorate <= 0:
            raise row.error("electorate_2024", f"{electorate} is not a positive number")
        name = row.required("name")
        wanted[code] = _Wanted(row, {
            "name": name, "kind": KIND, "gss_code": code, "boundary_set": boundary_set,
            "valid_from": valid_from, "valid_to": valid_to, "nation": nation,
            "region": row.text("region"), "electorate": electorate,
        }, slugify(name) + slug_suffix)
    return wanted


def _codes_in_both(new: dict[str, _Wanted], old: dict[str, _Wanted]) -> list[str]:
    """Codes kept in 2024: their 2010-set rows are stored without one (gss_code is unique)."""
    shared = sorted(set(new) & set(old))
    for code in shared:
        if new[code].values["name"] != old[code].values["name"]:
            row = old[code].row
            raise row.error("name", f"{code} is {new[code].values['name']!r} in "
                                    f"{new[code].row.path.name} but {old[code].values['name']!r} "
                                    f"here")
        old[code].values["gss_code"] = None
    return shared


def _slug_for(area: Area | None, wanted: str, slugs: Slugs) -> str:
    """The wanted slug when free; an existing area keeps its slug otherwise."""
    if area is not None and area.slug == wanted:
        return wanted
    if wanted not in slugs.taken:
        slugs.taken.add(wanted)
        return wanted
    if area is not None:
        return area.slug
    return slugs.claim(wanted, f"{wanted}-constituency")


def import_constituencies(session: Session, path_2024: Path, path_2010: Path,
                          progress: Progress) -> ImportResult:
    """Create or update both boundary sets (validating both files before any write)."""
    new = _parse(path_2024, boundary_set="2024", valid_from=START_2024, valid_to=None,
                 slug_suffix="", with_electorate=True)
    old = _parse(path_2010, boundary_set="2010", valid_from=START_2010, valid_to=START_2024,
                 slug_suffix="-2010", with_electorate=False)
    shared = _codes_in_both(new, old)
    notes = []
    if shared:
        names = ", ".join(f"{new[c].values['name']} ({c})" for c in shared)
        notes.append(f"{len(shared)} constituencies kept their GSS code in 2024; their 2010-set "
                     f"areas are stored without it (slug NAME-2010): {names}")
    recorder = Recorder(session, actor="import:constituencies", source=source_name(path_2024))
    index = ConstituencyIndex(session.exec(select(Area)).all())
    slugs = Slugs(session, Area)
    items = [*new.values(), *old.values()]
    advance = progress("Constituencies", len(items))
    for item in items:
        values = item.values
        area = index.stored(values["gss_code"], values["boundary_set"], values["name"])
        if area is not None and area.kind != KIND:
            raise item.row.error("gss_code", f"{area.gss_code} is already stored as a {area.kind} "
                                             f"({area.name})")
        values = {**values, "slug": _slug_for(area, item.slug, slugs)}
        source = source_name(item.row.path)
        if area is None:
            recorder.add(Area(**values), source=source)
        else:
            recorder.update(area, values, source=source, overwrite_with_none=True)
        advance(1)
    recorder.flush()
    return ImportResult.from_recorder("constituencies", recorder, notes)


def from_data_dir(session: Session, data_dir: Path, progress: Progress) -> ImportResult:
    return import_constituencies(session, data_dir / FILE_2024, data_dir / FILE_2010, progress)


@click.command("constituencies")
@click.option("--data-dir", type=DATA_DIR_PATH,
              help="The shared/data folder (reads constituencies/*.csv).")
@click.option("--file-2024", type=FILE_PATH, help=f"Instead of DATA_DIR/{FILE_2024}.")
@click.option("--file-2010", type=FILE_PATH, help=f"Instead of DATA_DIR/{FILE_2010}.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def command(data_dir: Path | None, file_2024: Path | None, file_2010: Path | None,
            as_json: bool) -> None:
    """Westminster constituencies: the 2024 set and the 2010-2024 set."""
    files = resolve_files(data_dir, file_2024=(file_2024, FILE_2024),
                          file_2010=(file_2010, FILE_2010))
    run_import(with_reference(lambda session, progress: import_constituencies(
        session, files["file_2024"], files["file_2010"], progress)), as_json=as_json)


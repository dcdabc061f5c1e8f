"""`tracker import constituencies` over the real files, and over broken copies of them."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tracker.models import Area, ChangeSet, Revision
from tracker.queries import stats

pytestmark = pytest.mark.shared_data

FILE_2024 = Path("constituencies") / "constituencies_2024.csv"
FILE_2010 = Path("constituencies") / "constituencies_2010-2024_boundaries.csv"
SHARED_CODES = {"S14000021", "S14000027", "S14000045", "S14000048", "S14000051"}


def row_counts(session: Session) -> dict[str, int]:
    session.rollback()  # see what the command committed
    return stats.table_counts(session)


def broken_copy(shared_data: Path, tmp_path: Path, name: Path, line: int, column: str,
                value: str) -> Path:
    """A copy of a shared file with one field of one line (the header is line 1) changed."""
    lines = (shared_data / name).read_text(encoding="utf-8-sig").splitlines(keepends=True)
    header = next(csv.reader(lines[:1]))
    fields = next(csv.reader(lines[line - 1:line]))
    fields[header.index(column)] = value
    out = io.StringIO()
    ending = "\r\n" if lines[line - 1].endswith("\r\n") else "\n"
    csv.writer(out, lineterminator=ending).writerow(fields)
    lines[line - 1] = out.getvalue()
    path = tmp_path / name.name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def constituencies(session: Session, boundary_set: str) -> list[Area]:
    return list(session.exec(select(Area).where(Area.kind == "westminster_constituency",
                                                Area.boundary_set == boundary_set)).all())


def test_imports_both_boundary_sets(cli, session, shared_data):
    result = cli("import", "constituencies", "--data-dir", str(shared_data))
    assert result.exit_code == 0, result.output
    assert "constituencies: 1300 added, 0 updated" in result.output
    assert "5 constituencies kept their GSS code in 2024" in result.output

    new, old = constituencies(session, "2024"), constituencies(session, "2010")
    assert len(new) == 650 and len(old) == 650
    assert {a.valid_from for a in new} == {date(2024, 7, 4)}
    assert {a.valid_to for a in new} == {None}
    assert {(a.valid_from, a.valid_to) for a in old} == {(date(2010, 5, 6), date(2024, 7, 4))}
    assert sum(a.electorate for a in new) > 45_000_000  # type: ignore[misc]
    assert {a.electorate for a in old} == {None}
    assert {a.nation for a in new} == {"England", "Scotland", "Wales", "Northern Ireland"}
    assert sum(a.nation == "England" for a in new) == 543
    assert sum(a.nation == "Wales" for a in old) == 40

    hall_green = session.exec(select(Area).where(Area.gss_code == "E14001094")).one()
    assert (hall_green.slug, hall_green.name, hall_green.electorate, hall_green.region) == (
        "birmingham-hall-green-and-moseley", "Birmingham Hall Green and Moseley", 76936,
        "West Midlands")
    old_hall_green = session.exec(select(Area).where(Area.gss_code == "E14000562")).one()
    assert (old_hall_green.slug, old_hall_green.name) == (
        "birmingham-hall-green-2010", "Birmingham, Hall Green")

    # A code in both sets belongs to the 2024 area; the 2010 area of the same name has none.
    orkney = [a for a in new + old if a.name == "Orkney and Shetland"]
    assert sorted((a.boundary_set, a.slug, a.gss_code) for a in orkney) == [  # type: ignore[type-var]
        ("2010", "orkney-and-shetland-2010", None),
        ("2024", "orkney-and-shetland", "S14000051")]
    assert {a.gss_code for a in old if a.gss_code is None} == {None}
    assert sum(a.gss_code is None for a in old) == len(SHARED_CODES)
    assert {a.gss_code for a in new} >= SHARED_CODES
    assert len({a.slug for a in new + old}) == 1300

    revisions = session.exec(select(Revision).where(Revision.table_name == "area")).all()
    assert len(revisions) == 1300
    assert {session.get(ChangeSet, r.change_set_id).actor for r in revisions} == {"import:constituencies"}
    assert {r.source for r in revisions} == {f"constituencies/{FILE_2024.name}",
                                             f"constituencies/{FILE_2010.name}"}


def test_second_run_changes_nothing(cli, session, shared_data):
    assert cli("import", "constituencies", "--data-dir", str(shared_data)).exit_code == 0
    before = row_counts(session)
    again = cli("import", "constituencies", "--data-dir", str(shared_data))
    assert again.exit_code == 0, again.output
    assert "constituencies: 0 added, 0 updated, 1300 unchanged" in again.output
    assert row_counts(session) == before


def test_bad_electorate_names_the_line_and_imports_nothing(cli, session, shared_data, tmp_path):
    bad = broken_copy(shared_data, tmp_path, FILE_2024, 101, "electorate_2024", "lots")
    before = row_counts(session)
    result = cli("import", "constituencies", "--file-2024", str(bad),
                 "--file-2010", str(shared_data / FILE_2010))
    assert result.exit_code == 1
    assert (f"Error: {bad}, line 101, column 'electorate_2024': 'lots' is not a whole number\n"
            "Nothing was imported.") in result.output
    assert row_counts(session) == before


def test_missing_column_and_bad_codes(cli, session, shared_data, tmp_path):
    no_nation = broken_copy(shared_data, tmp_path, FILE_2010, 1, "nation", "country")
    result = cli("import", "constituencies", "--data-dir", str(shared_data),
                 "--file-2010", str(no_nation))
    assert result.exit_code == 1
    assert f"{no_nation}, line 1: missing column(s) nation" in result.output

    bad_code = broken_copy(shared_data, tmp_path, FILE_2010, 3, "gss_code", "E1400053")
    result = cli("import", "constituencies", "--data-dir", str(shared_data),
                 "--file-2010", str(bad_code))
    assert result.exit_code == 1
    assert f"{bad_code}, line 3, column 'gss_code': 'E1400053' is not a GSS code" in result.output

    repeated = broken_copy(shared_data, tmp_path, FILE_2010, 3, "gss_code", "E14000530")
    result = cli("import", "constituencies", "--data-dir", str(shared_data),
                 "--file-2010", str(repeated))
    assert result.exit_code == 1
    assert "line 3, column 'gss_code': E14000530 is repeated (first on line 2)" in result.output
    assert row_counts(session)["area"] == 0


def test_needs_files(cli):
    result = cli("import", "constituencies")
    assert result.exit_code == 2
    assert "give --data-dir or --file-2024" in result.output


def test_from_data_dir_is_what_import_all_runs(app, session, shared_data):
    from tracker.importers import constituencies as module
    from tracker.importers.base import no_progress

    with app.app_context():
        result = module.from_data_dir(session, shared_data, no_progress)
    session.commit()
    assert (result.added, result.updated) == (1300, 0)
    assert len(constituencies(session, "2024")) == 650

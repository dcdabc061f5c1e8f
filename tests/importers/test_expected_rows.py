"""A file too short to be the dataset it claims to be is refused, naming the file and the
count found, and so is a row with too few fields, naming its line; nothing is written."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from tracker.importers.expected import BY_KEY, DATASETS
from tracker.models import ALL_TABLES, Area

pytestmark = pytest.mark.shared_data

C2024 = "constituencies/constituencies_2024.csv"
C2010 = "constituencies/constituencies_2010-2024_boundaries.csv"
DIVISION = "2023-11-15-snp-amendment-h-immediate-ceasefire"


def table_counts(session: Session) -> dict[str, int]:
    session.rollback()  # see what the command committed
    return {t.__tablename__: session.exec(select(func.count()).select_from(t)).one()  # type: ignore[attr-defined]
            for t in ALL_TABLES}


def areas(session: Session) -> list[tuple[object, ...]]:
    session.rollback()
    return [(a.id, a.slug, a.gss_code, a.boundary_set, a.name, a.valid_from, a.valid_to)
            for a in session.exec(select(Area).order_by(Area.id)).all()]


def truncated(source: Path, target: Path, rows: int, *, cut_last_line: bool = False) -> Path:
    """The header and the first ``rows`` lines of ``source`` (the last cut in half if asked)."""
    lines = source.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    kept = lines[:rows + 1]
    if cut_last_line:
        kept[-1] = kept[-1][:len(kept[-1]) // 2]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(kept), encoding="utf-8")
    return target


@pytest.fixture
def constituencies(cli, shared_data: Path) -> None:
    result = cli("import", "constituencies", "--data-dir", str(shared_data))
    assert result.exit_code == 0, result.output


def test_a_header_only_2024_file_is_refused_and_changes_nothing(cli, session: Session, shared_data: Path,
                                                                tmp_path: Path, constituencies: None) -> None:
    before, counts = areas(session), table_counts(session)
    header_only = truncated(shared_data / C2024, tmp_path / "constituencies_2024.csv", 0)
    result = cli("import", "constituencies", "--file-2024", str(header_only),
                 "--file-2010", str(shared_data / C2010))
    assert result.exit_code == 1
    assert (f"Error: {header_only}: holds no rows, only a header: too short to be the 2024 Westminster "
            "constituencies, which has at least 650 rows (one row per seat: there are 650). "
            "Is it truncated?\nNothing was imported.") in result.output
    # Orkney and Shetland and the four other seats that kept their code are still 2024 seats.
    assert areas(session) == before and table_counts(session) == counts


def test_a_truncated_file_is_refused_whatever_its_name(cli, session: Session, shared_data: Path,
                                                       tmp_path: Path, constituencies: None) -> None:
    before = areas(session)
    short = truncated(shared_data / C2024, tmp_path / "c24.csv", 600)
    result = cli("import", "constituencies", "--file-2024", str(short),
                 "--file-2010", str(shared_data / C2010))
    assert result.exit_code == 1
    assert f"{short}: holds 600 rows: too short to be the 2024 Westminster constituencies" in result.output
    assert areas(session) == before


def test_a_file_cut_off_mid_line_names_the_short_line(cli, session: Session, shared_data: Path,
                                                      tmp_path: Path, constituencies: None) -> None:
    before = areas(session)
    cut = truncated(shared_data / C2024, tmp_path / "constituencies_2024.csv", 650, cut_last_line=True)
    result = cli("import", "constituencies", "--file-2024", str(cut), "--file-2010", str(shared_data / C2010))
    assert result.exit_code == 1
    assert f"{cut}, line 651: has " in result.output and " fields, the header has 12" in result.output
    assert areas(session) == before


def test_rows_with_too_few_fields_are_refused_naming_their_lines(cli, session: Session,
                                                                 shared_data: Path, tmp_path: Path) -> None:
    source = shared_data / "councillors/councillors_left_labour_over_gaza_2023.csv"
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    for index in (2, 5, 7):  # lines 3, 6 and 8 lose their last field (notes, which may be empty)
        rows[index] = rows[index][:-1]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / "councillors.csv"  # a list of one's own: no minimum, but whole rows
    path.write_text(out.getvalue(), encoding="utf-8")
    before = table_counts(session)
    result = cli("import", "councillors", str(path))
    assert result.exit_code == 1
    assert (f"Error: {path}, line 3: has 8 fields, the header has 9; so do lines 6, 8\n"
            "Nothing was imported.") in result.output
    assert table_counts(session) == before
    # Too many fields are refused the same way.
    for index in (2, 5, 7):
        rows[index] = rows[index] + ["", "x"]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    result = cli("import", "councillors", str(path))
    assert f"{path}, line 3: has 10 fields, the header has 9; so do lines 6, 8" in result.output


# Each dataset with the command that reads it; ``{}`` is the truncated copy.
COMMANDS = {
    "constituencies_2024": ["import", "constituencies", "--data-dir", "{data}", "--file-2024", "{}"],
    "constituencies_2010": ["import", "constituencies", "--data-dir", "{data}", "--file-2010", "{}"],
    "mps_2019_parliament": ["import", "mps", "--file", "{}"],
    "mps_sitting_2023": ["import", "mps", "--file", "{}"],
    "mps_elected_2024": ["import", "mps", "--file", "{}"],
    "mps_2024_parliament": ["import", "mps", "--file", "{}"],
    "ge2024_candidates": ["import", "ge2024", "--data-dir", "{data}", "--candidates", "{}"],
    "ge2024_seats": ["import", "ge2024", "--data-dir", "{data}", "--constituencies", "{}"],
    "ge2024_democracy_club": ["import", "ge2024", "--data-dir", "{data}", "--democracy-club", "{}"],
    "councils_register": ["import", "councils", "--data-dir", "{data}", "--register", "{}"],
    "councillors_left_labour_2023": ["import", "councillors", "{}"],
    "edm_signatures": ["import", "edms", "--file", "{}"],
    "labour_ayes_indy100": ["import", "votes-csv", "{}", "--division", DIVISION],
}


def test_every_dataset_has_a_test_and_its_file_meets_its_minimum(shared_data: Path) -> None:
    assert set(COMMANDS) == set(BY_KEY)
    for dataset in DATASETS:
        [path] = shared_data.glob(f"*/{dataset.file_name}")
        with path.open(newline="", encoding="utf-8-sig") as handle:
            assert sum(1 for _ in csv.DictReader(handle)) >= dataset.minimum_rows, dataset.key


@pytest.mark.slow
@pytest.mark.imported
@pytest.mark.parametrize("key", list(COMMANDS))
def test_a_truncated_copy_of_each_real_file_is_refused_on_a_full_database(
        cli, session: Session, shared_data: Path, tmp_path: Path, key: str) -> None:
    dataset = BY_KEY[key]
    [source] = shared_data.glob(f"*/{dataset.file_name}")
    keep = dataset.minimum_rows // 2
    copy = truncated(source, tmp_path / dataset.file_name, keep)
    before = table_counts(session)
    args = [a.replace("{data}", str(shared_data)).replace("{}", str(copy)) for a in COMMANDS[key]]
    result = cli(*args)
    assert result.exit_code == 1, result.output
    assert (f"{copy}: holds {keep:,} rows: too short to be {dataset.what}, which has at least "
            f"{dataset.minimum_rows:,} rows") in result.output
    assert "Nothing was imported." in result.output
    assert table_counts(session) == before


@pytest.mark.slow
@pytest.mark.imported
def test_import_all_refuses_a_data_dir_with_a_header_only_file(cli, session: Session, shared_data: Path,
                                                               tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(shared_data, data)
    truncated(shared_data / C2024, data / C2024, 0)
    before, counts = areas(session), table_counts(session)
    result = cli("import", "all", "--data-dir", str(data))
    assert result.exit_code == 1
    assert f"{data / C2024}: holds no rows, only a header" in result.output
    assert areas(session) == before and table_counts(session) == counts

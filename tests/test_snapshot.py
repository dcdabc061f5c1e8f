"""The public-records snapshot in data/snapshot/: it is a fresh build of ../shared/data, it
loads the same records as `tracker import all`, a damaged one is refused whole, and the
first run of `tracker serve` loads it (then seeds/) into an empty database only.
"""

from __future__ import annotations

import hashlib
import io
import json
import lzma
import shutil
import tarfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import sqlalchemy as sa
from flask import Flask

from tracker import create_app
from tracker.config import DATA_DIR
from tracker.importers.snapshot import set_up_empty_database
from tracker.models import ALL_TABLES
from tracker.queries.stats import table_counts
from tracker.snapshot import MANIFEST_NAME, build_archive, default_archive
from tracker.snapshot import extracted as extracted_snapshot

SHIPPED = default_archive(DATA_DIR)
# These columns hold other rows' ids (or evidence keys made of them); the rest of each row is compared.
ID_BEARING = {"revision": {"record_id", "subject_id", "before", "after"},
              "stance_period": {"evidence", "supporting"}, "stance_shift": {"evidence"},
              "stance_contradiction": {"said_id", "did_id"}}
# How many commits a load took is not a record.
NOT_RECORDS = {"data_version"}


# -- comparing two databases by natural keys -------------------------------------------------

Records = dict[str, Counter[tuple[Any, ...]]]


def records(url: str) -> Records:
    """Every row of every table, with ids left out and each foreign key replaced by the
    referenced row itself (recursively): two databases loaded in the same way compare equal
    whatever ids their sequences handed out. Timestamps of the run (``*_at``) are left out."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    tables = {model.__tablename__: model.__table__ for model in ALL_TABLES  # type: ignore[attr-defined]
              if model.__tablename__ not in NOT_RECORDS}  # type: ignore[attr-defined]
    with engine.connect() as conn:
        rows = {name: [dict(r) for r in conn.execute(sa.select(table)).mappings()]
                for name, table in tables.items()}
    engine.dispose()
    by_id = {name: {row["id"]: row for row in rows[name]} for name, table in tables.items()
             if "id" in table.c}
    natural: dict[tuple[str, int], tuple[Any, ...]] = {}

    def canonical(name: str, row: dict[str, Any]) -> tuple[Any, ...]:
        values = []
        for column in tables[name].c:
            if (column.name == "id" or column.name.endswith("_at")
                    or column.name in ID_BEARING.get(name, ())):
                continue
            value = row[column.name]
            if value is not None and column.foreign_keys:
                target = next(iter(column.foreign_keys)).column.table.name
                value = referenced(target, value)
            values.append((column.name, value))
        return tuple(values)

    def referenced(name: str, row_id: int) -> tuple[Any, ...]:
        key = (name, row_id)
        if key not in natural:
            natural[key] = (name, "cycle")
            natural[key] = (name, canonical(name, by_id[name][row_id]))
        return natural[key]

    return {name: Counter(canonical(name, row) for row in rows[name]) for name in tables}


def assert_same_records(left: Records, right: Records) -> None:
    assert {n: sum(c.values()) for n, c in left.items()} == \
        {n: sum(c.values()) for n, c in right.items()}
    for name in left:
        if left[name] != right[name]:
            only_left = list((left[name] - right[name]).elements())[:3]
            only_right = list((right[name] - left[name]).elements())[:3]
            pytest.fail(f"table {name} differs:\n only in the first: {only_left}\n"
                        f" only in the second: {only_right}")


def url_of(database: str) -> str:
    """The conftest fixtures give a SQLite file path or a PostgreSQL URL."""
    return database if "://" in database else f"sqlite:///{database}"


@pytest.fixture
def empty_app(database_template: str, tmp_path: Path) -> Iterator[Flask]:
    """A second app on an empty, migrated database, beside the test's own (an ``imported``
    test's own database is a copy, so on PostgreSQL the base test database is free)."""
    if "://" in database_template:
        engine = sa.create_engine(database_template, poolclass=sa.pool.NullPool)
        names = ", ".join(f'"{t.__tablename__}"' for t in ALL_TABLES)  # type: ignore[attr-defined]
        with engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        engine.dispose()
        url = database_template
    else:
        shutil.copyfile(database_template, tmp_path / "empty.sqlite3")
        url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret"})
    yield app
    app.extensions["engine"].dispose()


def counts_of(app: Flask) -> dict[str, int]:
    from sqlmodel import Session

    with Session(app.extensions["engine"]) as session:
        return table_counts(session)


# -- (a) the shipped archive is what the builder makes of ../shared/data ------------------------


@pytest.mark.shared_data
def test_shipped_snapshot_is_a_fresh_build_of_shared_data(shared_data: Path) -> None:
    data, files = build_archive(shared_data)
    assert SHIPPED.is_file(), f"{SHIPPED} is missing: run tracker snapshot build --from {shared_data}"
    assert hashlib.sha256(SHIPPED.read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest(), (
        f"{SHIPPED} is not a fresh build of {shared_data}: "
        f"run `tracker snapshot build --from {shared_data}`")
    paths = {f.path for f in files}
    assert "divisions/commonsvotes_division_1666.json" in paths
    assert not any(p.startswith("api_examples/") or p == "README.md" for p in paths)
    # Its README says what every file is and where it came from.
    readme = (SHIPPED.parent / "README.md").read_text(encoding="utf-8")
    assert [p for p in sorted(paths) if f"`{p}`" not in readme] == []
    for licence in ("Open Parliament Licence v3.0", "CC-BY-4.0", "Democracy Club",
                    "Open Government Licence v3.0"):
        assert licence in readme


# -- (b) the snapshot loads the same records as `import all` ------------------------------------


@pytest.mark.shared_data
@pytest.mark.slow
def test_snapshot_loads_the_same_records_as_import_all(app: Flask, cli, imported_template: str,
                                                       database_url: str) -> None:
    result = cli("import", "snapshot")
    assert result.exit_code == 0, result.output
    assert "Loading the public records snapshot: mps (" in result.stderr
    assert "Snapshot loaded in" in result.output

    loaded = records(database_url)
    assert sum(loaded["vote"].values()) > 1900 and sum(loaded["edm_signature"].values()) > 5000
    assert_same_records(loaded, records(url_of(imported_template)))


# -- (c) a damaged archive is refused whole --------------------------------------------------


def members_of(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:xz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}  # type: ignore[union-attr]


def write_tar_xz(path: Path, members: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    path.write_bytes(lzma.compress(buffer.getvalue(), preset=0))
    return path


def edited(members: dict[str, bytes]) -> dict[str, bytes]:
    name = "mps/mps_sitting_2023-11-15.csv"
    return {**members, name: members[name].replace(b"Labour", b"Lavour", 1)}


def without_a_file(members: dict[str, bytes]) -> dict[str, bytes]:
    return {n: c for n, c in members.items() if n != "edms/gaza_edms_metadata.csv"}


def with_an_extra_file(members: dict[str, bytes]) -> dict[str, bytes]:
    return {**members, "mps/extra.csv": b"name\nNobody\n"}


@pytest.mark.parametrize(("damage", "message"), [
    (edited, "mps/mps_sitting_2023-11-15.csv does not match its size and sha256"),
    (without_a_file, "edms/gaza_edms_metadata.csv is listed in MANIFEST.json but missing"),
    (with_an_extra_file, "mps/extra.csv is not in MANIFEST.json"),
    (None, "is not a readable .tar.xz archive"),
])
def test_a_damaged_snapshot_is_refused_whole(cli, app: Flask, tmp_path: Path,
                                             damage: Callable[[dict[str, bytes]], dict[str, bytes]] | None,
                                             message: str) -> None:
    archive = tmp_path / "damaged.tar.xz"
    if damage is None:  # truncated
        archive.write_bytes(SHIPPED.read_bytes()[: SHIPPED.stat().st_size // 2])
    else:
        write_tar_xz(archive, damage(members_of(SHIPPED)))
    before = counts_of(app)

    result = cli("import", "snapshot", "--file", str(archive))
    assert result.exit_code != 0
    assert message in result.output and str(archive) in result.output
    assert "Nothing was imported." in result.output
    assert counts_of(app) == before

    with app.app_context(), pytest.raises(click.ClickException, match="Nothing was loaded"):
        set_up_empty_database(archive)
    assert counts_of(app) == before


def test_a_malformed_file_in_a_sound_archive_is_named_as_in_the_archive(cli, app: Flask,
                                                                        tmp_path: Path) -> None:
    """A file the manifest vouches for can still be bad data: the importer's error names it
    by its path inside the archive, with the line, and nothing is written."""
    members = members_of(SHIPPED)
    name = "constituencies/constituencies_2024.csv"
    lines = members[name].split(b"\n")
    lines[2] += b",an,extra,field"
    members[name] = b"\n".join(lines)
    manifest = json.loads(members.pop(MANIFEST_NAME))
    for entry in manifest["files"]:
        if entry["path"] == name:
            entry.update(size=len(members[name]), sha256=hashlib.sha256(members[name]).hexdigest())
    archive = write_tar_xz(tmp_path / "bad-data.tar.xz",
                           {MANIFEST_NAME: json.dumps(manifest).encode(), **members})
    with extracted_snapshot(archive) as folder:  # the manifest itself is sound
        assert (folder / name).read_bytes() == members[name]

    result = cli("import", "snapshot", "--file", str(archive))
    assert result.exit_code != 0
    assert f"{name} in {archive}" in result.output and "line" in result.output
    assert "Nothing was imported." in result.output
    assert sum(counts_of(app).values()) == 0


# -- (d) the first run of `tracker serve` -----------------------------------------------------


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.imported
def test_first_run_loads_snapshot_then_seeds_into_an_empty_database_only(
        app: Flask, cli, database_url: str, empty_app: Flask,
        capsys: pytest.CaptureFixture[str]) -> None:
    # The records of `import all` (this test's database) then `seed`...
    assert cli("seed").exit_code == 0
    # ... are the records the first run loads into an empty database.
    with empty_app.app_context():
        assert set_up_empty_database() is True
    progress = capsys.readouterr().err
    assert "Loading the public records snapshot: commons-votes (" in progress
    assert "Loading seeds/" in progress and "Loaded the snapshot and seeds/ in" in progress
    assert_same_records(records(empty_app.config["DATABASE_URL"]), records(database_url))

    # A database that holds data gets nothing, fresh from the first run or not.
    loaded = counts_of(empty_app)
    with empty_app.app_context():
        assert set_up_empty_database() is False
    assert counts_of(empty_app) == loaded
    imported_and_seeded = counts_of(app)
    with app.app_context():
        assert set_up_empty_database() is False
    assert counts_of(app) == imported_and_seeded

"""The full data dump (issue 9): `tracker export dump DIR`, `tracker import dump DIR`, the
registry of its tables (tracker.dataset) and its Frictionless package."""

from __future__ import annotations

import csv
import io
import json
import shutil
import time
import warnings
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session, SQLModel, select

from tests.conftest import TEST_DATABASE_URL, _pg_execute
from tracker import create_app
from tracker import migrate as migrations
from tracker.dataset import describe
from tracker.dataset.cells import CellError, parser
from tracker.dataset.load import non_empty_tables
from tracker.dataset.tables import BY_NAME, EXCLUDED_TABLES, READ_MODEL_TABLES, TABLES
from tracker.db import make_engine
from tracker.models import Evidence, Party, Person, Source
from tracker.revisions import PRIVATE_TABLES, Recorder
from tracker.revisions import USER_ID_COLUMNS as USER_ID_KEYS

FILES = sorted([t.filename for t in TABLES] + ["datapackage.json"])


# -- helpers ------------------------------------------------------------------------------------

def export(app: Flask, directory: Path) -> dict[str, bytes]:
    """`flask --app tracker export dump DIR` (the command as Flask registers it); the files."""
    result = app.test_cli_runner().invoke(args=["export", "dump", str(directory)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in directory.iterdir()) == FILES
    return {p.name: p.read_bytes() for p in directory.iterdir()}


def load(app: Flask, directory: Path, *args: str):  # type: ignore[no-untyped-def]
    from tracker.cli import main

    return app.test_cli_runner().invoke(main, ["import", "dump", str(directory), *args])


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def occupied(app: Flask) -> list[str]:
    with app.extensions["engine"].connect() as connection:
        return non_empty_tables(connection)


@pytest.fixture
def target(database_template: str, tmp_path: Path) -> Iterator[Flask]:
    """A second site on an empty, migrated database (on PostgreSQL, a database of its own)."""
    if TEST_DATABASE_URL:
        name = f"{sa.engine.make_url(TEST_DATABASE_URL).database}_dump_target"
        _pg_execute(TEST_DATABASE_URL, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
        url = sa.engine.make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        migrations.upgrade(engine)
        engine.dispose()
    else:
        path = tmp_path / "target.sqlite3"
        shutil.copyfile(database_template, path)
        url = f"sqlite:///{path}"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret",
                      "RATELIMIT_ENABLED": False, "ASOF_DIR": str(tmp_path / "target-as-of")})
    yield app
    app.extensions["engine"].dispose()
    if TEST_DATABASE_URL:
        _pg_execute(TEST_DATABASE_URL, f"DROP DATABASE IF EXISTS {name}")


@pytest.fixture
def seeded(app: Flask, cli) -> Flask:  # type: ignore[no-untyped-def]
    assert cli("seed").exit_code == 0
    return app


def frictionless_report(package: Path):  # type: ignore[no-untyped-def]
    import frictionless

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the library's own deprecation warnings
        return frictionless.validate(str(package))


# -- the registry ---------------------------------------------------------------------------------

def _declared_type(column: sa.Column) -> str:  # type: ignore[type-arg]
    """The dump type a stored column must be declared with ("json": a JSON column)."""
    if isinstance(column.type, sa.JSON):
        return "json"
    kind = getattr(column.type, "impl_instance", column.type).python_type  # through TypeDecorators
    for python, declared in ((bool, "boolean"), (int, "integer"), (float, "number"), (datetime, "datetime"),
                             (date, "date"), (str, "string")):
        if issubclass(kind, python):
            return declared
    raise AssertionError(f"{column}: no dump type for {kind}")


def test_every_table_and_column_is_declared_or_deliberately_private() -> None:
    """The registry cannot drift from the models: a new column must be declared or listed private."""
    tables = SQLModel.metadata.tables
    assert set(tables) == set(BY_NAME) | set(EXCLUDED_TABLES), "declare the new table or exclude it"
    assert set(EXCLUDED_TABLES) >= PRIVATE_TABLES
    for table in TABLES:
        model = tables[table.name]
        assert set(table.column_names) | set(table.private) == {c.name for c in model.columns}, table.name
        for column in table.columns:
            stored = model.c[column.name]
            kind = _declared_type(stored)
            if kind == "json":
                assert column.name in table.json, (table.name, column.name)
            elif kind == "string":
                assert column.type in ("string", "url"), (table.name, column.name)
            else:
                assert column.type == kind, (table.name, column.name, kind)
        assert table.primary_key == tuple(c.name for c in model.primary_key.columns)
        # Every foreign key of the model is declared (but those to accounts, which are private).
        model_fks = {(c.name, fk.column.table.name) for c in model.columns for fk in c.foreign_keys
                     if fk.column.table.name != "user"}
        declared = {(fk.column, fk.table) for fk in table.foreign_keys}
        if table.name in READ_MODEL_TABLES:  # derived data: no foreign keys in the schema
            assert model_fks == set()
            assert declared == {("person_id", "person"), ("topic_id", "topic")}
        else:
            assert declared == model_fks, table.name
        # Account ids are never declared; the private list says why each is left out.
        assert not USER_ID_KEYS & set(table.column_names), table.name
        assert USER_ID_KEYS & {c.name for c in model.columns} <= set(table.private), table.name


def test_every_column_is_described_with_an_example_of_its_type() -> None:
    for table in TABLES:
        assert len(table.description) > 20, table.name
        for column in table.columns:
            assert column.description.endswith((".", ")")), (table.name, column.name)
            assert column.example is not None, (table.name, column.name)
            try:
                parser(table, column.name)(column.example)
            except CellError as exc:
                pytest.fail(f"{table.name}.{column.name}: example {column.example!r}: {exc}")
            if column.values is not None and column.type != "boolean":
                assert column.example in column.values, (table.name, column.name)


def test_describe_is_json_ready_for_the_downloads_page() -> None:
    described = json.loads(json.dumps(describe()))
    assert [t["name"] for t in described["tables"]] == [t.name for t in TABLES]
    vote = next(t for t in described["tables"] if t["name"] == "vote")
    position = next(c for c in vote["columns"] if c["name"] == "position")
    assert position["type"] == "string" and "aye" in position["values"] and position["example"] == "aye"
    assert vote["primary_key"] == ["id"]
    assert {"column": "person_id", "table": "person", "target": "id"} in vote["foreign_keys"]
    evidence = next(t for t in described["tables"] if t["name"] == "evidence")
    assert evidence["private_columns"] == ["reviewed_by_id", "submitted_by_id"]
    assert "approved" in evidence["rows"]
    excluded = {t["name"] for t in described["excluded_tables"]}
    assert {"user", "invitation", "claim", "pledge_link", "upload"} <= excluded
    # The page twins' column descriptions are unchanged by the example field.
    from tracker.exports.registry import describe as twin_tables
    assert all("example" not in c for p in twin_tables()["pages"] for t in p["tables"] for c in t["columns"])


# -- export and import ------------------------------------------------------------------------------

@pytest.mark.imported
def test_round_trip_of_the_imported_data_is_byte_identical_and_validates(app: Flask, target: Flask,
                                                                         tmp_path: Path) -> None:
    first = export(app, tmp_path / "first")
    assert len(rows_of(first["vote.csv"])) >= 1900
    assert len(rows_of(first["revision.csv"])) > 30_000

    result = load(target, tmp_path / "first")
    assert result.exit_code == 0, result.output
    assert "Stances rebuilt from the evidence: they match the dump's." in result.output
    second = export(target, tmp_path / "second")
    for name in FILES:
        assert second[name] == first[name], name

    # The loaded database takes new rows (PostgreSQL: the id sequences were moved on).
    with Session(target.extensions["engine"]) as session:
        recorder = Recorder(session, actor="test")
        recorder.add(Party(slug="a-new-party", name="A New Party"))
        recorder.flush()
        session.commit()

    # The whole package, foreign keys included, is valid Frictionless data.
    started = time.perf_counter()
    report = frictionless_report(tmp_path / "first" / "datapackage.json")
    took = time.perf_counter() - started
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]
    print(f"frictionless validated the full imported dump in {took:.1f}s")  # noqa: T201


def test_frictionless_checks_foreign_keys_of_the_package(seeded: Flask, tmp_path: Path) -> None:
    """A guard on the validation above: frictionless does look at the foreign keys."""
    files = export(seeded, tmp_path / "dump")
    assert frictionless_report(tmp_path / "dump" / "datapackage.json").valid
    text = files["membership.csv"].decode()
    header, first, rest = text.split("\r\n", 2)
    cells = first.split(",")
    cells[header.split(",").index("person_id")] = "999999"
    (tmp_path / "dump" / "membership.csv").write_text("\r\n".join([header, ",".join(cells), rest]),
                                                      newline="")
    report = frictionless_report(tmp_path / "dump" / "datapackage.json")
    assert not report.valid
    assert "foreign-key" in {row[0] for row in report.flatten(["type"])}


def test_a_loaded_seed_dump_is_the_same_site(seeded: Flask, target: Flask, tmp_path: Path) -> None:
    first = export(seeded, tmp_path / "first")
    assert load(target, tmp_path / "first").exit_code == 0
    assert export(target, tmp_path / "second") == first
    # The loaded site shows the same person page.
    with Session(seeded.extensions["engine"]) as session:
        slug = session.exec(select(Person.slug).order_by(Person.id)).first()
    page = seeded.test_client().get(f"/people/{slug}").get_data()
    again = target.test_client().get(f"/people/{slug}").get_data()
    assert page == again


def test_a_database_that_is_not_empty_is_refused_and_left_alone(seeded: Flask, tmp_path: Path) -> None:
    before = export(seeded, tmp_path / "before")
    result = load(seeded, tmp_path / "before")
    assert result.exit_code == 1
    assert "the database is not empty" in result.output and "Nothing was imported." in result.output
    assert export(seeded, tmp_path / "after") == before


def _edit(directory: Path, name: str, line: int, column: str, value: str) -> None:
    """Set one cell of line ``line`` (1 is the header) of a dump file."""
    path = directory / name
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[line - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")


def test_a_corrupt_dump_is_refused_with_its_lines_and_nothing_written(seeded: Flask, target: Flask,
                                                                        tmp_path: Path) -> None:
    export(seeded, tmp_path / "good")
    assert len(rows_of((tmp_path / "good" / "evidence.csv").read_bytes())) >= 3

    bad_date = tmp_path / "bad-date"
    shutil.copytree(tmp_path / "good", bad_date)
    _edit(bad_date, "evidence.csv", 3, "evidence_date", "2024-02-30")
    _edit(bad_date, "membership.csv", 4, "start_date", "21/02/2024")
    result = load(target, bad_date)
    assert result.exit_code == 1
    assert "evidence.csv, line 3: evidence_date: '2024-02-30' is not a date that exists" in result.output
    assert ("membership.csv, line 4: start_date: '21/02/2024' is not a date written YYYY-MM-DD"
            in result.output)
    assert "Nothing was imported." in result.output
    assert occupied(target) == []

    missing = tmp_path / "missing-column"
    shutil.copytree(tmp_path / "good", missing)
    path = missing / "person.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    drop = rows[0].index("sort_name")
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([r[:drop] + r[drop + 1:] for r in rows])
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    result = load(target, missing)
    assert result.exit_code == 1
    assert "person.csv, line 1: the header is not id, name, sort_name" in result.output
    assert "it lacks the column sort_name" in result.output
    assert occupied(target) == []

    unknown = tmp_path / "unknown-key"
    shutil.copytree(tmp_path / "good", unknown)
    _edit(unknown, "evidence.csv", 2, "source_id", "999999")
    _edit(unknown, "membership.csv", 3, "person_id", "888888")
    result = load(target, unknown)
    assert result.exit_code == 1
    assert "membership.csv, line 3: person_id 888888 is not the id of a row of person.csv" in result.output
    assert "evidence.csv, line 2: source_id 999999 is not the id of a row of source.csv" in result.output
    assert occupied(target) == []

    # Repaired, the same files load.
    assert load(target, tmp_path / "good").exit_code == 0
    assert occupied(target) != []


def test_a_package_of_another_version_is_refused(seeded: Flask, target: Flask, tmp_path: Path) -> None:
    export(seeded, tmp_path / "dump")
    package_path = tmp_path / "dump" / "datapackage.json"
    package = json.loads(package_path.read_text())
    vote = next(r for r in package["resources"] if r["name"] == "vote")
    vote["schema"]["fields"] = [f for f in vote["schema"]["fields"] if f["name"] != "position"]
    package_path.write_text(json.dumps(package))
    result = load(target, tmp_path / "dump")
    assert result.exit_code == 1
    assert "resource 'vote': its fields" in result.output
    assert occupied(target) == []
    (tmp_path / "empty").mkdir()
    result = load(target, tmp_path / "empty")
    assert result.exit_code == 1 and "datapackage.json is missing" in result.output


def test_stance_tables_that_disagree_with_the_evidence_are_refused(seeded: Flask, target: Flask,
                                                                   tmp_path: Path) -> None:
    export(seeded, tmp_path / "dump")
    periods = rows_of((tmp_path / "dump" / "stance_period.csv").read_bytes())
    assert periods
    _edit(tmp_path / "dump", "stance_period.csv", 2, "conflict",
          "false" if periods[0]["conflict"] == "true" else "true")
    result = load(target, tmp_path / "dump")
    assert result.exit_code == 1
    assert "stance_period.csv: " in result.output and "with other contents" in result.output
    assert occupied(target) == []
    result = load(target, tmp_path / "dump", "--keep-rebuilt")
    assert result.exit_code == 0, result.output
    assert "kept the ones worked out now" in result.output
    assert rows_of(export(target, tmp_path / "again")["stance_period.csv"])[0]["conflict"] == \
        periods[0]["conflict"]


# -- what is public ------------------------------------------------------------------------------

def test_private_rows_and_columns_are_not_in_the_dump(seeded: Flask, users, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tracker.accounts.users import create_user
    from tracker.moderation import submissions as service

    marker_name, marker_email = "Zebedee Quillfeather", "zebedee.quillfeather@example.org"
    with seeded.app_context(), Session(seeded.extensions["engine"], expire_on_commit=False) as session:
        user = create_user(session, email=marker_email, name=marker_name, role="contributor",
                           password="a long enough password", actor="test")
        session.commit()
        person = session.exec(select(Person).order_by(Person.id)).first()
        assert person is not None

        def submission(summary: str, url: str) -> service.Submission:
            return service.Submission(person_id=person.id, topic="ceasefire", kind="statement",  # type: ignore[arg-type]
                                      stance="ceasefire", evidence_date=date(2024, 3, 1), summary=summary,
                                      source_url=url)

        pending = service.submit(session, user, submission("PENDING-MARKER said something unreviewed",
                                                           "https://pending-marker.example/a"))
        session.commit()
        rejected = service.submit(session, users["contributor"], submission(
            "REJECTED-MARKER said something false", "https://rejected-marker.example/b"))
        session.commit()
        service.reject(session, users["moderator"], rejected, "REJECTION-REASON-MARKER")
        session.commit()
        approved = service.submit(session, users["contributor2"], submission(
            "APPROVED-MARKER called for a ceasefire", "https://approved-marker.example/c"))
        session.commit()
        service.approve(session, users["moderator"], approved, "checked the recording")
        session.commit()
        assert pending.status == "pending" and approved.status == "approved"
        approved_id = approved.id

    files = export(seeded, tmp_path / "dump")
    everything = b"".join(files.values()).decode("utf-8")
    for secret in (marker_name, marker_email, "PENDING-MARKER", "pending-marker.example", "REJECTED-MARKER",
                   "rejected-marker.example", "REJECTION-REASON-MARKER", "example.org", "pbkdf2:",
                   "(redacted)"):
        assert secret not in everything, secret
    # The approved one is there, with its source, and no one's account id.
    assert "APPROVED-MARKER" in everything and "approved-marker.example" in everything
    evidence = rows_of(files["evidence.csv"])
    assert {r["status"] for r in evidence} == {"approved"}
    assert any(r["id"] == str(approved_id) for r in evidence)
    for name in FILES:
        if name.endswith(".csv"):
            header = files[name].decode().split("\r\n", 1)[0].split(",")
            assert not USER_ID_KEYS & set(header), name
    revisions = rows_of(files["revision.csv"])
    assert {r["table_name"] for r in revisions}.isdisjoint(PRIVATE_TABLES)
    states = [json.loads(r[side]) for r in revisions for side in ("before", "after") if r[side]]
    about_approved = [s for s in states if s.get("summary", "").startswith("APPROVED-MARKER")]
    assert about_approved and all(s["submitted_by_id"] is None and s["reviewed_by_id"] is None
                                  for s in about_approved)
    assert all(s.get(key) is None for s in states for key in USER_ID_KEYS)
    # The approval itself (a public change) is there; the accounts' own change sets are not.
    change_sets = rows_of(files["change_set.csv"])
    assert "approved a submission" in {c["reason"] for c in change_sets}
    assert "new account" not in {c["reason"] for c in change_sets}


def test_a_formula_looking_party_name_stays_raw_in_the_dump(seeded: Flask, tmp_path: Path) -> None:
    formula = '=HYPERLINK("https://evil.example","click")'
    with Session(seeded.extensions["engine"]) as session:
        recorder = Recorder(session, actor="test")
        recorder.add(Party(slug="formula-party", name=formula, short_name="-1"))
        recorder.flush()
        session.commit()
    files = export(seeded, tmp_path / "dump")
    party = next(r for r in rows_of(files["party.csv"]) if r["slug"] == "formula-party")
    assert party["name"] == formula and party["short_name"] == "-1"  # as stored: data to load back
    package = json.loads(files["datapackage.json"])
    assert "not prefixed with an apostrophe" in package["description"]
    # A page's CSV twin still defuses it.
    twin = seeded.test_client().get("/parties?format=csv&table=parties").get_data(as_text=True)
    assert "'=HYPERLINK" in twin
    assert not any(line.startswith("formula-party,=") for line in twin.splitlines())


def test_the_package_describes_every_file(seeded: Flask, tmp_path: Path) -> None:
    files = export(seeded, tmp_path / "dump")
    package = json.loads(files["datapackage.json"])
    assert package["profile"] == "tabular-data-package"
    assert [r["path"] for r in package["resources"]] == [t.filename for t in TABLES]
    titles = " ".join(s["title"] for s in package["sources"])
    for source in ("Open Parliament Licence v3.0", "Democracy Club", "mySociety", "postcodes.io",
                   "tracker's own records"):
        assert source in titles
    assert {"OPL-3.0", "CC-BY-4.0", "OGL-UK-3.0"} == {lic["name"] for lic in package["licenses"]}
    vote = next(r for r in package["resources"] if r["name"] == "vote")
    assert vote["schema"]["missingValues"] == [""]
    assert vote["schema"]["primaryKey"] == ["id"]
    assert {"fields": "person_id", "reference": {"resource": "person", "fields": "id"}} in \
        vote["schema"]["foreignKeys"]
    position = next(f for f in vote["schema"]["fields"] if f["name"] == "position")
    assert position["constraints"]["enum"][:2] == ["aye", "no"] and position["description"]
    # created: when the data last changed (the newest change set), so the same data gives the same file.
    newest = max(r["committed_at"] for r in rows_of(files["change_set.csv"]))
    assert package["created"] == newest
    # Booleans, dates and times as documented.
    evidence = rows_of(files["evidence.csv"])[0]
    assert evidence["signed_by_person"] in ("true", "false")
    assert date.fromisoformat(evidence["evidence_date"])
    assert evidence["created_at"].endswith("Z") and "T" in evidence["created_at"]
    assert files["vote.csv"].startswith(b"id,division_id,person_id,position,party_id,source_id\r\n")


def test_sources_of_submissions_waiting_for_review_are_left_out(seeded: Flask, users) -> None:  # type: ignore[no-untyped-def]
    from tracker.dataset.export import private_sources
    from tracker.moderation import submissions as service

    with seeded.app_context(), Session(seeded.extensions["engine"], expire_on_commit=False) as session:
        person = session.exec(select(Person).order_by(Person.id)).first()
        evidence = service.submit(session, users["contributor"], service.Submission(
            person_id=person.id, topic="ceasefire", kind="statement", stance="ceasefire",  # type: ignore[union-attr, arg-type]
            evidence_date=date(2024, 3, 1), summary="Said something worth checking",
            source_url="https://waiting.example/x"))
        session.commit()
        source_id = evidence.source_id
        with seeded.extensions["engine"].connect() as connection:
            assert private_sources(connection) == [source_id]
        service.approve(session, users["moderator"], session.get(Evidence, evidence.id), "")  # type: ignore[arg-type]
        session.commit()
        with seeded.extensions["engine"].connect() as connection:
            assert private_sources(connection) == []
        assert session.get(Source, source_id) is not None

"""`tracker import votes-csv`: the partial indy100 list of Labour ayes of 15 Nov 2023."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from tracker.importers.people import PersonIndex
from tracker.importers.votes_csv import from_data_dir, parse_position
from tracker.models import Division, Person, Source, Vote
from tracker.queries import stats
from tracker.reference import sync_reference
from tracker.revisions import Recorder

FILE = "divisions/labour_ayes_2023-11-15_PARTIAL_indy100.csv"
DIVISION = "2023-11-15-snp-amendment-h-immediate-ceasefire"
INDY100 = "https://www.indy100.com/politics/labour-mps-vote-for-ceasefire"


def count(session: Session, model: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def table_counts(session: Session) -> dict[str, int]:
    return stats.table_counts(session)


@pytest.fixture
def mps(session: Session, shared_data: Path) -> None:
    """The MPs sitting on 15 Nov 2023, with their ids (what the mps importer provides)."""
    people = PersonIndex(session, Recorder(session, actor="test"))
    with (shared_data / "mps/mps_sitting_2023-11-15.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            people.upsert(name=row["name"], parliament_id=int(row["parliament_member_id"]),
                          twfy_id=int(row["twfy_person_id"]))
    people.recorder.flush()
    session.commit()


def division_votes(session: Session) -> list[tuple[Person, Vote]]:
    division = session.exec(select(Division).where(Division.slug == DIVISION)).one()
    return list(session.exec(select(Person, Vote).join(Vote, Vote.person_id == Person.id).where(  # type: ignore[arg-type]
        Vote.division_id == division.id)).all())


def test_loads_the_33_ayes_with_their_source(mps, cli, session: Session,
                                              shared_data: Path) -> None:
    result = cli("import", "votes-csv", str(shared_data / FILE), "--division", DIVISION)
    assert result.exit_code == 0, result.output
    votes = division_votes(session)
    assert len(votes) == 33
    assert {v.position for _p, v in votes} == {"aye"}
    sources = {session.get(Source, v.source_id).url for _p, v in votes}  # type: ignore[union-attr]
    assert sources == {INDY100}
    tahir = next(p for p, _v in votes if p.parliament_id == 4747)
    assert tahir.name == "Tahir Ali"
    division = session.exec(select(Division).where(Division.slug == DIVISION)).one()
    assert division.votes_complete is False  # a partial list never implies absence


def test_second_run_changes_nothing(mps, cli, session: Session, shared_data: Path) -> None:
    assert cli("import", "votes-csv", str(shared_data / FILE), "--division", DIVISION).exit_code == 0
    before = table_counts(session)
    again = cli("import", "votes-csv", str(shared_data / FILE), "--division", DIVISION)
    assert again.exit_code == 0, again.output
    assert "0 added, 0 updated" in again.output
    assert table_counts(session) == before


def test_unknown_person_names_the_line_and_writes_nothing(mps, cli, session: Session,
                                                          shared_data: Path,
                                                          tmp_path: Path) -> None:
    lines = (shared_data / FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",25819,4828,", ",,999999,")  # Paula Barker, line 4
    broken = tmp_path / "votes.csv"
    broken.write_text("".join(lines), encoding="utf-8")
    before = table_counts(session)
    result = cli("import", "votes-csv", str(broken), "--division", DIVISION)
    assert result.exit_code == 1
    assert ("votes.csv, line 4, column 'parliament_member_id': no MP with parliament id 999999; "
            "import MPs first") in result.output
    assert table_counts(session) == before


def test_without_mps_the_first_line_fails(cli, session: Session, shared_data: Path) -> None:
    result = cli("import", "votes-csv", str(shared_data / FILE), "--division", DIVISION)
    assert result.exit_code == 1
    assert "line 2" in result.output and "no MP with parliament id 4747" in result.output
    assert count(session, Vote) == 0 and count(session, Division) == 0


def test_needs_an_id_column(cli, tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("name,vote_reported,source_url\nA,aye,https://example.org\n", encoding="utf-8")
    result = cli("import", "votes-csv", str(path), "--division", DIVISION)
    assert result.exit_code == 1
    assert "line 1" in result.output and "parliament_member_id or twfy_person_id" in result.output


def test_unknown_division(mps, cli, shared_data: Path) -> None:
    result = cli("import", "votes-csv", str(shared_data / FILE), "--division", "no-such-vote")
    assert result.exit_code == 1
    assert "no division 'no-such-vote'" in result.output


def test_from_data_dir_says_the_list_is_partial(mps, app: Flask, session: Session,
                                                shared_data: Path) -> None:
    with app.app_context():
        sync_reference(session, Recorder(session, actor="test"), Path(app.config["DATA_DIR"]))
        result = from_data_dir(session, shared_data, lambda _label, _n: lambda _k: None)
    assert result.added == 67  # 33 votes, each linked to its source, and the indy100 source
    assert any("33 of the 56 Labour ayes" in note for note in result.notes)
    assert len(division_votes(session)) == 33


@pytest.mark.parametrize(("text", "position"), [
    ("aye (for SNP amendment (h))", "aye"), ("Aye", "aye"), ("no", "no"), ("Noes", "no"),
    ("teller for the ayes", "teller_aye"), ("Teller (no)", "teller_no"),
    ("no vote recorded", "no_vote_recorded"), ("abstained", None), ("nothing", None),
    ("content", None),
])
def test_parse_position(text: str, position: str | None) -> None:
    assert parse_position(text) == position

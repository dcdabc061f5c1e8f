"""`tracker import mps`: people, Commons memberships and the party spans derived from them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tracker.importers.mps import SOURCE_KEY
from tracker.models import Affiliation, Area, ChangeSet, Membership, Party, Person, Revision, Source

from .test_constituencies import broken_copy, row_counts

pytestmark = pytest.mark.shared_data

SITTING = Path("mps") / "mps_sitting_2023-11-15.csv"
PARLIAMENT_2019 = Path("mps") / "mps_2019_parliament_memberships.csv"


@pytest.fixture
def constituencies(cli, shared_data: Path) -> None:
    result = cli("import", "constituencies", "--data-dir", str(shared_data))
    assert result.exit_code == 0, result.output


@pytest.fixture
def imported(cli, session: Session, shared_data: Path, constituencies: None) -> str:
    result = cli("import", "mps", "--data-dir", str(shared_data))
    assert result.exit_code == 0, result.output
    session.rollback()
    return result.output


def person(session: Session, parliament_id: int) -> Person:
    return session.exec(select(Person).where(Person.parliament_id == parliament_id)).one()


def spans(session: Session, name: str) -> list[tuple[str, date | None, date | None]]:
    """A person's affiliations derived from memberships: (party slug, start, end)."""
    rows = session.exec(
        select(Party.slug, Affiliation.start_date, Affiliation.end_date)
        .join(Party, Party.id == Affiliation.party_id)  # type: ignore[arg-type]
        .join(Person, Person.id == Affiliation.person_id)  # type: ignore[arg-type]
        .join(Source, Source.id == Affiliation.source_id)  # type: ignore[arg-type]
        .where(Person.name == name, Source.key == SOURCE_KEY)
        .order_by(Affiliation.start_date)).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_needs_constituencies_first(cli, session, shared_data):
    result = cli("import", "mps", "--data-dir", str(shared_data))
    assert result.exit_code == 1
    assert "import constituencies first" in result.output
    assert "Nothing was imported." in result.output
    assert set(row_counts(session).values()) == {0}


def test_people_and_memberships(imported, session):
    assert "mps: 4562 added, 0 updated" in imported  # 3534 rows and 1028 TheyWorkForYou names
    counts = row_counts(session)
    assert counts["person"] == 1028  # distinct parliament ids over the four files
    assert counts["membership"] == 1402  # 705 + 697 rows; the other two files repeat them
    assert counts["affiliation"] == 1103
    assert "mps_sitting_2023-11-15.csv: 650 rows repeat memberships" in imported

    memberships = session.exec(select(Membership)).all()
    assert all(m.area_id and m.party_id and m.start_date for m in memberships)
    assert sum(m.end_date is None for m in memberships) == 650  # the House today

    starmer = person(session, 4514)
    assert (starmer.name, starmer.sort_name, starmer.twfy_id, starmer.slug) == (
        "Keir Starmer", "Starmer, Keir", 25353, "keir-starmer")

    revisions = session.exec(select(Revision).join(ChangeSet).where(ChangeSet.actor == "import:mps")).all()
    assert sum(r.table_name == "membership" for r in revisions) == 1402
    assert sum(r.table_name == "person" for r in revisions) == 1028
    # Each membership names the first file that has it.
    assert {r.source for r in revisions if r.table_name == "membership"} == {
        "mps/mps_2019_parliament_memberships.csv", "mps/mps_2024_elected_ge2024.csv",
        "mps/mps_2024_parliament_memberships.csv"}


def test_tahir_ali_sat_for_hall_green_as_labour_on_15_november_2023(imported, session):
    tahir = person(session, 4747)
    assert (tahir.twfy_id, tahir.name, tahir.sort_name) == (25888, "Tahir Ali", "Ali, Tahir")
    day = date(2023, 11, 15)
    [membership] = [m for m in session.exec(select(Membership).where(
        Membership.person_id == tahir.id)).all()
        if m.start_date <= day and (m.end_date is None or day <= m.end_date)]  # type: ignore[operator]
    area = session.get(Area, membership.area_id)
    party = session.get(Party, membership.party_id)
    assert (area.name, area.gss_code, area.boundary_set) == (  # type: ignore[union-attr]
        "Birmingham, Hall Green", "E14000562", "2010")
    assert party.slug == "labour"  # type: ignore[union-attr]
    assert (membership.start_date, membership.end_date) == (date(2019, 12, 13), date(2024, 5, 30))
    assert (membership.start_reason, membership.end_reason) == ("general_election", "dissolution")
    assert membership.external_id == "uk.org.publicwhip/member/42503"
    assert spans(session, "Tahir Ali") == [("labour", date(2019, 12, 13), None)]


def test_party_spans(imported, session):
    # Labour in both parliaments (TWFY's labels): one open span across the dissolution.
    assert spans(session, "Andy McDonald") == [("labour", date(2019, 12, 13), None)]
    # Elected at a by-election, then re-elected.
    assert spans(session, "Sarah Green") == [("liberal-democrat", date(2021, 6, 18), None)]
    assert spans(session, "George Galloway") == [
        ("workers-party", date(2024, 3, 1), date(2024, 5, 30))]
    # Party changes.
    assert spans(session, "Neale Hanvey") == [
        ("independent", date(2019, 12, 13), date(2020, 5, 28)),
        ("scottish-national-party", date(2020, 5, 29), date(2021, 3, 27)),
        ("alba", date(2021, 3, 28), date(2024, 5, 30))]
    assert spans(session, "Diane Abbott") == [
        ("labour", date(2019, 12, 13), date(2023, 4, 22)),
        ("independent", date(2023, 4, 23), date(2024, 5, 27)),
        ("labour", date(2024, 5, 28), date(2025, 7, 17)),
        ("independent", date(2025, 7, 18), None)]
    # Labour/Co-operative is Labour.
    assert spans(session, "Rachael Maskell") == [
        ("labour", date(2019, 12, 13), date(2025, 7, 16)),
        ("independent", date(2025, 7, 17), date(2025, 11, 7)),
        ("labour", date(2025, 11, 8), None)]
    # A 2024 seat of a Scottish code kept from 2010: each parliament has its own area.
    carmichael = session.exec(select(Area.boundary_set).join(
        Membership, Membership.area_id == Area.id).join(  # type: ignore[arg-type]
        Person, Person.id == Membership.person_id).where(  # type: ignore[arg-type]
        Person.name == "Alistair Carmichael")).all()
    assert sorted(carmichael) == ["2010", "2024"]  # type: ignore[type-var]


def test_second_run_changes_nothing(cli, imported, session, shared_data):
    before = row_counts(session)
    again = cli("import", "mps", "--data-dir", str(shared_data))
    assert again.exit_code == 0, again.output
    assert "mps: 0 added, 0 updated" in again.output
    assert row_counts(session) == before


def test_affiliations_converge_and_others_are_left_alone(cli, imported, session, shared_data):
    abbott = session.exec(select(Person).where(Person.name == "Diane Abbott")).one()
    labour = session.exec(select(Party).where(Party.slug == "labour")).one()
    twfy = session.exec(select(Source).where(Source.key == SOURCE_KEY)).one()
    seed = Source(key="test-seed", title="A seed")
    session.add(seed)
    session.flush()
    mine = session.exec(select(Affiliation).where(Affiliation.person_id == abbott.id)).all()
    mine[0].end_date = date(2099, 1, 1)  # changed by hand: put back
    session.add(Affiliation(person_id=abbott.id, party_id=labour.id, source_id=twfy.id,
                            start_date=date(1987, 6, 11)))  # no longer derived: deleted
    other = Affiliation(person_id=abbott.id, party_id=labour.id, source_id=seed.id,
                        start_date=date(1987, 6, 11), end_date=date(2017, 1, 1))
    session.add(other)
    session.commit()

    again = cli("import", "mps", "--data-dir", str(shared_data))
    assert again.exit_code == 0, again.output
    assert "mps: 0 added, 1 updated" in again.output and "1 deleted" in again.output
    session.rollback()
    assert spans(session, "Diane Abbott")[0] == ("labour", date(2019, 12, 13), date(2023, 4, 22))
    assert len(spans(session, "Diane Abbott")) == 4
    assert session.get(Affiliation, other.id) is not None
    deleted = session.exec(select(Revision).join(ChangeSet).where(Revision.table_name == "affiliation",
                                                  Revision.action == "delete")).one()
    assert deleted.before["start_date"] == "1987-06-11"  # type: ignore[index]


def test_bad_date_names_the_line_and_imports_nothing(cli, session, shared_data, tmp_path,
                                                     constituencies):
    bad = broken_copy(shared_data, tmp_path, PARLIAMENT_2019, 40, "start_date", "2019-13-13")
    before = row_counts(session)
    result = cli("import", "mps", "--file", str(bad))
    assert result.exit_code == 1
    assert (f"Error: {bad}, line 40, column 'start_date': '2019-13-13' is not a date "
            "(YYYY-MM-DD)\nNothing was imported.") in result.output
    assert row_counts(session) == before


def test_unknown_constituency_and_conflicting_repeat(cli, session, shared_data, tmp_path,
                                                    constituencies):
    unknown = broken_copy(shared_data, tmp_path, PARLIAMENT_2019, 7, "constituency_gss_2010",
                          "E14001094")  # a 2024 code in the 2010 column
    result = cli("import", "mps", "--file", str(unknown))
    assert result.exit_code == 1
    assert (f"{unknown}, line 7, column 'constituency_gss_2010': E14001094 is not a known "
            "constituency of the 2010 boundary set") in result.output

    conflicting = broken_copy(shared_data, tmp_path, SITTING, 2, "party_name", "Conservative")
    result = cli("import", "mps", "--file", str(shared_data / PARLIAMENT_2019),
                 "--file", str(conflicting))
    assert result.exit_code == 1
    assert f"{conflicting}, line 2, column 'party_name': membership" in result.output
    assert "mps_2019_parliament_memberships.csv line 2 says 'Labour'" in result.output
    assert row_counts(session)["membership"] == 0


def test_derive_affiliations_for_some_people(imported, session):
    """The seed loader derives spans for its own people only."""
    from tracker.importers.mps import derive_affiliations
    from tracker.revisions import Recorder

    abbott = session.exec(select(Person).where(Person.name == "Diane Abbott")).one()
    tahir = person(session, 4747)
    for someone in (abbott, tahir):
        for affiliation in session.exec(select(Affiliation).where(
                Affiliation.person_id == someone.id)).all():
            session.delete(affiliation)
    session.flush()

    recorder = Recorder(session, actor="test")
    derive_affiliations(session, recorder, [abbott.id, None])
    session.commit()
    assert recorder.totals()["added"] == 4
    assert len(spans(session, "Diane Abbott")) == 4
    assert spans(session, "Tahir Ali") == []

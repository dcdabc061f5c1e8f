"""`tracker import ge2024`: the 2024 general election, joined to the MPs without duplicates."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from tracker.models import Area, Candidacy, ChangeSet, Election, Membership, Party, Person, Revision, Source

from .test_constituencies import broken_copy, row_counts

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

CANDIDATES = Path("elections") / "HoC-GE2024-results-by-candidate.csv"
SEATS = Path("elections") / "HoC-GE2024-results-by-constituency.csv"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def before_ge2024(cli, shared_data: Path) -> None:
    for name in ("constituencies", "mps"):
        result = cli("import", name, "--data-dir", str(shared_data))
        assert result.exit_code == 0, result.output


@pytest.fixture
def imported(cli, session: Session, shared_data: Path, before_ge2024: None) -> str:
    result = cli("import", "ge2024", "--data-dir", str(shared_data))
    assert result.exit_code == 0, result.output
    session.rollback()
    return result.output


def candidacies(session: Session) -> list[Candidacy]:
    return list(session.exec(select(Candidacy)).all())


def test_election_and_candidacies(imported, session, shared_data):
    election = session.exec(select(Election)).one()
    assert (election.slug, election.name, election.kind, election.election_date,
            election.democracy_club_id) == ("uk-general-election-2024", "2024 UK general election",
                                            "general", date(2024, 7, 4), "parl.2024-07-04")
    rows = candidacies(session)
    assert len(rows) == 4515
    assert len({c.area_id for c in rows}) == 650
    assert sum(c.elected for c in rows) == 650
    assert all(c.election_id == election.id and c.party_id for c in rows)
    source = session.exec(select(Source).where(Source.id == rows[0].source_id)).one()
    assert (source.publisher, source.title) == (
        "House of Commons Library", "General election 2024 results by candidate (CBP-10009)")
    assert {c.source_id for c in rows} == {source.id}

    # Votes add up to each seat's valid votes; one winner per seat.
    totals = dict(session.exec(select(Area.gss_code, func.sum(Candidacy.votes)).join(
        Candidacy, Candidacy.area_id == Area.id).group_by(Area.gss_code)).all())  # type: ignore[arg-type]
    assert totals == {r["ONS ID"]: int(r["Valid votes"]) for r in read(shared_data / SEATS)}
    winners = session.exec(select(Candidacy.area_id, func.count()).where(
        Candidacy.elected).group_by(Candidacy.area_id)).all()  # type: ignore[arg-type]
    assert {n for _area, n in winners} == {1}

    # The printed party is kept; the party is Labour.
    co_op = [c for c in rows if c.party_label == "Labour and Co-operative"]
    labour = session.exec(select(Party).where(Party.slug == "labour")).one()
    assert len(co_op) == 49 and {c.party_id for c in co_op} == {labour.id}
    # Added: the election, its source, 81 parties unknown to data/parties.toml, 3647 people,
    # 4515 candidacies and 9030 names (the Library's and Democracy Club's, tracker/names.py).
    # Updated: the 868 MPs who stood, given their Democracy Club id, and the 878 people whose
    # display name becomes the Library's spelling (the latest official one).
    assert "ge2024: 17275 added, 1746 updated" in imported


def test_no_person_is_created_twice(imported, session, shared_data):
    rows = candidacies(session)
    assert len({c.person_id for c in rows}) == 4515  # every candidate is one person
    mps = {int(r["parliament_member_id"]) for f in (shared_data / "mps").glob("*.csv")
           for r in read(f)}
    candidates = read(shared_data / CANDIDATES)
    known = [r for r in candidates if r["Member MNIS ID"] and int(r["Member MNIS ID"]) in mps]
    assert len(mps) == 1028 and len(known) == 868
    # People: the MPs, plus every candidate who is not one of them.
    assert row_counts(session)["person"] == 1028 + 4515 - 868 == 4675
    assert "868 candidates matched people already known by Parliament id" in imported

    by_parliament_id = {p.parliament_id: p for p in session.exec(select(Person)).all()}
    candidate_ids = {c.person_id for c in rows}
    assert all(by_parliament_id[int(r["Member MNIS ID"])].id in candidate_ids for r in known)
    # Every winner was in the mps files and is the same row as their Commons membership.
    elected = session.exec(select(Person).join(Candidacy, Candidacy.person_id == Person.id)  # type: ignore[arg-type]
                           .where(Candidacy.elected)).all()
    assert all(p.parliament_id in mps and p.twfy_id for p in elected)

    starmer = by_parliament_id[4514]
    assert starmer.democracy_club_id is not None and starmer.gender == "male"
    assert session.exec(select(Membership).where(Membership.person_id == starmer.id)).all()
    [candidacy] = session.exec(select(Candidacy).where(Candidacy.person_id == starmer.id)).all()
    area = session.get(Area, candidacy.area_id)
    assert (area.name, candidacy.elected) == ("Holborn and St Pancras", True)  # type: ignore[union-attr]


def test_rows_whose_ids_differ_are_joined_by_name(imported, session):
    for seat in ("Basingstoke", "Westmorland and Lonsdale", "York Outer"):
        assert f"note: {seat}: " in imported
    dc_ids = {p.name: p.democracy_club_id for p in session.exec(select(Person).where(
        Person.name.in_(["Ray Saint", "Pippa Smith", "Luke Charters"]))).all()}  # type: ignore[attr-defined]
    assert dc_ids == {"Ray Saint": 116270, "Pippa Smith": 116191, "Luke Charters": 34405}
    charters = session.exec(select(Person).where(Person.name == "Luke Charters")).one()
    assert charters.parliament_id == 5199  # the MP of York Outer, found by Parliament id


def test_birmingham_hall_green_and_moseley(imported, session):
    area = session.exec(select(Area).where(Area.slug == "birmingham-hall-green-and-moseley")).one()
    results = session.exec(
        select(Person.name, Party.slug, Candidacy.votes, Candidacy.share, Candidacy.elected)
        .join(Person, Person.id == Candidacy.person_id)  # type: ignore[arg-type]
        .join(Party, Party.id == Candidacy.party_id)  # type: ignore[arg-type]
        .where(Candidacy.area_id == area.id).order_by(Candidacy.votes.desc())).all()  # type: ignore[union-attr]
    assert [tuple(r) for r in results] == [
        ("Tahir Ali", "labour", 12798, 0.3076, True),
        ("Shakeel Afsar", "independent", 7142, 0.171658, False),
        ("Mohammed Hafeez", "independent", 6159, 0.148032, False),  # the Library's spellings
        ("Izzy Knowles", "liberal-democrat", 4711, 0.113229, False),
        ("Zain Ahmed", "green", 3913, 0.094049, False),
        ("Henry Morris", "conservative", 3845, 0.092415, False),
        ("Stephen McBrine", "reform-uk", 2305, 0.055401, False),
        ("Babar Raja", "independent", 733, 0.017618, False),
    ]
    tahir = session.exec(select(Person).where(Person.parliament_id == 4747)).one()
    assert tahir.twfy_id == 25888  # the MP from the mps files, not a new person


def test_second_run_changes_nothing(cli, imported, session, shared_data):
    before = row_counts(session)
    again = cli("import", "ge2024", "--data-dir", str(shared_data))
    assert again.exit_code == 0, again.output
    assert "ge2024: 0 added, 0 updated" in again.output
    assert row_counts(session) == before


def test_bad_votes_names_the_line_and_changes_nothing(cli, session, shared_data, tmp_path,
                                                      before_ge2024):
    bad = broken_copy(shared_data, tmp_path, CANDIDATES, 1234, "Votes", "12x")
    before = row_counts(session)
    result = cli("import", "ge2024", "--data-dir", str(shared_data), "--candidates", str(bad))
    assert result.exit_code == 1
    assert (f"Error: {bad}, line 1234, column 'Votes': '12x' is not a whole number\n"
            "Nothing was imported.") in result.output
    assert row_counts(session) == before


def test_votes_must_add_up_and_the_winner_must_agree(cli, session, shared_data, tmp_path,
                                                     before_ge2024):
    seats = read(shared_data / SEATS)
    line = next(i for i, r in enumerate(seats, start=2) if r["ONS ID"] == "E14001094")
    wrong_total = broken_copy(shared_data, tmp_path, SEATS, line, "Valid votes", "41607")
    result = cli("import", "ge2024", "--data-dir", str(shared_data),
                 "--constituencies", str(wrong_total))
    assert result.exit_code == 1
    assert (f"{wrong_total}, line {line}, column 'Valid votes': Birmingham Hall Green and "
            "Moseley (E14001094): the candidates' votes add up to 41606, not 41607") in result.output

    wrong_member = broken_copy(shared_data, tmp_path, SEATS, line, "Member surname", "Afsar")
    result = cli("import", "ge2024", "--data-dir", str(shared_data),
                 "--constituencies", str(wrong_member))
    assert result.exit_code == 1
    assert f"{wrong_member}, line {line}, column 'Member surname'" in result.output
    assert "the member is not Tahir Ali, who had the most votes (12798)" in result.output
    assert row_counts(session)["candidacy"] == 0
    assert not session.exec(select(Revision).join(ChangeSet).where(ChangeSet.actor == "import:ge2024")).all()

"""`tracker import councillors`: the 37 councillors who left Labour over Gaza in 2023."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from tracker.importers.councillors import parse_council, publisher_for
from tracker.models import (
    Affiliation,
    Body,
    ChangeSet,
    Evidence,
    Membership,
    Party,
    Person,
    Revision,
    Source,
    Topic,
)
from tracker.queries import stats

FILE = "councillors/councillors_left_labour_over_gaza_2023.csv"
UNDATED = ("Ajaz Rehman", "Salim Sidat", "Suleman Khonat", "Abdul Patel", "Samim Desai",
           "Salma Patel", "Christine Sollis", "Sobia Malik", "Amna Abdullatif")


def count(session: Session, model: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def table_counts(session: Session) -> dict[str, int]:
    return stats.table_counts(session)


def person(session: Session, name: str) -> Person:
    return session.exec(select(Person).where(Person.name == name)).one()


@pytest.fixture
def imported(cli, shared_data: Path):  # type: ignore[no-untyped-def]
    result = cli("import", "councillors", str(shared_data / FILE))
    assert result.exit_code == 0, result.output
    return result


def test_loads_all_37_councillors_with_a_revision_each(imported, session: Session) -> None:
    assert count(session, Person) == 37
    rows = session.exec(select(Revision, ChangeSet).join(ChangeSet).where(
        Revision.table_name == "person", ChangeSet.actor == "import:councillors")).all()
    assert len(rows) == 37
    assert {(r.source or c.source) for r, c in rows} == {"councillors_left_labour_over_gaza_2023.csv"}


def test_council_seats(imported, session: Session) -> None:
    seats = session.exec(select(Body.slug, func.count()).join(
        Membership, Membership.body_id == Body.id).group_by(Body.slug)).all()  # type: ignore[arg-type]
    assert dict(seats) == {
        "oxford-city-council": 10, "blackburn-with-darwen-borough-council": 7,
        "burnley-borough-council": 11, "lancashire-county-council": 2, "walsall-council": 6}
    oxford = session.exec(select(Body).where(Body.slug == "oxford-city-council")).one()
    assert oxford.kind == "council" and oxford.area_id is not None
    aziz = session.exec(select(Membership).where(
        Membership.person_id == person(session, "Shaista Aziz").id)).one()
    assert aziz.role == "councillor (Rose Hill and Iffley)"
    assert aziz.external_id == "council:oxford-city-council:shaista-aziz"
    assert aziz.start_date is None and aziz.end_date is None


def test_oxford_councillor_switch_and_evidence(imported, session: Session) -> None:
    hosnieh = person(session, "Hosnieh Djafari-Marbini")
    affiliations = session.exec(select(Party.slug, Affiliation).join(
        Affiliation, Affiliation.party_id == Party.id).where(  # type: ignore[arg-type]
        Affiliation.person_id == hosnieh.id)).all()
    by_party = dict(affiliations)
    assert by_party["labour"].end_date == date(2023, 10, 20)
    assert by_party["independent"].start_date == date(2023, 10, 20)
    assert by_party["independent"].end_date is None
    assert "cherwell" in (by_party["independent"].note or "")  # the free text is kept
    bbc = "https://feeds.bbci.co.uk/news/uk-england-oxfordshire-67231473"
    for affiliation in by_party.values():
        assert session.get(Source, affiliation.source_id).url == bbc  # type: ignore[union-attr]

    evidence = session.exec(select(Evidence).where(Evidence.person_id == hosnieh.id)).one()
    assert (evidence.kind, evidence.stance, evidence.status) == ("party_switch", "ceasefire",
                                                                 "approved")
    assert evidence.evidence_date == date(2023, 10, 20)
    assert evidence.summary == ("Left the Labour Party over its stance on a ceasefire in Gaza; "
                                "now sits as an Independent.")
    assert evidence.external_key == "council:oxford-city-council:hosnieh-djafari-marbini"
    assert session.get(Topic, evidence.topic_id).slug == "ceasefire"  # type: ignore[union-attr]
    source = session.get(Source, evidence.source_id)
    assert source is not None and (source.url, source.publisher) == (bbc, "BBC News")


def test_rows_without_a_date_or_council(imported, session: Session) -> None:
    assert count(session, Evidence) == 37 - len(UNDATED)
    for name in UNDATED:
        assert f"{name}: no date in the source, no dated evidence made" in imported.output
    assert "9 skipped" in imported.output

    sidat = person(session, "Salim Sidat")
    labour = session.exec(select(Affiliation).where(Affiliation.person_id == sidat.id)).one()
    assert labour.end_date is None and "not given in the source" in (labour.note or "")

    amna = person(session, "Amna Abdullatif")
    assert session.exec(select(Membership).where(Membership.person_id == amna.id)).all() == []
    assert "Amna Abdullatif: no council stated" in imported.output

    sollis = person(session, "Christine Sollis")
    seat = session.exec(select(Membership).where(Membership.person_id == sollis.id)).one()
    assert seat.external_id == "council:burnley-borough-council:christine-sollis"
    assert "council read as Burnley Borough Council (per article context)" in imported.output


def test_second_run_changes_nothing(imported, cli, session: Session, shared_data: Path) -> None:
    before = table_counts(session)
    again = cli("import", "councillors", str(shared_data / FILE))
    assert again.exit_code == 0, again.output
    assert "0 added, 0 updated" in again.output
    assert table_counts(session) == before


def test_bad_date_names_the_line_and_writes_nothing(cli, session: Session, shared_data: Path,
                                                    tmp_path: Path) -> None:
    lines = (shared_data / FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("Paula Dunne,"))
    lines[index] = lines[index].replace("2023-10-20", "2023-10-32", 1)
    broken = tmp_path / "councillors.csv"
    broken.write_text("".join(lines), encoding="utf-8")

    before = table_counts(session)
    result = cli("import", "councillors", str(broken))
    assert result.exit_code == 1
    assert (f"councillors.csv, line {index + 1}, column 'date': '2023-10-32' is not a date"
            in result.output)
    assert "Nothing was imported." in result.output
    assert table_counts(session) == before


def test_unknown_party_is_an_error(cli, session: Session, tmp_path: Path) -> None:
    bad = tmp_path / "c.csv"
    bad.write_text("name,council,ward,former_party,date,new_affiliation,source_url\n"
                   "A Person,Some Council,,Labour,2023-11-01,Martian Party,https://example.org/a\n",
                   encoding="utf-8")
    result = cli("import", "councillors", str(bad))
    assert result.exit_code == 1
    assert "line 2, column 'new_affiliation': cannot tell which party 'Martian Party' is" in (
        result.output)
    assert count(session, Person) == 0


@pytest.mark.parametrize(("text", "expected"), [
    ("Oxford City Council", ("Oxford City Council", "oxford-city-council", None)),
    ("Burnley Borough Council (per article context)",
     ("Burnley Borough Council", "burnley-borough-council", "per article context")),
])
def test_parse_council(text: str, expected: tuple[str, str, str | None]) -> None:
    council = parse_council(text)
    assert council is not None
    assert (council.name, council.slug, council.caveat) == expected


def test_parse_council_not_stated() -> None:
    assert parse_council("(council not stated in the readable excerpt)") is None
    assert parse_council(None) is None


@pytest.mark.parametrize(("url", "publisher"), [
    ("https://feeds.bbci.co.uk/news/uk-england-lancashire-67239372", "BBC News"),
    ("https://www.oxfordstudent.com/2023/10/28/x/", "Oxford Student"),
    ("https://itv.com/news/central/2023-11-16/x", "ITV News"),
    ("http://zero-ready.com/news/x", "zero-ready.com"),
])
def test_publisher_for(url: str, publisher: str) -> None:
    assert publisher_for(url) == publisher

"""The names people use (issue 6, section 5): other names, display names, search and the CLI.

Naz Shah, Andy Slaughter and Kevan Jones are held by TheyWorkForYou as Naseem
Shah, Andrew Slaughter and Kevan Beamish; UK Parliament's own sources use the
names people know, and the latest of those is the display name.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import func
from sqlmodel import Session, select

from tracker import migrate as migrations
from tracker.models import Person, PersonName, Revision
from tracker.names import (
    NameBook,
    NameUse,
    display_name,
    display_sort_name,
    record_names,
    refresh_display_names,
)
from tracker.queries.people import find_people
from tracker.revisions import Recorder
from tracker.search import search

# slug (never changes) -> the display name people know
KNOWN_AS = {"naseem-shah": "Naz Shah", "andrew-slaughter": "Andy Slaughter", "kevan-beamish": "Kevan Jones"}


def people_on(page: str) -> list[str]:
    match = re.search(r'<h2 id="people-h">People</h2>(.*?)</section>', page, re.S)
    return re.findall(r'<li><a href="/people/([^"#]+)">', match.group(1)) if match else []


def search_page(client, query: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    return response.get_data(as_text=True)


# -- the display name: pure functions --------------------------------------------------------

def test_the_latest_official_spelling_is_the_display_name() -> None:
    kevan = [NameUse("Kevan Beamish", "twfy", date(2024, 5, 30)),
             NameUse("Kevan Jones", "commons-votes", date(2023, 11, 15))]
    # TheyWorkForYou is later but not official: the division lists win.
    assert display_name("Kevan Beamish", kevan) == "Kevan Jones"
    naz = [NameUse("Naseem Shah", "twfy", date(2024, 7, 5)),
           NameUse("Naz Shah", "hoc-library", date(2024, 7, 4)),
           NameUse("Naseem Shah", "commons-votes", date(2023, 11, 15))]
    assert display_name("Naseem Shah", naz) == "Naz Shah"  # the later official source
    # No official name: the name stays as it is.
    assert display_name("Shaista Aziz", [NameUse("Shaista Aziz", "councillors")]) == "Shaista Aziz"
    # A list form is never a display name; the order rows come in never matters.
    same_day = [NameUse("Shah, Naz", "members-api", date(2025, 1, 1)),
                NameUse("Naz Shah", "members-api", date(2025, 1, 1)),
                NameUse("Naseem Shah", "commons-votes", date(2025, 1, 1))]
    assert display_name("x", same_day) == display_name("x", same_day[::-1]) == "Naz Shah"
    # An official name with no known day ranks below any dated one.
    assert display_name("x", [NameUse("A B", "members-api"), NameUse("C D", "hoc-library",
                                                                       date(2024, 7, 4))]) == "C D"


def test_sort_names_follow_the_display_name() -> None:
    assert display_sort_name("Kevan Jones", "Beamish, Kevan", []) == "Jones, Kevan"
    assert display_sort_name("Liz Saville Roberts", "Saville-Roberts, Liz", []) == "Saville Roberts, Liz"
    assert display_sort_name("Marsha De Cordova", "de Cordova, Marsha", []) == "De Cordova, Marsha"
    listed = [NameUse("Long Bailey, Rebecca", "members-api", date(2025, 1, 1))]
    assert display_sort_name("Rebecca Long Bailey", "Bailey, Rebecca", listed) == "Long Bailey, Rebecca"


# -- recording names ---------------------------------------------------------------------------

def _person(session: Session, name: str, slug: str) -> Person:
    person = Person(name=name, sort_name=name.split()[-1] + ", " + name.split()[0], slug=slug)
    session.add(person)
    session.commit()
    return person


def _record(session: Session, person: Person, *uses: tuple[str, str, date | None]) -> Recorder:
    recorder = Recorder(session, actor="test")
    book = NameBook(session, recorder)
    for name, origin, day in uses:
        book.add(person, name, origin, day)
    book.flush()
    session.commit()
    return recorder


def test_names_converge_whatever_the_order(session: Session) -> None:
    twfy = ("Kevan Beamish", "twfy", date(2024, 5, 30))
    votes = ("Kevan Jones", "commons-votes", date(2023, 11, 15))
    first = _person(session, "Kevan Beamish", "kevan-one")
    _record(session, first, twfy)
    _record(session, first, votes)
    second = _person(session, "Kevan Beamish", "kevan-two")
    _record(session, second, votes)
    _record(session, second, twfy)
    for person, slug in ((first, "kevan-one"), (second, "kevan-two")):
        session.refresh(person)
        assert (person.name, person.sort_name, person.slug) == ("Kevan Jones", "Jones, Kevan", slug)
    # The rename is a revision that says why.
    [rename] = session.exec(select(Revision).where(Revision.table_name == "person",
                                                   Revision.record_id == first.id)).all()
    changed = {k for k in rename.after if rename.before[k] != rename.after[k]}
    assert changed == {"name", "sort_name"}
    assert (rename.before["name"], rename.before["sort_name"]) == ("Kevan Beamish", "Beamish, Kevan")
    assert "Commons Votes, 2023-11-15" in (rename.source or "")


def test_recording_again_changes_nothing_and_used_on_only_moves_forward(session: Session) -> None:
    person = _person(session, "Naz Shah", "naz-shah")
    _record(session, person, ("Naz Shah", "commons-votes", date(2025, 7, 2)),
            ("Ms Naz Shah", "commons-votes", date(2023, 11, 15)),  # honorifics dropped: one name
            ("Shah, Ms Naz", "commons-votes", date(2023, 11, 15)))
    names = session.exec(select(PersonName).where(PersonName.person_id == person.id)).all()
    assert sorted((n.name, n.used_on, n.official) for n in names) == [
        ("Naz Shah", date(2025, 7, 2), True), ("Shah, Naz", date(2023, 11, 15), True)]
    again = _record(session, person, ("Naz Shah", "commons-votes", date(2023, 11, 15)),
                    ("Shah, Naz", "commons-votes", date(2023, 11, 15)))
    assert again.totals()["added"] == again.totals()["updated"] == 0
    later = _record(session, person, ("Shah, Naz", "commons-votes", date(2025, 7, 2)))
    assert later.totals()["updated"] == 1
    with pytest.raises(ValueError, match="unknown name origin"):
        NameBook(session, Recorder(session, actor="test")).add(person, "N S", "wikipedia")


def test_a_thousand_names_take_a_few_reads(session: Session) -> None:
    people = [Person(name=f"Person {i}", sort_name=f"{i}, Person", slug=f"person-{i}") for i in range(1000)]
    session.add_all(people)
    session.commit()
    recorder = Recorder(session, actor="test")
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        record_names(session, recorder, "hoc-library",
                     ((p, f"Official {i}", date(2024, 7, 4), None) for i, p in enumerate(people)))
        session.commit()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    # Reads are IN (...) lists, not one per row (how the ORM batches INSERTs depends on the driver).
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) <= 8, reads
    assert session.exec(select(func.count()).select_from(PersonName)).one() == 1000
    assert people[7].name == "Official 7"


# -- the search index follows person_name (migration 0004) ---------------------------------------

def test_other_names_are_searched_and_shown(cli, client, session: Session) -> None:
    assert cli("seed").exit_code == 0
    person = _person(session, "Zebedee Quartermaine", "zebedee-quartermaine")
    row = PersonName(person_id=person.id, name="Zeb Quarters", origin="twfy")
    session.add(row)
    session.commit()
    page = search_page(client, "zeb quarters")
    assert people_on(page) == ["zebedee-quartermaine"]
    assert "Zebedee Quartermaine</a> <small>(also known as Zeb Quarters)</small>" in page
    # Found by both names: listed once, with no "also known as" when the display name matched.
    session.add(PersonName(person_id=person.id, name="Zebedee Quartermaine", origin="seeds"))
    session.commit()
    [found] = search(session, "zebedee quartermaine").people
    assert found.also_known_as is None
    row.name = "Zed Quarters"
    session.commit()
    assert people_on(search_page(client, "zeb quarters")) == []
    assert people_on(search_page(client, "zed")) == ["zebedee-quartermaine"]
    session.delete(row)
    session.commit()
    assert people_on(search_page(client, "zed")) == []


def test_migration_0004_up_and_down(app: Flask, session: Session) -> None:
    engine = app.extensions["engine"]
    person = _person(session, "Ysolde Fennimore", "ysolde-fennimore")
    session.add(PersonName(person_id=person.id, name="Izzy Fenn", origin="twfy"))
    session.commit()
    session.close()
    assert [r.person.slug for r in search(session, "izzy fenn").people] == ["ysolde-fennimore"]
    session.close()
    try:
        migrations.downgrade(engine, "0003")
        assert migrations.current_revision(engine) == "0003"
        with engine.connect() as conn:
            names = conn.execute(sa.text("SELECT count(*) FROM search_fts WHERE grp = 'name'")).scalar()
        assert names == 0
        assert search(session, "izzy fenn").people == []
    finally:
        session.close()
        migrations.upgrade(engine, "0004")
    assert migrations.current_revision(engine) == "0004"
    migrations.upgrade(engine)
    # Rows written before the upgrade are indexed by it.
    assert [r.person.slug for r in search(session, "izzy fenn").people] == ["ysolde-fennimore"]


# -- the real data ------------------------------------------------------------------------------

@pytest.mark.shared_data
@pytest.mark.imported
def test_display_names_are_the_names_people_use(session: Session) -> None:
    people = {p.slug: p for p in session.exec(select(Person).where(
        Person.slug.in_(list(KNOWN_AS)))).all()}  # type: ignore[attr-defined]
    assert {slug: p.name for slug, p in people.items()} == KNOWN_AS  # slugs stay as they were
    assert people["kevan-beamish"].sort_name == "Jones, Kevan"
    kevan = {(n.name, n.origin, n.official, n.used_on) for n in session.exec(
        select(PersonName).where(PersonName.person_id == people["kevan-beamish"].id)).all()}
    assert ("Kevan Jones", "commons-votes", True, date(2023, 11, 15)) in kevan
    assert ("Kevan Beamish", "twfy", False, date(2024, 5, 30)) in kevan


@pytest.mark.shared_data
@pytest.mark.imported
def test_search_finds_people_by_the_names_they_use(client, session: Session, count_queries) -> None:
    for query, slug in (("naz shah", "naseem-shah"), ("kevan jones", "kevan-beamish"),
                        ("andy slaughter", "andrew-slaughter"), ("Naseem Shah", "naseem-shah"),
                        ("kevan beamish", "kevan-beamish"), ("andrew slaughter", "andrew-slaughter")):
        slugs = people_on(search_page(client, query))
        assert slugs[:1] == [slug] and slugs.count(slug) == 1, (query, slugs[:5])
    assert [r.person.name for r in search(session, "naz shah").people] == ["Naz Shah"]
    page = search_page(client, "naseem shah")
    assert '<a href="/people/naseem-shah">Naz Shah</a> <small>(also known as Naseem Shah)</small>' in page
    rows = json.loads(client.get("/search?q=kevan+beamish&format=json").get_data(as_text=True))
    [kevan] = [r for r in rows["rows"] if r["kind"] == "person"]
    assert (kevan["name"], kevan["also_known_as"]) == ("Kevan Jones", "Kevan Beamish")
    # A match on another name costs no extra statement (to render: the page cache would keep it).
    client.application.config["PAGE_CACHE"] = False
    search_page(client, "warm up")
    with count_queries() as by_display_name:
        search_page(client, "tahir ali")
    with count_queries() as by_other_name:
        search_page(client, "naseem shah")
    assert by_other_name() == by_display_name()


@pytest.mark.shared_data
@pytest.mark.imported
def test_the_cli_and_find_people_use_other_names(cli, session: Session) -> None:
    report = json.loads(cli("stance", "Naz Shah", "--json").output)
    assert report["person"]["slug"] == "naseem-shah"
    assert report["current"]["stance"] == "ceasefire" and report["current"]["since"] == "2023-11-15"
    assert "Naz Shah" in cli("stance", "Naseem Shah").output
    assert [p.slug for p in find_people(session, "andrew slaughter")] == ["andrew-slaughter"]
    assert [p.slug for p in find_people(session, "Beamish")] == ["kevan-beamish"]


@pytest.mark.shared_data
@pytest.mark.imported
def test_person_page_says_also_known_as_with_where_from(client) -> None:
    page = client.get("/people/kevan-beamish").get_data(as_text=True)
    assert "<h1>Kevan Jones</h1>" in page
    aka = page[page.index('class="also-known-as"'):]
    aka = aka[:aka.index("</p>")]
    assert "Kevan Beamish (" in aka and ">TheyWorkForYou</a>)" in aka
    assert "Jones, Kevan" not in aka and "Kevan Jones" not in aka  # the display name is not repeated
    rows = client.get("/people/kevan-beamish?format=json&table=names").get_json()["rows"]
    names = {(r["name"], r["origin"]): r for r in rows}
    official = names["Kevan Jones", "commons-votes"]
    assert (official["official"], official["used_on"]) == (True, "2023-11-15")
    assert official["source_url"] in {"https://votes.parliament.uk/votes/commons/division/1665",
                                      "https://votes.parliament.uk/votes/commons/division/1666"}
    assert names["Kevan Beamish", "twfy"]["official"] is False


@pytest.mark.shared_data
@pytest.mark.imported
@pytest.mark.slow
def test_a_second_import_adds_no_name(cli, session: Session, shared_data: Path) -> None:
    def name_writes() -> int:
        return session.exec(select(func.count()).select_from(Revision).where(
            Revision.table_name.in_(["person_name", "person"]))).one()  # type: ignore[attr-defined]

    names, writes = session.exec(select(func.count()).select_from(PersonName)).one(), name_writes()
    assert names > 10_000
    result = cli("import", "all", "--data-dir", str(shared_data))
    assert result.exit_code == 0, result.output
    for line in result.output.splitlines():
        if line.startswith(("mps:", "ge2024:", "commons-votes", "councillors", "display names:")):
            assert ": 0 added, 0 updated," in line, line
    assert "display names: 0 added, 0 updated" in result.output
    session.expire_all()
    assert session.exec(select(func.count()).select_from(PersonName)).one() == names
    assert name_writes() == writes
    assert refresh_display_names(session, Recorder(session, actor="test")) == 0

"""`tracker import councils`: every council of mySociety's register, one area and one body
each whichever importer ran first, and the 2024 constituencies each overlaps."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from tracker.importers.council_index import (
    AmbiguousCouncilName,
    NameMatcher,
    join_alt_names,
    name_variants,
    normalise_name,
    split_alt_names,
)
from tracker.importers.councillors import parse_council
from tracker.models import (
    Area,
    AreaOverlap,
    Body,
    ChangeSet,
    Membership,
    Person,
    Revision,
    Source,
)
from tracker.queries import stats

REGISTER = "councils/uk_local_authorities.csv"
LOOKUP = "councils/lookup_LAD24CD_PCON24CD.json"
COUNCILLORS = "councillors/councillors_left_labour_over_gaza_2023.csv"
OXFORD_EAST, OXFORD_WEST = "E14001419", "E14001420"


def count(session: Session, model: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def table_counts(session: Session) -> dict[str, int]:
    return stats.table_counts(session)


def council(session: Session, code: str) -> Area:
    return session.exec(select(Area).where(Area.register_code == code)).one()


def register_rows(shared_data: Path) -> list[dict[str, str]]:
    with (shared_data / REGISTER).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def overlaps_of(session: Session, area: Area) -> dict[str, AreaOverlap]:
    rows = session.exec(select(AreaOverlap, Area).join(Area, Area.id == AreaOverlap.overlaps_id)
                        .where(AreaOverlap.area_id == area.id)).all()  # type: ignore[arg-type]
    return {seat.name: overlap for overlap, seat in rows}


# -- the real data, as `tracker import all` loads it ---------------------------------------

@pytest.mark.imported
@pytest.mark.shared_data
def test_every_council_of_the_register_is_one_area_and_one_body(session: Session,
                                                                shared_data: Path) -> None:
    rows = register_rows(shared_data)
    current = [r for r in rows if r["current-authority"] == "True"]
    assert len(rows) == 470 and len(current) == 397
    areas = session.exec(select(Area).where(Area.kind == "council")).all()
    # Every council area is a register council: the councillors' councils were matched to it.
    assert sorted(a.register_code for a in areas) == sorted(r["local-authority-code"] for r in rows)
    assert sum(1 for a in areas if a.valid_to is None) == 397
    bodies = session.exec(select(Body).where(Body.kind == "council")).all()
    assert sorted(b.area_id for b in bodies) == sorted(a.id for a in areas)  # type: ignore[type-var]


@pytest.mark.imported
@pytest.mark.shared_data
def test_oxford_city_council_from_the_register(session: Session) -> None:
    oxford = council(session, "OXO")
    assert (oxford.name, oxford.slug, oxford.gss_code, oxford.council_type) == (
        "Oxford City Council", "oxford-city-council", "E07000178", "NMD")
    assert (oxford.nation, oxford.region, oxford.valid_to) == ("England", "South East", None)
    assert "Oxford" in (oxford.alt_names or "").splitlines()
    county = session.get(Area, oxford.parent_id)
    assert county is not None and county.name == "Oxfordshire County Council"
    assert county.council_type == "CTY" and county.parent_id is None
    former = council(session, "ALL")  # Allerdale, abolished in 2023, is kept with its end date
    assert former.valid_to is not None and former.valid_to.isoformat() == "2023-04-01"


@pytest.mark.imported
@pytest.mark.shared_data
def test_oxford_overlaps_its_two_constituencies(session: Session) -> None:
    overlaps = overlaps_of(session, council(session, "OXO"))
    assert {name: o.share for name, o in overlaps.items()} == {
        "Oxford East": 0.615, "Oxford West and Abingdon": 0.385}
    east = overlaps["Oxford East"]
    assert "lookup_LAD24CD_PCON24CD.json" in east.basis
    source = session.get(Source, east.source_id)
    assert source is not None and source.url and "open-innovations/constituencies" in source.url
    seat = session.exec(select(Area).where(Area.gss_code == OXFORD_EAST)).one()
    assert (seat.kind, seat.boundary_set) == ("westminster_constituency", "2024")


@pytest.mark.imported
@pytest.mark.shared_data
def test_every_lookup_council_overlaps_what_the_lookup_says(session: Session,
                                                           shared_data: Path) -> None:
    lookup = json.loads((shared_data / LOOKUP).read_text(encoding="utf-8"))
    stored = session.exec(
        select(Area.gss_code, AreaOverlap.share)
        .join(AreaOverlap, AreaOverlap.area_id == Area.id)  # type: ignore[arg-type]
        .where(AreaOverlap.share.is_not(None))).all()  # type: ignore[union-attr]
    assert len(stored) == sum(len(seats) for seats in lookup.values())
    # All 650 constituencies are covered by some council.
    covered = session.exec(select(func.count(func.distinct(AreaOverlap.overlaps_id)))).one()
    assert covered == 650


@pytest.mark.imported
@pytest.mark.shared_data
def test_burnley_councillors_join_the_register_council_and_lancashire_covers_burnley(
        session: Session) -> None:
    burnley, lancashire = council(session, "BUN"), council(session, "LAN")
    assert burnley.parent_id == lancashire.id
    seats = session.exec(select(Membership).where(Membership.area_id == burnley.id)).all()
    assert len(seats) == 11  # ten named, and Christine Sollis "(per article context)"
    sollis = session.exec(select(Person).where(Person.name == "Christine Sollis")).one()
    assert sollis.id in {m.person_id for m in seats}
    assert len(session.exec(select(Membership).where(Membership.area_id == lancashire.id)).all()) == 2
    walsall = council(session, "WLL")  # "Walsall Council" in the councillors' file
    assert walsall.name == "Walsall Metropolitan Borough Council"
    assert len(session.exec(select(Membership).where(Membership.area_id == walsall.id)).all()) == 6

    overlap = overlaps_of(session, lancashire)["Burnley"]
    assert overlap.share is None
    assert overlap.basis == "through its districts: Burnley, Pendle"


@pytest.mark.imported
@pytest.mark.shared_data
def test_second_run_changes_nothing(cli, session: Session, shared_data: Path) -> None:
    before = table_counts(session)
    again = cli("import", "councils", "--data-dir", str(shared_data))
    assert again.exit_code == 0, again.output
    assert "councils: 0 added, 0 updated" in again.output
    assert table_counts(session) == before


# -- whichever ran first: councillors, seeds or the register -------------------------------

@pytest.fixture
def constituencies(cli, shared_data: Path) -> None:
    result = cli("import", "constituencies", "--data-dir", str(shared_data))
    assert result.exit_code == 0, result.output


def council_areas(session: Session) -> list[Area]:
    return list(session.exec(select(Area).where(Area.kind == "council")).all())


@pytest.mark.shared_data
def test_councils_made_by_councillors_and_seeds_are_updated_in_place(
        cli, session: Session, shared_data: Path, constituencies: None) -> None:
    assert cli("import", "councillors", str(shared_data / COUNCILLORS)).exit_code == 0
    assert cli("seed").exit_code == 0
    walsall = session.exec(select(Area).where(Area.slug == "walsall-council")).one()
    assert (walsall.name, walsall.register_code) == ("Walsall Council", None)

    result = cli("import", "councils", "--data-dir", str(shared_data))
    assert result.exit_code == 0, result.output
    assert "'Walsall Council' (made by an earlier import) is Walsall Metropolitan Borough " \
           "Council (WLL): updated in place" in result.output
    session.expire_all()
    areas = council_areas(session)
    assert len(areas) == 470 and all(a.register_code for a in areas)
    walsall = session.exec(select(Area).where(Area.slug == "walsall-council")).one()  # slug kept
    assert (walsall.name, walsall.register_code) == ("Walsall Metropolitan Borough Council", "WLL")
    haringey = session.exec(select(Area).where(Area.slug == "haringey-council")).one()  # the seeds'
    assert haringey.register_code == "HRY"
    bodies = session.exec(select(Body).where(Body.area_id == walsall.id)).all()
    assert [(b.slug, b.name) for b in bodies] == [
        ("walsall-council", "Walsall Metropolitan Borough Council")]

    # Then each of them again: nothing changes, nothing is renamed back.
    before = table_counts(session)
    assert "0 added, 0 updated" in cli("import", "councillors", str(shared_data / COUNCILLORS)).output
    assert "councils: 0 added, 0 updated" in cli("import", "councils", "--data-dir",
                                                  str(shared_data)).output
    assert table_counts(session) == before


@pytest.mark.shared_data
def test_councillors_and_seeds_after_the_register_join_its_councils(
        cli, session: Session, shared_data: Path, constituencies: None) -> None:
    assert cli("import", "councils", "--data-dir", str(shared_data)).exit_code == 0
    assert cli("seed").exit_code == 0
    result = cli("import", "councillors", str(shared_data / COUNCILLORS))
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert len(council_areas(session)) == 470
    assert count(session, Body) == 470 + 1  # each council's, and the House of Commons
    for code, seats in (("OXO", 10), ("BUN", 11), ("LAN", 2), ("WLL", 6), ("BBD", 7), ("HRY", 1)):
        area = council(session, code)
        members = session.exec(select(Membership).where(Membership.area_id == area.id)).all()
        assert len({m.person_id for m in members}) == seats, code
    assert session.exec(select(Area).where(Area.slug == "walsall-council")).first() is None


def test_councillors_alone_on_an_empty_database_make_their_councils(cli, session: Session,
                                                                    tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("name,council,ward,former_party,date,new_affiliation,source_url\n"
                    "A Person,Walsall Council,,Labour,2023-11-16,Independent,https://example.org/a\n",
                    encoding="utf-8")
    result = cli("import", "councillors", str(path))
    assert result.exit_code == 0, result.output
    [area] = council_areas(session)
    assert (area.slug, area.name, area.register_code) == ("walsall-council", "Walsall Council", None)
    [body] = session.exec(select(Body).where(Body.kind == "council")).all()
    assert (body.slug, body.area_id) == ("walsall-council", area.id)


# -- bad files are refused whole ----------------------------------------------------------

def _lookup_with(tmp_path: Path, shared_data: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = json.loads((shared_data / LOOKUP).read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "lookup.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _refused(cli, session: Session, shared_data: Path, *args: str) -> str:  # type: ignore[no-untyped-def]
    before = table_counts(session)
    result = cli("import", "councils", *args)
    assert result.exit_code == 1, result.output
    assert "Nothing was imported." in result.output
    assert table_counts(session) == before
    assert count(session, Area) == 1300 and count(session, AreaOverlap) == 0
    assert session.exec(select(Revision).join(ChangeSet)
                        .where(ChangeSet.actor == "import:councils")).first() is None
    return result.output


@pytest.mark.shared_data
@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["E07000178"].__setitem__(OXFORD_EAST, 1.5),
     f"lookup.json: $.E07000178.{OXFORD_EAST} is not a fraction between 0 and 1: 1.5"),
    (lambda d: d["E07000178"].__setitem__(OXFORD_WEST, "0.385"),
     f"lookup.json: $.E07000178.{OXFORD_WEST} is not a number: '0.385'"),
    (lambda d: d.__setitem__("E07999999", {OXFORD_EAST: 1}),
     "lookup.json: $.E07999999 is not the GSS code of a council in the register"),
    (lambda d: d["E07000178"].__setitem__("E14009999", 0),
     "lookup.json: $.E07000178.E14009999 is not the GSS code of a 2024 constituency we hold"),
    (lambda d: d["E07000178"].__setitem__(OXFORD_EAST, 0.1),
     "lookup.json: $.E07000178 fractions add up to 0.485, not 1"),
])
def test_malformed_lookup_is_refused_naming_the_json_path(
        cli, session: Session, shared_data: Path, tmp_path: Path, constituencies: None,
        change, message: str) -> None:  # type: ignore[no-untyped-def]
    lookup = _lookup_with(tmp_path, shared_data, change)
    output = _refused(cli, session, shared_data, "--register", str(shared_data / REGISTER),
                      "--lookup", str(lookup))
    assert message in output


@pytest.mark.shared_data
def test_lookup_that_is_not_json_is_refused_with_its_line(cli, session: Session, shared_data: Path,
                                                          tmp_path: Path, constituencies: None) -> None:
    text = (shared_data / LOOKUP).read_text(encoding="utf-8")
    bad = tmp_path / "lookup.json"
    bad.write_text(text.replace(',"E07000178":{', ',\n"E07000178" {', 1), encoding="utf-8")
    output = _refused(cli, session, shared_data, "--register", str(shared_data / REGISTER),
                      "--lookup", str(bad))
    assert "lookup.json, line 2: is not valid JSON: Expecting ':' delimiter" in output

    repeated = tmp_path / "repeated.json"
    repeated.write_text('{"E07000178": {"E14001419": 0.615, "E14001419": 0.385}}', encoding="utf-8")
    output = _refused(cli, session, shared_data, "--register", str(shared_data / REGISTER),
                      "--lookup", str(repeated))
    assert "repeated.json: repeats the key 'E14001419'" in output


@pytest.mark.shared_data
@pytest.mark.parametrize(("old", "new", "column", "message"), [
    ("OXO,Oxford City Council,Oxford,E07000178", "OXO,Oxford City Council,Oxford,E0700017",
     "gss-code", "'E0700017' is not a GSS code"),
    ("BUN,Burnley Borough Council,Burnley,E07000117,,,,England,North West,NMD,Non-metropolitan "
     "district,LAN,", "BUN,Burnley Borough Council,Burnley,E07000117,,,,England,North West,NMD,"
     "Non-metropolitan district,LNX,", "county-la", "'LNX' is not a council of this file"),
    ("OXO,Oxford City Council,Oxford,E07000178,", "OXO,Oxford City Council,Oxford,E07000178,2023-02-30",
     "start-date", "'2023-02-30' is not a date"),
])
def test_malformed_register_is_refused_naming_line_and_column(
        cli, session: Session, shared_data: Path, tmp_path: Path, constituencies: None,
        old: str, new: str, column: str, message: str) -> None:
    lines = (shared_data / REGISTER).read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(old))
    lines[index] = lines[index].replace(old, new, 1)
    bad = tmp_path / "register.csv"
    bad.write_text("".join(lines), encoding="utf-8")
    output = _refused(cli, session, shared_data, "--register", str(bad),
                      "--lookup", str(shared_data / LOOKUP))
    assert f"register.csv, line {index + 1}, column '{column}': {message}" in output


def test_register_without_a_lookup_loads_councils_only(cli, session: Session, tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    register.write_text(
        "local-authority-code,official-name,nice-name,gss-code,start-date,end-date,nation,region,"
        "local-authority-type,county-la,alt-names,current-authority\n"
        "TWO,Twoshire County Council,Twoshire,E10000099,,,England,North West,CTY,,,True\n"
        "ONE,One Borough Council,One,E07000999,,,England,North West,NMD,TWO,\"One,one council\",True\n",
        encoding="utf-8")
    assert cli("import", "councils").exit_code == 2  # neither --data-dir nor --register
    result = cli("import", "councils", "--register", str(register))
    assert result.exit_code == 0, result.output
    assert "no lookup file given" in result.output
    one, two = council(session, "ONE"), council(session, "TWO")
    assert one.parent_id == two.id and one.alt_names == "One\none council"
    assert count(session, AreaOverlap) == 0


# -- name matching ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Burnley Borough Council (per article context)", "burnley borough council"),
    ("Blackburn with Darwen  Borough Council", "blackburn with darwen borough council"),
    ("Kingston-upon-Hull City Council", "kingston upon hull city council"),
    ("King's Lynn & West Norfolk", "kings lynn and west norfolk"),
    ("Bristol, City of", "bristol city of"),
])
def test_normalise_name(text: str, expected: str) -> None:
    assert normalise_name(text) == expected


def test_name_variants_drop_a_final_council() -> None:
    assert name_variants("Haringey Council") == ["haringey council", "haringey"]
    assert name_variants("Lancashire County Council") == ["lancashire county council",
                                                          "lancashire county"]
    assert name_variants("Council") == ["council"]


def test_alt_names_keep_names_with_commas_whole() -> None:
    text = "Bristol, City of,bristol city council,City of Bristol"
    assert split_alt_names(text) == ["Bristol, City of", "bristol city council", "City of Bristol"]
    assert join_alt_names(["Bristol", "bristol", *split_alt_names(text)], "Bristol City Council") == (
        "Bristol\nBristol, City of\nCity of Bristol")


def _matcher() -> NameMatcher[str]:
    matcher: NameMatcher[str] = NameMatcher()
    matcher.add("BUN", "Burnley Borough Council", ["Burnley"])
    matcher.add("WLL", "Walsall Metropolitan Borough Council", ["Walsall", "walsall council"])
    matcher.add("HRY", "London Borough of Haringey", ["Haringey"])
    matcher.add("LAN", "Lancashire County Council", ["Lancashire", "lancashire county"])
    matcher.add("NYK", "North Yorkshire County Council", ["North Yorkshire"], current=False)
    matcher.add("NYE", "North Yorkshire Council", ["North Yorkshire"])
    matcher.add("AAA", "Twin Council", ["Twin"])
    matcher.add("BBB", "Twin District Council", ["Twin"])
    return matcher


@pytest.mark.parametrize(("name", "code"), [
    ("Burnley Borough Council (per article context)", "BUN"),
    ("Walsall Council", "WLL"),
    ("Lancashire County Council", "LAN"),
    ("Haringey Council", "HRY"),  # no alternative name: 'Haringey' once 'Council' is dropped
    ("North Yorkshire", "NYE"),  # the current council over the former one
    ("North Yorkshire County Council", "NYK"),  # an official name wins outright
    ("Twin Council", "AAA"),
    ("Oxford City Council", None),
])
def test_councils_are_found_by_name_or_alternative_name(name: str, code: str | None) -> None:
    assert _matcher().find(name) == code


def test_a_name_two_current_councils_use_is_ambiguous() -> None:
    with pytest.raises(AmbiguousCouncilName, match="'Twin' could be any of Twin Council, "
                                                   "Twin District Council"):
        _matcher().find("Twin")


def test_councillors_parse_their_council_before_matching() -> None:
    council = parse_council("Burnley Borough Council (per article context)")
    assert council is not None and _matcher().find(council.name) == "BUN"

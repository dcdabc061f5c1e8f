"""Matching an uploaded list's rows to people, against the real records (`tracker import all`)."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlmodel import select

from tracker.models import Person
from tracker.uploads.match import Match, PeopleIndex, fold_name, match_rows, name_score
from tracker.uploads.parse import UploadRow

pytestmark = pytest.mark.imported
URL = "https://www.nocnv.org/list"


def row(line: int, name: str | None = None, constituency: str | None = None, **ids) -> UploadRow:  # type: ignore[no-untyped-def]
    return UploadRow(line=line, date=date(2024, 6, 14), source_url=URL, name=name,
                     constituency=constituency, answer="signed", **ids)


def slugs(session, matches: list[Match]) -> list[tuple[str, str | None, list[str]]]:  # type: ignore[no-untyped-def]
    by_id = {p.id: p.slug for p in session.exec(select(Person)).all()}
    return [(m.status, by_id.get(m.person_id), [c.slug for c in m.candidates]) for m in matches]


def test_near_miss_spellings_and_titles_match_the_person(session):
    spellings = [("Rosena Allin Khan", None), ("Dr Rosena Alin-Khan MP", "Tooting"),
                 ("allin-khan, rosena", None),
                 ("Rosena AllinKhan", None), ("Cllr Rosina Allin-Khan", None)]
    matches = [match_rows(session, [row(2, name, place)])[0] for name, place in spellings]
    assert slugs(session, matches) == [("matched", "rosena-allin-khan", ["rosena-allin-khan"])] * 5
    assert matches[0].reason == "Matched by name." and matches[0].score == 100
    assert matches[1].reason.startswith("Matched by name (9") and matches[1].reason.endswith("in Tooting.")
    assert matches[4].reason.startswith("Matched by a close spelling of the name (9")


def test_a_person_named_twice_waits_for_a_choice(session):
    matches = match_rows(session, [row(2, "Rosena Allin-Khan"), row(3, "Rosena Allin Khan", "Tooting")])
    assert slugs(session, matches) == [("matched", "rosena-allin-khan", ["rosena-allin-khan"]),
                                       ("ambiguous", None, ["rosena-allin-khan"])]
    assert matches[1].reason == "Line 2 names the same person (Rosena Allin-Khan)."


def test_another_name_we_hold_matches(session):
    (match,) = match_rows(session, [row(2, "Naseem Shah")])
    assert slugs(session, [match]) == [("matched", "naseem-shah", ["naseem-shah"])]
    assert match.candidates[0].name == "Naz Shah" and match.candidates[0].matched_name == "Naseem Shah"
    assert match.reason == "Matched by another name we hold for them, “Naseem Shah” (100)."


def test_two_people_of_the_same_name_are_told_apart_by_constituency(session):
    matches = match_rows(session, [row(2, "Darren Jones"), row(3, "Darren Jones", "Bournemouth West"),
                                   row(4, "Darren Jones", "bristol-north-west")])
    assert slugs(session, matches) == [
        ("ambiguous", None, ["darren-jones", "darren-jones-bournemouth-west"]),
        ("matched", "darren-jones-bournemouth-west", ["darren-jones-bournemouth-west"]),
        ("matched", "darren-jones", ["darren-jones"]),
    ]
    assert matches[0].reason == ("2 people have names this close to “Darren Jones”; give the constituency "
                                 "or an id to tell them apart.")
    assert {c.places[0] for c in matches[0].candidates} == {"Bristol North West", "Bournemouth West"}


def test_a_name_we_do_not_hold_is_unmatched(session):
    matches = match_rows(session, [row(2, "Zebedee Quuxworth"), row(3, "Zebedee Quuxworth", "Tooting"),
                                   row(4, "...")])
    assert [(m.status, m.reason) for m in matches] == [
        ("unmatched", "No one we hold has a name close to “Zebedee Quuxworth”."),
        ("unmatched", "No one we hold has a name close to “Zebedee Quuxworth”, in Tooting or elsewhere."),
        ("unmatched", "The name has no letters to compare."),
    ]


def test_a_name_in_the_wrong_constituency_is_not_taken_on_trust(session):
    (match,) = match_rows(session, [row(2, "Keir Starmer", "Tooting")])
    assert slugs(session, [match]) == [("ambiguous", None, ["keir-starmer"])]
    assert match.reason.startswith("No one called “Keir Starmer” sat for or stood in Tooting")
    (unknown_place,) = match_rows(session, [row(3, "Keir Starmer", "Atlantis")])
    assert unknown_place.status == "matched"
    assert "“Atlantis” was not recognised" in unknown_place.reason


def test_an_id_wins_and_an_id_we_do_not_hold_says_so(session):
    matches = match_rows(session, [
        row(2, None, parliament_id=4573),
        row(3, "Naseem Shah", twfy_id=25385),
        row(4, "Someone", parliament_id=99999999),
        row(5, "Naz Shah", parliament_id=4573),
        row(6, None, parliament_id=4409, democracy_club_id=34186),
        row(7, None, person="keir-starmer"),
    ])
    assert slugs(session, matches) == [
        ("matched", "rosena-allin-khan", ["rosena-allin-khan"]),
        ("matched", "naseem-shah", ["naseem-shah"]),
        ("unmatched", None, []),
        ("ambiguous", None, ["rosena-allin-khan", "naseem-shah"]),
        ("ambiguous", None, ["naseem-shah", "rosena-allin-khan"]),
        ("matched", "keir-starmer", ["keir-starmer"]),
    ]
    assert matches[0].reason == "Matched by parliament_id."
    assert matches[2].reason == "No one we hold has parliament_id 99999999."
    assert matches[3].reason == "parliament_id 4573 is Rosena Allin-Khan, but the row names “Naz Shah”."
    assert matches[4].reason == ("The ids name different people: parliament_id 4409 is Naz Shah; "
                                 "democracy_club_id 34186 is Rosena Allin-Khan.")


def test_matches_survive_a_json_round_trip(session):
    matches = match_rows(session, [row(2, "Darren Jones"), row(3, "Naseem Shah")])
    assert [Match.from_json(m.to_json()) for m in matches] == matches


def test_scores():
    assert fold_name("Cllr Dr Rosena Allin-Khan MP") == "rosena allin khan"
    assert name_score("keir starmer", "starmer keir") == 100
    assert name_score("jeremy corbyn", "jeremy bernard corbyn") == 90  # every word in the longer name
    assert name_score("rachel eeves", "rachel reeves") > 90  # a slip in a word's first letter
    assert name_score("smith", "john smith") < 75  # one word is not enough


def test_two_thousand_rows_load_the_index_once_and_match_quickly(session, count_queries):
    people = session.exec(select(Person).order_by(Person.id).limit(1000)).all()
    rows = []
    for i, person in enumerate(people * 2):
        name = person.name if i % 2 else person.name[:-1] + "x"  # every other name misspelt
        rows.append(row(i + 2, name))
    start = time.perf_counter()
    with count_queries() as queries:
        matches = match_rows(session, rows)
    elapsed = time.perf_counter() - start
    assert queries() == 5  # people, other names, places, seats, candidacies: whatever the rows
    assert len(matches) == 2000 and elapsed < 20, elapsed
    assert sum(m.status != "unmatched" for m in matches) > 1900


def test_an_index_can_serve_several_matchings(session):
    index = PeopleIndex(session)
    assert index.areas_for("Birmingham, Hall Green & Moseley") == index.areas_for(
        "birmingham-hall-green-and-moseley") != set()
    assert index.areas_for("") == set() and index.areas_for("Atlantis") == set()
    assert match_rows(session, [row(2, "Naseem Shah")], index)[0].status == "matched"

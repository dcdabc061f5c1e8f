"""`tracker import members-api`: current MPs from the Members API, paged.

The answers served are the real examples in shared/data/api_examples. The
search example has 23 items though ``take`` is 20, repeats Diane Abbott (172)
five times and includes Lords and former members: the importer must cope.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from tracker.importers.people import PersonIndex
from tracker.models import Area, Membership, Party, Person
from tracker.queries import stats
from tracker.reference import ensure_commons
from tracker.revisions import Recorder
from tracker.text import list_name, strip_honorifics

API = "https://members-api.parliament.uk"
EXAMPLES = "api_examples"
TOTAL = 21  # the example page (skip 0) and one more page (skip 20)
# Commons members of the example, and those whose latest seat is still open.
COMMONS = {172, 5131, 4212, 662, 5120, 663, 645, 4057}
CURRENT = {172, 5131, 4212, 5120}

Handler = Callable[[httpx.Request], httpx.Response]


def count(session: Session, model: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def table_counts(session: Session) -> dict[str, int]:
    return stats.table_counts(session)


def example(shared_data: Path, name: str) -> Any:
    return json.loads((shared_data / EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture
def pages(shared_data: Path) -> dict[int, Any]:
    """Page 1 is the search example; page 2 holds the single-member example's item."""
    first = example(shared_data, "members_api_members_search_response.json")
    first["totalResults"] = TOTAL
    second = dict(first, skip=20, items=[example(shared_data, "members_api_member_172_response.json")])
    return {0: first, 20: second}


@pytest.fixture
def members_api(serve, pages: dict[int, Any]) -> list[httpx.Request]:
    def handler(request: httpx.Request) -> httpx.Response:
        skip = int(request.url.params["skip"])
        if request.url.path != "/api/Members/Search" or skip not in pages:
            return httpx.Response(404)
        return httpx.Response(200, json=pages[skip])

    return serve(handler)


@pytest.fixture
def hackney(session: Session) -> Area:
    """A 2024 constituency, as the constituencies importer makes them."""
    area = Area(slug="hackney-north-and-stoke-newington", name="Hackney North and Stoke Newington",
                kind="westminster_constituency", gss_code="E14001265", boundary_set="2024",
                valid_from=date(2024, 7, 4))
    session.add(area)
    session.commit()
    return area


def person(session: Session, parliament_id: int) -> Person:
    return session.exec(select(Person).where(Person.parliament_id == parliament_id)).one()


def test_pages_until_total_results(members_api, hackney: Area, cli, session: Session) -> None:
    result = cli("import", "members-api")
    assert result.exit_code == 0, result.output

    assert [r.url.path for r in members_api] == ["/api/Members/Search"] * 2
    assert [dict(r.url.params) for r in members_api] == [
        {"House": "1", "IsCurrentMember": "true", "skip": "0", "take": "20"},
        {"House": "1", "IsCurrentMember": "true", "skip": "20", "take": "20"},
    ]
    people = session.exec(select(Person)).all()
    assert {p.parliament_id for p in people} == COMMONS
    assert "member 172 (Diane Abbott) appears 6 times in the answer; used once" in result.output
    assert "11 member(s) not of House 1 skipped" in result.output


def test_new_people_and_their_seats(members_api, hackney: Area, cli, session: Session) -> None:
    assert cli("import", "members-api").exit_code == 0
    abbott = person(session, 172)
    assert (abbott.name, abbott.sort_name, abbott.gender) == ("Diane Abbott", "Abbott, Diane",
                                                             "female")
    assert person(session, 645).name == "Gerry Adams"  # "Mr" dropped
    seats = session.exec(select(Membership, Person.parliament_id, Party.slug)
                         .join(Person, Person.id == Membership.person_id)  # type: ignore[arg-type]
                         .outerjoin(Party, Party.id == Membership.party_id)).all()  # type: ignore[arg-type]
    by_member = {pid: (m, party) for m, pid, party in seats}
    assert set(by_member) == CURRENT  # former members get no open seat
    seat, party = by_member[172]
    assert party == "independent"
    assert seat.area_id == hackney.id
    assert seat.start_date == date(1987, 6, 11) and seat.end_date is None
    assert seat.external_id == "members-api:172"
    assert by_member[5131][1] == "labour"  # "Labour (Co-op)", MNIS party 15
    assert by_member[5131][0].area_id is None  # no 2024 area named Ipswich is stored


def test_known_people_keep_their_name_and_seat(members_api, cli, session: Session) -> None:
    recorder = Recorder(session, actor="test")
    commons = ensure_commons(session, recorder)
    known = PersonIndex(session, recorder).upsert(name="Diane Julie Abbott", parliament_id=172)
    recorder.flush()
    recorder.add(Membership(person_id=known.id, body_id=commons.id, start_date=date(2024, 7, 5),  # type: ignore[arg-type]
                            external_id="uk.org.publicwhip/member/1"))
    recorder.flush()
    session.commit()

    assert cli("import", "members-api").exit_code == 0
    session.refresh(known)
    # The importer gives no new name, but the display name follows the latest official
    # spelling (tracker/names.py): the Members API's, asked today.
    assert known.name == "Diane Abbott" and known.gender == "female"
    seats = session.exec(select(Membership).where(Membership.person_id == known.id)).all()
    assert [s.external_id for s in seats] == ["uk.org.publicwhip/member/1"]


def test_second_run_changes_nothing(members_api, hackney: Area, cli, session: Session) -> None:
    assert cli("import", "members-api").exit_code == 0
    before = table_counts(session)
    again = cli("import", "members-api")
    assert again.exit_code == 0, again.output
    assert "0 added, 0 updated" in again.output
    assert table_counts(session) == before


def test_network_error_writes_nothing(serve, cli, session: Session) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("name or service not known", request=request)

    serve(down)
    result = cli("import", "members-api")
    assert result.exit_code == 1
    assert f"could not reach {API}/api/Members/Search?House=1" in result.output
    assert "name or service not known" in result.output
    assert all(n == 0 for n in table_counts(session).values())


def test_server_error_is_reported(serve, cli) -> None:
    serve(lambda _request: httpx.Response(503, text="down"))
    result = cli("import", "members-api", "--base-url", "https://mirror.example")
    assert result.exit_code == 1
    assert "https://mirror.example/api/Members/Search?House=1" in result.output
    assert "answered HTTP 503" in result.output


def test_from_file_single_member(cli, session: Session, shared_data: Path) -> None:
    path = shared_data / EXAMPLES / "members_api_member_172_response.json"
    result = cli("import", "members-api", "--from-file", str(path))
    assert result.exit_code == 0, result.output
    abbott = person(session, 172)
    assert abbott.name == "Diane Abbott"
    seat = session.exec(select(Membership).where(Membership.person_id == abbott.id)).one()
    assert seat.external_id == "members-api:172"


def test_bad_item_names_its_json_path(cli, session: Session, pages: dict[int, Any],
                                      tmp_path: Path) -> None:
    page = pages[0]
    page["items"][2]["value"]["id"] = "seven"
    path = tmp_path / "members.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    result = cli("import", "members-api", "--from-file", str(path))
    assert result.exit_code == 1
    assert "members.json: $.items[2].value.id is not a whole number: 'seven'" in result.output
    assert count(session, Person) == 0


@pytest.mark.parametrize(("name", "clean"), [
    ("Ms Diane Abbott", "Diane Abbott"), ("Rt Hon Sir Keir Starmer", "Keir Starmer"),
    ("Dr Rosena Allin-Khan", "Rosena Allin-Khan"), ("Dame Meg Hillier", "Meg Hillier"),
    ("Mrs Miriam Cates", "Miriam Cates"), ("Miss Sarah Dines", "Sarah Dines"),
    ("Jack Abbott", "Jack Abbott"), ("Mr", "Mr"),
])
def test_strip_honorifics(name: str, clean: str) -> None:
    assert strip_honorifics(name) == clean


def test_list_name() -> None:
    assert list_name("Abbott, Ms Diane") == "Abbott, Diane"
    assert list_name("Adams, Mr Gerry") == "Adams, Gerry"

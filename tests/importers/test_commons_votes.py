"""`tracker import commons-votes`: a division's full record from the Commons Votes API.

No real Commons Votes division JSON is available (see shared/data/README.md), so
``tests/fixtures/commonsvotes_division.json`` is constructed from the published
schema (``api_examples/commonsvotes_api_openapi_excerpt.yaml``): PascalCase keys,
every property of PublishedDivision and RecordedMember present, and real MPs
with their real MemberIds from ``mps/mps_sitting_2023-11-15.csv``. Its DivisionId
(900001), Number and Title are made up; the test below checks the key sets
against the schema.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from tracker.importers.people import PersonIndex
from tracker.models import Division, Party, Person, Source, Vote
from tracker.queries import stats
from tracker.revisions import Recorder

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "commonsvotes_division.json"
DIVISION_ID = 900001
API = "https://commonsvotes-api.parliament.uk"
TRACKED = "2023-11-15-snp-amendment-h-immediate-ceasefire"
# Everyone in the fixture except Rosena Allin-Khan (4573), who is left for the
# importer to create from Name and ListAs.
KNOWN = {4747: "Tahir Ali", 4735: "Stephen Flynn", 4656: "Layla Moran", 185: "Jeremy Corbyn",
         4483: "Rishi Sunak", 4366: "James Cleverly", 4746: "Robin Millar",
         4359: "Stephen Kinnock", 4482: "Owen Thompson", 4440: "Marion Fellows",
         4774: "Mark Fletcher", 3940: "Craig Whittaker", 4127: "Julie Elliott"}


def count(session: Session, model: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def table_counts(session: Session) -> dict[str, int]:
    return stats.table_counts(session)


def fixture_json() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def mps(session: Session) -> None:
    people = PersonIndex(session, Recorder(session, actor="test"))
    for member_id, name in KNOWN.items():
        people.upsert(name=name, parliament_id=member_id)
    people.recorder.flush()
    session.commit()


def division_api(request: httpx.Request) -> httpx.Response:
    if request.url.path == f"/data/division/{DIVISION_ID}.json":
        return httpx.Response(200, json=fixture_json())
    return httpx.Response(404)


def votes_by_member(session: Session, division: Division) -> dict[int, tuple[str, str | None]]:
    rows = session.exec(select(Person.parliament_id, Vote.position, Party.slug)
                        .join(Vote, Vote.person_id == Person.id)  # type: ignore[arg-type]
                        .outerjoin(Party, Party.id == Vote.party_id)  # type: ignore[arg-type]
                        .where(Vote.division_id == division.id)).all()
    return {pid: (position, party) for pid, position, party in rows}


def test_fixture_follows_the_published_schema(shared_data: Path) -> None:
    schema = (shared_data / "api_examples/commonsvotes_api_openapi_excerpt.yaml").read_text()

    def properties(name: str) -> set[str]:
        block = schema.split(f"\n    {name}:\n      properties:\n", 1)[1]
        block = re.split(r"\n      \S", block, maxsplit=1)[0]
        return set(re.findall(r"^        (\w+):$", block, flags=re.MULTILINE))

    doc = fixture_json()
    assert set(doc) == properties("PublishedDivision")
    members = [m for key in ("Ayes", "Noes", "AyeTellers", "NoTellers", "NoVoteRecorded")
               for m in doc[key]]
    assert members and all(set(m) == properties("RecordedMember") for m in members)


def test_imports_every_vote_over_http(mps, serve, cli, session: Session) -> None:
    requests = serve(division_api)
    result = cli("import", "commons-votes", "--division-id", str(DIVISION_ID))
    assert result.exit_code == 0, result.output
    assert [str(r.url) for r in requests] == [f"{API}/data/division/{DIVISION_ID}.json"]

    division = session.exec(select(Division).where(Division.commons_division_id == DIVISION_ID)).one()
    assert division.votes_complete is True
    assert (division.aye_count, division.no_count, division.number) == (5, 4, 900)
    assert division.topic_id is None and division.aye_means is None and division.no_means is None
    assert division.slug.startswith("2023-11-15-division-900-constructed-test-division")
    source = session.get(Source, division.source_id)
    assert source is not None
    assert source.url == f"https://votes.parliament.uk/votes/commons/division/{DIVISION_ID}"

    votes = votes_by_member(session, division)
    assert len(votes) == 14
    assert votes[4747] == ("aye", "labour")
    assert votes[4735] == ("aye", "scottish-national-party")
    assert votes[185] == ("aye", "independent")
    assert votes[4359] == ("no", "labour")
    assert votes[4483] == ("no", "conservative")
    assert votes[4482][0] == "teller_aye" and votes[4774][0] == "teller_no"
    assert votes[4127][0] == "no_vote_recorded"

    rosena = session.exec(select(Person).where(Person.parliament_id == 4573)).one()
    assert (rosena.name, rosena.sort_name) == ("Rosena Allin-Khan", "Allin-Khan, Rosena")
    assert votes[4573] == ("aye", "labour")
    assert "1 member(s) were not known before" in result.output


def test_a_record_of_another_division_is_not_attached_to_a_tracked_one(mps, cli, session: Session) -> None:
    # data/divisions.toml links the SNP amendment to Commons division 1666.
    result = cli("import", "commons-votes", "--from-file", str(FIXTURE), "--tracked", TRACKED)
    assert result.exit_code == 1
    assert f"'{TRACKED}' is linked to Commons division 1666, not {DIVISION_ID}" in result.output
    assert "Nothing was imported." in result.output
    assert count(session, Vote) == 0


def test_second_run_changes_nothing(mps, serve, cli, session: Session) -> None:
    serve(division_api)
    assert cli("import", "commons-votes", "--division-id", str(DIVISION_ID)).exit_code == 0
    before = table_counts(session)
    again = cli("import", "commons-votes", "--division-id", str(DIVISION_ID))
    assert again.exit_code == 0, again.output
    assert "0 added, 0 updated" in again.output
    assert table_counts(session) == before


def test_network_error_writes_nothing(serve, cli, session: Session) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    serve(down)
    result = cli("import", "commons-votes", "--division-id", str(DIVISION_ID))
    assert result.exit_code == 1
    assert (f"could not reach {API}/data/division/{DIVISION_ID}.json: connection refused"
            in result.output)
    assert "Nothing was imported." in result.output
    assert all(n == 0 for n in table_counts(session).values())


def test_unknown_division_is_a_clear_error(serve, cli, session: Session) -> None:
    serve(division_api)
    result = cli("import", "commons-votes", "--division-id", "12")
    assert result.exit_code == 1
    assert "no division 12" in result.output
    assert count(session, Division) == 0


def test_bad_item_names_its_json_path(cli, session: Session, tmp_path: Path) -> None:
    doc = fixture_json()
    del doc["Noes"][1]["MemberId"]
    path = tmp_path / "division.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = cli("import", "commons-votes", "--from-file", str(path))
    assert result.exit_code == 1
    assert "division.json: $.Noes[1].MemberId is missing" in result.output
    assert count(session, Vote) == 0


def test_tracked_division_on_another_day_is_refused(mps, cli, session: Session,
                                                    tmp_path: Path) -> None:
    doc = fixture_json() | {"Date": "2024-02-21T19:00:00", "DivisionId": 1666}
    path = tmp_path / "division.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = cli("import", "commons-votes", "--from-file", str(path), "--tracked", TRACKED)
    assert result.exit_code == 1, result.output
    assert "was on 2024-02-21" in result.output and "check the id" in result.output
    assert count(session, Vote) == 0


def test_search_date_lists_the_divisions(serve, cli) -> None:
    summary = fixture_json() | {
        "Ayes": [], "Noes": [], "AyeTellers": [], "NoTellers": [], "NoVoteRecorded": []}

    def search(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/data/divisions.json/search"
        assert request.url.params["queryParameters.startDate"] == "2023-11-15"
        assert request.url.params["queryParameters.endDate"] == "2023-11-15"
        return httpx.Response(200, json=[summary])

    requests = serve(search)
    result = cli("import", "commons-votes", "--search-date", "2023-11-15")
    assert result.exit_code == 0, result.output
    assert len(requests) == 1
    assert str(DIVISION_ID) in result.output and "5-4" in result.output
    assert "Constructed test division" in result.output


def test_division_id_or_file_is_required(cli) -> None:
    result = cli("import", "commons-votes")
    assert result.exit_code == 2
    assert "--division-id" in result.output

"""`tracker import all` over the real public data in ../shared/data."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import func
from sqlmodel import select

from tracker.models import Area, Candidacy, Election, Person

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


def _counts(cli) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return json.loads(cli("stats", "--json").output)


@pytest.mark.imported  # `tracker import all` into an empty database, once per test run
def test_import_all_loads_everything_once(cli, session, shared_data):
    counts = _counts(cli)

    constituencies = session.exec(select(Area.boundary_set, func.count()).where(
        Area.kind == "westminster_constituency").group_by(Area.boundary_set)).all()
    assert dict(constituencies) == {"2024": 650, "2010": 650}

    election = session.exec(select(Election).where(Election.slug == "uk-general-election-2024")).one()
    candidacies = session.exec(select(Candidacy).where(Candidacy.election_id == election.id)).all()
    assert len(candidacies) == 4515
    assert len({c.area_id for c in candidacies}) == 650
    assert sum(c.elected for c in candidacies) == 650

    # Every MP membership of the four files (705 + 697 rows, the sitting file repeating some).
    assert counts["membership"] >= 1402 - 650 + 37 - 1
    # No person created twice: every parliament id and Democracy Club id is unique by schema,
    # and each GE2024 candidate is one person.
    assert len({c.person_id for c in candidacies}) == 4515

    councillors = session.exec(select(func.count()).select_from(Person).where(
        Person.parliament_id.is_(None), Person.democracy_club_id.is_(None))).one()  # type: ignore[union-attr]
    assert councillors == 37

    second = cli("import", "all", "--data-dir", str(shared_data))
    assert second.exit_code == 0, second.output
    assert "All done" in second.output and ": 0 added, 0 updated." in second.output
    assert _counts(cli) == counts


@pytest.mark.imported
def test_tahir_ali_calls_for_a_ceasefire_since_the_vote(cli):
    report = json.loads(cli("stance", "Tahir Ali", "--json").output)
    current = report["current"]
    assert current["stance"] == "ceasefire"
    assert current["since"] == "2023-11-15"
    [vote] = current["evidence"]
    assert vote["kind"] == "vote" and vote["vote_position"] == "aye"
    assert vote["source_url"] == "https://votes.parliament.uk/votes/commons/division/1666"

    text = cli("stance", "Tahir Ali").output
    assert "Current stance: ceasefire (Calls for an immediate ceasefire) since 15 Nov 2023" in text
    assert "votes.parliament.uk" in text


@pytest.mark.imported
def test_oxford_councillor_shows_the_switch_from_labour(cli):
    report = json.loads(cli("stance", "Shaista Aziz", "--json").output)
    assert report["current"]["stance"] == "ceasefire"
    assert report["current"]["since"] == "2023-10-14"
    [switch] = report["current"]["evidence"]
    assert switch["kind"] == "party_switch"
    assert switch["source_url"].startswith("https://www.oxfordstudent.com/")
    parties = [(p["party"], p["start"], p["end"]) for p in report["parties"]]
    assert ("Labour", None, "2023-10-14") in parties
    assert ("Independent", "2023-10-14", None) in parties


def test_malformed_file_changes_nothing(cli, shared_data, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(shared_data, data)
    path = data / "constituencies" / "constituencies_2024.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(lines[5].split(",")[6], "many", 1)  # electorate_2024 of line 6
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = _counts(cli)
    result = cli("import", "all", "--data-dir", str(data))
    assert result.exit_code == 1
    assert "constituencies_2024.csv, line 6" in result.output
    assert "Nothing was imported." in result.output
    assert _counts(cli) == before

"""Page twins as files: dated file names, an Excel-friendly byte order mark on request, the
dump's CSV dialect (RFC 4180, true/false), and NDJSON for any table."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from sqlmodel import select

from tracker.clock import real_today
from tracker.exports.registry import REGISTRY
from tracker.models import Body, Division, Party, Person, Topic, Vote

PERSON = "/people/sophia-naqvi"
BOM = b"\xef\xbb\xbf"


def test_a_csv_is_saved_under_its_page_table_and_day(cli, client) -> None:  # type: ignore[no-untyped-def]
    assert cli("seed").exit_code == 0
    today = real_today().isoformat()
    response = client.get(f"{PERSON}?format=csv&table=stance_periods")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="sophia-naqvi-stance_periods-{today}.csv"')
    primary = client.get("/methodology?format=csv")
    assert primary.headers["Content-Disposition"] == f'attachment; filename="methodology-stances-{today}.csv"'
    # As of a past day, the file is named after that day.
    past = client.get(f"{PERSON}?format=csv&table=evidence&as_of=2024-03-01")
    assert past.status_code == 200
    disposition = 'attachment; filename="sophia-naqvi-evidence-2024-03-01.csv"'
    assert past.headers["Content-Disposition"] == disposition


def test_bom_1_puts_a_byte_order_mark_first_and_changes_nothing_else(cli, client) -> None:  # type: ignore[no-untyped-def]
    assert cli("seed").exit_code == 0
    plain = client.get(f"{PERSON}?format=csv&table=evidence").get_data()
    assert not plain.startswith(BOM) and plain.startswith(b"person,date,")
    assert client.get(f"{PERSON}?format=csv&table=evidence&bom=0").get_data() == plain
    marked = client.get(f"{PERSON}?format=csv&table=evidence&bom=1")
    assert marked.status_code == 200 and marked.mimetype == "text/csv"
    assert marked.get_data() == BOM + plain
    assert marked.get_data().decode("utf-8-sig") == plain.decode()
    # The dump's tables take it too.
    table = client.get("/downloads/person.csv").get_data()
    assert client.get("/downloads/person.csv?bom=1").get_data() == BOM + table
    ndjson = client.get("/downloads/person.ndjson").get_data()
    assert client.get("/downloads/person.ndjson?bom=1").get_data() == ndjson


def test_any_other_bom_is_a_400_naming_it(cli, client) -> None:  # type: ignore[no-untyped-def]
    assert cli("seed").exit_code == 0
    for value in ("2", "yes", "true", "-1", "01x"):
        response = client.get(f"{PERSON}?format=csv&table=evidence&bom={value}")
        assert response.status_code == 400 and response.mimetype == "text/plain", value
        assert response.get_data(as_text=True).startswith("Bad request: bom: "), value
        error = client.get(f"{PERSON}?format=json&bom={value}").get_json()["error"]
        assert (error["status"], error["parameter"]) == (400, "bom"), value
        download = client.get(f"/downloads/person.csv?bom={value}")
        assert download.status_code == 400 and "bom" in download.get_data(as_text=True), value


def _evil_division(session) -> Party:  # type: ignore[no-untyped-def]
    """A party whose name needs quoting (a comma, quotes, a line break) and a formula in a name."""
    body = session.exec(select(Body).where(Body.kind == "commons")).first()
    topic = session.exec(select(Topic).where(Topic.slug == "ceasefire")).one()
    party = Party(slug="odd", name='The "Odd", Party\nof Lines', short_name="=1+2")
    person = Person(name="-Minus Person", sort_name="Person, Minus", slug="minus-person")
    session.add_all([party, person])
    session.flush()
    division = Division(slug="2024-01-02-odd", body_id=body.id, topic_id=topic.id,
                        division_date=date(2024, 1, 2), title="An odd division", aye_means="ceasefire",
                        aye_count=1, no_count=0, votes_complete=True)
    session.add(division)
    session.flush()
    session.add(Vote(division_id=division.id, person_id=person.id, position="aye", party_id=party.id))
    session.commit()
    return party


def test_twins_write_csv_as_the_dump_does(cli, client, session) -> None:  # type: ignore[no-untyped-def]
    assert cli("seed").exit_code == 0
    _evil_division(session)
    twin = client.get("/divisions/2024-01-02-odd?format=csv&table=votes").get_data()
    dump = client.get("/downloads/party.csv").get_data()
    # RFC 4180 both: CRLF after every record (a line break inside a quoted cell stays as it is),
    # quotes doubled, a cell quoted only when it must be.
    quoted = b'"The ""Odd"", Party\nof Lines"'
    assert quoted in twin and quoted in dump
    for data in (twin, dump):
        assert data.endswith(b"\r\n")
        records = list(csv.reader(io.StringIO(data.decode(), newline="")))
        assert data.count(b"\r\n") == len(records)
    header = twin.split(b"\r\n", 1)[0]
    assert b'"' not in header
    # Booleans as in the dump: true/false, in CSV; JSON keeps its own true/false.
    division = next(csv.DictReader(io.StringIO(
        client.get("/divisions/2024-01-02-odd?format=csv").get_data(as_text=True), newline="")))
    assert division["votes_complete"] == "true"
    rows = list(csv.DictReader(io.StringIO(client.get("/downloads/division.csv").get_data(as_text=True),
                                           newline="")))
    assert {r["votes_complete"] for r in rows} <= {"true", "false"} and rows
    body = client.get("/divisions/2024-01-02-odd?format=json").get_json()
    assert body["rows"][0]["votes_complete"] is True
    # Formula-looking text is defused in the twin (not in the dump); numbers stay numbers.
    votes = list(csv.DictReader(io.StringIO(twin.decode(), newline="")))
    assert votes[0]["name"] == "'-Minus Person"
    assert division["aye_count"] == "1" and division["title"] == "An odd division"
    assert b",=1+2," in dump


def _ndjson(client, url: str) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    response = client.get(url)
    assert response.status_code == 200 and response.is_streamed, url
    assert response.mimetype == "application/x-ndjson", url
    text = response.get_data(as_text=True)
    assert text == "" or text.endswith("\n"), url
    return [json.loads(line) for line in text.splitlines()]


def test_ndjson_is_the_json_rows_one_per_line_for_every_table(cli, client, session) -> None:  # type: ignore[no-untyped-def]
    assert cli("seed").exit_code == 0
    _evil_division(session)
    pages = {"person": PERSON, "methodology": "/methodology", "division": "/divisions/2024-01-02-odd",
             "parties": "/parties", "pledge": "/pledges/no-ceasefire-no-vote", "home": "/"}
    checked = 0
    for kind, url in pages.items():
        for table in REGISTRY[kind].tables:
            lines = _ndjson(client, f"{url}?format=ndjson&table={table.name}")
            rows = client.get(f"{url}?format=json&table={table.name}").get_json()["rows"]
            assert lines == rows, (url, table.name)
            assert all(list(line) == table.column_names for line in lines), (url, table.name)
            checked += len(lines)
    assert checked > 50
    response = client.get(f"{PERSON}?format=ndjson")  # the primary table
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="sophia-naqvi-evidence-{real_today().isoformat()}.ndjson"')
    line = response.get_data(as_text=True).splitlines()[0]
    assert json.loads(line) == client.get(f"{PERSON}?format=json").get_json()["rows"][0]
    # A line break inside a cell is escaped: one row is one line.
    votes = _ndjson(client, "/divisions/2024-01-02-odd?format=ndjson&table=votes")
    assert votes[0]["party"] == 'The "Odd", Party\nof Lines'


def test_format_errors_list_every_format_and_ndjson_errors_are_json(cli, client) -> None:  # type: ignore[no-untyped-def]
    assert cli("seed").exit_code == 0
    response = client.get(f"{PERSON}?format=jsonl")
    assert response.status_code == 400
    assert "unknown format &#39;jsonl&#39;; use csv, json or ndjson" in response.get_data(as_text=True)
    response = client.get(f"{PERSON}?format=ndjson&table=nope")
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.get_json()["error"]["parameter"] == "table"
    response = client.get("/people/nobody-at-all?format=ndjson")
    assert response.status_code == 404 and response.get_json()["error"]["status"] == 404
    index = client.get(f"{PERSON}?format=json").get_json()["tables"]["evidence"]
    assert index["ndjson"].endswith("/people/sophia-naqvi?format=ndjson&table=evidence")

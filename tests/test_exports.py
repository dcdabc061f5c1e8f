"""One registry of exported tables: every page twin comes from it, one table per URL,
streamed, typed as declared, and defused against spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from urllib.parse import parse_qsl

import pytest
from sqlmodel import select

from tracker.clock import real_today
from tracker.exports.formats import csv_chunks, defuse
from tracker.exports.registry import REGISTRY, describe
from tracker.exports.schema import TYPES, conforms
from tracker.models import Body, Division, Party, Person, Topic, Vote

# One page of every kind that exports tables, as the imported real data and the seeds hold them.
PAGES: dict[str, list[str]] = {
    "home": ["/", "/?topic=palestine-action"],
    "changes": ["/changes"],
    "methodology": ["/methodology"],
    "search": ["/search?q=oxford", "/search?q=tahir"],
    "person": ["/people/tahir-ali", "/people/sophia-naqvi", "/people/kevan-beamish"],
    "constituency": ["/constituencies/birmingham-hall-green-and-moseley", "/constituencies/oxford-east",
                     "/constituencies/birmingham-hall-green-2010"],
    "council": ["/councils/oxford-city-council", "/councils/lancashire-county-council"],
    "parties": ["/parties"],
    "party": ["/parties/labour"],
    "divisions": ["/divisions"],
    "division": ["/divisions/2023-11-15-snp-amendment-h-immediate-ceasefire"],
    "decisions": ["/decisions"],
    "decision": ["/decisions/2024-02-21-main-question-as-amended-ceasefire-in-gaza"],
    "elections": ["/elections"],
    "election": ["/elections/uk-general-election-2024"],
    "pledges": ["/pledges"],
    "pledge": ["/pledges/no-ceasefire-no-vote"],
    "history": ["/people/tahir-ali/history", "/pledges/no-ceasefire-no-vote/history"],
    "change_set": ["/changes/1"],
    "coverage": ["/coverage", "/coverage?topic=palestine-action&region=london"],
    "compare": ["/compare?people=tahir-ali,rishi-sunak,keir-starmer"],
}


def test_every_column_of_every_table_has_a_type_and_a_description():
    described = describe()
    assert described["types"] == list(TYPES)
    assert [p["page"] for p in described["pages"]] == list(REGISTRY)
    for page in described["pages"]:
        assert page["tables"], page["page"]
        for table in page["tables"]:
            assert table["description"].strip(), (page["page"], table["name"])
            assert table["columns"], (page["page"], table["name"])
            for column in table["columns"]:
                where = (page["page"], table["name"], column["name"])
                assert column["type"] in TYPES, where
                assert len(column["description"]) > 10, where
                assert all(isinstance(v, str) and v for v in column.get("values", ["x"])), where
    json.dumps(described)  # ready for datapackage.json and the OpenAPI document


def test_the_pages_checked_below_cover_every_kind_of_page():
    assert set(PAGES) == set(REGISTRY)


def _twin(client, url: str, **args: str):  # type: ignore[no-untyped-def]
    """GET a page's twin: ``url`` with its own query arguments and ``args``."""
    path, _, query = url.partition("?")
    return client.get(path, query_string={**dict(parse_qsl(query)), **args})


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.imported
def test_every_page_twin_is_its_registry_tables_with_values_of_the_declared_types(cli, client):
    assert cli("seed").exit_code == 0
    checked = 0
    for kind, urls in PAGES.items():
        declared = REGISTRY[kind]
        for url in urls:
            index = _twin(client, url, format="json")
            assert index.status_code == 200, url
            body = index.get_json()
            # The page's tables are its registry entry's, in order; without ?table= the first one's rows.
            assert list(body["tables"]) == declared.names, url
            assert body["table"] == declared.primary.name, url
            for table in declared.tables:
                entry = body["tables"][table.name]
                assert entry["columns"] == [c.describe() for c in table.columns], (url, table.name)
                assert entry["csv"].endswith(f"format=csv&table={table.name}"), entry["csv"]
                response = _twin(client, url, format="json", table=table.name)
                assert response.status_code == 200 and response.is_streamed, (url, table.name)
                rows = response.get_json()["rows"]
                for row in rows:
                    assert list(row) == table.column_names, (url, table.name)
                    for column in table.columns:
                        value = row[column.name]
                        assert conforms(column.type, value), (url, table.name, column.name, value)
                        if column.values is not None and value is not None:
                            assert value in column.values, (url, table.name, column.name, value)
                checked += len(rows)
    assert checked > 8_000


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.imported
def test_a_large_table_streams_row_by_row_and_comes_out_whole(client):
    url = "/elections/uk-general-election-2024?format=csv&table=candidates"
    response = client.get(url)
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="uk-general-election-2024-candidates-{real_today().isoformat()}.csv"')
    chunks = list(response.response)
    assert len(chunks) > 10  # written as it goes, not as one string
    text = "".join(c.decode() if isinstance(c, bytes) else c for c in chunks)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4515 and len({(r["constituency_slug"], r["person"]) for r in rows}) == 4515
    assert sum(r["elected"] == "true" for r in rows) == 650
    response.close()
    data = client.get("/elections/uk-general-election-2024?format=json&table=candidates")
    assert data.is_streamed
    assert len(data.get_json()["rows"]) == 4515


def test_one_table_per_url_and_what_a_url_without_table_gives(cli, client):
    cli("seed")
    whole = client.get("/people/sophia-naqvi?format=json").get_json()
    assert whole["table"] == "evidence" and list(whole["tables"])[0] == "evidence"
    assert whole["page"].endswith("/people/sophia-naqvi")
    assert whole["rows"] and all(r["source_url"] or r["source"] for r in whole["rows"])
    periods = client.get("/people/sophia-naqvi?format=csv&table=stance_periods")
    assert periods.mimetype == "text/csv" and periods.is_streamed
    rows = list(csv.reader(io.StringIO(periods.get_data(as_text=True))))
    assert rows[0] == [c["name"] for c in whole["tables"]["stance_periods"]["columns"]]
    assert len(rows) > 1 and "table" not in rows[0]
    primary = client.get("/people/sophia-naqvi?format=csv").get_data(as_text=True)
    evidence = whole["tables"]["evidence"]["columns"]
    assert primary.splitlines()[0] == ",".join(c["name"] for c in evidence)
    assert len(list(csv.reader(io.StringIO(primary)))) == len(whole["rows"]) + 1


@pytest.mark.parametrize(("url", "message"), [
    ("/people/sophia-naqvi?format=json&table=x",
     "table: unknown table 'x'; this page has: evidence, stance_periods, stance_chart, "
     "shifts_and_contradictions, votes, "
     "parties, decisions_on_the_day, names, edms, replies"),
    ("/methodology?format=csv&table=stancez", "table: unknown table 'stancez'; this page has: stances, "
                                              "evidence_strength"),
])
def test_an_unknown_table_is_a_400_that_lists_the_pages_tables(cli, client, url, message):
    cli("seed")
    response = client.get(url)
    assert response.status_code == 400
    if "format=json" in url:
        assert response.mimetype == "application/json"
        assert response.get_json()["error"] == {"status": 400, "title": "Bad request", "message": message,
                                                "parameter": "table"}
    else:
        assert message in response.get_data(as_text=True)


def test_an_unknown_format_is_a_400_that_says_what_is_allowed(cli, client):
    cli("seed")
    for url in ("/people/sophia-naqvi?format=xml", "/?format=XML", "/methodology?format=csv2&table=stances"):
        response = client.get(url)
        assert response.status_code == 400, url
        fmt = url.split("format=")[1].split("&")[0]
        message = f"unknown format &#39;{fmt}&#39;; use csv, json or ndjson"
        assert message in response.get_data(as_text=True), url
    # An empty format is no format: the page itself.
    assert client.get("/methodology?format=").status_code == 200


def test_json_twins_answer_errors_in_json_404s_included(cli, client):
    cli("seed")
    for url in ("/people/nobody?format=json", "/constituencies/nowhere?format=json",
                "/divisions/none?format=json", "/no-such-page?format=json", "/?topic=nope&format=json"):
        response = client.get(url)
        assert response.status_code == 404 and response.mimetype == "application/json", url
        error = response.get_json()["error"]
        assert error["status"] == 404 and error["title"] == "Not found" and error["message"], url
    assert "There is no topic 'nope'" in client.get("/?topic=nope&format=json").get_json()["error"]["message"]
    csv_404 = client.get("/people/nobody?format=csv")
    assert csv_404.status_code == 404 and csv_404.mimetype == "text/plain"
    page = client.get("/people/nobody")
    assert page.status_code == 404 and "Try a search" in page.get_data(as_text=True)


def _evil_vote(session) -> None:  # type: ignore[no-untyped-def]
    body = session.exec(select(Body).where(Body.kind == "commons")).first()
    if body is None:
        body = Body(slug="house-of-commons", name="House of Commons", kind="commons")
        session.add(body)
    topic = session.exec(select(Topic).where(Topic.slug == "ceasefire")).one()
    party = Party(slug="evil", name='=HYPERLINK("http://evil","x")', short_name="@SUM(A1)")
    person = Person(name="+Plus Minus", sort_name="Minus, Plus", slug="plus-minus")
    session.add_all([party, person])
    session.flush()
    division = Division(slug="2024-01-01-test", body_id=body.id, topic_id=topic.id,
                        division_date=date(2024, 1, 1), title="-1 test division", aye_means="ceasefire",
                        aye_count=1, no_count=0)
    session.add(division)
    session.flush()
    session.add(Vote(division_id=division.id, person_id=person.id, position="aye", party_id=party.id))
    session.commit()


def test_every_text_cell_is_defused_in_csv_and_numbers_stay_numbers(cli, client, session):
    cli("seed")
    _evil_vote(session)
    votes = list(csv.DictReader(io.StringIO(
        client.get("/divisions/2024-01-01-test?format=csv&table=votes").get_data(as_text=True))))
    assert votes[0]["party"] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert votes[0]["name"] == "'+Plus Minus"
    by_party = list(csv.DictReader(io.StringIO(
        client.get("/divisions/2024-01-01-test?format=csv&table=by_party").get_data(as_text=True))))
    assert by_party[0]["party"] == "'=HYPERLINK(\"http://evil\",\"x\")" and by_party[0]["aye"] == "1"
    about = list(csv.DictReader(io.StringIO(
        client.get("/divisions/2024-01-01-test?format=csv").get_data(as_text=True))))
    assert about[0]["title"] == "'-1 test division" and about[0]["aye_count"] == "1"
    parties = client.get("/parties?format=csv").get_data(as_text=True)
    assert "'@SUM(A1)" in parties and "\n=" not in parties and ",=" not in parties
    # JSON is not a spreadsheet: the same text as stored.
    rows = client.get("/divisions/2024-01-01-test?format=json&table=votes").get_json()["rows"]
    assert rows[0]["party"] == '=HYPERLINK("http://evil","x")'
    # A negative number is a number: the opposed stance's rank is -1.
    stances = list(csv.DictReader(io.StringIO(
        client.get("/methodology?format=csv&table=stances").get_data(as_text=True))))
    assert {r["key"]: r["rank"] for r in stances}["opposed"] == "-1"


def test_defuse_and_csv_chunks():
    cells = ("=1+1", "+1", "-1", "@a", "\tx", "\rx", "ok", -5, 2.5, None, True, False)
    assert [defuse(v) for v in cells] == [
        "'=1+1", "'+1", "'-1", "'@a", "'\tx", "'\rx", "ok", -5, 2.5, "", "true", "false"]
    text = "".join(csv_chunks(["a", "b"], ({"a": i, "b": f"={i}"} for i in range(20_000))))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["a", "b"] and rows[1] == ["0", "'=0"] and len(rows) == 20_001
    assert len(list(csv_chunks(["a"], ({"a": "x" * 100} for _ in range(2_000))))) > 2


def test_conforms_checks_what_the_json_twin_gives():
    assert conforms("integer", 3) and not conforms("integer", True) and not conforms("integer", "3")
    assert conforms("number", 0.5) and conforms("number", 2) and not conforms("number", False)
    assert conforms("date", "2024-07-04") and not conforms("date", "2024-07")
    assert not conforms("date", 20240704) and not conforms("date", "2024-02-30")
    assert conforms("datetime", "2024-07-04T10:00:00+00:00") and not conforms("datetime", "2024-07-04")
    assert conforms("url", "https://example.org/a") and not conforms("url", "https://a.org/x https://b.org/y")
    assert conforms("boolean", False) and not conforms("boolean", "True")
    assert all(conforms(t, None) for t in TYPES)

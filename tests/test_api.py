"""The JSON API (/api/v1): filters, keyset pages, errors, public data only, payloads kept as
JSON strings, as_of, caching, its OpenAPI document and its /api page."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from tests.xss import PAYLOADS, assert_inert_html
from tracker.api.registry import RESOURCES
from tracker.models import ChangeSet, Evidence, Person, Reply, Revision, Vote
from tracker.revisions import Recorder

pytestmark = pytest.mark.imported
TAHIR = "tahir-ali"
CEASEFIRE_VOTE = "2023-11-15-snp-amendment-h-immediate-ceasefire"
PENDING = "Pending claim: said something nobody has checked yet."


def get(client: Any, url: str, status: int = 200, **headers: str) -> Any:
    response = client.get(url, headers=headers)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json", (url, response.mimetype)
    return response.get_json()


def every_row(client: Any, url: str) -> tuple[list[dict[str, Any]], int]:
    """Every row of a list, following ``next``; and the number of pages it took."""
    rows, pages, following = [], 0, url
    while following:
        assert pages < 500, f"{url}: still paging after 500 pages"
        path = following.removeprefix(client.application.config["SITE_URL"])
        response = client.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
        body = response.get_json()
        rows += body["data"]
        pages += 1
        following = body["next"]
        link = response.headers.get("Link")
        assert link == (f'<{following}>; rel="next"' if following else None)
    return rows, pages


def error(client: Any, url: str, status: int = 400) -> dict[str, Any]:
    body = get(client, url, status)
    assert set(body) == {"error"} and body["error"]["status"] == status
    return body["error"]  # type: ignore[no-any-return]


# -- pages -------------------------------------------------------------------------------------

def test_pages_return_every_row_once_in_a_stable_order(client, session) -> None:
    votes, pages = every_row(client, "/api/v1/votes?limit=300")
    held = session.exec(select(sa.func.count()).select_from(Vote)).one()
    assert len(votes) == held and pages == -(-held // 300)
    ids = [v["id"] for v in votes]
    assert len(set(ids)) == len(ids)
    assert [(v["date"], v["id"]) for v in votes] == sorted((v["date"], v["id"]) for v in votes)
    # The same list in one page, and in pages of another size, in the same order.
    assert [v["id"] for v in get(client, "/api/v1/votes?limit=1000")["data"]] == ids[:1000]
    assert [v["id"] for v in every_row(client, "/api/v1/votes?limit=777")[0]] == ids

    people, _ = every_row(client, "/api/v1/people?limit=1000")
    assert len(people) == session.exec(select(sa.func.count()).select_from(Person)).one()
    assert [p["id"] for p in people] == sorted({p["id"] for p in people})
    # A filtered list is paged the same way, its filter kept in every next address.
    periods, pages = every_row(client, "/api/v1/stances/periods?topic=ceasefire&limit=100")
    assert pages > 2 and {p["topic"] for p in periods} == {"ceasefire"}
    keys = [(p["person"], p["seq"]) for p in periods]
    assert len(set(keys)) == len(keys)


def test_next_addresses_are_absolute_on_site_url_whatever_the_host(app, client) -> None:
    response = client.get("/api/v1/people?limit=2&party=labour", headers={"Host": "evil.example"})
    following = response.get_json()["next"]
    assert following.startswith(app.config["SITE_URL"] + "/api/v1/people?")
    assert "evil.example" not in response.get_data(as_text=True) + response.headers["Link"]
    query = parse_qs(urlsplit(following).query)
    assert query["limit"] == ["2"] and query["party"] == ["labour"] and query["cursor"]
    assert get(client, "/api/v1/people?limit=2")["data"][0]["page"].startswith(app.config["SITE_URL"])


def test_the_last_page_says_so(client) -> None:
    body = get(client, "/api/v1/divisions?limit=1000")
    assert body["next"] is None and body["data"]
    response = client.get("/api/v1/divisions?limit=1000")
    assert "Link" not in response.headers


# -- filters -----------------------------------------------------------------------------------

def test_filters_narrow_each_list(client, session, twin_rows) -> None:
    division = get(client, f"/api/v1/votes?division={CEASEFIRE_VOTE}&limit=1000")["data"]
    assert division and {v["division"] for v in division} == {CEASEFIRE_VOTE}
    # The same votes as the division page's CSV twin, with the same meaning.
    twin = {r["person"]: r for r in twin_rows(f"/divisions/{CEASEFIRE_VOTE}", "votes")}
    assert {v["person"] for v in division} == set(twin)
    for v in division:
        assert (v["vote_position"], v["stance"], v["party_slug"]) == (
            twin[v["person"]]["position"], twin[v["person"]]["stance"], twin[v["person"]]["party_slug"])
    ayes = get(client, f"/api/v1/votes?division={CEASEFIRE_VOTE}&position=aye&party=labour&limit=1000")
    ayes = ayes["data"]
    assert ayes and all(v["vote_position"] == "aye" and v["party_slug"] == "labour" for v in ayes)
    assert len(ayes) == sum(1 for r in twin.values()
                            if r["position"] == "aye" and r["party_slug"] == "labour")

    mine = get(client, f"/api/v1/votes?person={TAHIR}&from=2023-11-15&to=2023-11-15")["data"]
    assert mine and all(v["person"] == TAHIR and v["date"] == "2023-11-15" for v in mine)

    ceasefire = get(client, "/api/v1/stances?topic=ceasefire&stance=ceasefire&limit=1000")["data"]
    assert ceasefire and all((s["topic"], s["stance"]) == ("ceasefire", "ceasefire") for s in ceasefire)
    current = get(client, f"/api/v1/stances?person={TAHIR}&topic=ceasefire")["data"]
    page_twin = twin_rows(f"/people/{TAHIR}?topic=ceasefire", "stance_periods")
    assert len(current) == 1 and current[0]["stance"] == page_twin[-1]["stance"]
    assert current[0]["stance_since"] == page_twin[-1]["start"]
    periods = get(client, f"/api/v1/stances/periods?person={TAHIR}&topic=ceasefire")["data"]
    assert [(p["start"], p["end"], p["stance"]) for p in periods] == [
        (r["start"], r["end"], r["stance"]) for r in page_twin if r["start"]]

    switches = get(client, "/api/v1/evidence?kind=party_switch&limit=1000")["data"]
    assert switches and all(e["kind"] == "party_switch" for e in switches)
    assert get(client, "/api/v1/evidence?kind=pledge")["data"] == []
    mps = get(client, "/api/v1/people?body=house-of-commons&party=labour&limit=1000")["data"]
    assert mps and all(p["party_slug"] == "labour" for p in mps)
    # Seats held today: Tahir Ali's seat since 2024, not the one he held before.
    def holding(query: str) -> list[str]:
        return [p["person"] for p in get(client, f"/api/v1/people?{query}")["data"]]

    assert holding("area=birmingham-hall-green-and-moseley") == [TAHIR]
    assert TAHIR not in holding("area=birmingham-hall-green-2010")
    assert holding("area=birmingham-hall-green-2010&as_of=2023-11-16") == [TAHIR]
    assert all(a["kind"] == "council" for a in get(client, "/api/v1/areas?kind=council&limit=50")["data"])
    signed = get(client, f"/api/v1/edms/signatures?person={TAHIR}&limit=1000")["data"]
    assert signed and {s["person"] for s in signed} == {TAHIR}
    assert {e["edm_id"] for e in get(client, f"/api/v1/edms?person={TAHIR}&limit=1000")["data"]} == {
        s["edm_id"] for s in signed}
    changes = get(client, "/api/v1/change-sets?limit=1000")["data"]
    assert changes and get(client, "/api/v1/change-sets?from=2000-01-01&limit=1000")["data"] == changes
    assert get(client, "/api/v1/change-sets?to=2000-01-01")["data"] == []
    # An empty value counts as absent, as on every page.
    assert get(client, "/api/v1/divisions?topic=&limit=")["data"] == get(client, "/api/v1/divisions")["data"]


@pytest.mark.parametrize(("url", "parameter", "says"), [
    ("/api/v1/people?limit=0", "limit", "from 1 to 1000"),
    ("/api/v1/people?limit=1001", "limit", "from 1 to 1000"),
    ("/api/v1/people?limit=ten", "limit", "whole number"),
    ("/api/v1/votes?from=2024-02-30", "from", "not a day of the calendar"),
    ("/api/v1/votes?to=yesterday", "to", "YYYY-MM-DD"),
    ("/api/v1/stances?topic=gaza", "topic", "ceasefire"),
    ("/api/v1/stances?topic=ceasefire&stance=backs_proscription", "stance", "ceasefire, humanitarian"),
    ("/api/v1/stances?stance=maybe", "stance", "unknown"),
    ("/api/v1/evidence?kind=rumour", "kind", "statement, pledge"),
    ("/api/v1/votes?position=yes", "position", "aye, no"),
    ("/api/v1/votes?party=no-such-party", "party", "/api/v1/parties"),
    ("/api/v1/votes?division=no-such-division", "division", "/api/v1/divisions"),
    ("/api/v1/stances?person=nobody-at-all", "person", "/api/v1/people"),
    ("/api/v1/people?cursor=not-a-cursor", "cursor", "next URL"),
    ("/api/v1/people?colour=red", "colour", "party, area, body, limit, cursor, as_of"),
    ("/api/v1/people?limit=1&limit=2", "limit", "more than once"),
    ("/api/v1/people?as_of=2999-01-01", "as_of", "or earlier"),
    ("/api/v1/people/tahir-ali?limit=3", "limit", "takes: as_of"),
])
def test_a_bad_value_is_a_400_naming_the_parameter_and_what_is_allowed(client, url, parameter, says) -> None:
    found = error(client, url)
    assert found["parameter"] == parameter and says in found["message"], found


def test_a_cursor_belongs_to_its_list(client) -> None:
    following = get(client, "/api/v1/people?limit=1")["next"]
    cursor = parse_qs(urlsplit(following).query)["cursor"][0]
    assert error(client, f"/api/v1/areas?cursor={cursor}")["parameter"] == "cursor"
    second = get(client, "/api/v1/people?limit=2")["data"][1]
    assert get(client, f"/api/v1/people?cursor={cursor}&limit=1")["data"] == [second]
    assert error(client, f"/api/v1/people?cursor={cursor[:-3]}")["parameter"] == "cursor"


# -- errors ------------------------------------------------------------------------------------

def test_errors_under_api_are_json(client) -> None:
    assert "/api/v1/nothing-here" in error(client, "/api/v1/nothing-here", 404)["message"]
    assert error(client, "/api/v1/people/nobody-here", 404)["message"].startswith("There is no person")
    assert error(client, "/api/v1/evidence/999999999999", 404)
    assert error(client, "/api/v2/people", 404)
    response = client.post("/api/v1/people")
    assert response.status_code == 405 and response.mimetype == "application/json"
    assert response.get_json()["error"]["status"] == 405 and "GET" in response.headers["Allow"]
    assert client.delete(f"/api/v1/people/{TAHIR}").status_code == 405
    # The site's own pages still answer in HTML.
    assert client.get("/no-such-page").mimetype == "text/html"


def test_an_item_has_its_row_and_links_to_its_lists(app, client) -> None:
    person = get(client, f"/api/v1/people/{TAHIR}")
    assert person["data"]["person"] == TAHIR and person["as_of"] is None
    assert person["links"]["votes"] == f"{app.config['SITE_URL']}/api/v1/votes?person={TAHIR}"
    by_id = get(client, f"/api/v1/people/{person['data']['id']}")
    assert by_id["data"] == person["data"]
    votes = get(client, person["links"]["votes"].removeprefix(app.config["SITE_URL"]))["data"]
    assert votes and {v["person"] for v in votes} == {TAHIR}
    division = get(client, f"/api/v1/divisions/{CEASEFIRE_VOTE}")
    assert division["data"]["votes_complete"] is True
    assert division["links"]["votes"].endswith(f"/api/v1/votes?division={CEASEFIRE_VOTE}")
    for resource in RESOURCES:
        first = get(client, f"{resource.path}?limit=1")["data"]
        assert isinstance(first, list)
        if first:
            assert list(first[0]) == [c.name for c in resource.columns], resource.name


# -- public data only --------------------------------------------------------------------------

def _submit(client: Any, summary: str, quote: str = "", publisher: str = "Example News",
            day: str = "2024-03-01", url: str = "https://news.example.org/a") -> None:
    response = client.post(f"/people/{TAHIR}/submit?topic=ceasefire", data={
        "kind": "statement", "stance": "ceasefire", "evidence_date": day, "summary": summary,
        "quote": quote, "source_url": url, "publisher": publisher})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def _all_text(client: Any) -> str:
    """Every row of every list, as the API gives them."""
    return "\n".join(json.dumps(every_row(client, f"{r.path}?limit=1000")[0]) for r in RESOURCES)


def test_private_data_never_appears(client, session, users, login) -> None:
    login(client, users["contributor"])  # a new contributor's submission waits for review
    _submit(client, PENDING, url="https://news.example.org/pending")
    client.post("/logout")
    pending = session.exec(select(Evidence).where(Evidence.summary == PENDING)).one()
    assert pending.status == "pending"
    login(client, users["moderator"])  # a moderator's goes live, with their user id on it
    _submit(client, "Approved: called for a ceasefire on the radio.", day="2024-03-02")
    client.post("/logout")
    approved = session.exec(select(Evidence).where(Evidence.summary.startswith("Approved: called"))).one()
    representative = users["representative"]
    with Session(client.application.extensions["engine"]) as writer:
        recorder = Recorder(writer, actor="test")
        for status, body in (("approved", "My own words, approved."),
                             ("pending", "My words, not yet approved.")):
            recorder.add(Reply(person_id=approved.person_id, topic_id=approved.topic_id,
                               evidence_id=approved.id, body=body, replied_on=date(2024, 3, 3),
                               user_id=representative.id, status=status))
        recorder.flush()
        writer.commit()

    everything = _all_text(client)
    assert "Approved: called for a ceasefire" in everything and "My own words, approved." in everything
    assert PENDING not in everything and "news.example.org/pending" not in everything
    assert "not yet approved" not in everything
    assert "@example.org" not in everything and "password" not in everything
    assert error(client, f"/api/v1/evidence/{pending.id}", 404)
    assert get(client, f"/api/v1/evidence/{approved.id}")["data"]["summary"].startswith("Approved")
    assert error(client, f"/api/v1/replies?evidence={pending.id}")["parameter"] == "evidence"
    # The revisions of the approved evidence carry no user id; accounts' change sets are not listed.
    revisions = get(client, "/api/v1/revisions?table=evidence&limit=1000")["data"]
    mine = [r for r in revisions if r["record_id"] == approved.id]
    assert mine and all(json.loads(r["after"])["submitted_by_id"] is None for r in mine)
    assert not [r for r in revisions if r["record_id"] == pending.id]
    accounts = session.exec(select(ChangeSet.id).join(Revision, Revision.change_set_id == ChangeSet.id)
                             .where(Revision.table_name == "user")).all()
    listed = {c["change_set"] for c in every_row(client, "/api/v1/change-sets?limit=1000")[0]}
    assert accounts and not listed & set(accounts)
    assert error(client, f"/api/v1/change-sets/{accounts[0]}", 404)
    assert error(client, f"/api/v1/revisions?change_set={accounts[0]}")["parameter"] == "change_set"


def test_payloads_come_back_as_json_strings(client, users, login) -> None:
    login(client, users["moderator"])
    for n, payload in enumerate(PAYLOADS):
        _submit(client, f"Payload {n}: {payload}", quote=payload, publisher=payload[:200],
                day=(date(2024, 4, 1) + timedelta(days=n)).isoformat(), url=f"https://news.example.org/x{n}")
    client.post("/logout")
    response = client.get(f"/api/v1/evidence?person={TAHIR}&kind=statement&limit=1000")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    rows = {r["summary"]: r for r in json.loads(response.get_data(as_text=True))["data"]}
    for n, payload in enumerate(PAYLOADS):
        row = rows[f"Payload {n}: {payload}"]
        assert row["quote"] == payload and row["source"].startswith(payload[:200].strip())


# -- as of a day, caching, the document and the page --------------------------------------------

def test_votes_as_of_a_day(client) -> None:
    before = get(client, f"/api/v1/votes?person={TAHIR}&as_of=2023-11-01")
    assert before["as_of"] == "2023-11-01" and not [v for v in before["data"] if v["date"] == "2023-11-15"]
    after = get(client, f"/api/v1/votes?person={TAHIR}&as_of=2023-11-16")
    assert after["as_of"] == "2023-11-16"
    assert [v for v in after["data"] if v["date"] == "2023-11-15" and v["division"] == CEASEFIRE_VOTE]
    assert all(v["date"] <= "2023-11-16" for v in after["data"])
    following = get(client, "/api/v1/votes?as_of=2023-11-16&limit=2")["next"]
    assert "as_of=2023-11-16" in following
    links = get(client, f"/api/v1/people/{TAHIR}?as_of=2023-11-16")["links"]
    assert links["votes"].endswith(f"?person={TAHIR}&as_of=2023-11-16")


def test_answers_carry_an_etag_and_304_when_unchanged(client) -> None:
    first = client.get("/api/v1/parties?limit=5")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get("/api/v1/parties?limit=5", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    linked = client.get("/api/v1/parties?limit=5", headers={"Accept-Encoding": "identity"})
    assert linked.headers["Link"] == first.headers["Link"]  # kept with the cached body


def test_the_openapi_document_is_valid_and_made_from_the_declarations(client) -> None:
    from openapi_spec_validator import validate

    document = get(client, "/api/openapi.json")
    validate(document)
    assert document["openapi"].startswith("3.1")
    for resource in RESOURCES:
        operation = document["paths"][resource.path]["get"]
        names = [p.get("name") or p["$ref"].rsplit("/", 1)[-1] for p in operation["parameters"]]
        assert names == [*(f.name for f in resource.filters), "limit", "cursor", "as_of"]
        row = document["components"]["schemas"][resource.schema_name]
        assert list(row["properties"]) == [c.name for c in resource.columns]
        for column in resource.columns:
            assert row["properties"][column.name]["description"] == column.description
        if resource.lookup:
            item = document["paths"][f"{resource.path}/{{key}}"]["get"]
            assert {"$ref": "#/components/parameters/as_of"} in item["parameters"]
            assert set(item["responses"]) >= {"200", "400", "404"}
    people = document["components"]["schemas"]["Person"]["properties"]
    assert people["parliament_id"]["type"] == ["integer", "null"]
    assert document["components"]["schemas"]["Vote"]["properties"]["date"]["format"] == "date"
    stances = document["paths"]["/api/v1/stances"]["get"]["parameters"]
    topic = next(p for p in stances if p.get("name") == "topic")
    assert "ceasefire" in topic["schema"]["anyOf"][0]["enum"]


def test_the_api_page_documents_every_endpoint(client) -> None:
    response = client.get("/api")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert_inert_html(page)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and " style=" not in page
    for resource in RESOURCES:
        assert f"GET {resource.path}" in page, resource.name
        for f in resource.filters:
            assert f"<code>{f.name}</code>" in page
    assert 'name="viewport"' in page
    assert len(response.data) <= 100 * 1024  # as light as every page (tests/test_page_sizes.py)

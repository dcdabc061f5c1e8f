"""The coverage page (/coverage, issue 8): who among the sitting MPs, the 2024 candidates and
the councillors in our data has no recorded stance on a topic, where they are, filterable by
role, region, council and party, largest electorate first, with its twins and the home page's
count; from the real imported data."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import select

from tracker.models import Evidence, Person, Source, StancePeriod, Topic
from tracker.revisions import Recorder

CEASEFIRE = "“Ceasefire in Gaza”"
_PERSON = re.compile(r'<td data-label="Name"><a href="/people/([^"?]+)')
_NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


def _csv(client, url: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = client.get(url + ("&" if "?" in url else "?") + "format=csv")
    assert response.status_code == 200, url
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _listed(client, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The people of every page of the list, in order, following its "next" links."""
    people: list[str] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.data) <= 100 * 1024, (url, len(response.data))
        html = response.get_data(as_text=True)
        people += _PERSON.findall(html)
        found = _NEXT.search(html)
        url = found.group(1).replace("&amp;", "&") if found else ""
    return people


def _on_record(session, topic: str) -> set[int]:  # type: ignore[no-untyped-def]
    """Everyone with any stance period on the topic, read from the table itself."""
    return set(session.exec(select(StancePeriod.person_id).join(Topic, Topic.id == StancePeriod.topic_id)
                            .where(Topic.slug == topic)).all())


def _places(session) -> dict[int, tuple[str | None, str | None]]:  # type: ignore[no-untyped-def]
    """Each person of the three groups and (constituency region, council region), by plain SQL:
    the region of their Commons seat, else of their 2024 candidacy; and of their council."""
    today = date.today().isoformat()
    open_seat = ("(m.start_date IS NULL OR m.start_date <= :today) AND "
                 "(m.end_date IS NULL OR m.end_date >= :today)")
    mps = session.execute(sa.text(
        "SELECT m.person_id, a.region FROM membership m JOIN body b ON b.id = m.body_id "
        f"JOIN area a ON a.id = m.area_id WHERE b.slug = 'house-of-commons' AND {open_seat}"),
        {"today": today}).all()
    candidates = session.execute(sa.text(
        "SELECT c.person_id, a.region FROM candidacy c JOIN election e ON e.id = c.election_id "
        "JOIN area a ON a.id = c.area_id WHERE e.slug = 'uk-general-election-2024'")).all()
    councillors = session.execute(sa.text(
        "SELECT m.person_id, a.region FROM membership m JOIN body b ON b.id = m.body_id "
        f"JOIN area a ON a.id = b.area_id WHERE b.kind = 'council' AND {open_seat}"),
        {"today": today}).all()
    out: dict[int, tuple[str | None, str | None]] = {}
    for pid, region in candidates:
        out[pid] = (region, None)
    for pid, region in mps:
        out[pid] = (region, None)
    for pid, region in councillors:
        out[pid] = (out.get(pid, (None, None))[0], region)
    return out


def _slugs(session, ids: set[int]) -> set[str]:  # type: ignore[no-untyped-def]
    return set(session.exec(select(Person.slug).where(Person.id.in_(sorted(ids)))).all())  # type: ignore[union-attr]


def _home_count(client, topic_name: str = CEASEFIRE, url: str = "/") -> int:  # type: ignore[no-untyped-def]
    page = client.get(url).get_data(as_text=True)
    found = re.search(r"([\d,]+) candidates, MPs and councillors have no recorded stance on "
                      + re.escape(topic_name) + " yet", page)
    assert found, "the home page gives no count of people without a recorded stance"
    return int(found.group(1).replace(",", ""))


@pytest.mark.parametrize("topic", ["ceasefire", "palestine-action"])
@pytest.mark.shared_data
@pytest.mark.imported
def test_the_list_is_everyone_of_the_groups_with_no_stance_period_and_the_home_count(client, session, topic):
    places = _places(session)
    expected = _slugs(session, set(places) - _on_record(session, topic))
    rows = _csv(client, f"/coverage?topic={topic}")
    assert len(rows) == len({r["person"] for r in rows}) == len(expected) > 1000  # one row per person
    assert {r["person"] for r in rows} == expected
    name = session.exec(select(Topic.name).where(Topic.slug == topic)).one()
    assert _home_count(client, f"“{name}”", f"/?topic={topic}") == len(rows)
    # Largest electorate first; councillors with no constituency (no figure) after everyone else.
    reach = [int(r["electorate"]) if r["electorate"] else None for r in rows]
    known = [n for n in reach if n is not None]
    assert known == sorted(known, reverse=True)
    assert reach[:len(known)] == known
    assert all(r["councillor"] == "true" and not r["constituency"] for r, n in zip(rows, reach, strict=True)
               if n is None)


@pytest.mark.shared_data
@pytest.mark.imported
def test_lists_people_with_no_recorded_stance_and_not_those_with_one(client, session):
    rows = {r["person"]: r for r in _csv(client, "/coverage")}
    # Tahir Ali voted for the SNP ceasefire amendment; Ekua Bayunu (Green Party, Manchester
    # Central, 2024) has no vote, pledge, statement or signature on record.
    tahir = session.exec(select(Person).where(Person.slug == "tahir-ali")).one()
    assert tahir.id in _on_record(session, "ceasefire")
    assert "tahir-ali" not in rows
    bayunu = rows["ekua-bayunu"]
    assert (bayunu["ge2024_candidate"], bayunu["sitting_mp"], bayunu["party"], bayunu["constituency"],
            bayunu["region"]) == ("true", "false", "Green Party", "Manchester Central", "North West")
    assert int(bayunu["electorate"]) > 50_000
    page = client.get("/coverage?region=north-west&party=green").get_data(as_text=True)
    assert 'href="/people/ekua-bayunu"' in page and "tahir-ali" not in page
    assert 'href="/constituencies/manchester-central"' in page
    words = " ".join(page.split())
    assert "registered electorate of their constituency at the 2024 general election" in words
    # A sitting MP who stood in 2024 is one row with both roles (MPs elected at by-elections since
    # did not stand in 2024).
    mps = [r for r in rows.values() if r["sitting_mp"] == "true"]
    assert sum(r["ge2024_candidate"] == "true" for r in mps) >= len(mps) - 10 > 0


@pytest.mark.shared_data
@pytest.mark.imported
def test_filters_narrow_the_list_as_an_independent_query_does(client, session):
    places = _places(session)
    missing = set(places) - _on_record(session, "ceasefire")
    for slug, region in (("london", "London"), ("scotland", "Scotland"), ("north-west", "North West")):
        expected = _slugs(session, {pid for pid in missing if region in places[pid]})
        rows = _csv(client, f"/coverage?region={slug}")
        assert {r["person"] for r in rows} == expected, slug
        assert expected and all(r["region"] == region for r in rows if r["constituency"])

    everyone = _csv(client, "/coverage")
    labour = _csv(client, "/coverage?party=labour")
    assert labour == [r for r in everyone if r["party_slug"] == "labour"]
    london_labour = _csv(client, "/coverage?party=labour&region=london")
    assert london_labour and london_labour == [r for r in labour if r["region"] == "London"]

    councillors = _csv(client, "/coverage?role=councillors")
    assert councillors == [r for r in everyone if r["councillor"] == "true"]
    assert 0 < len(councillors) < 36  # some of the 36 councillors in our data are on record
    mps = _csv(client, "/coverage?role=sitting_mps")
    assert mps == [r for r in everyone if r["sitting_mp"] == "true"]
    assert 0 < len(mps) < 650

    # A council area: its councillors, and the MPs and candidates of the constituencies it overlaps.
    oxford = _csv(client, "/coverage?council=oxford-city-council")
    assert {r["constituency_slug"] for r in oxford if r["constituency_slug"]} == {
        "oxford-east", "oxford-west-and-abingdon"}
    assert {r["councils"] for r in oxford if r["councillor"] == "true"} == {"oxford-city-council"}
    seats = ("oxford-east", "oxford-west-and-abingdon")
    assert oxford == [r for r in everyone
                      if r["constituency_slug"] in seats or "oxford-city-council" in r["councils"].split()]

    # A real party with nobody listed is an empty list that says so, not an error.
    empty = client.get("/coverage?party=alba&region=london")
    assert empty.status_code == 200
    assert "Nobody matches these choices" in empty.get_data(as_text=True)
    assert _csv(client, "/coverage?party=alba&region=london") == []


@pytest.mark.shared_data
@pytest.mark.imported
def test_the_pages_list_the_same_people_as_the_twins_in_the_same_order(client):
    url = "/coverage?region=north-east"
    rows = _csv(client, url)
    assert len(rows) > 50  # more than one page
    assert _listed(client, url) == [r["person"] for r in rows]
    body = client.get(url + "&format=json&table=people").get_json()
    assert [r["person"] for r in body["rows"]] == [r["person"] for r in rows]
    assert body["tables"]["people"]["csv"].endswith("/coverage?region=north-east&format=csv&table=people")
    electorate = next(c for c in body["tables"]["people"]["columns"] if c["name"] == "electorate")
    assert electorate["type"] == "integer" and "2024 general election" in electorate["description"]
    page = client.get(url).get_data(as_text=True)
    assert 'href="/coverage?region=north-east&amp;format=csv"' in page  # the page's own data links
    # The unfiltered list, at national scale of the real data, stays under 100 KB a page.
    assert len(client.get("/coverage").data) <= 100 * 1024


@pytest.mark.shared_data
@pytest.mark.imported
@pytest.mark.parametrize("query, parameter", [
    ("region=narnia", "region"), ("region=London", "region"), ("council=nowhere", "council"),
    ("council=" + "x" * 500, "council"), ("party=nope", "party"), ("party=lab%00our", "party"),
    ("role=mp", "role"), ("role=", None), ("page=abc", "page"), ("page=0", "page"),
])
def test_bad_filter_values_are_a_400_saying_what_is_allowed(client, query, parameter):
    response = client.get(f"/coverage?{query}")
    if parameter is None:  # an empty value is "any"
        assert response.status_code == 200
        return
    assert response.status_code == 400, query
    assert parameter in response.get_data(as_text=True)
    twin = client.get(f"/coverage?{query}&format=json")
    assert twin.status_code == 400 and twin.get_json()["error"]["parameter"] == parameter
    if parameter == "region":
        assert "north-west" in twin.get_json()["error"]["message"]  # names what is allowed
    assert client.get("/coverage?topic=nope").status_code == 404


@pytest.mark.shared_data
@pytest.mark.imported
def test_new_approved_evidence_takes_the_person_off_the_list_at_once(client, session):
    before = _home_count(client)
    person = session.exec(select(Person).where(Person.slug == "ekua-bayunu")).one()
    topic = session.exec(select(Topic).where(Topic.slug == "ceasefire")).one()
    source = session.exec(select(Source).where(Source.url.is_not(None))).first()  # type: ignore[union-attr]

    pending = Recorder(session, actor="test", reason="waiting for a moderator")
    pending.add(Evidence(topic_id=topic.id, person_id=person.id, kind="statement", stance="ceasefire",  # type: ignore[arg-type]
                         evidence_date=date(2024, 6, 20), summary="Called for a ceasefire at a hustings",
                         source_id=source.id, status="pending"))  # type: ignore[union-attr, arg-type]
    pending.flush()
    session.commit()
    assert "ekua-bayunu" in {r["person"] for r in _csv(client, "/coverage?region=north-west")}

    approved = Recorder(session, actor="test", reason="checked the article")
    approved.add(Evidence(topic_id=topic.id, person_id=person.id, kind="statement", stance="ceasefire",  # type: ignore[arg-type]
                          evidence_date=date(2024, 6, 21), summary="Called for a ceasefire in a leaflet",
                          source_id=source.id, status="approved"))  # type: ignore[union-attr, arg-type]
    approved.flush()
    session.commit()
    assert person.id in _on_record(session, "ceasefire")  # the read model moved with the write
    assert "ekua-bayunu" not in {r["person"] for r in _csv(client, "/coverage?region=north-west")}
    assert "/people/ekua-bayunu" not in client.get("/coverage?region=north-west&party=green").get_data(
        as_text=True)
    assert _home_count(client) == before - 1 == len(_csv(client, "/coverage"))


def test_an_empty_database_has_nobody_to_list(client):
    response = client.get("/coverage")
    assert response.status_code == 200
    assert "Nobody: we hold a recorded stance for everyone we follow" in response.get_data(as_text=True)
    assert client.get("/coverage?format=csv").get_data(as_text=True).splitlines()[0].startswith(
        "topic,person,name,")
    assert client.get("/coverage?region=london").status_code == 400  # no regions known yet


def test_the_site_navigation_links_to_the_coverage_page(client):
    page = client.get("/coverage").get_data(as_text=True)
    assert '<a href="/coverage" aria-current="page">Coverage</a>' in page

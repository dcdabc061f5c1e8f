"""/search: one box for a postcode, a place or a name (tracker.search and its page).

Name search runs on the full-text index of migration 0002 (SQLite FTS5, or
PostgreSQL tsvector + pg_trgm), kept up to date by triggers. Postcodes go
through postcodes.io, served here by httpx.MockTransport.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session, select

from tracker.models import Area, Party, Person, PostcodeLookup
from tracker.search import search

Handler = Callable[[httpx.Request], httpx.Response]
HALL_GREEN = "E14001094"


@pytest.fixture
def real_data(shared_data: Path) -> None:
    """The tests asking for it start from the imported database (marked ``imported``)."""


@pytest.fixture
def seeded(cli) -> None:
    assert cli("seed").exit_code == 0


def people_on(page: str) -> list[str]:
    """Slugs of the people listed in the page's People section, in order."""
    match = re.search(r'<h2 id="people-h">People</h2>(.*?)</section>', page, re.S)
    return re.findall(r'<li><a href="/people/([^"#]+)">', match.group(1)) if match else []


def section(page: str, heading_id: str) -> str:
    match = re.search(rf'<h2 id="{heading_id}">.*?</section>', page, re.S)
    return match.group(0) if match else ""


def get(client, query: str, **params: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/search", query_string={"q": query, **params})
    assert response.status_code == 200, (query, response.status_code)
    return response.get_data(as_text=True)


# -- tolerance: accents, hyphens, word order, typos ---------------------------------------

TOLERANCE = [
    ("tahir ali", "tahir-ali"),
    ("Tahir Ali", "tahir-ali"),
    ("allin khan", "rosena-allin-khan"),  # part of a hyphenated name
    ("khan allin", "rosena-allin-khan"),  # word order
    ("marbini djafari", "hosnieh-djafari-marbini"),
    ("sian berry", "sian-berry"),  # Siân Berry
    ("zoe billingham", "zoe-billingham"),  # Zoë Billingham
    ("tahir alli", "tahir-ali"),  # a typo
    ("djafari marbeni", "hosnieh-djafari-marbini"),  # a typo
    ("marbeni djafary", "hosnieh-djafari-marbini"),  # typos and word order
    ("rosena allinkhan", "rosena-allin-khan"),  # the hyphen left out
    ("tahi", "tahir-ali"),  # the start of a name
]


@pytest.mark.slow
@pytest.mark.imported
def test_tolerant_name_search_on_the_real_data(real_data, client, session: Session) -> None:
    for query, first in TOLERANCE:
        slugs = people_on(get(client, query))
        assert slugs and slugs[0] == first, (query, slugs[:5])
    # The exact name alone, not every Tahir and every Ali.
    assert [r.person.name for r in search(session, "tahir ali").people] == ["Tahir Ali"]
    # Close spellings are offered only when nothing has every word typed.
    assert "Rushanara Ali" not in [r.person.name for r in search(session, "tahir alli").people]
    assert search(session, "oxford").people == []  # not Mike Ford or Matthew Offord


def test_accents_are_ignored_both_ways(seeded, session: Session, client) -> None:
    session.add(Person(name="Chloé Dubois-Lefèvre", sort_name="Dubois-Lefèvre, Chloé",
                       slug="chloe-dubois-lefevre"))
    session.add(Person(name="Chloe Smithers", sort_name="Smithers, Chloe", slug="chloe-smithers"))
    session.commit()
    assert set(people_on(get(client, "chloe"))) == {"chloe-dubois-lefevre", "chloe-smithers"}
    assert set(people_on(get(client, "Chloé"))) == {"chloe-dubois-lefevre", "chloe-smithers"}
    assert people_on(get(client, "lefevre dubois")) == ["chloe-dubois-lefevre"]
    assert people_on(get(client, "LEFÈVRE")) == ["chloe-dubois-lefevre"]


# -- grouped results -------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.imported
def test_results_are_grouped_with_roles_parties_stances_and_links(real_data, client,
                                                                  session: Session) -> None:
    page = get(client, "tahir ali")
    people = section(page, "people-h")
    assert '<a href="/people/tahir-ali">Tahir Ali</a>' in people
    assert "MP for Birmingham Hall Green and Moseley" in people and "Labour" in people
    # The stance in words and colour, linking to its evidence.
    assert re.search(r'<a class="badge-link" href="/people/tahir-ali#evidence-h">.*?'
                     r'<span class="badge stance-ceasefire">Calls for an immediate ceasefire</span>',
                     people, re.S)

    page = get(client, "hall green")
    places = section(page, "constituencies-h")
    new = places.index('href="/constituencies/birmingham-hall-green-and-moseley"')
    old = places.index('href="/constituencies/birmingham-hall-green-2010"')
    assert new < old  # the 2024 constituencies first
    assert "before 2024" in places[old:] and "before 2024" not in places[new:old]

    page = get(client, "oxford")
    assert 'href="/councils/oxford-city-council">Oxford City Council</a>' in section(page, "councils-h")
    assert 'href="/constituencies/oxford-east"' in section(page, "constituencies-h")
    assert section(page, "people-h") == ""

    page = get(client, "labour")
    assert '<a href="/parties/labour">Labour</a>' in section(page, "parties-h")

    candidate = search(session, "zoe billingham").people[0]  # not elected: the latest candidacy
    assert candidate.role == "Candidate for South Cotswolds, 2024 UK general election"
    assert (candidate.party, candidate.stance.stance) == ("Labour", "unknown")

    rows = list(csv.DictReader(io.StringIO(get(client, "tahir ali", format="csv"))))
    assert rows[0]["name"] == "Tahir Ali" and rows[0]["stance"] == "ceasefire"
    assert rows[0]["source_url"].startswith("https://")  # where the stance comes from

    page = get(client, "candidate for rochdale")  # words that are not part of a name
    assert 'href="/constituencies/rochdale"' in section(page, "constituencies-h")
    assert people_on(get(client, "ali tahir mp")) == ["tahir-ali"]


def test_search_page_has_a_labelled_form_keeping_the_query(seeded, client) -> None:
    page = get(client, "Naqvi")
    assert '<label for="search-q">Postcode, place or name</label>' in page
    assert re.search(r'<input id="search-q" name="q"[^>]*value="Naqvi"', page)
    assert page.count("<h1") == 1 and "Search results for “Naqvi”" in page
    assert people_on(page) == ["sophia-naqvi"]
    empty = get(client, "")
    assert "<h1>Search</h1>" in empty and 'id="search-q"' in empty


def test_nothing_found_says_so(seeded, client) -> None:
    page = get(client, "xqzvw")
    assert "Nothing matches “xqzvw”" in page


def test_csv_and_json_twins(seeded, client) -> None:
    response = client.get("/search", query_string={"q": "djafari", "format": "csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0])[:4] == ["kind", "name", "url", "detail"]
    person = rows[0]
    assert person["kind"] == "person" and person["name"] == "Hosnieh Djafari-Marbini"
    assert person["url"].endswith("/people/hosnieh-djafari-marbini")
    assert person["stance"] == "ceasefire" and person["source"].startswith("Socialist Worker")
    assert "Oxford City Council" in person["detail"]

    data = json.loads(client.get("/search", query_string={"q": "oxford", "format": "json"})
                      .get_data(as_text=True))
    assert [c["name"] for c in data["tables"]["results"]["columns"][:4]] == ["kind", "name", "url", "detail"]
    councils = [r for r in data["rows"] if r["kind"] == "council"]
    assert [r["name"] for r in councils] == ["Oxford City Council"]
    assert councils[0]["url"].endswith("/councils/oxford-city-council")
    page = get(client, "oxford")
    assert 'href="/search?q=oxford&amp;format=csv"' in page


# -- postcodes ---------------------------------------------------------------------------------

@pytest.fixture
def hall_green_answer(shared_data: Path) -> dict[str, Any]:
    """The real example answer, moved to a Birmingham Hall Green and Moseley postcode."""
    result = json.loads((shared_data / "api_examples/postcodes_io_postcode_result_example.json")
                        .read_text(encoding="utf-8"))
    result.update(postcode="B13 9AA", parliamentary_constituency="Birmingham Hall Green and Moseley",
                  parliamentary_constituency_2024="Birmingham Hall Green and Moseley",
                  admin_district="Birmingham")
    result["codes"] = dict(result["codes"], parliamentary_constituency=HALL_GREEN,
                           parliamentary_constituency_2024=HALL_GREEN)
    return {"status": 200, "result": result}


def serve(app: Flask, handler: Handler) -> list[httpx.Request]:
    requests: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return handler(request)

    app.config["HTTP_TRANSPORT"] = httpx.MockTransport(record)
    return requests


def not_found(_request: httpx.Request) -> httpx.Response:
    return httpx.Response(404, json={"status": 404, "error": "Postcode not found"})


@pytest.mark.slow
@pytest.mark.imported
def test_a_postcode_goes_to_its_constituency_and_is_cached(real_data, app: Flask, client, session,
                                                            hall_green_answer) -> None:
    requests = serve(app, lambda _r: httpx.Response(200, json=hall_green_answer))
    response = client.get("/search?q=b13+9aa")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/constituencies/birmingham-hall-green-and-moseley")
    assert [r.url.path for r in requests] == ["/postcodes/B139AA"]
    cached = session.get(PostcodeLookup, "B13 9AA")
    assert cached is not None and cached.gss_code == HALL_GREEN  # committed

    # The second lookup uses the cache: no request, even with postcodes.io down.
    requests = serve(app, lambda _r: httpx.Response(503))
    again = client.get("/search?q=B139AA")
    assert again.status_code == 302 and "birmingham-hall-green-and-moseley" in again.headers["Location"]
    assert requests == []
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Tahir Ali" in page

    # A GSS code, as in the downloads, goes to its place too.
    gss = client.get("/search?q=e14001094")
    assert gss.status_code == 302 and gss.headers["Location"].endswith("/birmingham-hall-green-and-moseley")


def test_an_invalid_postcode_says_so_and_searches_names(seeded, app: Flask, client) -> None:
    requests = serve(app, not_found)
    page = get(client, "SW1A 1A")
    assert "is not a valid UK postcode" in page and 'role="alert"' in page
    assert 'id="search-q" name="q"' in page and "Nothing matches “SW1A 1A”" in page
    assert requests == []  # a bad format is caught before any request

    # postcodes.io itself calls some well-formed postcodes invalid.
    serve(app, lambda _r: httpx.Response(404, json={"status": 404, "error": "Invalid postcode"}))
    assert "is not a valid UK postcode" in get(client, "ZZ1 1ZZ")


def test_an_unknown_postcode_says_so_and_is_cached(seeded, app: Flask, client, session) -> None:
    requests = serve(app, not_found)
    for _ in range(2):
        page = get(client, "sw1a 9zz")
        assert "We could not find the postcode SW1A 9ZZ" in page
        assert "Nothing matches “sw1a 9zz”" in page
    assert len(requests) == 1
    cached = session.get(PostcodeLookup, "SW1A 9ZZ")
    assert cached is not None and not cached.found


def no_network(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("no network", request=request)


@pytest.mark.parametrize("outage", [
    no_network,
    lambda _r: httpx.Response(502, json={"status": 502, "error": "Bad gateway"}),
    lambda _r: httpx.Response(200, text="<html>maintenance</html>"),
])
def test_an_outage_says_so_and_is_not_cached(seeded, app: Flask, client, session, outage) -> None:
    serve(app, outage)
    page = get(client, "OX1 1AA")
    assert "We could not look up postcodes just now" in page
    assert "Nothing matches “OX1 1AA”" in page and 'id="search-q"' in page
    assert session.exec(select(PostcodeLookup)).all() == []


def test_a_postcode_of_a_constituency_we_lack_searches_its_name(seeded, app: Flask, client,
                                                                 hall_green_answer) -> None:
    serve(app, lambda _r: httpx.Response(200, json=hall_green_answer))
    page = get(client, "B13 9AA")
    assert "B13 9AA is in Birmingham Hall Green and Moseley, which we have no page for yet" in page


# -- odd input never breaks the page ---------------------------------------------------------

NASTY = ['"', "'", ")", "(", "*", "**", '"tahir', "tahir*", "NEAR(a b)", "a NEAR b", "AND", "OR NOT",
         "-", "^", ":", "a:* | b", "!x & y", "x <-> y", "\\", "%", "_", "' OR 1=1 --",
         "Robert'); DROP TABLE person;--", "naqvi\x00", "\x00", "🙂", "🇵🇸 ceasefire",
         "ﷺ", "ÅÅÅ", "x" * 10_000, "é " * 5_000, "ab" * 5000 + " naqvi", "E14001094", "   ",
         "SW1A", "A1", "<script>alert(1)</script>"]


def test_nasty_input_never_errors(seeded, app: Flask, client, session: Session) -> None:
    serve(app, not_found)
    for text in NASTY:
        response = client.get("/search", query_string={"q": text})
        assert response.status_code == 200, repr(text[:40])
        assert "<script>alert" not in response.get_data(as_text=True)
        for fmt in ("csv", "json"):
            twin = client.get("/search", query_string={"q": text, "format": fmt})
            assert twin.status_code == 200, (repr(text[:40]), fmt)
        search(session, text)  # the service itself, without the page's cut to 200 characters
    # Operators are taken as plain words: the name is still found.
    for text in ('"naqvi', "naqvi*", "naqvi)", "(naqvi", "-naqvi", "naqvi:*", "^naqvi", "naqvi'", "!naqvi"):
        assert people_on(get(client, text)) == ["sophia-naqvi"], text


def test_bad_bytes_in_the_url(seeded, client) -> None:
    assert client.get("/search?q=%FF%FE%00").status_code == 200
    assert client.get("/search?q=naqvi&q=other").status_code == 200


# -- the index follows every write (triggers) ---------------------------------------------------

def test_the_index_follows_inserts_updates_and_deletes(seeded, session: Session, client) -> None:
    person = Person(name="Zebedee Quartermaine", sort_name="Quartermaine, Zebedee",
                    slug="zebedee-quartermaine")
    area = Area(name="Quuxford and Wibble", slug="quuxford-and-wibble", kind="westminster_constituency",
                boundary_set="2024")
    party = Party(name="Wibble Independents", short_name="WI", slug="wibble-independents")
    session.add_all([person, area, party])
    session.commit()
    assert people_on(get(client, "quartermaine")) == ["zebedee-quartermaine"]
    assert 'href="/constituencies/quuxford-and-wibble"' in get(client, "quuxford")
    assert 'href="/parties/wibble-independents"' in get(client, "wibble")

    person.name = "Zebedee Quartermaine-Smythe"
    area.kind = "council"
    session.commit()
    assert people_on(get(client, "smythe")) == ["zebedee-quartermaine"]
    assert 'href="/councils/quuxford-and-wibble"' in get(client, "quuxford")

    session.delete(person)
    session.delete(party)
    area.kind = "ward"  # wards are not searched
    session.commit()
    page = get(client, "quartermaine wibble quuxford")
    assert "zebedee" not in page and "wibble-independents" not in page and "quuxford-and" not in page


def test_raw_sql_writes_are_indexed_too(seeded, app: Flask, client) -> None:
    with app.extensions["engine"].begin() as conn:
        conn.execute(sa.text("INSERT INTO person (name, sort_name, slug) "
                             "VALUES ('Ysolde Fennimore', 'Fennimore, Ysolde', 'ysolde-fennimore')"))
    assert people_on(get(client, "ysolde")) == ["ysolde-fennimore"]


# -- a bounded number of statements ----------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.imported
def test_statements_do_not_grow_with_the_results(real_data, client, count_queries) -> None:
    get(client, "warm up")  # a new connection may ask once which extensions it has
    with count_queries() as one:
        page = get(client, "tahir ali")
    assert people_on(page) == ["tahir-ali"]
    with count_queries() as many:
        page = get(client, "ali")
    assert len(people_on(page)) == 20
    assert many() == one() <= 12

"""The minimal pages show the seeded data with its evidence and sources."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tracker.queries.stances import scale_for


def test_person_page_shows_stance_evidence_and_source(cli, client):
    cli("seed")
    page = client.get("/people/sophia-naqvi").get_data(as_text=True)
    assert "Calls for an immediate ceasefire" in page
    assert "No ceasefire, no vote." in page
    assert "Socialist Worker" in page
    assert 'href="/councils/newham-council"' in page


def test_person_page_shows_party_line_as_context(cli, client):
    cli("seed")
    page = client.get("/people/keir-starmer").get_data(as_text=True)
    assert "Backs a humanitarian or conditional ceasefire" in page
    assert "not counted as Keir Starmer’s own stance" in page
    assert "Holborn and St Pancras" in page


def test_council_page_lists_councillors_with_stances(cli, client):
    cli("seed")
    page = client.get("/councils/oxford-city-council").get_data(as_text=True)
    assert "Hosnieh Djafari-Marbini" in page and "Calls for an immediate ceasefire" in page


def test_unknown_pages_are_helpful_404s(client):
    for url in ("/people/nobody", "/constituencies/nowhere", "/councils/nowhere"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Try a search" in response.get_data(as_text=True)


def test_search_finds_people_and_escapes_input(cli, client):
    cli("seed")
    page = client.get("/search?q=<script>naqvi").get_data(as_text=True)
    assert "<script>naqvi" not in page and "&lt;script&gt;naqvi" in page
    page = client.get("/search?q=naqvi").get_data(as_text=True)
    assert "/people/sophia-naqvi" in page


def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


# --- methodology, council page, twins of every page ---------------------------------

def test_methodology_renders_the_scale_rules_sources_and_corrections(client, app):
    page = client.get("/methodology").get_data(as_text=True)
    assert page.count("<h1>") == 1
    for level in scale_for("ceasefire").stances:
        assert f'<span class="badge stance-{level.key}">{level.label}</span>' in page
        assert level.description in page and f"short name: {level.short}" in page
    for words in ("Later evidence supersedes earlier evidence", "a vote outranks a pledge",
                  "Conflicts are shown, not hidden", "Not voting is never a stance",
                  "A partial vote list never implies absence", "No recorded position is not a position",
                  "CC-BY-4.0", "Open Parliament Licence v3.0", "Democracy Club", "Open Government Licence"):
        assert words in page, words
    assert "Open an issue" in page and "@example" not in page
    app.config["CORRECTIONS_CONTACT"] = "corrections@tracker.example.org"
    page = client.get("/methodology").get_data(as_text=True)
    assert 'href="mailto:corrections@tracker.example.org"' in page
    data = json.loads(client.get("/methodology?format=json&table=stances").get_data(as_text=True))
    assert [r["key"] for r in data["rows"]] == list(scale_for("ceasefire").keys())


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.imported
def test_oxford_council_page_and_every_pages_twins(cli, client, shared_data):
    page = client.get("/councils/oxford-city-council").get_data(as_text=True)
    councillors = shared_data / "councillors" / "councillors_left_labour_over_gaza_2023.csv"
    with councillors.open(encoding="utf-8") as f:
        oxford = [r for r in csv.DictReader(f) if r["council"] == "Oxford City Council"]
    assert f"Councillors ({len(oxford)})" in page
    assert "not every member of Oxford City Council" in page
    row = page[page.index('id="councillor-shaista-aziz"'):]
    row = row[:row.index("</tr>")]
    assert ('Left <a href="/parties/labour">Labour</a> on '
            '<time datetime="2023-10-14">14 Oct 2023</time>') in row
    assert f'href="{oxford[0]["source_url"]}"' in row and "Oxford Student" in row
    assert 'href="/parties/independent">Independent</a>' in row
    assert 'href="/people/shaista-aziz#evidence-h"><span class="badge stance-ceasefire">' in row
    # The stance's source beside it; the evidence itself is on her page, counted and linked here.
    assert re.search(rf'since 14 Oct 2023 · <a href="{re.escape(oxford[0]["source_url"])}"', row)
    assert 'href="/people/shaista-aziz#evidence-h">1 piece of evidence<' in row

    data = json.loads(client.get("/councils/oxford-city-council?format=json").get_data(as_text=True))
    assert data["table"] == "councillors"  # the primary table
    aziz = next(r for r in data["rows"] if r["person"] == "shaista-aziz")
    assert (aziz["party"], aziz["left_party"], aziz["left_on"]) == ("Independent", "Labour", "2023-10-14")
    assert aziz["stance"] == "ceasefire" and aziz["stance_source_url"] == oxford[0]["source_url"]

    for url in ("/", "/changes", "/methodology", "/people/tahir-ali", "/councils/oxford-city-council",
                "/constituencies/birmingham-hall-green-and-moseley",
                "/constituencies/birmingham-hall-green-2010"):
        html = client.get(url).get_data(as_text=True)
        assert "This page’s data:" in html and "format=csv" in html, url
        response = client.get(url + "?format=csv")
        assert response.status_code == 200 and response.mimetype == "text/csv", url
        assert list(csv.DictReader(io.StringIO(response.get_data(as_text=True)))), url
        body = json.loads(client.get(url + "?format=json").get_data(as_text=True))
        assert body["tables"], url
        for name in body["tables"]:
            response = client.get(f"{url}?format=csv&table={name}")
            assert response.status_code == 200 and response.mimetype == "text/csv", (url, name)
            # Every row that states a stance names its source.
            for row in csv.DictReader(io.StringIO(response.get_data(as_text=True))):
                stated = row.get("stance") and row["stance"] != "unknown" and row.get("person")
                if stated:
                    assert row.get("source_url") or row.get("stance_source_url") or row.get("source"), (
                        url, name, row)


def test_nothing_a_user_types_gives_a_server_error(cli, client):
    cli("seed")
    for url in ("/people/%00", "/people/" + "a" * 3000, "/councils/%E2%80%AE", "/constituencies/..%2F..",
                "/councils/%00", "/constituencies/a%00b",
                "/changes?page=%00", "/changes?kind=<script>", "/?format=xml", "/?table=nope&format=csv",
                "/methodology?format=csv&page=2", "/changes?page=%C2%B2"):
        assert client.get(url).status_code in (200, 400, 404), url

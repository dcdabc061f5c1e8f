"""The minimal pages show the seeded data with its evidence and sources."""

from __future__ import annotations


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

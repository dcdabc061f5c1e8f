"""Absolute URLs come from the SITE_URL setting, never from the request's Host header."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from flask import Flask

from tracker import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "https://tracker.example.org"
FORGED = {"Host": "evil.example"}


@pytest.fixture
def site(app: Flask) -> Flask:
    app.config["SITE_URL"] = SITE
    return app


def test_the_feed_ignores_a_forged_host(site: Flask, client, cli) -> None:
    assert cli("seed").exit_code == 0
    response = client.get("/changes.atom", headers=FORGED)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "evil.example" not in body
    feed = ET.fromstring(response.data)
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"self": f"{SITE}/changes.atom", "alternate": f"{SITE}/changes"}
    assert feed.findtext(f"{ATOM}id") == "tag:tracker.example.org,2023:ceasefire-tracker/changes"
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        assert entry.findtext(f"{ATOM}id", "").startswith("tag:tracker.example.org,2023:")
        alternate = [link.get("href", "") for link in entry.findall(f"{ATOM}link")
                     if link.get("rel") == "alternate"]
        assert alternate and alternate[0].startswith(f"{SITE}/"), alternate
    assert any(f'href="{SITE}/people/sophia-naqvi"' in ET.tostring(e, encoding="unicode")
               for e in entries)


def test_json_twins_ignore_a_forged_host(site: Flask, client, cli) -> None:
    assert cli("seed").exit_code == 0
    response = client.get("/search?q=naqvi&format=json", headers=FORGED)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "evil.example" not in body
    data = json.loads(body)
    assert data["page"] == f"{SITE}/search"
    urls = [row["url"] for row in data["rows"]]
    assert f"{SITE}/people/sophia-naqvi" in urls
    # So do the links to each table's own twin.
    urls += [link for t in data["tables"].values() for link in (t["csv"], t["json"])]
    assert all(url.startswith(f"{SITE}/") for url in urls)

    csv_twin = client.get("/search?q=naqvi&format=csv", headers=FORGED).get_data(as_text=True)
    assert "evil.example" not in csv_twin and f"{SITE}/people/sophia-naqvi" in csv_twin

    methodology = json.loads(client.get("/methodology?format=json", headers=FORGED).data)
    assert methodology["page"] == f"{SITE}/methodology"


def test_a_site_served_under_a_prefix(site: Flask, client) -> None:
    site.config["SITE_URL"] = "https://example.org/tracker/"
    response = client.get("/changes.atom", headers=FORGED, environ_base={"SCRIPT_NAME": "/tracker"})
    feed = ET.fromstring(response.data)
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == "https://example.org/tracker/changes.atom"


def test_site_url_defaults_to_the_local_server(app: Flask, monkeypatch: pytest.MonkeyPatch,
                                               database_url: str) -> None:
    monkeypatch.delenv("SITE_URL", raising=False)
    local = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x"})
    assert local.config["SITE_URL"] == "http://127.0.0.1:5000"
    local.extensions["engine"].dispose()
    monkeypatch.setenv("SITE_URL", "https://ceasefire.example/")
    configured = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x"})
    assert configured.config["SITE_URL"] == "https://ceasefire.example"
    configured.extensions["engine"].dispose()


@pytest.mark.parametrize("bad", ["tracker.example.org", "ftp://example.org", "https://", "/changes",
                                 "https://example.org/?q=1"])
def test_a_bad_site_url_is_refused_at_startup(bad: str, database_url: str) -> None:
    with pytest.raises(ValueError, match="SITE_URL must be the site's address"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "SITE_URL": bad})

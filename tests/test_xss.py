"""Known XSS payloads through every text field come back inert on every page and twin
that shows them (tests/xss.py has the payloads and the checks)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from sqlmodel import select

from tests.xss import PAYLOADS, assert_inert_csv, assert_inert_html, assert_inert_json
from tracker.models import Evidence, Person

pytestmark = pytest.mark.imported
SLUG = "tahir-ali"


def submit_payloads(client, start: date) -> None:  # type: ignore[no-untyped-def]
    for n, payload in enumerate(PAYLOADS):
        response = client.post(f"/people/{SLUG}/submit?topic=ceasefire", data={
            "kind": "statement", "stance": "ceasefire",
            "evidence_date": (start + timedelta(days=n)).isoformat(),
            "summary": f"Summary {n}: {payload}", "quote": payload, "publisher": payload[:200],
            "source_url": f"https://news.example.org/{n}?q={quote(payload)}"})
        assert response.status_code == 302, (payload, response.get_data(as_text=True)[:300])


def test_payloads_in_evidence_fields_are_inert_everywhere(client, users, login, session) -> None:
    login(client, users["moderator"])  # a moderator's submissions go live at once
    submit_payloads(client, date(2024, 3, 1))
    mine = session.exec(select(Evidence).where(Evidence.summary.startswith("Summary 0:"))).one()  # type: ignore[attr-defined]
    # Moderators' pages, with reasons carrying payloads too.
    person = session.exec(select(Person).where(Person.slug == SLUG)).one()
    client.post(f"/moderation/people/{person.id}/lock", data={"reason": PAYLOADS[4]})
    pages = ["/moderation", f"/moderation/evidence/{mine.id}", f"/moderation/evidence/{mine.id}/edit",
             "/account/submissions", f"/people/{SLUG}/history", f"/evidence/{mine.id}/history"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert_html(response.get_data(as_text=True))
    queue = client.get("/moderation").get_data(as_text=True)
    feed = re.search(r'href="https?://[^/"]+(/moderation/feed\.atom\?key=[^"]+)"', queue).group(1)  # type: ignore[union-attr]
    client.post(f"/moderation/people/{person.id}/unlock")
    client.post("/logout")

    public = [f"/people/{SLUG}", f"/people/{SLUG}?evidence_page=2", f"/people/{SLUG}/history", "/changes",
              f"/evidence/{mine.id}/history"]
    for path in public:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert_html(response.get_data(as_text=True))
    shown = client.get(f"/people/{SLUG}").get_data(as_text=True) + client.get(
        f"/people/{SLUG}?evidence_page=2").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown  # shown, as text
    for table in ("evidence", "stance_periods"):
        assert_inert_csv(client.get(f"/people/{SLUG}?format=csv&table={table}").get_data(as_text=True))
        twin = client.get(f"/people/{SLUG}?format=json&table={table}")
        assert assert_inert_json(twin.get_data(as_text=True))
    evidence_csv = client.get(f"/people/{SLUG}?format=csv&table=evidence").get_data(as_text=True)
    assert "'=HYPERLINK(" in evidence_csv  # defused, kept as text
    for path in ("/changes.atom", feed.replace("&amp;", "&")):
        body = client.get(path).get_data(as_text=True)
        root = ET.fromstring(body)  # well-formed: every payload escaped as XML text
        assert not root.findall(".//{http://www.w3.org/1999/xhtml}script")
    assert "Summary 1:" in client.get(feed.replace("&amp;", "&")).get_data(as_text=True)


def test_payloads_in_names_and_reasons_are_inert(client, users, login, session) -> None:
    login(client, users["admin"])
    for n, payload in enumerate(PAYLOADS[:8]):
        page = client.post("/admin/invitations",
                           data={"email": f"x{n}@example.org", "role": "contributor"}).get_data(as_text=True)
        path = re.search(r"(/invitations/[A-Za-z0-9_-]+)", page).group(1)  # type: ignore[union-attr]
        client.post("/logout")
        opened = client.post(path, data={"name": payload, "password": "a good long password"})
        assert opened.status_code == 302
        assert_inert_html(client.get("/account").get_data(as_text=True))
        client.post(f"/people/{SLUG}/submit", data={
            "kind": "statement", "stance": "ceasefire", "evidence_date": f"2024-05-{n + 1:02d}",
            "summary": "A statement submitted by a contributor with an odd name.",
            "source_url": f"https://news.example.org/name/{n}"})
        client.post("/logout")
        login(client, users["admin"])
    login(client, users["moderator"])
    odd = select(Evidence).where(Evidence.summary.startswith("A statement submitted"))  # type: ignore[attr-defined]
    for evidence in session.exec(odd).all():
        client.post(f"/moderation/evidence/{evidence.id}/reject", data={"reason": PAYLOADS[evidence.id % 8]})
        assert_inert_html(client.get(f"/moderation/evidence/{evidence.id}").get_data(as_text=True))
    assert_inert_html(client.get("/moderation").get_data(as_text=True))
    assert_inert_html(client.get(f"/people/{SLUG}/history").get_data(as_text=True))

"""Atom feeds that follow a person, a constituency, a council, a party and a topic (issue 9):
what a journalist's feed reader shows after moderators approve, correct, restore and withdraw
evidence, parsed with feedparser."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from typing import Any

import feedparser
import pytest
from flask import Flask
from sqlmodel import Session, select

from tests.xss import PAYLOADS
from tracker.models import ChangeSet, Evidence, Revision
from tracker.web.feeds import xml_text

SITE = "https://tracker.example.org"
TAG = "tag:tracker.example.org,2023:ceasefire-tracker/"
SLUG = "rishi-sunak"  # opposed a ceasefire in the real records; Conservative
CONSTITUENCY = "richmond-and-northallerton"
PARTY = "conservative"
TODAY = date.today()
SUMMARY = "Called for an immediate ceasefire in a television interview."


@pytest.fixture
def site(app: Flask) -> Flask:
    app.config["SITE_URL"] = SITE
    return app


def read(client, path: str, **kwargs: Any) -> feedparser.FeedParserDict:  # type: ignore[no-untyped-def]
    response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    assert response.mimetype == "application/atom+xml"
    ET.fromstring(response.data)  # well-formed XML
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    assert parsed.version == "atom10"
    return parsed


def links(entry: Any, rel: str) -> list[str]:
    return [link["href"] for link in entry.get("links", []) if link.get("rel") == rel]


def with_text(parsed: feedparser.FeedParserDict, text: str) -> list[Any]:
    return [e for e in parsed.entries if text in e.title or text in e.summary]


def form(**overrides: str) -> dict[str, str]:
    data = {"kind": "statement", "stance": "ceasefire", "evidence_date": TODAY.isoformat(),
            "summary": SUMMARY, "quote": "We need a ceasefire now",
            "source_url": "https://news.example.org/interview", "publisher": "Example News"}
    return {**data, **overrides}


def newest_evidence(session: Session) -> Evidence:
    session.expire_all()
    return session.exec(select(Evidence).order_by(Evidence.id.desc())).first()  # type: ignore[arg-type, union-attr, return-value]


def newest_change_set(session: Session, evidence_id: int) -> ChangeSet:
    session.expire_all()
    revision = session.exec(select(Revision).where(Revision.table_name == "evidence",
                                                   Revision.record_id == evidence_id)
                            .order_by(Revision.id.desc())).first()  # type: ignore[union-attr]
    return session.get(ChangeSet, revision.change_set_id)  # type: ignore[union-attr, return-value]


def approve_statement(client, users, login, session: Session, **overrides: str) -> tuple[Evidence, ChangeSet]:  # type: ignore[no-untyped-def]
    login(client, users["contributor"])
    assert client.post(f"/people/{SLUG}/submit?topic=ceasefire", data=form(**overrides)).status_code == 302
    evidence = newest_evidence(session)
    assert evidence.status == "pending"
    client.post("/logout")
    login(client, users["moderator"])
    assert client.post(f"/moderation/evidence/{evidence.id}/approve", data={"reason": ""}).status_code == 302
    client.post("/logout")
    return evidence, newest_change_set(session, evidence.id)  # type: ignore[arg-type]


FOLLOWING_HIM = (f"/people/{SLUG}/feed.atom", f"/constituencies/{CONSTITUENCY}/feed.atom",
                 f"/parties/{PARTY}/feed.atom", "/topics/ceasefire/feed.atom")


@pytest.mark.imported
def test_an_approved_statement_reaches_every_feed_that_follows_its_person(site, client, users, login,
                                                                          session) -> None:
    for path in FOLLOWING_HIM:
        assert not with_text(read(client, path), "television interview"), path  # nothing yet
    login(client, users["contributor"])
    client.post(f"/people/{SLUG}/submit?topic=ceasefire", data=form())
    client.post("/logout")
    for path in FOLLOWING_HIM:  # waiting for a moderator: still nothing
        assert not with_text(read(client, path), "television interview"), path
    pending = newest_evidence(session)
    login(client, users["moderator"])
    assert client.post(f"/moderation/evidence/{pending.id}/approve", data={"reason": ""}).status_code == 302
    client.post("/logout")
    change_set = newest_change_set(session, pending.id)  # type: ignore[arg-type]
    committed = change_set.committed_at.replace(tzinfo=UTC)  # type: ignore[union-attr]

    for path in FOLLOWING_HIM:
        parsed = read(client, path)
        found = [e for e in with_text(parsed, "television interview") if "/revision/" in e.id]
        assert len(found) == 1, path
        entry = found[0]
        assert entry.title == "Rishi Sunak: statement, “Calls for an immediate ceasefire”"
        assert SUMMARY.rstrip(".") in entry.summary and "We need a ceasefire now" in entry.summary
        assert links(entry, "alternate") == [f"{SITE}/people/{SLUG}#evidence-h"]
        assert links(entry, "related") == [f"{SITE}/changes/{change_set.id}"]
        assert links(entry, "via") == ["https://news.example.org/interview"]
        assert entry.id.startswith(f"{TAG}revision/")
        assert datetime(*entry.updated_parsed[:6], tzinfo=UTC) == committed.replace(microsecond=0)
        assert [t.term for t in entry.tags] == ["ceasefire"]
        # The newest entries come first: this change is the newest on the site.
        assert parsed.entries[0].updated_parsed == entry.updated_parsed
        # His stance changed (opposed, now a ceasefire): the shift is in each feed, from the same change set.
        shifts = [e for e in parsed.entries if "changed position" in e.title and "Rishi Sunak" in e.title]
        assert shifts, path
        assert shifts[0].title == "Rishi Sunak changed position: now “Calls for an immediate ceasefire”"
        assert "from “Opposed a ceasefire” to “Calls for an immediate ceasefire”" in shifts[0].summary
        assert links(shifts[0], "related") == [f"{SITE}/changes/{change_set.id}"]
        assert links(shifts[0], "alternate") == [f"{SITE}/people/{SLUG}#changes-h"]
        assert shifts[0].id == f"{TAG}shift/ceasefire/{pending.person_id}/{TODAY.isoformat()}"
    # The change set page it links to is there for everyone.
    assert client.get(f"/changes/{change_set.id}").status_code == 200
    # Feeds that do not follow him do not have it.
    for path in ("/parties/labour/feed.atom", "/topics/palestine-action/feed.atom",
                 "/people/tahir-ali/feed.atom", f"/people/{SLUG}/feed.atom?topic=palestine-action"):
        assert not with_text(read(client, path), "television interview"), path
    assert with_text(read(client, f"/people/{SLUG}/feed.atom?topic=ceasefire"), "television interview")


@pytest.mark.imported
def test_ids_stay_the_same_from_one_fetch_to_the_next(site, client, users, login, session) -> None:
    approve_statement(client, users, login, session)
    first = read(client, f"/people/{SLUG}/feed.atom")
    again = read(client, f"/people/{SLUG}/feed.atom")
    assert ([(e.id, e.title, e.updated) for e in first.entries]
            == [(e.id, e.title, e.updated) for e in again.entries])
    ids = [e.id for e in first.entries]
    assert len(ids) == len(set(ids)) and all(i.startswith(TAG) for i in ids)
    assert first.feed.id == f"{TAG}feeds/person/{newest_evidence(session).person_id}"
    # After another change, every entry of before keeps its id, title and time; the new one comes first.
    approve_statement(client, users, login, session, confirm_duplicate="y",  # the same day as the first
                      summary="Repeated the call for a ceasefire on the radio.",
                      source_url="https://news.example.org/radio")
    later = read(client, f"/people/{SLUG}/feed.atom")
    before = {e.id: (e.title, e.updated) for e in first.entries}
    after = {e.id: (e.title, e.updated) for e in later.entries}
    assert set(before) <= set(after)
    assert all(after[i] == before[i] for i in before if "/revision/" in i)
    # The change of position keeps its id; it now cites both statements, so it was updated.
    shift = next(e for e in later.entries if "/shift/" in e.id)
    assert shift.id in before and "on the radio" in shift.summary and "television interview" in shift.summary
    assert "on the radio" in later.entries[0].summary or "on the radio" in later.entries[1].summary


@pytest.mark.imported
def test_corrections_restorations_and_withdrawals_are_entries(site, client, users, login, session) -> None:
    login(client, users["moderator"])  # a moderator's own submission goes live at once
    client.post(f"/people/{SLUG}/submit?topic=ceasefire", data=form())
    evidence = newest_evidence(session)
    good = session.exec(select(Revision.id).where(Revision.table_name == "evidence",
                                                  Revision.record_id == evidence.id)).one()
    page = client.get(f"/moderation/evidence/{evidence.id}/edit").get_data(as_text=True)
    opened = re.search(r'name="opened_on" type="hidden" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    client.post(f"/moderation/evidence/{evidence.id}/edit", data=form(
        summary="VANDALISED nonsense written over the record.", stance="opposed", opened_on=opened,
        reason="vandal"))
    vandal = newest_change_set(session, evidence.id)  # type: ignore[arg-type]
    parsed = read(client, f"/people/{SLUG}/feed.atom")
    corrected = [e for e in parsed.entries if e.title.startswith("Correction: ")]
    assert len(corrected) == 1
    assert corrected[0].title == f"Correction: Rishi Sunak’s statement of {TODAY.day} {TODAY:%b %Y}"
    text = corrected[0].summary
    assert "stance changed from “Calls for an immediate ceasefire” to “Opposed a ceasefire”" in text
    assert "VANDALISED" in text and "Reason: vandal." in text
    assert links(corrected[0], "related") == [f"{SITE}/changes/{vandal.id}"]

    client.post("/moderation/restore", data={"revision": good, "reason": "undo vandalism",
                                              "back": f"/people/{SLUG}/history"})
    restore = newest_change_set(session, evidence.id)  # type: ignore[arg-type]
    assert restore.source == f"revision {good}"
    for path in (f"/people/{SLUG}/feed.atom", "/topics/ceasefire/feed.atom", f"/parties/{PARTY}/feed.atom"):
        restored = [e for e in read(client, path).entries if e.title.startswith("Restored: ")]
        assert len(restored) == 1, path
        assert f"put back as it stood after revision {good}" in restored[0].summary
        assert "Reason: undo vandalism." in restored[0].summary
        assert "to “Calls for an immediate ceasefire”" in restored[0].summary
        assert links(restored[0], "related") == [f"{SITE}/changes/{restore.id}"]

    client.post(f"/moderation/evidence/{evidence.id}/reject",
                data={"reason": "The interview said the opposite."})
    client.post("/logout")
    withdrawn_cs = newest_change_set(session, evidence.id)  # type: ignore[arg-type]
    parsed = read(client, f"/constituencies/{CONSTITUENCY}/feed.atom")
    withdrawn = [e for e in parsed.entries if e.title.startswith("Withdrawn: ")]
    assert len(withdrawn) == 1
    assert "withdrawn from our records" in withdrawn[0].summary
    assert "Reason: The interview said the opposite." in withdrawn[0].summary
    assert links(withdrawn[0], "related") == [f"{SITE}/changes/{withdrawn_cs.id}"]
    assert parsed.entries[0].id == withdrawn[0].id  # the newest
    # The earlier entries are still there, with the same ids.
    assert [e.title.split(":")[0] for e in parsed.entries[:4]] == ["Withdrawn", "Restored", "Correction",
                                                                    "Rishi Sunak"]


@pytest.mark.imported
def test_a_hostile_summary_is_escaped_text(site, client, users, login, session) -> None:
    login(client, users["moderator"])
    payloads = PAYLOADS[:12]
    for n, payload in enumerate(payloads):
        assert client.post(f"/people/{SLUG}/submit?topic=ceasefire", data=form(
            summary=f"Summary {n}: {payload}", quote=payload, publisher=payload[:200],
            evidence_date=date(2024, 3, 1 + n).isoformat(),
            source_url=f"https://news.example.org/{n}?a=1&b=2")).status_code == 302
    client.post("/logout")
    for path in (f"/people/{SLUG}/feed.atom", "/topics/ceasefire/feed.atom"):
        body = client.get(path).data
        root = ET.fromstring(body)  # well-formed: every payload is XML text
        assert not root.findall(".//{http://www.w3.org/1999/xhtml}script")
        assert b"<script" not in body and b"<img" not in body
        summaries = {e.findtext("{http://www.w3.org/2005/Atom}summary") or "" for e in root}
        for n, payload in enumerate(payloads):
            assert any(f"Summary {n}: {payload}" in s for s in summaries), payload  # shown as it was typed
        parsed = read(client, path)
        vias = {href for e in parsed.entries for href in links(e, "via")}
        assert "https://news.example.org/3?a=1&b=2" in vias  # & escaped in the XML, whole again once parsed


def test_text_xml_cannot_hold_is_dropped() -> None:
    assert xml_text("a\x00b\x0bc\x1fd\ufffe\tok\n") == "abcd\tok\n"


@pytest.mark.imported
@pytest.mark.parametrize("path", [
    "/people/nobody-of-that-name/feed.atom", "/constituencies/nowhere-at-all/feed.atom",
    "/constituencies/burnley-borough-council/feed.atom",  # a council, not a constituency
    "/councils/richmond-and-northallerton/feed.atom", "/parties/no-such-party/feed.atom",
    "/topics/no-such-topic/feed.atom", f"/people/{SLUG}/feed.atom?topic=no-such-topic",
    "/people/x%00y/feed.atom", f"/parties/{'x' * 300}/feed.atom",
])
def test_what_does_not_exist_is_a_404(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    if "topic=" in path or "/topics/" in path:
        assert "the topics are: ceasefire, palestine-action" in response.get_data(as_text=True)


@pytest.mark.imported
def test_urls_come_from_site_url_not_the_host_header(site, client, users, login, session) -> None:
    approve_statement(client, users, login, session)
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    for path in (*FOLLOWING_HIM, "/councils/burnley-borough-council/feed.atom"):
        response = client.get(path, headers=forged)
        assert response.status_code == 200
        assert b"evil.example" not in response.data and b"localhost" not in response.data
        parsed = feedparser.parse(response.data)
        assert parsed.entries, path
        assert links(parsed.feed, "self") == [f"{SITE}{path}"]
        assert links(parsed.feed, "alternate")[0].startswith(f"{SITE}/")
        assert parsed.feed.id.startswith(TAG)
        for entry in parsed.entries:
            assert entry.id.startswith(TAG)
            for rel in ("alternate", "related"):
                assert links(entry, rel) and links(entry, rel)[0].startswith(f"{SITE}/"), (path, rel)


@pytest.mark.imported
def test_a_feed_holds_the_newest_fifty_newest_first(client) -> None:
    parsed = read(client, "/topics/ceasefire/feed.atom")
    assert len(parsed.entries) == 50
    times = [e.updated_parsed for e in parsed.entries]
    assert times == sorted(times, reverse=True)
    assert {t.term for e in parsed.entries for t in e.tags} == {"ceasefire"}
    others = read(client, "/topics/palestine-action/feed.atom")
    assert {t.term for e in others.entries for t in e.tags} == {"palestine-action"}
    # Councillors who left Labour over Gaza: their council's feed has their evidence.
    council = read(client, "/councils/burnley-borough-council/feed.atom")
    assert council.entries and all("party switch" in e.title for e in council.entries)


@pytest.mark.imported
def test_a_feed_costs_a_fixed_number_of_queries(client, count_queries) -> None:
    sizes = {}
    for path in ("/people/steven-bonnar/feed.atom", "/parties/labour/feed.atom",
                 "/topics/ceasefire/feed.atom"):
        with count_queries() as n:
            assert client.get(path).status_code == 200
        sizes[path] = n()
    assert max(sizes.values()) <= 20, sizes


@pytest.mark.imported
def test_feeds_are_cached_like_pages(site, app, users, login, session) -> None:
    reader = app.test_client()
    path = f"/parties/{PARTY}/feed.atom"
    first = reader.get(path)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag
    assert reader.get(path, headers={"If-None-Match": etag}).status_code == 304
    approve_statement(app.test_client(), users, login, session)
    fresh = reader.get(path, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    assert with_text(feedparser.parse(fresh.data), "television interview")


@pytest.mark.imported
@pytest.mark.parametrize("page,feed", [
    (f"/people/{SLUG}", f"/people/{SLUG}/feed.atom"),
    (f"/constituencies/{CONSTITUENCY}", f"/constituencies/{CONSTITUENCY}/feed.atom"),
    (f"/parties/{PARTY}", f"/parties/{PARTY}/feed.atom"),
    ("/councils/burnley-borough-council", "/councils/burnley-borough-council/feed.atom"),
    ("/", "/topics/ceasefire/feed.atom"),
    ("/?topic=palestine-action", "/topics/palestine-action/feed.atom"),
])
def test_pages_link_to_their_feed(client, page: str, feed: str) -> None:
    html = client.get(page).get_data(as_text=True)
    head = html.split("</head>")[0]
    assert re.search(rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" '
                     rf'href="{re.escape(feed)}">', head)
    assert re.search(rf'<a href="{re.escape(feed)}"[^>]*>Follow \(Atom feed\)</a>', html)
    assert read(client, feed).feed.title.startswith("Ceasefire tracker: ")


def test_an_empty_database_has_empty_feeds_and_404s(client) -> None:
    parsed = read(client, "/topics/ceasefire/feed.atom")
    assert parsed.entries == [] and parsed.feed.updated
    assert client.get("/people/anyone/feed.atom").status_code == 404

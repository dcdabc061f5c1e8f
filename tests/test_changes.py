"""The changes page and its Atom feed, built on the Revision table."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from sqlmodel import select

from tracker.models import Evidence, Person, Revision
from tracker.revisions import Recorder

ATOM = "{http://www.w3.org/2005/Atom}"


def _feed(client):  # type: ignore[no-untyped-def]
    response = client.get("/changes.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def test_changes_page_describes_seeded_changes_with_sources(cli, client):
    cli("seed")
    page = client.get("/changes").get_data(as_text=True)
    assert page.count("<h1>") == 1
    assert '<link rel="alternate" type="application/atom+xml"' in page and 'href="/changes.atom"' in page
    assert "New evidence about Sophia Naqvi" in page
    assert 'href="/people/sophia-naqvi"' in page
    assert "By seed" in page and "Source: Socialist Worker" in page
    # A stance stated in a change is shown in words and colour, linking to the evidence.
    assert 'href="/people/sophia-naqvi#evidence-h"><span class="badge stance-ceasefire">' in page


def test_an_update_is_described_field_by_field(cli, client, session):
    cli("seed")
    evidence = session.exec(select(Evidence).join(Person, Person.id == Evidence.person_id)
                            .where(Person.slug == "sophia-naqvi")).first()
    recorder = Recorder(session, actor="moderator:test", reason="checked the article")
    recorder.update(evidence, {"status": "pending"})
    recorder.flush()
    session.commit()
    page = client.get("/changes").get_data(as_text=True)
    start = page.index('class="change"')
    first = page[start:page.index("</li>", start)]
    assert "Evidence about Sophia Naqvi changed" in first
    assert "moderation status changed from “approved” to “pending”" in first
    assert "By moderator:test (checked the article)" in first


def test_atom_feed_is_valid_atom_with_entries(cli, client):
    cli("seed")
    feed = _feed(client)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{name}") is not None, name
    self_link = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link and self_link[0].get("href", "").endswith("/changes.atom")
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    ids = set()
    for entry in entries:
        for name in ("id", "title", "updated", "link", "summary"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        updated = entry.find(f"{ATOM}updated").text
        assert "T" in updated and updated.endswith("+00:00")
        ids.add(entry.find(f"{ATOM}id").text)
    assert len(ids) == len(entries)  # every entry has its own id
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert "New evidence about Sophia Naqvi" in titles


def test_empty_database_changes_and_feed(client):
    page = client.get("/changes").get_data(as_text=True)
    assert "No changes recorded yet" in page
    feed = _feed(client)
    assert feed.findall(f"{ATOM}entry") == [] and feed.find(f"{ATOM}updated").text


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.imported
def test_changes_are_paged_and_twins_answer(cli, client, session, shared_data):
    tracked = ("evidence", "vote", "affiliation", "membership")
    total = len(session.exec(select(Revision.id).where(Revision.table_name.in_(tracked))).all())  # type: ignore[attr-defined]
    page1 = client.get("/changes").get_data(as_text=True)
    assert f"{total:,} changes in all; page 1 of {-(-total // 50)}" in page1
    assert 'rel="next"' in page1 and 'href="/changes?page=2"' in page1
    page2 = client.get("/changes?page=2").get_data(as_text=True)
    assert 'rel="prev"' in page2 and '<ol class="changes" start="51">' in page2
    # Votes only, described in words with their source.
    votes = client.get("/changes?kind=vote").get_data(as_text=True)
    held = len(session.exec(select(Revision.id).where(Revision.table_name == "vote")).all())
    assert f"{held:,} changes in all" in votes
    assert re.search(r"(voted (aye|no)|had no vote recorded|voted in both lobbies|was a teller for the "
                     r"(ayes|noes)) in “[^”]+” \((15 Nov 2023|2 Jul 2025)\)", votes)
    assert "voted no vote recorded" not in votes
    assert 'href="https://votes.parliament.uk/votes/commons/division/' in votes
    assert '<option value="vote" selected>votes</option>' in votes
    rows = list(csv.DictReader(io.StringIO(client.get("/changes?format=csv").get_data(as_text=True))))
    assert list(rows[0])[:4] == ["revision", "when", "table", "action"]
    assert len(rows) == 50
    # Odd page numbers are a 400 that says why, never a 500 (tests/test_request_params.py).
    for odd in ("abc", "-1", "0", "99999999999", "2.5", "²"):
        assert client.get(f"/changes?page={odd}").status_code == 400
    beyond = client.get("/changes?page=9999").get_data(as_text=True)
    assert "There are no changes on this page" in beyond
    assert len(_feed(client).findall(f"{ATOM}entry")) == 50


def test_a_change_on_another_topic_reads_that_topics_scale(cli, client, session):
    from tracker.models import Topic

    cli("seed")
    evidence = session.exec(select(Evidence).where(Evidence.person_id.is_not(None))).first()  # type: ignore[union-attr]
    other = session.exec(select(Topic).where(Topic.slug == "palestine-action")).one()
    recorder = Recorder(session, actor="test", reason="said so about the proscription")
    recorder.add(Evidence(topic_id=other.id, person_id=evidence.person_id, kind="statement",  # type: ignore[union-attr]
                          stance="backs_proscription", evidence_date=evidence.evidence_date,  # type: ignore[union-attr]
                          summary="Backed the order", source_id=evidence.source_id, status="approved"))  # type: ignore[union-attr]
    recorder.flush()
    session.commit()
    response = client.get("/changes")
    assert response.status_code == 200
    assert '<span class="badge stance-backs_proscription">' in response.get_data(as_text=True)

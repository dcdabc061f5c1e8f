"""Person pages: shifts and contradictions first, roles, evidence, votes with division links."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from tracker.models import Division, Evidence, Person, Source, Topic, Vote

INDY100 = "https://www.indy100.com/politics/labour-mps-vote-for-ceasefire"
OFFICIAL = "https://votes.parliament.uk/votes/commons/division/1666"
SNP_AMENDMENT = "2023-11-15-snp-amendment-h-immediate-ceasefire"


@pytest.mark.shared_data
@pytest.mark.imported
def test_tahir_ali_page_links_his_vote_to_the_division(client, twin_rows):
    page = client.get("/people/tahir-ali").get_data(as_text=True)
    votes = page[page.index('id="votes-h"'):page.index('id="evidence-h"')]
    assert f'href="/divisions/{SNP_AMENDMENT}"' in votes
    assert "Voted <strong>aye</strong>" in votes and "Calls for an immediate ceasefire" in votes
    assert f'href="{OFFICIAL}"' in votes and f'href="{INDY100}"' in votes
    roles = page[page.index('id="roles-h"'):]
    assert 'href="/constituencies/birmingham-hall-green-and-moseley"' in roles
    assert 'href="/constituencies/birmingham-hall-green-2010"' in roles
    assert 'href="/parties/labour"' in roles and "13 Dec 2019" in roles
    assert 'href="/elections/uk-general-election-2024"' in roles and "12,798 votes" in roles
    # The hover text of the timeline chart names the source.
    assert "Source: UK Parliament (Commons Votes), Division 3" in page

    votes = [(v["division"], v["vote_position"], v["stance"], v["source_url"])
             for v in twin_rows("/people/tahir-ali", "votes")]
    assert (SNP_AMENDMENT, "aye", "ceasefire", OFFICIAL) in votes
    assert twin_rows("/people/tahir-ali", "parties")[0]["party"] == "Labour"
    assert twin_rows("/people/tahir-ali", "shifts_and_contradictions") == []


def _said_then_voted_against(session) -> Person:  # type: ignore[no-untyped-def]
    """A person who said they back a ceasefire and then voted no on the SNP amendment."""
    topic = session.exec(select(Topic).where(Topic.slug == "ceasefire")).one()
    division = session.exec(select(Division).where(Division.slug == SNP_AMENDMENT)).one()
    person = Person(name="Ann <b>O'Neil</b>", sort_name="O'Neil, Ann", slug="ann-oneil")
    said = Source(url="https://example.org/said", publisher="Example News", title="Ann backs a ceasefire")
    voted = Source(url="https://example.org/voted", publisher="Example Votes", title="How MPs voted")
    session.add_all([person, said, voted])
    session.flush()
    session.add(Evidence(topic_id=topic.id, person_id=person.id, kind="statement", stance="ceasefire",
                         evidence_date=date(2023, 11, 1), summary="Said she would vote for a ceasefire.",
                         source_id=said.id, status="approved"))
    session.add(Vote(division_id=division.id, person_id=person.id, position="no", source_id=voted.id))
    session.commit()
    return person


def test_shifts_and_contradictions_come_first_in_words(cli, client, session, twin_rows):
    cli("seed")
    _said_then_voted_against(session)
    page = client.get("/people/ann-oneil").get_data(as_text=True)
    # Escaped, never raw markup from the data.
    assert "<b>O'Neil" not in page and "&lt;b&gt;O" in page
    top = page[page.index("<h1>"):page.index('id="stance-h"')]
    assert "Said one thing, did another" in top
    assert "then voted no on 15 Nov 2023" in top
    assert 'href="https://example.org/said"' in top and 'href="https://example.org/voted"' in top
    assert "Changed position" in top
    assert "from “Calls for an immediate ceasefire” to “Opposed a ceasefire”" in top
    # The current stance is the vote, linking to the evidence list.
    stance = page[page.index('id="stance-h"'):page.index('id="timeline-h"')]
    assert 'href="#evidence-h"><span class="badge stance-opposed">Opposed a ceasefire</span>' in stance

    kinds = {r["kind"]: r for r in twin_rows("/people/ann-oneil", "shifts_and_contradictions")}
    assert set(kinds) == {"shift", "voted_against"}
    assert "https://example.org/voted" in kinds["voted_against"]["source_url"]


def test_person_with_no_evidence_says_so_plainly(cli, client):
    cli("seed")
    page = client.get("/people/penny-mordaunt").get_data(as_text=True)
    assert "No recorded position" in page
    assert "That is not a position either way" in page
    assert "Where a division’s list is" in page
    assert "Said one thing, did another" not in page


def test_person_twins_answer(cli, client, twin_rows):
    cli("seed")
    csv_text = client.get("/people/sophia-naqvi?format=csv").get_data(as_text=True)  # the primary table
    assert csv_text.splitlines()[0].startswith("person,date,kind,vote_position,division,stance")
    assert "No ceasefire, no vote." in csv_text
    csv_text = client.get("/people/sophia-naqvi?format=csv&table=stance_periods").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("person,start,end,stance")
    body = json.loads(client.get("/people/sophia-naqvi?format=json").get_data(as_text=True))
    assert list(body["tables"]) == [
        "evidence", "stance_periods", "stance_chart", "shifts_and_contradictions", "votes", "parties",
        "decisions_on_the_day", "names", "edms", "replies"]
    assert all(r["source_url"] or r["source"] for r in twin_rows("/people/sophia-naqvi", "evidence"))

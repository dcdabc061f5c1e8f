"""Pledge campaign pages: the pledge, the stance it implies, and who signed it, with sources."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from sqlmodel import select

from tracker.models import Evidence, Person, Pledge, Source, Topic

NCNV = "/pledges/no-ceasefire-no-vote"


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _sign(session, slug: str, day: date, status: str = "approved", url: str | None = None,
          quote: str | None = None) -> None:  # type: ignore[no-untyped-def]
    person = session.exec(select(Person).where(Person.slug == slug)).one()
    pledge = session.exec(select(Pledge).where(Pledge.slug == "no-ceasefire-no-vote")).one()
    topic = session.exec(select(Topic).where(Topic.slug == "ceasefire")).one()
    source = Source(url=url or f"https://example.org/pledges/{slug}", publisher="Example News",
                    title=f"{person.name} signs", published_on=day)
    session.add(source)
    session.flush()
    session.add(Evidence(topic_id=topic.id, person_id=person.id, kind="pledge", stance="ceasefire",
                         evidence_date=day, summary="Signed the No Ceasefire No Vote pledge.", quote=quote,
                         source_id=source.id, pledge_id=pledge.id, status=status))
    session.commit()


def test_pledge_page_before_anyone_signs(cli, client):
    cli("seed")
    response = client.get(NCNV)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<h1") == 1 and "<h1>No Ceasefire No Vote</h1>" in page
    assert "A pledge campaign by No Ceasefire No Vote" in page
    assert re.search(r"The campaign asks\s+every general-election candidate to call for a ceasefire", page)
    assert 'Signing it means: <span class="badge stance-ceasefire">Calls for an immediate ceasefire' in page
    assert re.search(r"Source:\s+No Ceasefire No Vote, No Ceasefire No Vote Conference Call", page)
    assert "Who signed (0)" in page
    assert "No one has signed yet, as far as we have recorded." in page

    index = client.get("/pledges").get_data(as_text=True)
    assert f'<a href="{NCNV}">No Ceasefire No Vote</a>' in index
    assert "No one has signed yet, as far as we have recorded." in index
    listed = _csv(client.get("/pledges?format=csv"))
    assert listed == [{"pledge": "no-ceasefire-no-vote", "title": "No Ceasefire No Vote",
                       "organisation": "No Ceasefire No Vote", "stance": "ceasefire",
                       "stance_label": "Calls for an immediate ceasefire", "launched_on": "", "url": "",
                       "signatures": "0"}]


def test_signatures_are_listed_with_dates_and_sources(cli, client, session, count_queries):
    cli("seed")
    _sign(session, "sophia-naqvi", date(2024, 3, 2), quote="<script>alert(1)</script> I sign")
    _sign(session, "jo-lawson", date(2024, 3, 9), status="pending")
    _sign(session, "mary-mason", date(2024, 3, 10), status="rejected")
    with count_queries() as one_signer:
        page = client.get(NCNV).get_data(as_text=True)
    assert "Who signed (1)" in page
    signed = page[page.index('id="signed-h"'):]
    assert '<time datetime="2024-03-02">2 Mar 2024</time>' in signed
    assert '<a href="/people/sophia-naqvi">Sophia Naqvi</a>' in signed
    assert ('<a href="https://example.org/pledges/sophia-naqvi" rel="nofollow noopener">'
            "Example News, Sophia Naqvi signs, 2 Mar 2024</a>") in signed
    assert 'href="/people/sophia-naqvi#stance-h"><span class="badge stance-ceasefire">' in signed
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; I sign" in page
    assert "jo-lawson" not in signed and "mary-mason" not in signed  # pending and rejected are not shown

    rows = _csv(client.get(NCNV + "?format=csv&table=signatures"))
    assert list(rows[0]) == ["pledge", "person", "name", "signed_on", "stance", "stance_label", "summary",
                             "quote", "source", "source_url", "signed_by_person", "evidence", "broken",
                             "broken_by", "current_stance", "current_stance_label",
                             "current_stance_since", "current_stance_conflict", "current_stance_source",
                             "current_stance_source_url"]
    assert [(r["person"], r["signed_on"], r["source_url"]) for r in rows] == [
        ("sophia-naqvi", "2024-03-02", "https://example.org/pledges/sophia-naqvi")]
    about = _csv(client.get(NCNV + "?format=csv&table=pledge"))[0]
    assert about["stance"] == "ceasefire" and about["source"].startswith("No Ceasefire No Vote")
    assert "1 person has signed" in client.get("/pledges").get_data(as_text=True)

    for slug, day in (("jo-lawson", date(2024, 4, 1)), ("mary-mason", date(2024, 4, 2)),
                      ("hosnieh-djafari-marbini", date(2024, 4, 3))):
        _sign(session, slug, day, url=f"https://example.org/more/{slug}")
    with count_queries() as four_signers:
        page = client.get(NCNV).get_data(as_text=True)
    assert "Who signed (4)" in page
    assert one_signer() == four_signers() <= 9  # the candidates and contradictions: three more


def test_unknown_pledge_slugs_are_404s(client):
    for url in ("/pledges/nothing", "/pledges/%3Cscript%3E", "/pledges/no-ceasefire-no-vote%00"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Try a search" in response.get_data(as_text=True)
    assert "We hold no pledge campaigns yet." in client.get("/pledges").get_data(as_text=True)


def test_a_pledge_on_another_topic_reads_its_own_topics_scale(cli, client, session):
    """A pledge's stance is a key of its own topic's scale, never the first topic's."""
    cli("seed")
    topic = session.exec(select(Topic).where(Topic.slug == "palestine-action")).one()
    session.add(Pledge(slug="keep-palestine-action-legal", topic_id=topic.id, title="Keep it legal",
                       text="Oppose the proscription.", organisation="Example Campaign",
                       stance="opposes_proscription"))
    session.commit()

    page = client.get("/pledges/keep-palestine-action-legal").get_data(as_text=True)
    assert ('Signing it means: <span class="badge stance-opposes_proscription">'
            "Opposed proscribing Palestine Action</span>") in page
    index = client.get("/pledges").get_data(as_text=True)
    assert ('<span class="badge stance-opposes_proscription">Opposed proscribing Palestine Action</span>'
            in index)
    assert '<span class="badge stance-ceasefire">Calls for an immediate ceasefire</span>' in index
    listed = {row["pledge"]: row["stance_label"] for row in _csv(client.get("/pledges?format=csv"))}
    assert listed == {"keep-palestine-action-legal": "Opposed proscribing Palestine Action",
                      "no-ceasefire-no-vote": "Calls for an immediate ceasefire"}

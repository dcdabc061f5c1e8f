"""Division pages: what was voted on, what each side means, the votes held by member and party."""

from __future__ import annotations

import csv
import io
import re

import pytest

SNP = "/divisions/2023-11-15-snp-amendment-h-immediate-ceasefire"
LABOUR_AMENDMENT = "/divisions/2023-11-15-labour-amendment-r-humanitarian-pauses"
INDY100 = "https://www.indy100.com/politics/labour-mps-vote-for-ceasefire"


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


PROSCRIPTION = "/divisions/2025-07-02-proscription-of-palestine-action"
OFFICIAL_1666 = "https://votes.parliament.uk/votes/commons/division/1666"


@pytest.mark.shared_data
@pytest.mark.imported
def test_snp_amendment_page_with_the_whole_house(client, count_queries, session):
    with count_queries() as snp_queries:
        response = client.get(SNP)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<h1") == 1
    assert "<h1>King&#39;s Speech: SNP amendment (h) calling for an immediate ceasefire in Gaza</h1>" in page

    what = _section(page, "what-h")
    assert "MPs voted on the Scottish National Party&#39;s amendment (h)" in what
    assert "The question put, as recorded" in what and "(Stephen Flynn)" in what

    means = _section(page, "means-h")
    assert 'Aye:</strong> <span class="badge stance-ceasefire">Calls for an immediate ceasefire' in means
    assert 'No:</strong> <span class="badge stance-opposed">Opposed a ceasefire' in means

    result = _section(page, "result-h")
    assert "<dd>125</dd>" in result and "<dd>293</dd>" in result

    # The official count and the named list differ: both are shown, neither corrected.
    gaps = _section(page, "gaps-h")
    assert "We hold every member’s vote in this division, from the official record." in gaps
    assert "The official record gives a count of 293 noes but names 294 members as noes." in gaps
    assert "correct neither" in gaps

    by_party = _section(page, "party-h")
    assert re.search(r'<a href="/parties/labour">Labour</a></td>\s*<td data-label="Whip">Abstain</td>\s*'
                     r'<td data-label="Aye" class="num">56</td>', by_party)
    assert "Labour whip: abstain." in by_party and "141 followed it, 56 voted against it." in by_party
    assert "https://labourlist.org/2023/11/parliament-ceasefire-vote-mps-labour-frontbench/" in by_party

    votes = _section(page, "votes-h")
    assert "Every member’s vote (650)" in votes
    tahir = re.search(r'<tr><td data-label="Member"><a href="/people/tahir-ali">Tahir Ali</a></td>(.*?)</tr>',
                      votes, re.S)
    assert tahir
    row = tahir.group(1)
    assert '<td data-label="Vote">Aye</td>' in row
    assert 'class="badge stance-ceasefire">Calls for an immediate ceasefire' in row
    assert f'href="{OFFICIAL_1666}"' in row and f'also reported by <a href="{INDY100}"' in row

    rows = _csv(client.get(SNP + "?format=csv&table=votes"))
    assert list(rows[0]) == ["division", "person", "name", "party", "party_slug", "constituency", "position",
                             "stance", "stance_label", "source", "source_url", "also_reported_by"]
    assert len(rows) == 650 and all(r["source_url"] == OFFICIAL_1666 for r in rows)
    assert sum(r["also_reported_by"] == INDY100 for r in rows) == 33
    parties = {r["party_slug"]: r for r in _csv(client.get(SNP + "?format=csv&table=by_party"))}
    labour = parties["labour"]
    assert (labour["aye"], labour["no_vote_recorded"], labour["whip"]) == ("56", "141", "abstain")
    assert (labour["followed_whip"], labour["defied_whip"]) == ("141", "56")
    assert parties["conservative"]["whip"] == "" and parties["conservative"]["no"] == "288"

    with count_queries() as other_queries:
        other = client.get(LABOUR_AMENDMENT)
    assert other.status_code == 200
    assert snp_queries() == other_queries() <= 8


@pytest.mark.shared_data
@pytest.mark.imported
def test_a_no_that_says_nothing_is_said_plainly(client):
    page = client.get(LABOUR_AMENDMENT).get_data(as_text=True)
    means = _section(page, "means-h")
    assert 'stance-pause">Backs humanitarian pauses only' in means
    assert "a no says nothing on its own about where the member stands" in means
    assert "The official record gives" not in _section(page, "gaps-h")  # counts and lists agree

    index = client.get("/divisions").get_data(as_text=True)
    assert index.count("<h1") == 1
    assert all(f'href="{url}"' in index for url in (SNP, LABOUR_AMENDMENT, PROSCRIPTION))
    assert "We hold every member’s vote (650)" in index
    listed = _csv(client.get("/divisions?format=csv"))
    snp = next(r for r in listed if r["division"] == SNP.rsplit("/", 1)[1])
    assert (snp["ayes_held"], snp["aye_count"], snp["no_count"], snp["votes_complete"]) == (
        "125", "125", "293", "true")


@pytest.mark.shared_data
@pytest.mark.imported
def test_a_second_topic_from_data_alone(client):
    page = client.get(PROSCRIPTION).get_data(as_text=True)
    means = _section(page, "means-h")
    assert 'stance-backs_proscription">Backed proscribing Palestine Action' in means
    assert 'stance-opposes_proscription">Opposed proscribing Palestine Action' in means
    gaps = _section(page, "gaps-h")
    assert "The official record gives a count of 385 ayes but names 382 members as ayes." in gaps
    assert "6 members are named in both lobbies" in gaps
    rows = _csv(client.get(PROSCRIPTION + "?format=csv&table=votes"))
    both = [r for r in rows if r["position"] == "both"]
    assert len(both) == 6 and all(r["stance"] == "" and r["party"] == "Liberal Democrat" for r in both)
    about = _csv(client.get(PROSCRIPTION + "?format=csv&table=division"))[0]
    assert about["topic"] == "palestine-action"
    # The badge colours of every topic are served.
    css = client.get("/assets/stances-palestine-action.css").get_data(as_text=True)
    assert ".stance-backs_proscription{" in css
    assert "/assets/stances-palestine-action.css" in page


def test_unknown_division_slugs_are_404s(client):
    for url in ("/divisions/nothing", "/divisions/%3Cscript%3E", "/divisions/2023-11-15-snp%27--",
                "/divisions/x%00y", "/divisions/" + "x" * 300):
        response = client.get(url)
        assert response.status_code == 404
        assert "Try a search" in response.get_data(as_text=True)
    assert "We hold no divisions yet." in client.get("/divisions").get_data(as_text=True)

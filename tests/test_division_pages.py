"""Division pages: what was voted on, what each side means, the votes held by member and party."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlmodel import select

from tracker.models import Person, Vote

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


@pytest.fixture
def real_data(cli, shared_data):  # type: ignore[no-untyped-def]
    result = cli("import", "all", "--data-dir", str(shared_data))
    assert result.exit_code == 0, result.output
    return shared_data


@pytest.mark.shared_data
@pytest.mark.slow
def test_snp_amendment_page_with_the_real_data(real_data, client, count_queries, session):
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
    assert "Rejected: 125 ayes" in result and "<dd>125</dd>" in result
    assert 'href="https://labourlist.org/2023/11/parliament-ceasefire-vote-mps-labour-frontbench/"' in result

    gaps = _section(page, "gaps-h")
    assert "We hold 33 of the 125 ayes and none of the noes (their total is not recorded here)." in gaps
    assert "A member not listed may have voted either way or not at all." in gaps

    by_party = _section(page, "party-h")
    assert re.search(r'<a href="/parties/labour">Labour</a></td>\s*<td data-label="Aye" class="num">33</td>',
                     by_party)

    votes = _section(page, "votes-h")
    assert "Every vote we hold (33)" in votes
    tahir = re.search(r'<tr><td data-label="Member"><a href="/people/tahir-ali">Tahir Ali</a></td>(.*?)</tr>',
                      votes, re.S)
    assert tahir
    row = tahir.group(1)
    assert '<a href="/parties/labour">Labour</a>' in row
    assert 'href="/constituencies/birmingham-hall-green-2010">Birmingham, Hall Green</a>' in row
    assert '<td data-label="Vote">Aye</td>' in row
    assert 'class="badge stance-ceasefire">Calls for an immediate ceasefire' in row
    assert f'<a href="{INDY100}" rel="nofollow noopener">indy100.com</a>' in row

    # The CSV twin: documented columns, a source URL on every vote.
    rows = _csv(client.get(SNP + "?format=csv&table=votes"))
    assert list(rows[0]) == ["division", "person", "name", "party", "party_slug", "constituency", "position",
                             "stance", "stance_label", "source", "source_url"]
    assert len(rows) == 33 and all(r["source_url"] == INDY100 for r in rows)
    assert {(r["position"], r["stance"]) for r in rows} == {("aye", "ceasefire")}
    parties = _csv(client.get(SNP + "?format=csv&table=by_party"))
    assert list(parties[0]) == ["division", "party", "party_slug", "aye", "no", "teller_aye", "teller_no",
                                "no_vote_recorded", "total"]
    assert [(r["party"], r["aye"], r["total"]) for r in parties] == [("Labour", "33", "33")]
    about = _csv(client.get(SNP + "?format=csv&table=division"))[0]
    assert about["aye_means"] == "ceasefire" and about["no_means"] == "opposed"
    assert about["result_source_url"].startswith("https://labourlist.org/")

    # A vote with no party recorded counts under the party of the seat held that day.
    vote = session.exec(select(Vote).join(Person).where(Person.slug == "tahir-ali")).one()
    vote.party_id = None
    session.add(vote)
    session.commit()
    page = client.get(SNP).get_data(as_text=True)
    assert re.search(r'<a href="/parties/labour">Labour</a></td>\s*<td data-label="Aye" class="num">33</td>',
                     _section(page, "party-h"))
    assert '<a href="/parties/labour">Labour</a>' in re.search(
        r'href="/people/tahir-ali">Tahir Ali</a></td>(.*?)</tr>', page, re.S).group(1)

    # A division with no votes held runs as many statements as one with 33.
    with count_queries() as empty_queries:
        other = client.get(LABOUR_AMENDMENT)
    assert other.status_code == 200
    assert snp_queries() == empty_queries() <= 6


@pytest.mark.shared_data
@pytest.mark.slow
def test_a_no_that_says_nothing_is_said_plainly(real_data, client):
    page = client.get(LABOUR_AMENDMENT).get_data(as_text=True)
    means = _section(page, "means-h")
    assert 'stance-pause">Backs humanitarian pauses only' in means
    assert "a no says nothing on its own about where the member stands" in means
    gaps = _section(page, "gaps-h")
    assert "We hold 0 of the 183 ayes and 0 of the 290 noes: 0 of the 473 votes cast." in gaps
    assert "The per-member list of this division is not held here." in gaps
    assert "We hold no member’s vote in this division yet." in page

    index = client.get("/divisions").get_data(as_text=True)
    assert index.count("<h1") == 1
    assert f'href="{SNP}"' in index and f'href="{LABOUR_AMENDMENT}"' in index
    assert "We hold 33 of the 125 ayes" in index
    listed = _csv(client.get("/divisions?format=csv"))
    assert list(listed[0]) == ["division", "date", "title", "aye_means", "no_means", "aye_count", "no_count",
                               "result", "ayes_held", "noes_held", "votes_held", "votes_complete"]
    snp = next(r for r in listed if r["division"] == SNP.rsplit("/", 1)[1])
    assert (snp["ayes_held"], snp["aye_count"], snp["no_means"]) == ("33", "125", "opposed")


def test_unknown_division_slugs_are_404s(client):
    for url in ("/divisions/nothing", "/divisions/%3Cscript%3E", "/divisions/2023-11-15-snp%27--",
                "/divisions/x%00y", "/divisions/" + "x" * 300):
        response = client.get(url)
        assert response.status_code == 404
        assert "Try a search" in response.get_data(as_text=True)
    assert "We hold no divisions yet." in client.get("/divisions").get_data(as_text=True)

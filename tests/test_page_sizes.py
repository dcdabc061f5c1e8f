"""Pages stay light at national scale (issue 7, section 5): no page over 100 KB of HTML, a
constituency page at most 60 KB. Long lists are shown a page at a time with a navigation
that works without JavaScript; their summaries count the whole list; their twins hold it whole."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import select

from tracker.models import Area, Body, Evidence, Membership, Person, Source, Topic

pytestmark = [pytest.mark.shared_data, pytest.mark.slow, pytest.mark.imported]

PAGE_KB = 100
CONSTITUENCY_KB = 60
LABOUR = "/parties/labour"
SNP_AMENDMENT = "/divisions/2023-11-15-snp-amendment-h-immediate-ceasefire"
GE2024 = "/elections/uk-general-election-2024"
OXFORD_EAST = "/constituencies/oxford-east"


def _get(client, url: str, limit_kb: int = PAGE_KB) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, url
    assert len(response.data) <= limit_kb * 1024, (url, len(response.data))
    return response.get_data(as_text=True)


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'aria-labelledby="{heading_id}"')
    return page[start:page.index("</section>", start)]


def _between(page: str, start: str, end: str) -> str:
    first = page.index(start)
    return page[first:page.index(end, first)]


def _people(html: str) -> list[str]:
    return re.findall(r'<td data-label="(?:MP|Member|Councillor)"><a href="/people/([^"]+)"', html)


def _unescape(url: str) -> str:
    return url.replace("&amp;", "&")


def test_labour_page_is_light_and_pages_each_of_its_lists(client, twin_rows) -> None:
    page = _get(client, LABOUR)
    members = twin_rows(LABOUR, "members")
    sitting = [m["person"] for m in members if m["group"] == "current_mp"]
    assert len(sitting) > 100  # a long list: more than two pages

    # The summary counts every sitting MP, whatever page of the list is shown.
    assert f"<strong>{len(sitting)}</strong> sitting MPs today" in page
    assert f"Sitting MPs ({len(sitting)})" in page
    mps = _between(page, 'id="mps-h"', 'id="past-h"')
    assert f"<strong>1–50</strong> of {len(sitting)} sitting MPs" in mps
    assert _people(mps) == sitting[:50]
    # "next" is a plain link (no JavaScript) that lands on the list; the whole list is in the twin.
    following = re.search(r'<a href="([^"]+)" rel="next">next</a>', mps)
    assert following and _unescape(following.group(1)) == "/parties/labour?mps_page=2#mps-h"
    assert 'href="/parties/labour?format=csv&amp;table=members">CSV</a>' in mps
    assert 'href="/parties/labour?format=json&amp;table=members">JSON</a>' in mps

    second = _get(client, _unescape(following.group(1)).split("#")[0])
    mps2 = _between(second, 'id="mps-h"', 'id="past-h"')
    assert f"<strong>51–100</strong> of {len(sitting)} sitting MPs" in mps2
    assert _people(mps2) == sitting[50:100]
    assert 'href="/parties/labour#mps-h" rel="prev">previous</a>' in mps2
    # The tally does not change with the page; paging one list leaves the others as they were.
    tally = _between(page, 'id="now-h"', 'id="time-h"')
    assert tally == _between(second, 'id="now-h"', 'id="time-h"')
    past_list = _people(_between(page, 'id="past-h"', 'id="council-h"'))
    assert past_list and past_list == _people(_between(second, 'id="past-h"', 'id="council-h"'))
    # Every page together lists every sitting MP once; the twin links drop the page number.
    listed = _people(mps) + _people(mps2)
    for number in range(3, -(-len(sitting) // 50) + 1):
        html = _get(client, f"{LABOUR}?mps_page={number}")
        listed += _people(_between(html, 'id="mps-h"', 'id="past-h"'))
        assert "mps_page" not in html[html.index('class="page-data"'):html.index('class="cite"')]
    assert listed == sitting

    # Past MPs page too, 25 at a time, keeping the sitting MPs' page in their links.
    past = [m["person"] for m in members if m["group"] == "mp_2019_parliament"]
    both = _get(client, f"{LABOUR}?mps_page=2&past_page=2")
    past2 = _between(both, 'id="past-h"', 'id="council-h"')
    assert f"<strong>26–50</strong> of {len(past)} MPs of that Parliament" in past2
    assert set(_people(past2)) == set(past[25:50])
    assert re.search(r'href="/parties/labour\?mps_page=2&amp;past_page=3#past-h" rel="next"', past2)


def test_labour_councillors_page_25_at_a_time_and_add_up_to_the_twin(client, twin_rows) -> None:
    members = twin_rows(LABOUR, "members")
    lists = (("councillor", "councillors_page", "council-now-h", "council-left-h"),
             ("former_councillor_member", "left_page", "council-left-h", "</section>"))
    for group, parameter, heading, end in lists:
        everyone = [m["person"] for m in members if m["group"] == group]
        listed: list[str] = []
        for number in range(1, -(-len(everyone) // 25) + 1):
            html = _get(client, f"{LABOUR}?{parameter}={number}")
            part = _between(html, f'id="{heading}"', end)
            assert f"({len(everyone)})</h3>" in part
            listed += _people(part)
        assert listed == everyone, group
    left = [m for m in members if m["group"] == "former_councillor_member"]
    assert len(left) > 25  # the councillors who left Labour over Gaza: more than a page


def test_a_page_past_the_end_says_so_and_a_bad_page_number_is_a_400(client) -> None:
    page = _get(client, f"{LABOUR}?mps_page=99")
    mps = _between(page, 'id="mps-h"', 'id="past-h"')
    assert "Page 99 is past the end of this list" in mps
    assert 'href="/parties/labour#mps-h">Go to the first page</a>' in mps
    assert 'data-label="MP"' not in mps
    assert "sitting MPs today" in page  # the rest of the page is there
    for bad in ("0", "-1", "two", "²", "99999999999"):
        response = client.get(f"{LABOUR}?mps_page={bad}")
        assert response.status_code == 400, bad
        assert "mps_page" in response.get_data(as_text=True)


def test_division_page_is_light_and_pages_its_votes(client, twin_rows) -> None:
    page = _get(client, SNP_AMENDMENT)
    votes = twin_rows(SNP_AMENDMENT, "votes")
    assert len(votes) > 600
    assert f"Every member’s vote ({len(votes)})" in page
    assert f"<strong>1–50</strong> of {len(votes)} votes" in page
    first = _people(_section(page, "votes-h"))
    assert first == [v["person"] for v in votes[:50]]

    second = _get(client, f"{SNP_AMENDMENT}?page=2")
    assert "(votes, page 2)" in second[:second.index("</title>")]
    assert _people(_section(second, "votes-h")) == [v["person"] for v in votes[50:100]]
    # The counts by party are of every vote, on every page.
    assert _section(page, "party-h") == _section(second, "party-h")
    assert f'href="{SNP_AMENDMENT}?format=csv&amp;table=votes"' in page

    last = -(-len(votes) // 50)
    end = _get(client, f"{SNP_AMENDMENT}?page={last}")
    assert f"<strong>{(last - 1) * 50 + 1}–{len(votes)}</strong> of {len(votes)} votes" in end
    assert 'rel="next"' not in _section(end, "votes-h")
    beyond = _section(_get(client, f"{SNP_AMENDMENT}?page={last + 1}"), "votes-h")
    assert f"Page {last + 1} is past the end of this list" in beyond


def test_general_election_page_is_light_and_pages_its_constituencies(client, twin_rows) -> None:
    page = _get(client, GE2024)
    seats = twin_rows(GE2024, "constituencies")
    assert len(seats) == 650
    assert "<strong>4,515</strong> candidates" in page and "Constituencies (650)" in page

    def listed(html: str) -> list[str]:
        return re.findall(r'<td data-label="Constituency"><a href="/constituencies/([^"]+)"', html)

    second = _get(client, f"{GE2024}?page=2")
    assert len(listed(page)) == len(listed(second)) == 50
    assert not set(listed(page)) & set(listed(second))
    assert "<strong>51–100</strong> of 650 constituencies" in second
    # The tally of every candidate is the same on every page.
    assert _section(page, "stances-h") == _section(second, "stances-h")
    assert "Page 14 is past the end of this list" in _get(client, f"{GE2024}?page=14")


def _add_councillors(session, council_slug: str, count: int, prefix: str) -> None:  # type: ignore[no-untyped-def]
    """``count`` sitting councillors of a council, each with a sourced statement: a council
    of national size (the real data holds a handful per council)."""
    area = session.exec(select(Area).where(Area.slug == council_slug)).one()
    body = session.exec(select(Body).where(Body.area_id == area.id)).one()
    topic = session.exec(select(Topic).where(Topic.slug == "ceasefire")).one()
    source = Source(url=f"https://example.org/council-meeting/{prefix.lower()}", publisher="Example Gazette",
                    title="Councillors on a ceasefire motion")
    session.add(source)
    for n in range(count):
        person = Person(name=f"{prefix} Number {n:03d}", sort_name=f"Number {n:03d}, {prefix}",
                        slug=f"{prefix.lower()}-number-{n:03d}")
        session.add(person)
        session.flush()
        session.add(Membership(person_id=person.id, body_id=body.id, area_id=area.id,
                               start_date=date(2023, 5, 4), role="councillor"))
        session.add(Evidence(topic_id=topic.id, person_id=person.id, kind="statement",
                             stance=("ceasefire", "humanitarian", "opposed")[n % 3],
                             evidence_date=date(2024, 1, 10), summary="Spoke in the council debate.",
                             source_id=source.id, status="approved"))
    session.commit()


def test_constituency_page_stays_under_60_kb_and_pages_its_councillors(client, session, twin_rows) -> None:
    _add_councillors(session, "oxford-city-council", 160, "Councillor")
    _add_councillors(session, "oxfordshire-county-council", 5, "County")
    councillors = twin_rows(OXFORD_EAST, "councillors")
    oxford = [c for c in councillors if c["council"] == "oxford-city-council"]
    assert len(oxford) > 160

    page = _get(client, OXFORD_EAST, CONSTITUENCY_KB)
    councils = _section(page, "councils-h")
    # Each council's summary counts all its councillors we hold, by stance.
    line = re.search(r'<li id="council-oxford-city-council">.*?<p class="tally-line">(.*?)</ul>',
                     councils, re.S).group(1)
    assert line.startswith(f"{len(oxford)} councillors we hold:")
    counted = {key: int(n) for key, n in re.findall(r'stance-(\w+)">[^<]+</span> (\d+)', line)}
    assert sum(counted.values()) == len(oxford)
    assert counted["opposed"] == sum(c["stance"] == "opposed" for c in oxford)
    # The councillors themselves: 50 to a page, each with the stance's source; the rest follow.
    shown = re.findall(r'<li><a href="/people/([^"]+)">', councils)
    assert len(shown) == 50
    assert f"<strong>1–50</strong> of {len(councillors)} councillors" in councils
    assert 'since 10 Jan 2024 · <a href="https://example.org/council-meeting/councillor"' in councils
    assert "table=councillors" in councils

    second = _section(_get(client, f"{OXFORD_EAST}?councillors_page=2", CONSTITUENCY_KB), "councils-h")
    shown_next = re.findall(r'<li><a href="/people/([^"]+)">', second)
    assert len(shown_next) == 50 and not set(shown) & set(shown_next)
    assert line in second  # the summary is the same on every page
    # A council none of whose councillors is on this page says on which page they are.
    last = -(-len(councillors) // 50)
    county = councils[councils.index('<li id="council-oxfordshire-county-council">'):]
    assert "5 councillors we hold:" in county
    assert (f'Listed on <a href="{OXFORD_EAST}?councillors_page={last}#councils-h">page {last}</a>'
            in county)
    final = _section(_get(client, f"{OXFORD_EAST}?councillors_page={last}", CONSTITUENCY_KB), "councils-h")
    assert 'href="/people/county-number-004"' in final
    beyond = _section(_get(client, f"{OXFORD_EAST}?councillors_page={last + 1}", CONSTITUENCY_KB),
                      "councils-h")
    assert f"Page {last + 1} is past the end of this list" in beyond
    assert line in beyond


def test_person_page_pages_the_motions_that_count_towards_no_stance(client, session, twin_rows) -> None:
    from sqlalchemy import func

    from tracker.models import EdmSignature

    person_id = session.exec(select(EdmSignature.person_id).group_by(EdmSignature.person_id)
                             .order_by(func.count().desc(), EdmSignature.person_id)).first()
    slug = session.get(Person, person_id).slug
    url = f"/people/{slug}"
    others = [r["url"] for r in twin_rows(url, "edms") if not r["counts_towards_stance"]]
    assert len(others) > 25

    def motions(html: str) -> list[str]:
        section = _section(html, "edms-h")
        part = section[section.index('class="other-edms"'):]
        return re.findall(r'<li><a href="([^"]+)" rel="nofollow noopener">', part)

    page = _get(client, url)
    assert f"{len(others)} other motions signed, not counted towards a stance</summary>" in page
    listed = motions(page)
    assert listed == others[:25]
    assert f"<strong>1–25</strong> of {len(others)} other motions" in page
    for number in range(2, -(-len(others) // 25) + 1):
        html = _get(client, f"{url}?edms_page={number}")
        assert '<details class="other-edms" open>' in html  # the list shown is open
        listed += motions(html)
    assert listed == others

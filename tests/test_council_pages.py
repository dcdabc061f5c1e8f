"""Councils and their constituencies on the pages: a constituency lists the councils that
overlap it (largest share first, counties after) with their councillors' stances; a council
lists its constituencies and its county or districts. The twins carry the same tables."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.imported, pytest.mark.shared_data]

OXFORD_EAST = "/constituencies/oxford-east"
OXFORD = "/councils/oxford-city-council"
LANCASHIRE = "/councils/lancashire-county-council"
OXFORD_STUDENT = ("https://www.oxfordstudent.com/2023/10/28/"
                  "labour-loses-oxford-council-majority-after-ninth-resignation/")


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'aria-labelledby="{heading_id}"')
    return page[start:page.index("</section>", start)]


def _item(section: str, element_id: str) -> str:
    """The <li> with this id, up to the next council's."""
    start = section.index(f'id="{element_id}"')
    end = section.find('<li id="council-', start + 1)
    return section[start:end if end != -1 else None]


def test_oxford_east_lists_oxford_city_council_and_its_councillors_who_left_labour(client) -> None:
    page = client.get(OXFORD_EAST).get_data(as_text=True)
    councils = _section(page, "councils-h")
    names = re.findall(r'<h3><a href="/councils/[^"]+">([^<]+)</a></h3>', councils)
    assert names == ["Oxford City Council", "Oxfordshire County Council"]  # the county last
    oxford = _item(councils, "council-oxford-city-council")
    assert "<strong>61.5%</strong> of Oxford City Council lies in this constituency." in oxford
    # How its councillors stand, all of them, then each (compactly): the stance, since when, its source.
    assert re.search(r'<p class="tally-line">\d+ councillors we hold:</p>\s*<ul class="tally-inline">'
                     r'<li><span class="badge stance-ceasefire">Calls for an immediate ceasefire</span> '
                     r'\d+</li>', oxford)
    aziz = oxford[oxford.index('href="/people/shaista-aziz"'):]
    aziz = aziz[:aziz.index("</li>")]
    assert "Calls for an immediate ceasefire" in aziz
    assert "since 14 Oct 2023" in aziz and f'href="{OXFORD_STUDENT}"' in aziz
    for name in ("Amar Latif", "Hosnieh Djafari-Marbini", "Barbara Coyne"):
        assert name in oxford
    # The evidence itself (the switch from Labour) is on her page, one click away.
    assert "Left the Labour Party over its stance on a ceasefire in Gaza" in client.get(
        "/people/shaista-aziz").get_data(as_text=True)
    county = _item(councils, "council-oxfordshire-county-council")
    assert "A county council: it covers this constituency <strong>through its districts: Oxford" in county


def test_oxford_east_twin_has_the_councils_table(twin_rows) -> None:
    rows = twin_rows(OXFORD_EAST, "councils")
    assert [(r["council"], r["share"], r["through_districts"]) for r in rows] == [
        ("oxford-city-council", 0.615, False), ("oxfordshire-county-council", None, True)]
    councillors = twin_rows(OXFORD_EAST, "councillors")
    aziz = next(r for r in councillors if r["person"] == "shaista-aziz")
    assert (aziz["council"], aziz["stance"], aziz["stance_source_url"]) == (
        "oxford-city-council", "ceasefire", OXFORD_STUDENT)


def test_hall_green_and_moseley_lists_birmingham_city_council(client) -> None:
    page = client.get("/constituencies/birmingham-hall-green-and-moseley").get_data(as_text=True)
    councils = _section(page, "councils-h")
    assert 'href="/councils/birmingham-city-council">Birmingham City Council</a>' in councils
    assert "of Birmingham City Council lies in this constituency." in councils
    assert "We hold no councillors of these councils." in councils


def test_burnley_lists_its_districts_then_lancashire_with_its_councillors(client) -> None:
    page = client.get("/constituencies/burnley").get_data(as_text=True)
    councils = _section(page, "councils-h")
    names = re.findall(r'<h3><a href="/councils/[^"]+">([^<]+)</a></h3>', councils)
    assert names == ["Burnley Borough Council", "Pendle Borough Council", "Lancashire County Council"]
    assert "<strong>100%</strong> of Burnley Borough Council" in councils
    lancashire = _item(councils, "council-lancashire-county-council")
    assert "through its districts: Burnley, Pendle" in lancashire
    assert 'href="/people/usman-arif"' in lancashire and 'href="/people/sobia-malik"' in lancashire
    burnley = _item(councils, "council-burnley-borough-council")
    assert 'href="/people/christine-sollis"' in burnley  # "(per article context)" in the file


def test_a_2010_seat_says_councils_are_linked_to_2024_seats(client) -> None:
    page = client.get("/constituencies/birmingham-hall-green-2010").get_data(as_text=True)
    assert "constituencies used since the 2024 general election" in _section(page, "councils-h")


def test_council_page_lists_constituencies_largest_share_first_and_its_county(client, twin_rows) -> None:
    page = client.get(OXFORD).get_data(as_text=True)
    seats = _section(page, "council-seats-h")
    assert re.findall(r'href="/constituencies/([^"]+)"', seats) == ["oxford-east",
                                                                    "oxford-west-and-abingdon"]
    assert "61.5% of the council lies in this constituency" in seats
    assert "38.5% of the council lies in this constituency" in seats
    tiers = _section(page, "council-tiers-h")
    assert "district council within" in tiers
    assert 'href="/councils/oxfordshire-county-council">Oxfordshire County Council</a>' in tiers

    assert [(r["constituency"], r["share"]) for r in twin_rows(OXFORD, "constituencies")] == [
        ("oxford-east", 0.615), ("oxford-west-and-abingdon", 0.385)]
    assert [(r["relation"], r["council"]) for r in twin_rows(OXFORD, "related_councils")] == [
        ("county", "oxfordshire-county-council")]


def test_county_page_lists_its_districts_and_their_constituencies(client, twin_rows) -> None:
    page = client.get(LANCASHIRE).get_data(as_text=True)
    tiers = _section(page, "council-tiers-h")
    assert "District councils" in tiers
    assert 'href="/councils/burnley-borough-council">Burnley Borough Council</a>' in tiers
    assert tiers.count('href="/councils/') == 12
    seats = _section(page, "council-seats-h")
    assert re.search(r'href="/constituencies/burnley">Burnley</a></td>\s*'
                     r'<td data-label="Share">Through its districts: Burnley, Pendle</td>', seats)
    burnley = next(r for r in twin_rows(LANCASHIRE, "constituencies") if r["constituency"] == "burnley")
    assert (burnley["share"], burnley["through_districts"]) == (None, True)


def test_former_council_says_so(client) -> None:
    page = client.get("/councils/allerdale-borough-council").get_data(as_text=True)
    assert "Former council" in page and "1 Apr 2023" in page
    assert "no longer exists" in _section(page, "council-seats-h")
    assert 'href="/councils/cumbria-county-council"' in _section(page, "council-tiers-h")


def test_council_pages_run_the_same_statements_whatever_their_size(client, count_queries) -> None:
    statements = {}
    for url in (OXFORD, LANCASHIRE):  # 10 councillors, 2 seats; 2 councillors, 14 seats, 12 districts
        client.get(url)
        with count_queries() as n:
            assert client.get(url).status_code == 200
        statements[url] = n()
    assert statements[OXFORD] == statements[LANCASHIRE], statements
    assert statements[OXFORD] <= 12

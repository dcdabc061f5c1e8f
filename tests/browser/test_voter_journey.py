"""A voter's way through the site, in a real browser, at desktop and phone size.

Postcode -> constituency -> MP -> stance, chart, evidence and its source -> the
page's data as CSV. postcodes.io is mocked; no request leaves 127.0.0.1.
"""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Locator

    from .conftest import Browsing, Known, PostcodesIO


def _search_from_home(browse: Browsing, text: str) -> None:
    """Type ``text`` into the home page's own search box (the one in <main>) and submit it."""
    browse.open("/")
    box = browse.page.get_by_role("main").get_by_role("searchbox").first
    box.fill(text)
    _submit_button(box).click()


def _submit_button(box: Locator) -> Locator:
    return box.locator("xpath=ancestor::form[1]").locator(
        "button[type=submit], button:not([type]), input[type=submit]").first


def test_postcode_to_mp_stance_evidence_source_and_data(browse: Browsing, known: Known,
                                                        postcodes_io: PostcodesIO, expect: Any) -> None:
    page = browse.page
    _search_from_home(browse, known.postcode.lower().replace(" ", ""))

    # The postcode leads straight to its constituency.
    page.wait_for_url(re.compile(re.escape(known.constituency_path) + r"/?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(known.constituency)
    # Asked of (mocked) postcodes.io once in the session; later lookups come from the cache.
    compact = known.postcode.replace(" ", "")
    assert any(compact in u.replace("%20", "").upper() for u in postcodes_io.requests), \
        postcodes_io.requests

    # The MP, with their stance in words.
    main = page.get_by_role("main")
    mp = main.get_by_role("link", name=known.mp, exact=True).first
    expect(mp).to_be_visible()
    mp.click()
    page.wait_for_url(re.compile(re.escape(known.mp_path) + r"/?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(known.mp)
    expect(main.get_by_text(known.mp_stance).first).to_be_visible()

    # The timeline chart is drawn by plotly.js (served by the app itself).
    browse.wait_for_charts()
    chart = main.locator(".chart-plot.drawn").first
    expect(chart).to_be_visible()
    expect(chart.locator("svg.main-svg").first).to_be_attached()

    # The evidence links to its source; following it leaves the site (answered by a stub here).
    source = main.locator(f'a[href="{known.source_url}"]').first
    expect(source).to_be_visible()
    assert source.get_attribute("href") == known.source_url
    assert browse.blocked == [], f"the site itself asked for off-site resources: {browse.blocked}"
    browse.allow_off_site(known.source_url)
    if source.get_attribute("target") == "_blank":
        with browse.context.expect_page() as opened:
            source.click()
        opened.value.wait_for_url(known.source_url)
        opened.value.close()
    else:
        source.click()
        page.wait_for_url(known.source_url)
        page.go_back(wait_until="load")
        page.wait_for_url(re.compile(re.escape(known.mp_path) + r"/?$"))
    assert browse.followed == [known.source_url]

    # The page's data, as CSV: one row per piece of evidence, with its source.
    page_data = page.locator("p", has_text=re.compile(r"this page.s data", re.IGNORECASE))
    with page.expect_download() as info:
        page_data.get_by_role("link", name="CSV", exact=True).click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = download.path().read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    header = text.splitlines()[0].split(",")
    assert {"date", "kind", "stance", "stance_label", "source_url"} <= set(header), header
    vote = [r for r in rows if r.get("date") == known.vote_date and r.get("kind") == "vote"
            and r.get("division") == known.division]
    assert vote, f"no row for the {known.vote_day} vote in:\n{text}"
    assert vote[0]["stance"] == "ceasefire"
    assert vote[0]["stance_label"] == known.mp_stance
    assert vote[0]["source_url"] == known.source_url
    assert vote[0].get("vote_position") == "aye"
    assert browse.blocked == [], f"the site itself asked for off-site resources: {browse.blocked}"


def test_a_name_finds_the_person(browse: Browsing, known: Known, expect: Any) -> None:
    _search_from_home(browse, "tahir ali")
    page = browse.page
    page.wait_for_load_state("load")
    result = page.get_by_role("main").get_by_role("link", name=known.mp, exact=True).first
    expect(result).to_be_visible()
    assert result.get_attribute("href").rstrip("/").endswith(known.mp_path)
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(known.mp)


def test_an_unknown_postcode_gets_a_clear_message_not_an_error(browse: Browsing, known: Known,
                                                               expect: Any) -> None:
    page = browse.page
    browse.open("/")
    box = page.get_by_role("main").get_by_role("searchbox").first
    box.fill(known.unknown_postcode)
    with page.expect_navigation() as navigation:
        box.press("Enter")
    response = navigation.value
    assert response is not None and response.status == 200, response and response.status
    assert "/search" in page.url
    main = page.get_by_role("main")
    # A results page for what was typed, not an error page ...
    expect(page.get_by_role("heading", level=1)).to_contain_text(known.unknown_postcode)
    assert "Something went wrong" not in main.inner_text()
    # ... with a message that names the postcode and says it was not found (see tracker.postcodes).
    expect(main.get_by_text(re.compile(rf"could not find the postcode {known.unknown_postcode}",
                                       re.IGNORECASE)).first).to_be_visible()
    # ... and a search box to try again.
    expect(page.get_by_role("searchbox").first).to_be_visible()

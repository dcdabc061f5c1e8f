"""With JavaScript off, every fact is still on the page: stance, evidence, sources, chart tables."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Locator

    from .conftest import Browsing, Known


def _chart_tables(main: Locator, expect: Any) -> Locator:
    """The tables standing in for the page's charts, which JavaScript did not draw.

    A chart's table is inside its figure (the chart macro's ``table``, in a native,
    script-free <details>, opened here) or beside the figure in the same section.
    """
    figures = main.locator("figure.chart")
    assert figures.count() >= 1, "the page has no chart"
    assert main.locator("svg.main-svg").count() == 0, "a chart was drawn with JavaScript off"
    for summary in main.locator("figure.chart details:not([open]) > summary").all():
        summary.click()
    for figure in figures.all():
        inside = figure.get_by_role("table")
        beside = figure.locator("xpath=ancestor::section[1]").get_by_role("table")
        table = inside if inside.count() else beside
        chart_id = figure.get_attribute("aria-labelledby")
        expect(table.first, f"no table for the chart {chart_id}").to_be_visible()
        expect(table.first.locator("tbody tr")).not_to_have_count(0)
    return main.locator("figure.chart table, section:has(figure.chart) table")


def test_person_page_without_javascript(browse_no_js: Browsing, known: Known, expect: Any) -> None:
    browse_no_js.open(known.mp_path)
    main = browse_no_js.page.get_by_role("main")
    expect(browse_no_js.page.get_by_role("heading", level=1)).to_have_text(known.mp)
    expect(main.get_by_text(known.mp_stance).first).to_be_visible()

    # The evidence: the 15 Nov 2023 vote, with its source link.
    expect(main.get_by_text(known.vote_day).first).to_be_visible()
    expect(main.locator(f'a[href="{known.source_url}"]').first).to_be_visible()

    # The timeline chart is not drawn, but its numbers are in a table: stance and date.
    periods = _chart_tables(main, expect).filter(has_text=known.mp_stance).filter(has_text=known.vote_day)
    expect(periods.first).to_be_visible()


def test_constituency_page_without_javascript(browse_no_js: Browsing, known: Known, expect: Any) -> None:
    browse_no_js.open(known.constituency_path)
    main = browse_no_js.page.get_by_role("main")
    expect(browse_no_js.page.get_by_role("heading", level=1)).to_have_text(known.constituency)

    # The MP, their stance in words, and the evidence for it with its source.
    mp = main.get_by_role("link", name=known.mp, exact=True).first
    expect(mp).to_be_visible()
    expect(main.get_by_text(known.mp_stance).first).to_be_visible()
    expect(main.locator(f'a[href="{known.source_url}"]').first).to_be_visible()

    # The MP's timeline chart is not drawn; its table says the same.
    periods = _chart_tables(main, expect).filter(has_text=known.mp_stance).filter(has_text=known.vote_day)
    expect(periods.first).to_be_visible()


def test_postcode_search_without_javascript(browse_no_js: Browsing, known: Known, expect: Any) -> None:
    page = browse_no_js.page
    browse_no_js.open("/")
    box = page.get_by_role("main").get_by_role("searchbox").first
    box.fill(known.postcode)
    with page.expect_navigation():
        box.press("Enter")
    page.wait_for_url(re.compile(re.escape(known.constituency_path) + r"/?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(known.constituency)

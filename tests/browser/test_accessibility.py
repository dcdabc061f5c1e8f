"""Accessibility: axe-core on every page type at desktop and phone size, page structure, keyboard use.

axe-core (bundled by axe-playwright-python) runs all its default rules, WCAG A/AA
and best practices, after the charts are drawn; any violation fails with axe's
report. The structure and keyboard checks cover what axe cannot: one h1, a main
landmark, headings that do not skip a level, and the search reachable and usable
with the keyboard alone.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .conftest import Browsing, Known

# Levels of the headings a reader meets, in document order (hidden ones left out).
HEADING_LEVELS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]')]
    .filter(h => h.getClientRects().length && !h.closest('[aria-hidden=true]'))
    .map(h => [Number(h.getAttribute('aria-level') || h.tagName.slice(1)), h.textContent.trim()])"""
IS_FOCUSED = "el => el === document.activeElement"


@pytest.fixture(scope="session")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def test_no_axe_violations(browse: Browsing, page_type: str, page_types: dict[str, tuple[str, int]],
                           axe: Any) -> None:
    path, status = page_types[page_type]
    browse.open(path, status)
    results = axe.run(browse.page)
    assert results.violations_count == 0, (
        f"{page_type} page {path} at {browse.device} size:\n{results.generate_report()}")


def test_one_h1_a_main_landmark_and_headings_in_order(browse: Browsing, page_type: str,
                                                      page_types: dict[str, tuple[str, int]],
                                                      expect: Any) -> None:
    path, status = page_types[page_type]
    browse.open(path, status)
    page = browse.page
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)
    assert page.title().strip(), "the page has no <title>"
    levels = page.evaluate(HEADING_LEVELS)
    assert levels and levels[0][0] == 1, f"the first heading is not the h1: {levels}"
    skips = [(before, after) for before, after in zip(levels, levels[1:], strict=False)
             if after[0] > before[0] + 1]
    assert not skips, f"headings skip a level: {skips}"


def test_keyboard_alone_reaches_the_search_and_submits(browse: Browsing, known: Known,
                                                       expect: Any) -> None:
    browse.open("/")
    page = browse.page
    keyboard = page.keyboard

    # The first Tab stop is the skip link, shown on screen when focused.
    keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text(re.compile("skip to (main )?content", re.IGNORECASE))
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 1, f"skip link off screen: {box}"

    # Tab on to the home page's search box; the focus is visible there.
    search = page.get_by_role("main").get_by_role("searchbox").first
    for _ in range(20):  # the header's links and the site's navigation come first
        if search.evaluate(IS_FOCUSED):
            break
        keyboard.press("Tab")
    else:
        pytest.fail("20 Tab presses never reached the search box in <main>")
    style = search.evaluate("el => { const s = getComputedStyle(el); "
                            "return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }")
    assert (style[0] != "none" and style[1] != "0px") or style[2] != "none", \
        f"no visible focus indicator on the search box: {style}"

    # Type and press Enter: the results come, and the keyboard opens one.
    keyboard.type("tahir ali")
    with page.expect_navigation():
        keyboard.press("Enter")
    assert re.search(r"/search\?q=tahir(\+|%20)ali", page.url), page.url
    result = page.get_by_role("main").get_by_role("link", name=known.mp, exact=True).first
    expect(result).to_be_visible()
    result.focus()
    with page.expect_navigation():
        keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(known.mp)

"""A full-page screenshot of every page type at desktop and phone size, and no sideways scrolling.

The screenshots go to test-artifacts/screenshots/<page type>-<device>.png (git-ignored;
CI can keep them as artifacts) for a person to look at. The test fails when a page
is wider than the screen (at 360 px, the narrowest phone we support), naming the
elements that stick out.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .conftest import Browsing

# Elements whose right edge is past the viewport, outermost first (for the failure message).
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth, found = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1 && !found.some(f => f.el.contains(el))) {
      const cls = typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      found.push({el, text: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} `
        + `(right edge ${Math.round(box.right)} px): ${el.textContent.trim().slice(0, 60)}`});
    }
  }
  return found.slice(0, 10).map(f => f.text);
}"""


def test_screenshot_and_no_horizontal_overflow(browse: Browsing, page_type: str,
                                               page_types: dict[str, tuple[str, int]],
                                               screenshots_dir: Path) -> None:
    path, status = page_types[page_type]
    browse.open(path, status)
    page = browse.page
    target = screenshots_dir / f"{page_type}-{browse.device}.png"
    page.screenshot(path=str(target), full_page=True, animations="disabled")
    assert target.stat().st_size > 0

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= browse.width + 1, (
        f"{page_type} page {path} scrolls sideways at {browse.width} px (it is {scroll_width} px wide); "
        "sticking out:\n" + "\n".join(page.evaluate(STICKING_OUT)))

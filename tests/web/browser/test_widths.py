"""Every page fits a handheld (390 x 844) and a desktop (1400 x 900) without sideways scrolling.

Wide content (tables, grids) may scroll inside its own box; the page itself must not: the
document is never wider than the window.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.browser.conftest import checked_tab, sign_in
from tests.web.browser.server import LiveServer

SIZES = {"phone": (390, 844), "desktop": (1400, 900)}
HANDHELD = ("/hh", "/hh/receive", "/hh/putaway", "/hh/pick", "/hh/count", "/hh/transfer",
            "/hh/sign-on")
#: How much wider than the window the document is (0 when it fits).
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
#: The elements sticking out past the window's right edge, for the failure message.
CULPRITS = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !e.closest('[style*=overflow], table, .nav'))
  .slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' +
                   Math.round(e.getBoundingClientRect().right))"""


@pytest.fixture(params=list(SIZES))
def sized(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A fresh tab at one of the two sizes; fails the test on any console error."""
    width, height = SIZES[request.param]
    phone = request.param == "phone"
    with checked_tab(browser, timeout_ms=20_000, viewport={"width": width, "height": height},
                     is_mobile=phone, has_touch=phone) as tab:
        yield tab


def _settled(tab: Any, path: str) -> None:
    """Open ``path`` in the signed-in tab and wait until its callbacks have drawn it."""
    tab.goto(tab.url.split("/", 3)[0] + "//" + tab.url.split("/", 3)[2] + path)
    tab.wait_for_selector("#who")
    tab.wait_for_function("document.querySelector('#page') && "
                          "document.querySelector('#page').children.length > 0")
    try:
        tab.wait_for_load_state("networkidle", timeout=8_000)
    except Exception:  # a live chart or stream may keep the network busy: measure anyway
        pass
    tab.wait_for_timeout(300)


def _fits(tab: Any, path: str) -> None:
    """``path`` fits, and so does each of its tabs (the inventory's forms...) on a phone: what
    fits 390 px fits a desktop, whose walk checks each page as it opens."""
    _settled(tab, path)
    overflow = tab.evaluate(OVERFLOW)
    assert overflow <= 0, f"{path} is {overflow} px too wide: {tab.evaluate(CULPRITS)}"
    if tab.viewport_size["width"] > SIZES["phone"][0]:
        return
    tabs = tab.locator("#page .tab")
    for n in range(tabs.count()):
        name = tabs.nth(n).inner_text()
        tabs.nth(n).click()
        tab.wait_for_timeout(400)
        overflow = tab.evaluate(OVERFLOW)
        assert overflow <= 0, (f"{path}, tab {name!r}, is {overflow} px too wide: "
                               f"{tab.evaluate(CULPRITS)}")


def test_every_admin_page_fits(sized: Any, server: LiveServer) -> None:
    sign_in(sized, server, "admin")
    paths = sized.eval_on_selector_all("#nav a[href^='/']", "links => links.map(a => "
                                       "a.getAttribute('href'))")
    assert "/overview" in paths and "/hh" in paths
    for path in [*paths, *HANDHELD]:
        _fits(sized, path)


def test_every_handheld_page_fits_for_a_picker(sized: Any, server: LiveServer) -> None:
    sign_in(sized, server, "picker")
    assert sized.url.endswith("/hh")  # a picker lands on the handheld screens
    for path in HANDHELD:
        if path in ("/hh/receive", "/hh/transfer"):
            continue  # not a picker's: the page says so (checked to fit below)
        _fits(sized, path)
    _fits(sized, "/hh/receive")
    assert "may not open" in sized.inner_text("#page")

"""The label printing page in a real Chromium: preview, a PDF sheet that reads back, ZPL on a
phone-sized screen, and what a picker may print."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.labels import LAYOUTS
from tests.core.labels.scan import crop, rasterise, read_code128, read_qr
from tests.web.browser.conftest import checked_tab, sign_in
from tests.web.browser.server import LiveServer
from web.i18n import translations

PHONE = {"width": 390, "height": 844}


def demo_get(server: LiveServer, path: str, **params: Any) -> Any:
    """GET the demo's API as its manager."""
    token = httpx.post(f"{server.url}/api/auth/token",
                       data={"username": "manager", "password": "facet-demo"}).json()
    answer = httpx.get(server.url + path, params=params,
                       headers={"Authorization": f"Bearer {token['access_token']}"})
    answer.raise_for_status()
    return answer.json()


@pytest.fixture
def phone(browser: Any, server: LiveServer) -> Iterator[Any]:
    """A page at a handheld's size, failing on console errors as the ``page`` fixture does."""
    with checked_tab(browser, viewport=PHONE) as tab:
        yield tab


def sideways(tab: Any) -> int:
    """How far the page scrolls sideways (0 when it fits)."""
    return int(tab.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def _lot_of_several_pieces(server: LiveServer) -> str:
    """The newest lot with at least four piece labels (other tests receive lots of two)."""
    token = httpx.post(f"{server.url}/api/auth/token",
                       data={"username": "manager", "password": "facet-demo"}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    for lot in demo_get(server, "/api/lots", limit=50)["items"]:
        body = {"kind": "piece", "lot": lot["code"], "format": "pdf", "layout": "a4-24"}
        answer = httpx.post(f"{server.url}/api/labels/preview", json=body, headers=headers)
        if answer.status_code == 200 and answer.json()["count"] >= 4:
            return str(lot["code"])
    raise AssertionError("no lot of the demo has four pieces")


def test_a_lot_as_an_a4_sheet_previews_and_reads_back(page: Any, server: LiveServer,
                                                      shots: Path, tmp_path: Path) -> None:
    lot = _lot_of_several_pieces(server)
    sign_in(page, server, "manager", "/labels")
    page.wait_for_selector("#labels-page")
    page.check("#lp-by input[value='lot']")
    page.fill("#lp-value", lot)
    page.click("#lp-preview")
    page.wait_for_selector("#lp-count")
    count = int(page.inner_text("#lp-count").split()[0])
    assert count >= 4 and page.locator("#lp-sheet img.lp-label").count() == min(count, 6)
    first = page.locator("#lp-sheet figcaption").first.inner_text()
    assert sideways(page) <= 0
    page.screenshot(path=str(shots / "labels.png"), full_page=True)
    with page.expect_download() as got:
        page.click("#lp-go")
    page.wait_for_selector("#lp-msg .msg-ok")
    assert got.value.suggested_filename == "facet-piece-labels-a4-24.pdf"
    pdf = Path(got.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    label = crop(rasterise(pdf, tmp_path), LAYOUTS["a4-24"], 0)
    assert read_qr(label) == f"FACET:S:{first}" and read_code128(label) == first


def test_bins_as_zpl_on_a_phone(phone: Any, server: LiveServer, shots: Path) -> None:
    bins = demo_get(server, "/api/locations", tier="bin", kind="pick_face", limit=1)["items"]
    prefix = bins[0]["code"][:3]
    sign_in(phone, server, "clerk", "/labels")
    phone.check("#lp-kind input[value='location']")
    phone.check("#lp-by input[value='prefix']")
    phone.fill("#lp-value", prefix)
    phone.check("#lp-format input[value='zpl']")
    phone.wait_for_selector("#lp-dpi-box:not([hidden])")
    phone.click("#lp-dpi")
    phone.get_by_role("option", name="300 dpi", exact=True).click()
    phone.click("#lp-preview")
    phone.wait_for_selector("#lp-count")
    assert "roll" in phone.inner_text("#lp-count")
    assert sideways(phone) <= 0
    phone.screenshot(path=str(shots / "labels-phone.png"), full_page=True)
    with phone.expect_download() as got:
        phone.click("#lp-go")
    assert got.value.suggested_filename.endswith("-300dpi.zpl")
    zpl = Path(got.value.path()).read_text()
    count = int(phone.inner_text("#lp-count").split()[0])
    assert zpl.count("^XA") == count and f"^FDMA,FACET:L:{prefix}" in zpl


def test_a_picker_prints_pieces_and_sees_why_a_list_is_refused(page: Any,
                                                               server: LiveServer) -> None:
    sign_in(page, server, "picker", "/labels")
    page.wait_for_selector("#labels-page")
    assert page.locator("#lp-kind input[value='location']").count() == 0
    page.fill("#lp-codes", "NO-SUCH-PIECE\nFACET:S:ALSO-MISSING")
    page.click("#lp-preview")
    page.wait_for_selector("#lp-msg .msg-error")
    message = page.inner_text("#lp-msg")
    assert "NO-SUCH-PIECE, ALSO-MISSING" in message and "unknown-codes" in message


def test_the_page_in_chinese(page: Any, server: LiveServer, shots: Path) -> None:
    zh = translations("zh")
    sku = demo_get(server, "/api/skus", limit=1)["items"][0]["code"]
    page.context.add_cookies([{"name": "facet_lang", "value": "zh", "url": server.url}])
    sign_in(page, server, "manager", "/labels")
    page.wait_for_selector("#labels-page")
    for english in ("What to print", "Print on", "Preview", "Download"):
        assert zh.gettext(english) != english
        assert zh.gettext(english) in page.inner_text("#labels-page")
    page.check("#lp-by input[value='sku']")
    page.fill("#lp-value", sku)
    page.click("#lp-preview")
    page.wait_for_selector("#lp-sheet img.lp-label")
    page.screenshot(path=str(shots / "labels-zh.png"), full_page=True)

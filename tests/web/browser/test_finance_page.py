"""The finance page in a real Chromium: the register with totals, one document opened by a
click, downloads, a phone's width, and roles without finance:read."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from tests.web.browser.conftest import checked_tab, sign_in
from tests.web.browser.server import LiveServer


def choose_kind(page: Any, label: str) -> None:
    """Pick a kind in the dropdown (its options open in a popover outside the control)."""
    page.click("#fin-kind")
    page.get_by_role("option", name=label, exact=True).click()


def test_finance_register_document_and_downloads(page: Any, server: LiveServer) -> None:
    sign_in(page, server, "auditor", "/finance")
    page.wait_for_selector("#fin-grid .ag-row")
    assert "documents:" in page.locator("#fin-totals").inner_text()
    choose_kind(page, "Issues (shipments)")
    page.wait_for_selector("#fin-totals >> text=sale value")
    page.wait_for_selector("#fin-grid .ag-row[row-index='0'] >> text=SHP-")
    with page.expect_download() as got:
        page.click("#fin-csv")
    rows = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text())))
    assert rows[-1]["document"] == "TOTAL" and rows[0]["document"].startswith("SHP-")
    assert got.value.suggested_filename == "issues.csv"
    page.click("#fin-grid .ag-row[row-index='0'] .ag-cell[col-id='number']")
    page.wait_for_selector("#fin-doc-body #fin-lines .ag-row")
    number = page.locator("#fin-number").input_value()
    assert number.startswith("SHP-")
    assert "sale value" in page.locator("#fin-doc-body").inner_text()
    with page.expect_download() as got:
        page.click("#fin-doc-pdf")
    assert Path(got.value.path()).read_bytes().startswith(b"%PDF")
    assert got.value.suggested_filename == f"{number}.pdf"
    page.fill("#fin-number", "RCV-999999")
    page.press("#fin-number", "Enter")
    page.wait_for_selector("#fin-doc .msg")


def test_finance_page_on_a_phone_and_for_other_roles(browser: Any, server: LiveServer) -> None:
    with checked_tab(browser, viewport={"width": 390, "height": 844}) as tab:
        sign_in(tab, server, "auditor", "/finance")
        tab.wait_for_selector("#fin-grid .ag-row")
        width = tab.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    with checked_tab(browser, viewport={"width": 1400, "height": 900}) as tab:
        sign_in(tab, server, "picker")
        assert tab.locator("#nav-finance").count() == 0

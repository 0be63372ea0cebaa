"""The reports page in a real Chromium: a report as a table and a chart, filters, exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from tests.web.browser.conftest import sign_in
from tests.web.browser.server import LiveServer


def choose(page: Any, title: str) -> None:
    """Pick a report in the dropdown (its options open in a popover outside the control)."""
    page.click("#rp-name")
    page.get_by_role("option", name=title, exact=True).click()


def test_reports_page_shows_filters_and_exports(page: Any, server: LiveServer,
                                                shots: Path) -> None:
    sign_in(page, server, "manager", "/reports")
    page.wait_for_selector("#reports-page #rp-rows")
    page.wait_for_selector("#rp-chart .main-svg .bars")
    assert "rows" in page.locator("#rp-about").inner_text()
    page.screenshot(path=str(shots / "reports.png"), full_page=True)
    choose(page, "Stock ageing")
    page.wait_for_selector("#rp-rows >> text=over a year")
    with page.expect_download() as got:
        page.click("#rp-csv")
    text = Path(got.value.path()).read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["age"] for r in rows][0] == "0-30 days" and len(rows) == 5
    page.fill("#rp-supplier", "NO-SUCH-SUPPLIER")
    page.press("#rp-supplier", "Enter")
    choose(page, "Best sellers")
    page.click("#rp-run")
    page.wait_for_selector("#rp-table >> text=No rows for this selection.")


def test_reports_page_is_for_office_roles(page: Any, server: LiveServer) -> None:
    sign_in(page, server, "picker")
    assert page.locator("#nav-reports").count() == 0

"""The Import tab of the Inventory page in a real headless Chromium: a file with a bad row is
checked and its row listed (nothing imported); the fixed file is checked, then imported; the
tab fits a phone."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.web.browser.conftest import checked_tab, sign_in
from tests.web.browser.server import LiveServer

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
HEADER = "style,name,category,sku,metal,purity,gross_weight_g,net_weight_g,price\n"


def _file(tmp: Path, tag: str, bad: bool) -> Path:
    rows = [
        f"WB-{tag},Web import {tag},ring,WB-{tag}-{n},gold,Au750,3.5,"
        f"{'9.9' if bad and n == 3 else '3.1'},1200.00\n"
        for n in range(1, 6)
    ]
    path = tmp / f"catalogue-{'bad' if bad else 'good'}.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _open(tab: Any, server: LiveServer) -> None:
    sign_in(tab, server, "manager", "/inventory")
    tab.locator("#page .tab", has_text="Import").first.click()
    tab.wait_for_selector("#imp-check")


def test_check_then_import_from_the_page(
    page: Any, server: LiveServer, tmp_path: Path, shots: Path
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    _open(page, server)
    page.set_input_files("#imp-file input[type=file]", str(_file(tmp_path, tag, bad=True)))
    page.click("#imp-check")
    page.wait_for_selector("#imp-msg .msg-error >> text=1 rejected")
    row = page.locator("#imp-grid .ag-center-cols-container .ag-row").first
    row.wait_for()
    assert "net-over-gross" in row.inner_text() and "4" in row.inner_text()
    assert page.is_disabled("#imp-run")

    page.set_input_files("#imp-file input[type=file]", str(_file(tmp_path, tag, bad=False)))
    page.wait_for_selector("#imp-file-name >> text=catalogue-good.csv")
    page.click("#imp-check")
    page.wait_for_selector("#imp-msg .msg-ok >> text=import it")
    page.click("#imp-run")
    page.wait_for_selector("#imp-msg .msg-ok >> text=5 rows imported")
    with httpx.Client(base_url=server.url, timeout=30) as http:
        token = http.post("/api/auth/token", data={"username": "manager", "password": "facet-demo"})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        found = http.get("/api/skus", params={"q": f"WB-{tag}-"}, headers=headers).json()
    assert found["total"] == 5
    page.screenshot(path=str(shots / "imports.png"), full_page=True)


def test_the_import_tab_fits_a_phone_in_chinese(browser: Any, server: LiveServer) -> None:
    with checked_tab(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ) as tab:
        tab.context.add_cookies([{"name": "facet_lang", "value": "zh", "url": server.url}])
        sign_in(tab, server, "manager", "/inventory")
        tab.locator("#page .tab", has_text="导入").first.click()
        tab.wait_for_selector("#imp-check >> text=检查文件")
        assert "即使有行被拒" in tab.inner_text("#page")
        assert tab.evaluate(OVERFLOW) <= 0

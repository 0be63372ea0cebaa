"""The Certificates tab in a real Chromium: the demo's register, a refused registration with
its code, a recall preview by certificate batch, on a 390 px phone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.api_deps import context_of
from core.certificates.models import Certificate
from tests.web.browser.conftest import checked_tab, sign_in
from tests.web.browser.server import LiveServer


def _a_batch(server: LiveServer) -> str:
    with context_of(server.app).db.read() as session:
        batch = session.scalar(select(Certificate.batch).where(Certificate.batch.is_not(None))
                               .order_by(Certificate.id).limit(1))
    assert batch, "the demo files certificates with batches"
    return str(batch)


def test_certificates_tab_on_a_phone(browser: Any, server: LiveServer) -> None:
    batch = _a_batch(server)
    with checked_tab(browser, viewport={"width": 390, "height": 844}) as tab:
        sign_in(tab, server, "manager", "/inventory")
        tab.wait_for_selector("#inventory-page")
        tab.click("#certificates-tab")
        tab.click("#crt-go")
        tab.wait_for_selector("#crt-grid .ag-row")
        tab.fill("#crt-new-number", "12AB")
        tab.fill("#crt-new-serial", "FC0000001")
        tab.click("#crt-new-go")
        tab.wait_for_selector("#crt-new-msg .msg-error >> text=invalid-certificate-number")
        tab.fill("#crt-rcl-value", batch)
        tab.click("#crt-rcl-preview")
        tab.wait_for_selector("#crt-rcl-summary")
        assert "pieces" in tab.locator("#crt-rcl-summary").inner_text()
        tab.wait_for_selector("#crt-rcl-grid .ag-row")
        width = tab.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide on a 390 px phone"

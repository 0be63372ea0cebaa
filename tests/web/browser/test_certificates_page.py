"""The Certificates tab in a real Chromium: a piece's certificate on the Find tab, the demo's
register, a refused registration with its code, a recall preview by certificate batch, on a
390 px phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.api_deps import context_of
from core.certificates.models import Certificate
from core.lots.models import Serial
from tests.web.browser.conftest import checked_tab, sign_in
from tests.web.browser.server import LiveServer


def _a_certificate(server: LiveServer) -> tuple[str, str, str]:
    """The batch, number and piece of the demo's first certificate."""
    with context_of(server.app).db.read() as session:
        row = session.execute(
            select(Certificate.batch, Certificate.number, Serial.code)
            .join(Serial, Serial.id == Certificate.serial_id)
            .where(Certificate.batch.is_not(None)).order_by(Certificate.id).limit(1)).one()
    return str(row[0]), str(row[1]), str(row[2])


def test_certificates_tab_on_a_phone(browser: Any, server: LiveServer, shots: Path) -> None:
    batch, number, piece = _a_certificate(server)
    with checked_tab(browser, viewport={"width": 390, "height": 844}) as tab:
        sign_in(tab, server, "manager", "/inventory")
        tab.wait_for_selector("#inventory-page")
        tab.fill("#inv-q", piece)
        tab.click("#inv-go")
        tab.wait_for_selector(f"#inv-marks >> text={number}")
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
        tab.screenshot(path=str(shots / "certificates-phone.png"), full_page=True)
        width = tab.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide on a 390 px phone"

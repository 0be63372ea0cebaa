"""The returns page in a real Chromium: a shipped piece comes back (open, receive, inspect,
refund reference), a phone's width, and a role without returns:write."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.api_deps import context_of
from core.documents.models import DocKind, Document, DocumentLine
from core.ledger.models import MoveSerial, StockMove
from core.locations.models import Location
from core.lots.models import Serial
from tests.web.browser.conftest import checked_tab, sign_in
from tests.web.browser.server import LiveServer


def _shipped_piece(server: LiveServer) -> tuple[int, str]:
    """An order shipped in the demo and a piece of it still with the customer."""
    with context_of(server.app).db.read() as session:
        row = session.execute(
            select(Document.order_id, Serial.code)
            .join(DocumentLine, DocumentLine.document_id == Document.id)
            .join(StockMove, StockMove.document_line_id == DocumentLine.id)
            .join(MoveSerial, MoveSerial.move_id == StockMove.id)
            .join(Serial, Serial.id == MoveSerial.serial_id)
            .join(Location, Location.id == Serial.location_id)
            .where(Document.kind == DocKind.SHIPMENT, Location.code == "V-CUSTOMER")
            .order_by(Document.id.desc())
            .limit(1)
        ).one()
    return int(row[0] or 0), str(row[1])


def test_a_shipped_piece_comes_back(page: Any, server: LiveServer) -> None:
    order_id, piece = _shipped_piece(server)
    sign_in(page, server, "manager", "/returns")
    page.wait_for_selector("#returns-page")
    page.fill("#ret-new-order", str(order_id))
    page.fill("#ret-new-reason", "尺码不对")  # free text: not a UI word in the Chinese walk
    page.fill("#ret-new-pieces", piece)
    page.click("#ret-create")
    page.wait_for_selector("#ret-msg .msg-ok")
    page.wait_for_selector("#ret-view[data-status='open']")
    assert piece in page.locator("#ret-view").inner_text()
    page.click("#ret-receive")
    page.wait_for_selector("#ret-view[data-status='received']")
    page.fill("#ret-inspect-text", f"{piece} melt")
    page.click("#ret-inspect")
    page.wait_for_selector("#ret-msg .msg-error >> text=unknown-disposition")
    page.fill("#ret-inspect-text", f"{piece} scrap")
    page.click("#ret-inspect")
    page.wait_for_selector("#ret-view[data-status='done']")
    page.fill("#ret-refund-ref", "TMALL-RF-1")
    page.click("#ret-refund")
    page.wait_for_selector("#ret-msg .msg-ok")
    page.wait_for_selector("#ret-grid .ag-row >> text=TMALL-RF-1")
    page.fill("#rts-lot", "NO-SUCH-LOT")
    page.check("#rts-whole input")
    page.click("#rts-create")
    page.wait_for_selector("#rts-msg .msg-error >> text=unknown-lot")


def test_returns_page_on_a_phone_and_for_a_picker(browser: Any, server: LiveServer) -> None:
    with checked_tab(browser, viewport={"width": 390, "height": 844}) as tab:
        sign_in(tab, server, "clerk", "/returns")
        tab.wait_for_selector("#returns-page #ret-new")
        width = tab.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    with checked_tab(browser, viewport={"width": 1400, "height": 900}) as tab:
        sign_in(tab, server, "picker")
        assert tab.locator("#nav-returns").count() == 0

"""The custody page in a real Chromium: a partner added, a demo piece out on memo and taken
back weighed, a refusal with its code, a phone's width, and a picker without the page."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.api_deps import context_of
from core.catalogue.models import Sku
from core.ledger.models import Balance
from core.locations.models import Location
from core.lots.models import Lot, Serial
from tests.web.browser.conftest import checked_tab, sign_in
from tests.web.browser.server import LiveServer


def _free_piece(server: LiveServer) -> tuple[str, str, float]:
    """A demo piece free in a pick-face bin: its code, its bin and the weight it should read."""
    with context_of(server.app).db.read() as session:
        row = session.execute(
            select(Serial.code, Location.code, Serial.gross_weight_g, Serial.weight_g,
                   Sku.gross_weight_g)
            .join(Location, Location.id == Serial.location_id)
            .join(Sku, Sku.id == Serial.sku_id)
            .join(Lot, Lot.id == Serial.lot_id)
            .join(Balance, (Balance.location_id == Serial.location_id)
                  & (Balance.sku_id == Serial.sku_id) & (Balance.lot_id == Serial.lot_id))
            .where(Location.kind == "pick_face", Lot.status == "approved",
                   Balance.on_hand - Balance.reserved > 0)
            .order_by(Serial.id.desc())
            .limit(1)
        ).one()
    code, bin_code, gross, weight, nominal = row
    own = gross if gross is not None else weight
    return str(code), str(bin_code), float(own if own is not None else nominal)


def test_a_piece_goes_out_on_memo_and_comes_back(page: Any, server: LiveServer,
                                                  shots: Path) -> None:
    piece, bin_code, grams = _free_piece(server)
    sign_in(page, server, "manager", "/custody")
    page.wait_for_selector("#custody-page")
    page.fill("#cus-p-code", "SHOPB")
    page.fill("#cus-p-name", "Boutique B")
    page.click("#cus-p-add")
    page.wait_for_selector("#cus-p-msg .msg-ok >> text=CUST-SHOPB")
    page.fill("#cus-new-partner", "NOBODY")
    page.fill("#cus-new-due", (date.today() + timedelta(days=7)).isoformat())
    page.fill("#cus-new-pieces", piece)
    page.click("#cus-create")
    page.wait_for_selector("#cus-msg .msg-error >> text=unknown-partner")
    page.fill("#cus-new-partner", "SHOPB")
    page.click("#cus-create")
    page.wait_for_selector("#cus-view[data-status='open']")
    assert piece in page.locator("#cus-view").inner_text()
    page.wait_for_selector("#cus-value .ag-row >> text=SHOPB · Boutique B")
    page.screenshot(path=str(shots / "custody.png"), full_page=True)
    page.fill("#cus-back-bin", bin_code)
    page.fill("#cus-back-pieces", f"{piece} {grams:.3f}")
    page.click("#cus-back")
    page.wait_for_selector("#cus-view[data-status='closed']")
    page.wait_for_selector("#cus-msg .msg-ok")


def test_custody_page_on_a_phone_and_for_a_picker(browser: Any, server: LiveServer) -> None:
    with checked_tab(browser, viewport={"width": 390, "height": 844}) as tab:
        sign_in(tab, server, "clerk", "/custody")
        tab.wait_for_selector("#custody-page #cus-new")
        width = tab.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    with checked_tab(browser, viewport={"width": 1400, "height": 900}) as tab:
        sign_in(tab, server, "picker")
        assert tab.locator("#nav-custody").count() == 0

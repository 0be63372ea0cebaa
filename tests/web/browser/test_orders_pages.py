"""The office pages for orders, waves and pick lists, and packing, in a real headless Chromium:
an order taken, allocated, put on a wave, assigned, picked (through the API, as a handheld
would), packed by scanning and shipped, with its shipment and ledger moves on the pages; each
role sees only what it may do; the pages fit a 390 px wide screen."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from core.catalogue.models import Sku
from core.locations.models import Location
from core.lots.models import Lot, Serial
from tests.web.browser.conftest import sign_in
from tests.web.browser.server import LiveServer
from web.services import services_of


class Client:
    """The REST API as one demo user."""

    def __init__(self, server: LiveServer, username: str) -> None:
        self.http = httpx.Client(base_url=server.url, timeout=30)
        token = self.http.post("/api/auth/token", data={"username": username,
                                                        "password": "facet-demo"}).json()
        self.http.headers["Authorization"] = f"Bearer {token['access_token']}"

    def get(self, path: str, **params: Any) -> Any:
        answer = self.http.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def post(self, path: str, body: Any = None) -> Any:
        answer = self.http.post(path, json=body)
        assert answer.status_code < 300, answer.text
        return answer.json()


def _free_sku(api: Client, *, not_at: frozenset[str] = frozenset()) -> str:
    """A serialised SKU with an approved piece free in a pick face (the demo's stock), and no
    stock at all in the bins ``not_at`` (allocation may take any bin of the SKU). The demo's
    stock depends on the day it is loaded, so the SKU is checked, not assumed: some days the
    first free stock is a chain sold by length."""
    rows = api.get("/api/stock", limit=500)["items"]
    # A SKU with any stock in ``not_at`` may be allocated from there: skip it whole.
    stocked_there = {row["sku"] for row in rows if row["location"] in not_at}
    for row in rows:
        if (row["location_kind"] == "pick_face" and row["lot_status"] == "approved"
                and row["available"] >= 1 and row["sku"] not in stocked_there
                and api.get(f"/api/skus/{row['sku']}")["serialised"]):
            return str(row["sku"])
    raise AssertionError("the demo has no free approved serialised stock in a pick face")


def _pieces_at(server: LiveServer, location: str, sku: str, lot: str) -> list[str]:
    """Serial codes of the pieces in a bin (what the picker sees on the shelf)."""
    with services_of(server.app).db.read() as session:
        return list(session.scalars(
            select(Serial.code).join(Location, Location.id == Serial.location_id)
            .join(Sku, Sku.id == Serial.sku_id).join(Lot, Lot.id == Serial.lot_id)
            .where(Location.code == location, Sku.code == sku, Lot.code == lot)
            .order_by(Serial.code)))


def _pick(server: LiveServer, api: Client, manager: Client, number: str) -> None:
    """Work a pick list as its picker does on a handheld: check digits and each piece."""
    for line in manager.get(f"/api/picklists/{number}")["lines"]:
        digits = manager.get(f"/api/locations/{line['from_location']}")["check_digits"]
        pieces = _pieces_at(server, line["from_location"], line["sku"], line["lot"])
        api.post(f"/api/picks/{line['id']}/confirm", {
            "quantity": line["quantity"], "serials": pieces[:line["quantity"]],
            "check_digits": digits})


def _switch(page: Any, server: LiveServer, username: str, path: str) -> None:
    """Sign out whoever is signed in and sign in as ``username`` at ``path``."""
    page.click("#signout")
    page.wait_for_selector("#signin-user")
    sign_in(page, server, username, path)


def _row(page: Any, grid: str, text: str) -> None:
    """Click the grid row that shows ``text`` (selecting it)."""
    cell = page.locator(f"#{grid} .ag-row .ag-cell", has_text=text).first
    cell.wait_for()
    cell.click()


def test_order_to_shipment_on_the_office_pages(page: Any, server: LiveServer,
                                              shots: Path) -> None:
    manager, picker = Client(server, "manager"), Client(server, "picker")
    sku, tag = _free_sku(manager), uuid.uuid4().hex[:6]
    channel, ext = f"c1-{tag}", f"WEB-{tag}"

    sign_in(page, server, "clerk", "/orders")
    page.fill("#ord-new-channel", channel)
    page.fill("#ord-new-ext", ext)
    page.fill("#ord-new-customer", "Ada Lovelace")
    page.fill("#ord-new-lines", f"{sku} 1")
    page.click("#ord-create")
    page.wait_for_selector(f"#ord-msg .msg-ok >> text={ext}")
    page.wait_for_selector("#ord-view[data-status='open']")
    assert "Ada Lovelace" in page.locator("#ord-head").inner_text()
    page.click("#ord-allocate")
    page.wait_for_selector("#ord-view[data-status='allocated']")
    assert page.locator("#ord-view", has_text="Reservations").count() == 1
    order_id = manager.get("/api/orders", q=ext)["items"][0]["id"]
    page.fill("#ord-q", ext)
    page.press("#ord-q", "Enter")
    _row(page, "ord-grid", ext)
    page.screenshot(path=str(shots / "orders.png"), full_page=True)

    _switch(page, server, "manager", "/picking")
    page.fill("#pk-wave", "1")
    page.fill("#pk-channel", channel)
    page.fill("#pk-picker", "clerk")
    page.click("#pk-create")
    page.wait_for_selector("#pk-msg .msg-ok")
    number = manager.get(f"/api/orders/{order_id}/trail")["picks"][0]["pick_list"]
    page.wait_for_selector(f"#pk-view >> text=Pick list {number}")
    assert "clerk" in page.locator("#pk-head").inner_text()
    page.fill("#pk-assign-to", "picker")
    page.click("#pk-assign")
    page.wait_for_selector("#pk-head >> text=picker: picker")
    page.click("#pk-unassign")
    page.wait_for_selector("#pk-head >> text=nobody yet")
    page.fill("#pk-assign-to", "picker")
    page.click("#pk-assign")
    page.wait_for_selector("#pk-head >> text=picker: picker")

    _pick(server, picker, manager, number)  # on the floor, by the picker
    page.click("#pk-refresh")  # the list is done now: its lines show who picked them, when
    page.wait_for_selector("#pk-head >> text=done")
    assert page.locator("#pk-view td", has_text="picker").count() >= 1
    page.screenshot(path=str(shots / "picking.png"), full_page=True)

    _switch(page, server, "clerk", f"/packing?order={order_id}")
    page.wait_for_selector("#pa-result[data-state='incomplete']")
    page.fill("#pa-scan", "FACET:L:NOT-A-PIECE")
    page.press("#pa-scan", "Enter")
    page.wait_for_selector("#pa-result .pa-extra >> text=not a piece")
    page.click("#pa-undo")
    page.wait_for_selector("#pa-result .pa-extra", state="hidden")
    piece = manager.get(f"/api/orders/{order_id}/trail")["picks"][0]["line"]
    expected = [p["serial"] for p in manager.post(f"/api/orders/{order_id}/packing/check",
                                                  {"pieces": []})["expected"]]
    assert piece["done_quantity"] == len(expected) == 1
    page.fill("#pa-scan", f"FACET:S:{expected[0]}")
    page.press("#pa-scan", "Enter")
    page.wait_for_selector("#pa-result[data-state='complete']")
    page.fill("#pa-parcels", "1")
    page.fill("#pa-weight", "0.2")
    page.fill("#pa-carrier", "SF Express")
    page.fill("#pa-tracking", f"SF{tag}")
    page.click("#pa-ship")
    page.wait_for_selector("#pa-shipment")
    shipment = page.get_attribute("#pa-shipment", "data-number")
    assert page.locator("#pa-shipment td", has_text="V-CUSTOMER").count() >= 1
    page.screenshot(path=str(shots / "packing.png"), full_page=True)
    moves = manager.get("/api/moves", document=shipment)["items"]
    assert [(m["sku"], m["to_location"], m["quantity"]) for m in moves] == [
        (sku, "V-CUSTOMER", 1)]
    history = manager.get(f"/api/serials/{expected[0]}/history")["moves"]
    assert [m["document"] for m in history if m["to_location"] == "V-CUSTOMER"] == [shipment]

    page.goto(server.url + "/orders")
    page.fill("#ord-q", ext)
    page.press("#ord-q", "Enter")
    _row(page, "ord-grid", ext)
    page.wait_for_selector("#ord-view[data-status='shipped']")
    assert page.locator("#ord-view td", has_text=str(shipment)).count() == 1
    assert page.locator("#ord-view td", has_text=f"SF{tag}").count() == 1


def test_refusals_are_shown_and_cancel_asks_first(page: Any, server: LiveServer) -> None:
    manager = Client(server, "manager")
    sku, tag = _free_sku(manager), uuid.uuid4().hex[:6]
    sign_in(page, server, "clerk", "/orders")
    page.fill("#ord-new-ext", f"BAD-{tag}")
    page.fill("#ord-new-customer", "Ada Lovelace")
    page.fill("#ord-new-lines", "NO-SUCH-SKU 1")
    page.click("#ord-create")
    page.wait_for_selector("#ord-msg .msg-error >> text=unknown-sku")
    page.fill("#ord-new-lines", f"{sku} two")
    page.click("#ord-create")
    page.wait_for_selector("#ord-msg .msg-error >> text=bad-line")
    page.fill("#ord-new-ext", f"CXL-{tag}")
    page.fill("#ord-new-lines", f"{sku} 1")
    page.click("#ord-create")
    page.wait_for_selector("#ord-view[data-status='open']")
    page.click("#ord-allocate")
    page.wait_for_selector("#ord-view[data-status='allocated']")
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("#ord-cancel")
    for _ in range(150):  # the dialog opens after the server's answer
        if asked:
            break
        page.wait_for_timeout(100)
    assert asked and "cannot be undone" in asked[0]
    assert page.locator("#ord-view[data-status='allocated']").count() == 1  # dismissed: kept
    page.once("dialog", lambda d: d.accept())
    page.click("#ord-cancel")
    page.wait_for_selector("#ord-view[data-status='cancelled']")
    order = manager.get("/api/orders", q=f"CXL-{tag}")["items"][0]
    assert order["status"] == "cancelled" and order["lines"][0]["reserved_quantity"] == 0


def _open_list(manager: Client) -> str:
    """A pick list of a fresh allocated order, open and unassigned."""
    tag = uuid.uuid4().hex[:6]
    made = manager.post("/api/orders", {"channel": f"r-{tag}", "external_id": f"R-{tag}",
                                        "customer_name": "Ada Lovelace",
                                        "lines": [{"sku": _free_sku(manager), "quantity": 1}]})
    manager.post(f"/api/orders/{made['id']}/allocate")
    return str(manager.post("/api/picklists", {"order_ids": [made["id"]]})["number"])


def test_roles_see_only_what_they_may_do(page: Any, server: LiveServer) -> None:
    number = _open_list(Client(server, "manager"))
    sign_in(page, server, "clerk", "/picking")
    _row(page, "pk-grid", number)
    page.wait_for_selector(f"#pk-view >> text=Pick list {number}")
    assert page.locator("#pk-assign-row").is_hidden()  # only supervisors give lists out
    assert page.locator("#pk-view", has_text="Wrong picks caught").count() == 0
    _switch(page, server, "picker", "/orders")
    page.wait_for_selector("#orders-page")
    assert page.locator("#ord-new").is_hidden()
    assert page.locator("#nav-packing").count() == 0
    page.goto(server.url + "/packing")
    page.wait_for_selector("text=may not open Packing")
    page.goto(server.url + "/picking")
    page.wait_for_selector("#picking-page")
    assert page.locator("#pk-new").is_visible()  # pickers may make their own lists

    _switch(page, server, "auditor", "/picking")
    page.wait_for_selector("#picking-page")
    assert page.locator("#pk-new").is_hidden()
    _row(page, "pk-grid", number)
    page.wait_for_selector("#pk-view >> text=Wrong picks caught")  # auditors read them
    assert page.locator("#pk-assign-row").is_hidden()
    page.goto(server.url + "/orders")
    page.wait_for_selector("#ord-grid .ag-row")
    assert page.locator("#ord-new").is_hidden()
    page.locator("#ord-grid .ag-row .ag-cell").first.click()
    page.wait_for_selector("#ord-view")
    assert page.locator("#ord-allocate").is_hidden() and page.locator("#ord-cancel").is_hidden()

    _switch(page, server, "security", "/orders")
    page.wait_for_selector("#ord-grid .ag-row")
    hidden = page.locator("#ord-grid .ag-cell[col-id='customer']").all_inner_texts()
    assert hidden and all("hidden" in c for c in hidden)


def test_pages_fit_a_phone(browser: Any, server: LiveServer, shots: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    try:
        sign_in(tab, server, "manager", "/orders")
        for path, ready in (("/orders", "#ord-grid .ag-row"), ("/picking", "#pk-new"),
                            ("/packing", "#pa-check .msg")):
            tab.goto(server.url + path)
            tab.wait_for_selector(ready)
            wide = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert wide <= 0, f"{path} scrolls sideways by {wide} px at 390 px"
        tab.goto(server.url + "/orders")
        tab.locator("#ord-grid .ag-row .ag-cell").first.click()
        tab.wait_for_selector("#ord-view")  # the detail's wide tables scroll in their box
        wide = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"an order's detail scrolls sideways by {wide} px at 390 px"
        tab.screenshot(path=str(shots / "orders-phone.png"), full_page=True)
    finally:
        context.close()

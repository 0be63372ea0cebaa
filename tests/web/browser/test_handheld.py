"""The handheld screens at a phone's size (390 x 844), driven by scans only.

A scanner in keyboard-wedge mode types the label's text and Enter into the focused field; the
tests do the same with ``#hh-scan``. What the scans posted is checked through the API: the
ledger moves of each piece (``/api/serials/{code}/history``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.browser.conftest import checked_tab, sign_in
from tests.web.browser.server import LiveServer
from web.pages.handheld.texts import TEXTS

PHONE = {"width": 390, "height": 844}
SUPPLIER = "VALENZA"


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A fresh phone-sized tab with touch; fails the test on any console error."""
    # The dropped-connection test aborts answers on purpose: the browser reports those.
    with checked_tab(browser, timeout_ms=20_000, allowed=("Failed to load resource",),
                     viewport=PHONE, is_mobile=True, has_touch=True) as tab:
        yield tab


def api(server: LiveServer, user: str) -> httpx.Client:
    """An API client signed in as ``user``."""
    token = httpx.post(server.url + "/api/auth/token",
                       data={"username": user, "password": "facet-demo"}).json()["access_token"]
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"},
                        timeout=30)


def signed_in(tab: Any, server: LiveServer, user: str, path: str) -> None:
    """Sign in as ``user`` at ``path``, signing out whoever used the tab before."""
    tab.goto(server.url + "/")
    tab.evaluate("window.sessionStorage.clear()")
    sign_in(tab, server, user, path)


def scan(tab: Any, code: str) -> None:
    """What a wedge scanner does: type the code into the focused scan field, then Enter."""
    field = tab.locator("#hh-scan")
    field.wait_for()
    field.fill(code)
    field.press("Enter")


def done(tab: Any, text: str) -> None:
    """Wait until the screen's log reports a posting containing ``text``."""
    tab.wait_for_selector(f"#hh-log li.hh-ok:has-text('{text}')")


def history(http: httpx.Client, serial: str) -> list[tuple[str, str, str]]:
    """A piece's moves as (document kind, from, to)."""
    moves = http.get(f"/api/serials/{serial}/history").json()["moves"]
    return [(m["document_kind"], m["from_location"], m["to_location"]) for m in moves]


def empty_bins(http: httpx.Client, n: int) -> list[str]:
    """``n`` ordinary bins holding nothing (so a count of them expects only what a test puts)."""
    bins = http.get("/api/locations", params={"tier": "bin", "limit": 500}).json()["items"]
    found: list[str] = []
    for loc in reversed(bins):
        if loc["kind"] not in ("storage", "pick_face") or loc["security_level"] > 1:
            continue
        if not http.get("/api/locate", params={"q": loc["code"]}).json()["rows"]:
            found.append(loc["code"])
        if len(found) == n:
            return found
    raise AssertionError("the demo has no empty bins left")


def serialised_po_line(http: httpx.Client) -> tuple[str, dict[str, Any]]:
    """An open purchase order and a line of it still on order for 2+ serialised pieces."""
    for status in ("open", "partly_received"):
        for po in http.get("/api/purchase-orders", params={"status": status}).json()["items"]:
            for line in po["lines"]:
                serialised = http.get(f"/api/skus/{line['sku']}").json()["serialised"]
                if line["on_order"] >= 2 and serialised:
                    return po["number"], line
    raise AssertionError("no purchase order waits for serialised pieces")


def stocked_piece(server: LiveServer, bin_code: str, *, epc: str | None = None) -> str:
    """A new approved piece put away at ``bin_code`` through the API; its serial code."""
    tag = uuid.uuid4().hex[:8].upper()
    serial, lot = f"HT{tag}", f"HT-{tag}"
    with api(server, "admin") as http:
        _, line = serialised_po_line(http)
        piece = {"code": serial, **({"epc": epc} if epc else {})}
        receipt = http.post("/api/receipts", json={
            "supplier": SUPPLIER, "lots": [{"code": lot, "purchase_date": "2026-11-30"}],
            "lines": [{"sku": line["sku"], "lot": lot, "quantity": 1, "serials": [piece]}]})
        assert receipt.status_code == 201, receipt.text
        assert http.post("/api/qc", json={"lot": lot, "result": "pass"}).status_code == 201
        quarantine = receipt.json()["lines"][0]["to_location"]
        moved = http.post("/api/putaways", json={"lines": [{
            "sku": line["sku"], "lot": lot, "quantity": 1, "from_location": quarantine,
            "to_location": bin_code, "serials": [serial]}]})
        assert moved.status_code == 201, moved.text
    return serial


def test_receive_putaway_pick_count_by_scans_only(phone: Any, server: LiveServer) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    first, second, lot = f"HH{tag}1", f"HH{tag}2", f"HH-{tag}"
    epc = uuid.uuid4().hex[:24].upper()
    with api(server, "admin") as http:
        po, line = serialised_po_line(http)
        (bin_code,) = empty_bins(http, 1)

    # Receive against the purchase order: a plain code with its RFID tag paired, and a
    # pre-printed label's QR.
    sign_in(phone, server, "clerk", "/hh/receive")
    phone.click(f"[data-po='{po}']")
    phone.click(f"#hh-lines li[data-line='{line['line_no']}']")
    phone.fill("#hh-lot", lot)
    scan(phone, first)
    phone.wait_for_selector(f"#hh-lines small:has-text('{first}')")
    phone.click("#hh-tag")
    scan(phone, epc.lower())
    phone.wait_for_selector(f"#hh-lines small:has-text('{epc.lower()}')")
    scan(phone, f"FACET:S:{second}")
    phone.wait_for_selector(f"#hh-lines li[data-line='{line['line_no']}'] >> text=2 scanned")
    phone.click("#hh-submit")
    done(phone, "Received 2")
    with api(server, "qc") as http:
        assert http.post("/api/qc", json={"lot": lot, "result": "pass"}).status_code == 201

    # Put away: both pieces (by the tag and a QR), the slotting suggestion shown, the bin's QR.
    signed_in(phone, server, "picker", "/hh/putaway")
    scan(phone, epc)
    scan(phone, f"FACET:S:{second}")
    phone.wait_for_selector("#hh-pieces li >> nth=1")
    phone.wait_for_selector("#hh-suggest h4")
    scan(phone, f"FACET:L:{bin_code}")
    done(phone, f"Put away 2 to {bin_code}")

    # Pick one of them for an order that names the new lot.
    with api(server, "manager") as http:
        order = http.post("/api/orders", json={
            "channel": "web", "external_id": f"HH-{tag}", "customer_name": "Lin Mei",
            "removal_strategy": "named_lot",
            "lines": [{"sku": line["sku"], "quantity": 1, "lot": lot}]}).json()
        assert http.post(f"/api/orders/{order['id']}/allocate").json()["complete"]
        plist = http.post("/api/picklists", json={"order_ids": [order["id"]],
                                                  "picker": "picker"}).json()
    phone.goto(server.url + "/hh/pick")
    choice = f"[data-list='{plist['number']}']"
    phone.wait_for_selector(f"{choice}, #hh-bin")
    if phone.locator(choice).count():  # the picker has other lists too: choose this one
        phone.click(choice)
    phone.wait_for_selector(f"#hh-bin:has-text('{bin_code}')")
    scan(phone, f"FACET:L:{bin_code}")
    scan(phone, first)
    done(phone, f"Picked 1 × {line['sku']} from {bin_code}")

    # Count the bin blind: the piece left in it is found, so the count closes with no moves.
    phone.goto(server.url + "/hh/count")
    scan(phone, f"FACET:L:{bin_code}")
    phone.wait_for_selector("#hh-lines li")
    scan(phone, second)
    phone.wait_for_selector(f"#hh-pieces li[data-serial='{second}']")
    phone.click("#hh-submit")
    done(phone, "is closed")

    with api(server, "admin") as http:
        packing = plist["lines"][0]["to_location"]
        one, two = history(http, first), history(http, second)
        quarantine = one[0][2]
        assert one == [("receipt", "V-SUPPLIER", quarantine), ("putaway", quarantine, bin_code),
                       ("pick", bin_code, packing)]
        assert two == [("receipt", "V-SUPPLIER", quarantine), ("putaway", quarantine, bin_code)]
        assert http.get(f"/api/serials/{first}").json()["epc"] == epc  # kept upper-case
        received = http.get(f"/api/purchase-orders/{po}").json()["lines"]
        assert next(x for x in received if x["line_no"] == line["line_no"])[
            "received_quantity"] == line["received_quantity"] + 2


def test_location_qr_and_epc_are_accepted(phone: Any, server: LiveServer) -> None:
    epc = uuid.uuid4().hex[:24].upper()
    with api(server, "admin") as http:
        start, target = empty_bins(http, 2)
    serial = stocked_piece(server, start, epc=epc)

    # Put away by the RFID tag (as a reader types it, lower case) to a bin's QR.
    sign_in(phone, server, "picker", "/hh/putaway")
    scan(phone, epc.lower())
    phone.wait_for_selector(f"#hh-pieces li[data-serial='{serial}']")
    scan(phone, f"FACET:L:{target}")
    done(phone, f"Put away 1 to {target}")

    # Count the bin by its plain code and the reader's EPC list.
    phone.goto(server.url + "/hh/count")
    scan(phone, target)
    phone.wait_for_selector("#hh-epcs")
    phone.fill("#hh-epcs", epc)
    phone.click("#hh-add-epcs")
    phone.wait_for_selector(f"#hh-pieces li[data-epc='{epc}']")
    phone.click("#hh-submit")
    done(phone, "is closed")
    # A piece's QR where a bin is wanted is refused by name, nothing posted.
    scan(phone, f"FACET:S:{serial}")
    phone.wait_for_selector("#hh-prompt.bad")

    with api(server, "admin") as http:
        assert [m[0] for m in history(http, serial)] == ["receipt", "putaway", "putaway"]
        assert history(http, serial)[-1][1:] == (start, target)


def test_a_scan_retried_after_a_dropped_connection_posts_once(
    phone: Any, server: LiveServer
) -> None:
    with api(server, "admin") as http:
        start, target = empty_bins(http, 2)
    serial = stocked_piece(server, start)
    sign_in(phone, server, "clerk", "/hh/transfer")
    scan(phone, serial)
    phone.wait_for_selector(f"#hh-pieces li[data-serial='{serial}']")

    keys: list[str] = []

    def drop_the_answer(route: Any) -> None:
        keys.append(route.request.headers.get("idempotency-key", ""))
        if len(keys) <= 2:
            route.fetch()  # the server gets the request and posts the transfer...
            route.abort("connectionreset")  # ...and the answer is lost on the way back
        else:
            route.continue_()

    phone.route("**/api/transfers", drop_the_answer)
    scan(phone, f"FACET:L:{target}")
    phone.wait_for_selector("#hh-net.off")  # the page says it cannot reach the server
    phone.wait_for_selector("#hh-queue[data-waiting='1']")
    done(phone, f"Moved 1 to {target}")
    phone.wait_for_selector("#hh-queue[data-waiting='0']", state="attached")
    phone.wait_for_selector("#hh-net.on")

    assert len(keys) == 3 and len(set(keys)) == 1 and keys[0]
    with api(server, "admin") as http:
        assert [m[0] for m in history(http, serial)] == ["receipt", "putaway", "transfer"]
        assert history(http, serial)[-1][1:] == (start, target)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_screenshots(browser: Any, server: LiveServer, shots: Path, lang: str) -> None:
    """The README's pictures of each screen at work (the screens post nothing here)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": "facet_lang", "value": lang, "url": server.url}])
    tab = context.new_page()
    tab.set_default_timeout(20_000)

    def shot(page: str) -> None:
        tab.wait_for_selector("#hh-prompt:not(:empty)")
        tab.wait_for_timeout(500)
        tab.screenshot(path=str(shots / f"handheld-{page}-{lang}.png"))
        # At work, too, the screen is no wider than the phone.
        assert tab.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    try:
        with api(server, "admin") as http:
            po, line = serialised_po_line(http)
            piece = stocked_piece(server, empty_bins(http, 1)[0])
        sign_in(tab, server, "picker")
        tab.wait_for_selector("#hh-go-pick")
        tab.screenshot(path=str(shots / f"handheld-menu-{lang}.png"))
        for page in ("pick", "count", "sign-on"):
            tab.goto(server.url + f"/hh/{page}")
            shot(page)
        tab.goto(server.url + "/hh/putaway")
        scan(tab, f"FACET:S:{piece}")
        tab.wait_for_selector("#hh-suggest h4")
        shot("putaway")
        signed_in(tab, server, "clerk", "/hh/receive")
        tab.click(f"[data-po='{po}']")
        tab.click(f"#hh-lines li[data-line='{line['line_no']}']")
        tab.fill("#hh-lot", "G-2412")
        scan(tab, "FC9000001")
        tab.wait_for_selector("#hh-lines li.active small:has-text('FC9000001')")
        shot("receive")
        tab.goto(server.url + "/hh/transfer")
        scan(tab, piece)
        tab.wait_for_selector(f"#hh-pieces li[data-serial='{piece}']")
        shot("transfer")
    finally:
        context.close()


def test_pick_skip_short_and_undo_by_scan(phone: Any, server: LiveServer) -> None:
    with api(server, "admin") as http:
        bins = empty_bins(http, 2)
    pieces = [stocked_piece(server, b) for b in bins]
    with api(server, "admin") as http:
        found = [http.get(f"/api/serials/{p}").json() for p in pieces]
    with api(server, "manager") as http:
        order = http.post("/api/orders", json={
            "channel": "web", "external_id": f"HS-{uuid.uuid4().hex[:8]}",
            "customer_name": "Lin Mei", "removal_strategy": "named_lot",
            "lines": [{"sku": f["sku"], "quantity": 1, "lot": f["lot"]} for f in found]}).json()
        assert http.post(f"/api/orders/{order['id']}/allocate").json()["complete"]
        plist = http.post("/api/picklists", json={"order_ids": [order["id"]],
                                                  "picker": "picker2"}).json()
    first, second = plist["lines"]
    piece_at = dict(zip(bins, pieces, strict=True))

    signed_in(phone, server, "picker2", "/hh/pick")
    choice = f"[data-list='{plist['number']}']"
    phone.wait_for_selector(f"{choice}, #hh-bin")
    if phone.locator(choice).count():
        phone.click(choice)
    phone.wait_for_selector(f"#hh-bin:has-text('{first['from_location']}')")
    phone.click("#hh-skip")  # the first line goes to the end
    phone.wait_for_selector(f"#hh-bin:has-text('{second['from_location']}')")
    scan(phone, f"FACET:L:{first['from_location']}")  # the wrong bin is refused by name
    phone.wait_for_selector("#hh-prompt.bad")
    scan(phone, f"FACET:L:{second['from_location']}")
    phone.click("#hh-short")  # nothing there after all: pressed while the scan is checked
    phone.wait_for_selector(f"#hh-bin:has-text('{first['from_location']}')")
    scan(phone, f"FACET:L:{first['from_location']}")
    scan(phone, f"FACET:S:{piece_at[first['from_location']]}")
    done(phone, f"Picked 1 × {first['sku']}")
    phone.click("#hh-undo")
    done(phone, "Undone")

    with api(server, "admin") as http:
        lines = {ln["id"]: ln for ln in http.get(f"/api/picklists/{plist['number']}").json()[
            "lines"]}
        assert lines[second["id"]]["status"] == "short"
        assert lines[first["id"]]["status"] == "open" and lines[first["id"]]["done_quantity"] == 0
        moved = history(http, piece_at[first["from_location"]])
        packing = first["to_location"]
        assert moved[-2] == ("pick", first["from_location"], packing)
        assert moved[-1][1:] == (packing, first["from_location"])  # undone: back in its bin


def test_scans_wait_while_offline(browser: Any, server: LiveServer) -> None:
    with api(server, "admin") as http:
        start, target = empty_bins(http, 2)
    serial = stocked_piece(server, start)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(20_000)
    try:
        sign_in(phone, server, "clerk", "/hh/transfer")
        phone.wait_for_selector("#hh-scan")
        context.set_offline(True)
        scan(phone, serial)
        phone.wait_for_selector("#hh-net.off")
        phone.wait_for_selector("#hh-queue li")  # the scan waits, and the page says so
        assert phone.locator("#hh-pieces li").count() == 0
        context.set_offline(False)
        phone.wait_for_selector(f"#hh-pieces li[data-serial='{serial}']")
        phone.wait_for_selector("#hh-net.on")
        scan(phone, f"FACET:L:{target}")
        done(phone, f"Moved 1 to {target}")
    finally:
        context.close()
    with api(server, "admin") as http:
        assert history(http, serial)[-1] == ("transfer", start, target)


def test_sign_on_by_a_zone_label_and_off_by_a_tap(phone: Any, server: LiveServer) -> None:
    with api(server, "admin") as http:
        zones = http.get("/api/locations", params={"tier": "zone"}).json()["items"]
    zone = next(z["code"] for z in zones if z["kind"] != "vault" and z["security_level"] < 2)
    signed_in(phone, server, "picker2", "/hh/sign-on")
    phone.wait_for_selector(f"li[data-zone='{zone}']")
    scan(phone, f"FACET:L:{zone}")
    done(phone, f"Signed on to {zone}")
    with api(server, "admin") as http:
        here = http.get("/api/presence", params={"zone": zone}).json()["items"]
        assert "picker2" in {p["username"] for p in here}
    phone.click(f"li[data-zone='{zone}'] button")
    done(phone, f"Signed off {zone}")
    with api(server, "admin") as http:
        here = http.get("/api/presence", params={"zone": zone}).json()["items"]
        assert "picker2" not in {p["username"] for p in here}


def test_a_count_given_in_the_office_is_done_bin_by_bin(phone: Any, server: LiveServer) -> None:
    epc = uuid.uuid4().hex[:24].upper()
    with api(server, "admin") as http:
        bins = empty_bins(http, 2)
    pieces = [stocked_piece(server, bins[0]), stocked_piece(server, bins[1], epc=epc)]
    with api(server, "manager") as http:
        count = http.post("/api/counts", json={"locations": bins, "assignee": "picker2"})
        assert count.status_code == 201, count.text
        number = count.json()["number"]

    signed_in(phone, server, "picker2", "/hh/count")
    scan(phone, number)  # the count sheet's number, typed or scanned
    phone.wait_for_selector("#hh-lines li >> nth=1")
    scan(phone, pieces[0])  # a piece before its bin: the page asks for a bin first
    phone.wait_for_selector("#hh-prompt.bad")
    scan(phone, f"FACET:L:{bins[0]}")
    scan(phone, f"FACET:S:{pieces[0]}")
    phone.wait_for_selector(f"#hh-pieces li[data-serial='{pieces[0]}']")
    scan(phone, bins[1])
    phone.wait_for_selector(f"#hh-prompt:has-text('{bins[1]}')")
    phone.fill("#hh-epcs", epc.lower())
    phone.click("#hh-add-epcs")
    phone.wait_for_selector("#hh-pieces li[data-epc]")
    phone.click("#hh-submit")
    done(phone, f"Count {number} is closed")
    with api(server, "admin") as http:
        for piece, bin_code in zip(pieces, bins, strict=True):
            assert history(http, piece)[-1][2] == bin_code  # matched: nothing moved


def test_the_script_shows_only_strings_the_page_gives_it() -> None:
    """Every key the script looks up is one the page translates, and every string is used."""
    script = (Path(__file__).resolve().parents[3] / "web" / "pages" / "assets" /
              "handheld.js").read_text(encoding="utf-8")
    looked_up = set(re.findall(r'\bt\("([a-z_]+)"', script))
    literals = set(re.findall(r'"([a-z_]+)"', script))
    assert looked_up <= set(TEXTS), f"not in texts.TEXTS: {looked_up - set(TEXTS)}"
    assert set(TEXTS) <= literals, f"never shown: {set(TEXTS) - literals}"
    assert not re.search(r'(textContent|text:)\s*"[A-Za-z]', script), "English typed in the script"


def test_unserialised_stock_is_picked_and_counted_by_quantity(
    phone: Any, server: LiveServer
) -> None:
    tag = uuid.uuid4().hex[:8].upper()
    lot = f"HQ-{tag}"
    with api(server, "admin") as http:
        (bin_code,) = empty_bins(http, 1)
        skus = http.get("/api/skus", params={"category": "chain", "limit": 5}).json()["items"]
        sku = next(s["code"] for s in skus if not s["serialised"])
        receipt = http.post("/api/receipts", json={
            "supplier": SUPPLIER, "lots": [{"code": lot, "purchase_date": "2026-11-30"}],
            "lines": [{"sku": sku, "lot": lot, "quantity": 3}]})
        assert receipt.status_code == 201, receipt.text
        assert http.post("/api/qc", json={"lot": lot, "result": "pass"}).status_code == 201
        assert http.post("/api/putaways", json={"lines": [{
            "sku": sku, "lot": lot, "quantity": 3, "to_location": bin_code,
            "from_location": receipt.json()["lines"][0]["to_location"]}]}).status_code == 201
    with api(server, "manager") as http:
        order = http.post("/api/orders", json={
            "channel": "web", "external_id": f"HQ-{tag}", "customer_name": "Lin Mei",
            "removal_strategy": "named_lot", "lines": [{"sku": sku, "quantity": 2, "lot": lot}]})
        assert http.post(f"/api/orders/{order.json()['id']}/allocate").json()["complete"]
        plist = http.post("/api/picklists", json={"order_ids": [order.json()["id"]],
                                                  "picker": "picker2"}).json()

    signed_in(phone, server, "picker2", "/hh/pick")
    choice = f"[data-list='{plist['number']}']"
    phone.wait_for_selector(f"{choice}, #hh-bin")
    if phone.locator(choice).count():
        phone.click(choice)
    phone.wait_for_selector(f"#hh-bin:has-text('{bin_code}')")
    scan(phone, f"FACET:L:{bin_code}")
    assert phone.locator("#hh-qty").input_value() == "2"  # what the line asks for
    phone.click("#hh-confirm")
    done(phone, f"Picked 2 × {sku} from {bin_code}")

    phone.goto(server.url + "/hh/count")
    scan(phone, bin_code)
    phone.wait_for_selector("#hh-lines li input.hh-qty")
    phone.fill("#hh-lines li input.hh-qty", "1")
    phone.click("#hh-submit")
    done(phone, "is closed")
    with api(server, "admin") as http:
        stock = http.get("/api/locate", params={"q": bin_code}).json()["rows"]
        assert [(r["sku"], r["on_hand"]) for r in stock] == [(sku, 1)]

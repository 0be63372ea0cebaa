"""Weight at pick on the handheld (390 px): a reading typed or read from the scale goes with
the piece scanned after it; a light piece (3.0 g of 3.2, beyond every category's tolerance) is
held and nothing is picked."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser.server import LiveServer
from tests.web.browser.test_handheld import (
    api,
    done,
    empty_bins,
    phone,  # noqa: F401  (the fixture)
    scan,
    signed_in,
    stocked_piece,
)


def _pick_list(server: LiveServer, pieces: list[str]) -> dict[str, Any]:
    with api(server, "admin") as http:
        found = [http.get(f"/api/serials/{p}").json() for p in pieces]
    with api(server, "qc") as http:
        for p in pieces:  # their own weight, as QC weighed them
            assert http.put(f"/api/serials/{p}/weights",
                            json={"gross_weight_g": 3.2}).status_code == 200
    with api(server, "manager") as http:
        order = http.post("/api/orders", json={
            "channel": "web", "external_id": f"HW-{pieces[0]}", "customer_name": "Lin Mei",
            "removal_strategy": "named_lot",
            "lines": [{"sku": f["sku"], "quantity": 1, "lot": f["lot"]} for f in found]}).json()
        assert http.post(f"/api/orders/{order['id']}/allocate").json()["complete"]
        plist: dict[str, Any] = http.post("/api/picklists", json={
            "order_ids": [order["id"]], "picker": "picker"}).json()
    return plist


def test_weight_at_pick_typed_and_from_the_scale(
    phone: Any, server: LiveServer, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    with api(server, "admin") as http:
        bins = empty_bins(http, 2)
    pieces = [stocked_piece(server, b) for b in bins]
    plist = _pick_list(server, pieces)
    piece_at = dict(zip(bins, pieces, strict=True))

    signed_in(phone, server, "picker", "/hh/pick")
    choice = f"[data-list='{plist['number']}']"
    phone.wait_for_selector(f"{choice}, #hh-bin")
    if phone.locator(choice).count():
        phone.click(choice)
    first = plist["lines"][0]
    phone.wait_for_selector(f"#hh-bin:has-text('{first['from_location']}')")
    scan(phone, f"FACET:L:{first['from_location']}")
    phone.fill("#hh-weight", "3.21")  # typed: within 0.02 g
    phone.press("#hh-weight", "Enter")
    scan(phone, piece_at[first["from_location"]])
    done(phone, f"Picked 1 × {first['sku']}")

    second = plist["lines"][1]
    light = piece_at[second["from_location"]]
    monkeypatch.setenv("FACET_SCALE_URL", "fake:3.0")
    phone.wait_for_selector(f"#hh-bin:has-text('{second['from_location']}')")
    scan(phone, f"FACET:L:{second['from_location']}")
    phone.click("#hh-read-scale")
    phone.wait_for_selector("#hh-prompt.good:has-text('3 g')")
    assert phone.input_value("#hh-weight") == "3"
    scan(phone, light)
    phone.wait_for_selector("#hh-log li:has-text('weight-out-of-tolerance')")

    with api(server, "admin") as http:
        moves = http.get(f"/api/serials/{light}/history").json()["moves"]
        assert [m["document_kind"] for m in moves] == ["receipt", "putaway"]  # not picked
        weighed = http.get(f"/api/serials/{light}/weighings").json()["weighings"]
        assert [(w["event"], w["measured_g"], w["within"], w["actor"]) for w in weighed][-1] == (
            "pick", 3.0, False, "picker")
        assert light in [h["serial"] for h in http.get("/api/weighing/holds").json()["items"]]
        line = next(ln for ln in http.get(f"/api/picklists/{plist['number']}").json()["lines"]
                    if ln["id"] == second["id"])
        assert line["status"] == "open" and line["done_quantity"] == 0

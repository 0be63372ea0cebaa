"""The certificates tab's pure parts: who sees the form and the recall button, the preview's
rows in English and Chinese."""

from __future__ import annotations

from typing import Any

from web.i18n import use_language
from web.pages.certificates import _body, _pieces, _preview_view, tabs


def _preview(**changes: Any) -> dict[str, Any]:
    answer = {
        "selector": "certificate_batch", "value": "GIA-2611-1", "lots": ["G-2311"],
        "pieces": [
            {"serial": "FC0000001", "sku": "R-1", "lot": "G-2311", "location": "A01-01-1-01",
             "location_kind": "pick_face", "state": "in_stock", "order": None, "channel": None,
             "customer": None, "shipped_at": None},
            {"serial": "FC0000002", "sku": "R-1", "lot": "G-2311", "location": "V-CUSTOMER",
             "location_kind": "customer", "state": "shipped", "order": "W-1", "channel": "web",
             "customer": "Ada", "shipped_at": "2026-11-02T10:00:00Z"},
        ],
        "lot_stock": [], "lot_shipments": [], "in_stock": 1, "shipped": 1, "customers": ["Ada"],
    }
    return {**answer, **changes}


def test_roles_see_what_they_may_do() -> None:
    picker = str(tabs("picker"))
    clerk = str(tabs("clerk"))
    qc = str(tabs("qc_inspector"))
    assert "crt-go" in picker and "crt-new-go" not in picker
    assert "crt-new-go" in clerk
    assert "'display': 'none'" in picker and "'display': 'none'" in clerk
    assert "'display': 'none'" not in qc


def test_preview_in_english_and_chinese() -> None:
    with use_language("en"):
        assert [p["state"] for p in _pieces(_preview())] == ["in stock", "shipped"]
        text = str(_preview_view(_preview()))
        assert "2 pieces: 1 in stock, 1 shipped; whole lots: G-2311" in text
        assert "Customers: Ada" in text
        assert "Customers" not in str(_preview_view(_preview(customers=None)))
    with use_language("zh"):
        assert _pieces(_preview())[0]["state"] != "in stock"


def test_form_body_leaves_out_empty_fields() -> None:
    assert _body({"lab": "GIA", "number": " 2141438167 ", "serial": "", "lot": None,
                  "carat": 0.5}) == {"lab": "GIA", "number": "2141438167", "carat": 0.5}

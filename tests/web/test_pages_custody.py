"""The Custody page's pure parts: the form bodies read from typed lines, the documents' rows
and detail, and what a reader sees against a writer (no forms)."""

from __future__ import annotations

from typing import Any

import pytest

from web.i18n import use_language
from web.pages.api import ApiError, Auth
from web.pages.custody import _out_body, _rows, detail, layout, readings


def _doc(**changes: Any) -> dict[str, Any]:
    doc = {
        "number": "MEMO-000007", "kind": "memo", "partner": "SHOP1",
        "partner_name": "Shop on the corner", "location": "CUST-SHOP1", "due_on": "2026-03-05",
        "terms": "sale or return", "status": "open", "overdue": True, "created_by": "cleo",
        "created_at": "2026-03-02T09:00:00+00:00", "counts": {"out": 1, "back": 7, "held": 1},
        "pieces": [{"serial": "P-1", "sku": "PEND-1", "lot": "L-1", "bin": "A-01",
                    "state": "held", "unit_cost": None, "settled_by": None,
                    "settled_at": None}],
    }
    return {**doc, **changes}


def test_forms_read_serials_weights_and_skus() -> None:
    assert readings("P-1 3.21\n\n P-2\nP-3, 3.2") == [["P-1", "3.21"], ["P-2"], ["P-3", "3.2"]]
    path, body = _out_body("memo", ["shop1", "2026-03-05", " terms ", None, "P-1 3.21\nP-2"])
    assert path == "/api/custody/out"
    assert body == {"partner": "shop1", "due_on": "2026-03-05", "terms": "terms",
                    "kind": "memo", "serials": ["P-2"],
                    "pieces": [{"serial": "P-1", "weight_g": 3.21}]}
    path, body = _out_body("consignment", ["CONSIGN", "2026-04-01", "", "A-01", "C-1 PEND-1 3.2"])
    assert path == "/api/custody/consignments" and body["bin"] == "A-01"
    assert body["pieces"] == [{"serial": "C-1", "sku": "PEND-1", "weight_g": 3.2}]
    with pytest.raises(ApiError) as bad:
        _out_body("memo", ["SHOP1", "2026-03-05", "", None, "P-1 heavy"])
    assert bad.value.code == "bad-weight"


def test_rows_and_detail_in_english_and_chinese() -> None:
    with use_language("en"):
        [row] = _rows([_doc()])
        assert row["out"] == 1 and row["overdue"] == "yes" and row["kind"] == "memo"
        assert "held (weight)" in str(detail(_doc()))
    with use_language("zh"):
        [row] = _rows([_doc(overdue=False)])
        assert row["overdue"] == "" and row["kind"] != "memo"


def test_a_reader_sees_no_forms() -> None:
    reader = str(layout(Auth(token="t", username="pia", role="picker")))
    writer = str(layout(Auth(token="t", username="cleo", role="clerk")))
    assert "cus-new" in reader and "cus-new" in writer
    assert reader.count("hidden=True") > writer.count("hidden=True")

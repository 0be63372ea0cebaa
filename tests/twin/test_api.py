"""``POST /api/twin/route`` and ``POST /api/twin/scenarios``."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from twin.generate import generate_layout
from twin.layout import layout_to_dict
from twin.routing import route
from web.api.twin import router

app = FastAPI()
app.include_router(router)
client = TestClient(app)


def test_route_inline_layout() -> None:
    layout = generate_layout(aisles=3, bays=5, levels=1)
    picks = ["A01-L02-1", "A03-R05-1"]
    res = client.post(
        "/api/twin/route",
        json={"layout": layout_to_dict(layout), "picks": picks, "method": "s-shape"},
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["length"] == route(layout, picks, "s-shape").length
    assert body["order"] == picks and body["path"][0] == body["path"][-1]


def test_route_named_layout_and_errors() -> None:
    res = client.post("/api/twin/route", json={"layout_name": "small", "picks": ["A01-L01-1"]})
    assert res.status_code == 200 and res.json()["exact"] is True
    res = client.post("/api/twin/route", json={"layout_name": "small", "picks": ["nope"]})
    assert res.status_code == 422
    assert res.json() == {
        "error": {"code": "unknown-location", "message": res.json()["error"]["message"]}
    }
    res = client.post("/api/twin/route", json={"layout_name": "atlantis", "picks": []})
    assert res.json()["error"]["code"] == "layout-invalid"
    res = client.post("/api/twin/route", json={"layout": {"aisles": []}, "picks": []})
    assert res.status_code == 422 and res.json()["error"]["code"] == "layout-invalid"
    res = client.post("/api/twin/route", json={"picks": []})
    assert res.status_code == 422


def test_scenarios() -> None:
    payload = {
        "a": {"layout_name": "small", "slotting": "random"},
        "b": {"layout_name": "small"},
        "generate": {"n_orders": 30, "n_skus": 25, "arrival": "wave"},
        "config": {"pickers": 2, "shift_hours": 1.0},
        "seed": 3,
        "replications": 2,
    }
    res = client.post("/api/twin/scenarios", json=payload)
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["delta"]["distance_per_order"]["n"] == 2
    orders = [{"id": "o1", "lines": [{"sku": "ring", "quantity": 1}]}]
    payload = {
        "a": {"layout_name": "small", "slotting": {"ring": "A01-L01-1"}},
        "b": {"layout_name": "small", "slotting": {"ring": "A04-L10-3"}},
        "orders": orders,
        "config": {"pickers": 1, "shift_hours": 1.0},
    }
    body = client.post("/api/twin/scenarios", json=payload).json()
    assert body["delta"]["distance_per_order"]["mean"] > 0
    payload["b"]["slotting"] = {"ring": "Z99"}
    res = client.post("/api/twin/scenarios", json=payload)
    assert res.status_code == 422 and res.json()["error"]["code"] == "order-invalid"

"""The weighing API: readings, bad input with stable codes, holds and release, history."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from core import Database
from tests.core.api.test_api_core import api, error_code, login, seed

PIECES = [f"RING-1-L-1-{i:05d}" for i in range(3)]  # pendants (category), 3.2 g nominal


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[TestClient]:
    seed(db, users={"mia": "manager", "pia": "picker", "quinn": "qc_inspector",
                    "fay": "finance_auditor"})
    with api(db_url) as c:
        yield c


def test_weigh_hold_release_and_history(client: TestClient) -> None:
    quinn, pia, mia = login(client, "quinn"), login(client, "pia"), login(client, "mia")
    piece = PIECES[0]
    set_weights = client.put(f"/api/serials/{piece}/weights",
                             json={"gross_weight_g": 3.2, "net_weight_g": 2.9}, headers=quinn)
    assert set_weights.status_code == 200, set_weights.text
    ok = client.post("/api/weighings", json={"serial": piece, "measured_g": 3.21,
                                             "event": "check"}, headers=pia)
    assert ok.status_code == 201 and ok.json()["within"] is True, ok.text
    light = client.post("/api/weighings", json={"serial": f"FACET:S:{piece}",
                                                "measured_g": 3.15, "event": "pick"}, headers=pia)
    assert light.status_code == 409 and error_code(light) == "weight-out-of-tolerance"
    assert "3.15 g" in light.json()["error"]["message"]
    held = client.get("/api/weighing/holds", headers=mia).json()["items"]
    assert [h["serial"] for h in held] == [piece] and held[0]["held_by"] == "pia"
    alerts = client.get("/api/alerts", params={"camera": "scale"}, headers=mia).json()["items"]
    assert len(alerts) == 1 and "pia" in alerts[0]["message"] and piece in alerts[0]["message"]
    history = client.get(f"/api/serials/{piece}/weighings", headers=pia).json()["weighings"]
    assert [(w["event"], w["within"]) for w in history] == [("check", True), ("pick", False)]
    in_history = client.get(f"/api/serials/{piece}/history", headers=pia).json()
    assert in_history["weighings"] == history and in_history["moves"]

    refused = client.post(f"/api/serials/{piece}/release", json={"reason": "ok"}, headers=pia)
    assert refused.status_code == 403  # a picker may not release a hold
    released = client.post(f"/api/serials/{piece}/release",
                           json={"reason": "re-weighed 3.20 g on the lab balance"}, headers=mia)
    assert released.status_code == 200 and released.json()["released_at"], released.text
    assert client.get("/api/weighing/holds", headers=mia).json()["items"] == []
    again = client.post(f"/api/serials/{piece}/release", json={"reason": "x"}, headers=mia)
    assert again.status_code == 409 and error_code(again) == "not-on-hold"


BAD: list[tuple[dict[str, object], int, str]] = [
    ({"measured_g": -1}, 422, "bad-weight"),
    ({"measured_g": 0}, 422, "bad-weight"),
    ({"measured_g": 1e12}, 422, "bad-weight"),
    ({"measured_g": "heavy"}, 422, "invalid-request"),
    ({"serial": "NOPE-1"}, 404, "unknown-serial"),
    ({"serial": "A01-01-1-01"}, 404, "unknown-serial"),
    ({"serial": "FACET:L:A01-01-1-01"}, 422, "not-a-piece"),
    ({"event": "Pick!"}, 422, "bad-weigh-event"),
    ({"location": "NOWHERE"}, 404, "unknown-location"),
    ({"reference": "x" * 65}, 422, "invalid-request"),
]


def test_bad_input_is_4xx_with_a_code(client: TestClient) -> None:
    pia = login(client, "pia")
    for body, status, code in BAD:
        payload = {"serial": PIECES[1], "measured_g": 3.2, "event": "check", **body}
        answer = client.post("/api/weighings", json=payload, headers=pia)
        assert answer.status_code == status and error_code(answer) == code, answer.text
    for raw in ("NaN", "Infinity", "-Infinity", "1e400"):
        text = f'{{"serial": "{PIECES[1]}", "measured_g": {raw}}}'
        answer = client.post("/api/weighings", content=text,
                             headers={**pia, "Content-Type": "application/json"})
        assert answer.status_code == 422 and error_code(answer) in (
            "bad-weight", "invalid-request"), (raw, answer.text)
    assert client.get(f"/api/serials/{PIECES[1]}/weighings",
                      headers=pia).json()["weighings"] == []
    assert client.get("/api/weighing/holds", headers=pia).json()["items"] == []


def test_tolerances_per_category(client: TestClient) -> None:
    mia, fay = login(client, "mia"), login(client, "fay")
    assert client.put("/api/weighing/tolerances/pendant", json={"tolerance_g": 0.05},
                      headers=fay).status_code == 403
    answer = client.put("/api/weighing/tolerances/pendant", json={"tolerance_g": 0.05},
                        headers=mia)
    assert answer.status_code == 200 and answer.json() == {"tolerance_g": 0.05}
    rows = {r["category"]: r for r in client.get("/api/weighing/tolerances",
                                                 headers=fay).json()["items"]}
    assert rows["pendant"] == {"category": "pendant", "tolerance_g": 0.05, "source": "table"}
    assert rows["ring"]["tolerance_g"] == 0.02 and rows["ring"]["source"] == "built-in"
    bad = client.put("/api/weighing/tolerances/pendant", json={"tolerance_g": -1}, headers=mia)
    assert bad.status_code == 422 and error_code(bad) == "bad-weight"


def test_a_light_piece_refuses_the_pick_over_http(client: TestClient) -> None:
    mia, pia = login(client, "mia"), login(client, "pia")
    order = client.post("/api/orders", json={
        "channel": "web", "external_id": "W-HTTP", "customer_name": "Lin Mei",
        "lines": [{"sku": "RING-1", "quantity": 1}]}, headers=mia).json()
    assert client.post(f"/api/orders/{order['id']}/allocate", headers=mia).json()["complete"]
    plist = client.post("/api/picklists", json={"order_ids": [order["id"]], "picker": "pia"},
                        headers=mia).json()
    line = plist["lines"][0]
    body = {"quantity": 1, "serials": [PIECES[0]], "location": line["from_location"],
            "weights": {PIECES[0]: 2.5}}  # never weighed: 3.2 g nominal +- 10 %
    answer = client.post(f"/api/picks/{line['id']}/confirm", json=body, headers=pia)
    assert answer.status_code == 409 and error_code(answer) == "weight-out-of-tolerance"
    again = client.post(f"/api/picks/{line['id']}/confirm", json={**body, "weights": None},
                        headers=pia)
    assert again.status_code == 409 and error_code(again) == "piece-on-hold"
    moves = client.get(f"/api/serials/{PIECES[0]}/history", headers=mia).json()["moves"]
    assert [m["document_kind"] for m in moves] == ["receipt", "putaway"]  # no pick posted
    other = client.post(f"/api/picks/{line['id']}/confirm", headers=pia, json={
        "quantity": 1, "serials": [PIECES[1]], "location": line["from_location"],
        "weights": {PIECES[1]: 3.25}})
    assert other.status_code == 200, other.text
    weighed = client.get(f"/api/serials/{PIECES[1]}/weighings", headers=pia).json()
    assert [(w["event"], w["measured_g"]) for w in weighed["weighings"]] == [("pick", 3.25)]

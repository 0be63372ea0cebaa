"""The channels API: registry, listings, messages and retries over HTTP, and its 4xx answers."""

from __future__ import annotations

from fastapi.testclient import TestClient

from core import Database
from core.channels import apply_message
from tests.builders import Builder
from tests.core.channels.inbox_fixtures import SKU, deliver, message, reserved, shop
from tests.http import api_client, error_code, login


def _people(db: Database) -> None:
    with db.write() as session:
        b = Builder(session)
        b.user("mia", "manager")
        b.user("pia", "picker")
        b.user("fay", "finance_auditor")


def test_channels_over_http_and_their_4xx_answers(db: Database, db_url: str) -> None:
    shop(db, channels=())
    _people(db)
    with api_client(db_url) as client:
        mia = login(client, "mia")
        made = client.post(
            "/api/channels",
            headers=mia,
            json={"code": "tmall", "kind": "taobao", "name": "Tmall store", "safety_buffer": 1},
        )
        assert made.status_code == 201, made.text
        assert made.json()["pending"] == 0 and made.json()["stock_behind"] >= 0
        changed = client.patch("/api/channels/tmall", headers=mia, json={"share_pct": 50})
        assert changed.json()["share_pct"] == 50 and changed.json()["safety_buffer"] == 1
        (stored,) = deliver(db, "tmall", message("created", "T-1", lines=(("TM-1", 2),)))
        assert apply_message(db, message_id=stored).error_code == "unmapped-sku"
        fay = login(client, "fay")
        page = client.get("/api/channels", headers=fay).json()
        assert page["total"] == 1 and page["items"][0]["pending"] == 1
        assert page["items"][0]["last_error"].startswith("T-1")
        listed = client.put(
            "/api/channels/tmall/skus", headers=mia, json={"external_sku": "TM-1", "sku": SKU}
        )
        assert listed.json() == {"external_sku": "TM-1", "sku": SKU, "buffer": None}
        skus = client.get("/api/channels/tmall/skus?q=tm", headers=fay).json()
        assert skus["total"] == 1
        msgs = client.get(
            "/api/channels/tmall/messages?status=pending&search=t-1", headers=fay
        ).json()
        assert msgs["total"] == 1 and msgs["items"][0]["error_code"] == "unmapped-sku"
        retried = client.post(f"/api/channels/tmall/messages/{stored}/retry", headers=mia)
        assert retried.status_code == 200, retried.text
        assert (retried.json()["status"], retried.json()["outcome"]) == ("done", "created")
        assert reserved(db) == 2
        gone = client.delete("/api/channels/tmall/skus/TM-1", headers=mia)
        assert gone.json()["sku"] == SKU
        assert client.get("/api/channels/tmall/skus", headers=fay).json()["total"] == 0
        _bad_input_is_a_clear_4xx(client, mia)


def _bad_input_is_a_clear_4xx(client: TestClient, mia: dict[str, str]) -> None:
    pia = login(client, "pia")
    cases = [
        (client.get("/api/channels/nope", headers=mia), 404, "unknown-channel"),
        (client.get("/api/channels/nope/messages", headers=mia), 404, "unknown-channel"),
        (client.get("/api/channels/tmall/messages?status=lost", headers=mia), 422, "bad-status"),
        (client.get("/api/channels/tmall/messages?kind=shipped", headers=mia), 422, "bad-kind"),
        (client.post(f"/api/channels/tmall/messages/{2**40}/retry", headers=mia), 422, None),
        (
            client.post("/api/channels/tmall/messages/999/retry", headers=mia),
            404,
            "unknown-message",
        ),
        (
            client.put(
                "/api/channels/tmall/skus",
                headers=mia,
                json={"external_sku": "X", "sku": "NO-SUCH"},
            ),
            404,
            "unknown-sku",
        ),
        (
            client.put(
                "/api/channels/tmall/skus", headers=mia, json={"external_sku": "", "sku": SKU}
            ),
            422,
            None,
        ),
        (client.delete("/api/channels/tmall/skus/X", headers=mia), 404, "unknown-listing"),
        (
            client.post(
                "/api/channels",
                headers=mia,
                json={"code": "tmall", "kind": "generic", "name": "Again"},
            ),
            409,
            "channel-exists",
        ),
        (
            client.post(
                "/api/channels",
                headers=mia,
                json={"code": "Bad Code", "kind": "generic", "name": "x"},
            ),
            422,
            None,
        ),
        (client.patch("/api/channels/tmall", headers=mia, json={"share_pct": 101}), 422, None),
        (client.get("/api/channels", headers=pia), 403, None),
        (client.get("/api/channels?limit=0", headers=mia), 422, None),
    ]
    for answer, status, code in cases:
        assert answer.status_code == status, (answer.request.url, answer.text)
        if code:
            assert error_code(answer) == code
    client.put("/api/channels/tmall/skus", headers=mia, json={"external_sku": "A", "sku": SKU})
    again = client.put(
        "/api/channels/tmall/skus", headers=mia, json={"external_sku": "B", "sku": SKU}
    )
    assert (again.status_code, error_code(again)) == (409, "sku-already-listed")

"""HTTP and websocket chat on the real app, signed in as demo users."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.websockets import WebSocketDisconnect

from assistant.chat import Assistant
from core import CoreSettings, Database
from core.demo import DEMO_PASSWORD
from core.lots.models import Lot
from tests.web.test_ws_tickets import ticket_url
from web.app import Settings, create_app
from web.services import services_of


@pytest.fixture(scope="module")
def client(demo_db: Database, assistant: Assistant) -> Iterator[TestClient]:
    """The real app on the demo warehouse, answering with the test session's assistant."""
    settings = CoreSettings(database_url=demo_db.url, secret_key="chat-test-signing-key-" * 2,
                            demo_mode=True)
    app = create_app(Settings(core=settings))
    services_of(app).assistant = assistant
    with TestClient(app) as test_client:
        yield test_client


def _token(client: TestClient, user: str) -> str:
    answer = client.post("/api/auth/token", data={"username": user, "password": DEMO_PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def test_chat_over_http(client: TestClient, demo_db: Database) -> None:
    with demo_db.read() as session:
        other = session.scalar(select(Lot.code).where(Lot.code != "G-2311").order_by(Lot.id))
    headers = {"Authorization": f"Bearer {_token(client, 'manager')}"}
    answer = client.post("/api/assistant/chat", json={"text": "where is lot G-2311"},
                         headers=headers)
    assert answer.status_code == 200
    body = answer.json()
    assert body["intent"] == "locate" and body["matcher"] == "template" and body["score"] == 1
    assert body["slots"] == {"lot": "G-2311"} and body["data"] and body["answer"]
    assert body["events"][0]["type"] == "run-start" and body["events"][-1]["type"] == "run-end"
    follow = client.post("/api/assistant/chat", headers=headers, json={
        "text": f"and lot {other}?", "conversation_id": body["conversation_id"]}).json()
    assert follow["intent"] == "locate" and follow["slots"] == {"lot": other}
    chinese = client.post("/api/assistant/chat", json={"text": "批次 G-2311 在哪里?"},
                          headers=headers).json()
    assert chinese["data"] == body["data"] and chinese["language"] == "zh"


def test_http_needs_sign_in_and_respects_roles(client: TestClient) -> None:
    assert client.post("/api/assistant/chat", json={"text": "pending orders"}).status_code == 401
    headers = {"Authorization": f"Bearer {_token(client, 'picker')}"}
    body = client.post("/api/assistant/chat", json={"text": "recent camera alerts"},
                       headers=headers).json()
    assert body["error"] == "forbidden" and body["data"] == []
    bad = client.post("/api/assistant/chat", json={"text": ""}, headers=headers)
    assert bad.status_code == 422


def test_websocket_conversation_with_follow_up(client: TestClient) -> None:
    token = _token(client, "manager")
    with client.websocket_connect(ticket_url(client, "/ws/assistant", token)) as ws:
        ws.send_json({"text": "how many 18K gold rings in size 7"})
        first = ws.receive_json()
        assert first["type"] == "answer" and first["intent"] == "count_stock"
        ws.send_json({"text": "and in size 8?"})
        second = ws.receive_json()
        assert second["conversation_id"] == first["conversation_id"]
        assert second["intent"] == "count_stock"
        assert second["slots"] == {**first["slots"], "size": "8"}
        ws.send_text("not json {")
        assert ws.receive_json()["type"] in ("answer", "error")


def test_websocket_refuses_bad_tokens(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect) as refused, \
            client.websocket_connect("/ws/assistant?token=forged") as ws:
        ws.receive_json()
    assert refused.value.code == 1008

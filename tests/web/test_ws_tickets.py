"""Issue 13, tokens out of URLs: websockets open with a short-lived single-use ticket (or a
bearer header), never a token in the URL, and the access log never shows either."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from websockets.sync.client import connect

from core import Database
from tests.core.api.test_api_core import api, login, seed
from web.api.tickets import RedactSecrets, TicketBook, redact
from web.services import services_of


def ticket_url(client: TestClient, path: str, token: str, query: str = "") -> str:
    """``path`` with a fresh ticket for ``token``: how a browser opens a websocket."""
    answer = client.post("/api/ws-ticket", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return f"{path}?ticket={answer.json()['ticket']}{query}"


def _bearer(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def _refused(client: TestClient, url: str, **kwargs: object) -> bool:
    """True when /ws/events turns the handshake away (it answers not-authenticated)."""
    with client.websocket_connect(url, **kwargs) as ws:  # type: ignore[arg-type]
        first = ws.receive_json()
    return bool(first.get("code") == "not-authenticated")


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[TestClient]:
    seed(db)
    with api(db_url) as c:
        yield c


def test_a_ticket_opens_one_websocket_once(client: TestClient) -> None:
    token = _bearer(login(client, "mia"))
    answer = client.post("/api/ws-ticket", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.json()["expires_in"] == 30
    url = f"/ws/events?ticket={answer.json()['ticket']}"
    with client.websocket_connect(url) as ws:
        assert ws.receive_json() == {"event": "hello", "user": "mia", "role": "manager"}
    assert _refused(client, url)  # single use


def test_tickets_need_a_sign_in(client: TestClient) -> None:
    answer = client.post("/api/ws-ticket")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not-authenticated"


def test_a_token_in_the_url_is_refused_everywhere(client: TestClient) -> None:
    token = _bearer(login(client, "mia"))
    assert _refused(client, f"/ws/events?token={token}")
    for path in ("/ws/assistant", "/ws/voice", "/ws/voice/enrol"):
        with pytest.raises(WebSocketDisconnect) as refused, \
                client.websocket_connect(f"{path}?token={token}") as ws:
            ws.receive_json()
        assert refused.value.code == 1008, path


def test_tickets_and_tokens_are_not_interchangeable(client: TestClient) -> None:
    token = _bearer(login(client, "mia"))
    ticket = ticket_url(client, "", token).removeprefix("?ticket=")
    assert client.get("/api/stock", headers={"Authorization": f"Bearer {ticket}"}).status_code \
        == 401
    assert _refused(client, f"/ws/events?ticket={token}")
    assert _refused(client, "/ws/events?ticket=forged")


def test_a_bearer_header_on_the_handshake_is_accepted(client: TestClient) -> None:
    """For clients that can set headers (the headset CLI)."""
    headers = login(client, "mia")
    with client.websocket_connect("/ws/events", headers=headers) as ws:
        assert ws.receive_json()["user"] == "mia"


def test_an_expired_ticket_is_refused(client: TestClient) -> None:
    token = _bearer(login(client, "mia"))
    wired = services_of(client.app)  # type: ignore[arg-type]
    wired.tickets = TicketBook(wired.token_key, ttl_s=-1)
    assert _refused(client, ticket_url(client, "/ws/events", token))


def test_a_ticket_is_checked_against_the_database_when_redeemed(db: Database, db_url: str) -> None:
    seed(db, users={"ada": "admin", "cleo": "clerk"})
    with api(db_url) as client:
        admin = login(client, "ada")
        url = ticket_url(client, "/ws/events", _bearer(login(client, "cleo")))
        answer = client.post("/api/users/cleo/deactivate", headers=admin)
        assert answer.status_code == 200, answer.text
        assert _refused(client, url)  # issued while active, redeemed after deactivation
        assert not _refused(client, ticket_url(client, "/ws/events", _bearer(admin)))


def test_redaction_blanks_secret_query_values() -> None:
    line = '127.0.0.1:5 - "GET /ws/events?ticket=abc.def&rate=8000&token=xyz HTTP/1.1" 200'
    assert redact(line) == (
        '127.0.0.1:5 - "GET /ws/events?ticket=[redacted]&rate=8000&token=[redacted] HTTP/1.1" 200'
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@contextmanager
def _serving(app: FastAPI) -> Iterator[str]:
    """The app under a real uvicorn with its default logging at info level."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="info",
                                           ws="websockets-sansio"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_the_access_log_never_shows_tokens_or_tickets(db: Database, db_url: str) -> None:
    seed(db)
    with api(db_url) as client:
        headers = login(client, "mia")
        ticket = ticket_url(client, "", _bearer(headers)).removeprefix("?ticket=")
        app = client.app
    lines = _Lines()
    loggers = [logging.getLogger(name) for name in ("uvicorn.access", "uvicorn.error")]
    with _serving(app) as base:  # type: ignore[arg-type]
        for logger in loggers:
            logger.addHandler(lines)
        try:
            httpx.get(f"http://{base}/api/health?token={_bearer(headers)}")
            with connect(f"ws://{base}/ws/events?ticket={ticket}") as ws:
                assert '"hello"' in str(ws.recv(timeout=10))
        finally:
            for logger in loggers:
                logger.removeHandler(lines)
    logged = "\n".join(lines.lines)
    assert "/api/health?token=[redacted]" in logged
    assert "/ws/events?ticket=[redacted]" in logged
    assert _bearer(headers) not in logged and ticket not in logged
    assert all(any(isinstance(f, RedactSecrets) for f in lg.filters) for lg in loggers)

"""The request body limit (issue 13: 1-5 MB text fields were accepted and a 20 MB body was read
in full before anything refused it)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient

from core import CoreSettings
from core.migrate import upgrade
from tests.core.api.test_api_core import error_code, login, seed
from web.app import Settings, create_app
from web.settings import WebSettings

MIB = 1024 * 1024


def _app(url: str, **web: Any) -> Any:
    return create_app(Settings(core=CoreSettings(database_url=url, secret_key="limit-key-" * 4),
                               web=WebSettings(**web)))


@pytest.fixture
def url(tmp_path: Path) -> str:
    from core import Database

    url = f"sqlite:///{tmp_path / 'facet.db'}"
    upgrade(url)
    db = Database(url)
    seed(db)
    db.dispose()
    return url


def _too_large(answer: Any) -> None:
    assert answer.status_code == 413, answer.text[:200]
    assert error_code(answer) == "body-too-large"
    assert "bytes" in answer.json()["error"]["message"]


def test_a_declared_length_over_the_limit_is_413_before_the_body_is_read(url: str) -> None:
    with TestClient(_app(url)) as c:
        manager = login(c, "mia")
        body = json.dumps({"code": "S1", "name": "n", "category": "ring",
                           "description": "d" * (2 * MIB)})
        _too_large(c.post("/api/styles", content=body,
                          headers={**manager, "Content-Type": "application/json"}))
        # Without a token too: the limit comes before anything else reads the body.
        _too_large(c.post("/api/auth/token", data={"username": "u" * (2 * MIB), "password": "p"}))
        assert c.post("/api/styles", json={"code": "S1", "name": "n", "category": "ring"},
                      headers=manager).status_code == 201


def test_a_streamed_body_is_cut_off_at_the_limit_not_read_in_full(url: str) -> None:
    """20 MiB sent in 64 KiB chunks without a Content-Length: the app stops asking for chunks
    just past 1 MiB and answers 413."""
    app = _app(url)
    chunk, chunks = b" " * 65536, 320
    asked = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        return {"type": "http.request", "body": chunk, "more_body": asked < chunks}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/api/styles",
             "raw_path": b"/api/styles", "query_string": b"", "root_path": "",
             "headers": [(b"content-type", b"application/json"),
                         (b"transfer-encoding", b"chunked")],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    # On a thread of its own: an earlier test may have left this thread marked as async.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(anyio.run, app, scope, receive, send).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert start["status"] == 413 and json.loads(body)["error"]["code"] == "body-too-large"
    assert asked <= MIB // len(chunk) + 2  # 17 of the 320 chunks


def test_bulk_writes_take_more_and_the_limits_are_settings(url: str) -> None:
    receipt = {"supplier": "SUP1", "lots": [{"code": "L-B", "purchase_date": "2026-01-05"}],
               "lines": [{"sku": "CHAIN-1", "lot": "L-B", "quantity": 5}]}
    padded = json.dumps(receipt) + " " * (3 * MIB)  # a 3 MiB receipt: over 1 MiB, under 16
    with TestClient(_app(url)) as c:
        clerk = {**login(c, "cleo"), "Content-Type": "application/json"}
        assert c.post("/api/receipts", content=padded, headers=clerk).status_code == 201
        _too_large(c.post("/api/transfers", content=" " * (17 * MIB), headers=clerk))
    with TestClient(_app(url, max_body_bytes=4096, max_bulk_body_bytes=8192)) as c:
        manager = {**login(c, "mia"), "Content-Type": "application/json"}
        _too_large(c.post("/api/styles", content=" " * 5000, headers=manager))
        _too_large(c.post("/api/receipts", content=" " * 9000, headers=manager))
        answer = c.post("/api/receipts", content=json.dumps(receipt) + " " * 5000,
                        headers=manager)
        assert answer.status_code == 201, answer.text

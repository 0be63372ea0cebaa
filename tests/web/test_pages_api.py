"""The pages' API client: real HTTP to the listener the page request came in on, with the
person's token; the API's refusals arrive as ApiError with their stable code; the browser's
address is believed only with the app's key; page threads never starve the API's."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from types import SimpleNamespace
from typing import Any

import anyio.to_thread
import flask
import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.routing import Mount

from core.people.signin import CLIENT_HEADER, CLIENT_KEY_HEADER, client_address, client_key
from web.pages.api import Api, ApiError, Auth, own_listener
from web.pages.wsgi import wsgi_as_asgi

TOKEN_KEY = "k" * 48


@asynccontextmanager
async def _one_api_thread(_: FastAPI) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = 1
    yield


def _api_app(lifespan: Any = None) -> FastAPI:
    app = FastAPI(lifespan=lifespan)
    app.state.core = SimpleNamespace(token_key=TOKEN_KEY)

    @app.get("/api/whoami")
    def whoami(authorization: str = Header("")) -> dict[str, str]:  # sync: needs a thread
        if authorization != "Bearer good":
            raise HTTPException(401)
        return {"user": "alice"}

    @app.post("/api/address")
    def address(request: Request) -> dict[str, str]:
        return {"address": client_address(request, TOKEN_KEY)}

    @app.exception_handler(HTTPException)
    async def envelope(_: Request, exc: HTTPException) -> JSONResponse:
        body = {"error": {"code": "not-authenticated", "message": "Sign in first."}}
        return JSONResponse(body, exc.status_code)

    return app


@contextmanager
def _serving(app: Any) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FastAPI, str]]:
    app = _api_app()
    with _serving(app) as base:
        yield app, base


def _page_request(base: str) -> Any:
    """A Flask request context as the pages' WSGI bridge builds it for ``base``'s socket."""
    host, port = base.removeprefix("http://").split(":")
    return flask.Flask("t").test_request_context(
        "/", environ_overrides={"SERVER_NAME": host, "SERVER_PORT": port})


def test_calls_go_to_the_page_requests_own_listener_with_the_token(served: Any) -> None:
    app, base = served
    api = Api(app)
    with _page_request(base):
        assert own_listener() == base
        assert api.get("/api/whoami", Auth("good", "alice", "admin")) == {"user": "alice"}
        with pytest.raises(ApiError) as refused:
            api.get("/api/whoami", Auth("forged", "alice", "admin"))
    assert (refused.value.status, refused.value.code) == (401, "not-authenticated")


def test_an_unreachable_api_is_a_plain_error_and_ipv6_hosts_are_bracketed() -> None:
    with flask.Flask("t").test_request_context(
            "/", environ_overrides={"SERVER_NAME": "::1", "SERVER_PORT": "1"}):
        assert own_listener() == "http://[::1]:1"
    with _page_request("http://127.0.0.1:1"), pytest.raises(ApiError) as failed:
        Api(FastAPI()).get("/api/whoami", None)
    assert (failed.value.status, failed.value.code) == (503, "api-unreachable")
    with pytest.raises(RuntimeError):  # outside a page request there is no listener to call
        own_listener()


def test_the_browser_address_is_believed_only_with_the_apps_key(served: Any) -> None:
    _, base = served
    claimed = {CLIENT_HEADER: "203.0.113.7"}
    vouched = {**claimed, CLIENT_KEY_HEADER: client_key(TOKEN_KEY)}
    forged = {**claimed, CLIENT_KEY_HEADER: client_key("another key")}
    answers = [httpx.post(base + "/api/address", headers=h, trust_env=False).json()["address"]
               for h in (vouched, claimed, forged)]
    assert answers == ["203.0.113.7", "127.0.0.1", "127.0.0.1"]


def test_page_callbacks_waiting_on_the_api_never_starve_its_threads() -> None:
    """Two page requests at once, each calling a sync route of the same server, with one API
    worker thread: on the API's own pool they would wait for each other's thread forever."""
    app = _api_app(lifespan=_one_api_thread)
    pages = flask.Flask("pages")
    api = Api(app)

    @pages.get("/page")
    def page() -> dict[str, str]:
        time.sleep(0.2)  # both page requests hold their thread before calling the API
        answer: dict[str, str] = api.get("/api/whoami", Auth("good", "alice", "admin"))
        return answer

    app.router.routes.append(Mount("/", app=wsgi_as_asgi(pages, threads=2)))
    with _serving(app) as base:
        results: list[int] = []
        calls = [threading.Thread(target=lambda: results.append(
            httpx.get(base + "/page", timeout=10, trust_env=False).status_code))
            for _ in range(2)]
        for call in calls:
            call.start()
        for call in calls:
            call.join(timeout=15)
    assert results == [200, 200]

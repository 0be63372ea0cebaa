"""A real Facet server for browser tests and the page benchmark: demo data, uvicorn, a free port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from core import CoreSettings, Database
from core.demo import load_demo
from core.migrate import upgrade

__all__ = ["LiveServer", "demo_database", "running_server", "build_app"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@dataclass
class LiveServer:
    """A started server: its base URL and the app (for the database and the bus)."""

    url: str
    app: FastAPI


def demo_database(path: Path, scale: str = "small") -> str:
    """Migrate a SQLite file and load the demo warehouse into it; return its URL."""
    url = f"sqlite:///{path}"
    upgrade(url)
    db = Database(url)
    try:
        load_demo(db, scale=scale)
    finally:
        db.dispose()
    return url


def build_app(url: str) -> FastAPI:
    """The full app (pages and live websocket included) as `facet serve` builds it."""
    from web.app import Settings, create_app

    # Demo mode, as `make run`: the demo users sign in with the published demo password.
    core = CoreSettings(database_url=url, secret_key="t" * 48, demo_mode=True)
    return create_app(Settings(core=core))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(url: str) -> Iterator[LiveServer]:
    """Serve the app with uvicorn in a thread until the block ends."""
    app = build_app(url)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           ws="websockets-sansio"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    try:
        yield LiveServer(base, app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)

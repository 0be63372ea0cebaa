"""Several real `facet serve` processes on one PostgreSQL database and one event transport.

Used by the two-process tests (``conftest.py``) and by ``bench/events.py``: a fresh database
copied from a migrated small demo, servers started as their own process groups (so a test can
``kill -9`` one), signed-in API clients and ``/ws/events`` sockets read on a thread each.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg
from psycopg import sql
from websockets.sync.client import ClientConnection, connect

__all__ = [
    "AUDIT_KEY",
    "DEMO_PASSWORD",
    "TRANSPORTS",
    "Cluster",
    "EventSocket",
    "Postgres",
    "Server",
    "cluster",
    "demo_template",
    "server_answers",
    "transport_answers",
    "transport_url",
]

ROOT = Path(__file__).resolve().parents[3]
DEMO_PASSWORD = "facet-demo"
SECRET_KEY = "multiprocess-test-signing-key-0123456789"
AUDIT_KEY = "multiprocess-test-audit-key-0123456789"
TRANSPORTS = ("postgresql", "redis", "nats")
REDIS = ("127.0.0.1", 6379)
NATS = ("127.0.0.1", 4222)
SERVERS = {"redis": REDIS, "nats": NATS}  # the transports with a server of their own


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_answers(host: str, port: int) -> bool:
    """Whether a TCP server listens at ``host:port`` (Redis, NATS...)."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def transport_answers(kind: str) -> bool:
    """Whether transport ``kind``'s server answers (PostgreSQL's is the database: always)."""
    return kind not in SERVERS or server_answers(*SERVERS[kind])


@dataclass(frozen=True)
class Postgres:
    """A PostgreSQL server reached as ``base`` (any database on it): creates and drops databases."""

    base: str

    def url(self, name: str) -> str:
        """The SQLAlchemy (psycopg) URL of database ``name`` on this server."""
        parts = urlsplit(self.base)
        return f"postgresql+psycopg://{parts.netloc}/{name}"

    def plain_url(self, name: str) -> str:
        """The libpq URL of database ``name`` (for psycopg and FACET_EVENTS_URL)."""
        parts = urlsplit(self.base)
        return f"postgresql://{parts.netloc}/{name}"

    def _admin(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.plain_url("postgres"), autocommit=True)

    def create(self, name: str, *, template: str | None = None) -> None:
        """Create database ``name``, as a copy of ``template`` when given."""
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("{} TEMPLATE {}").format(query, sql.Identifier(template))
        with self._admin() as conn:
            conn.execute(query)

    def drop(self, name: str) -> None:
        """Drop database ``name``, ending whatever connections are left."""
        with self._admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))


def server_env(db_url: str, events_url: str, workdir: Path) -> dict[str, str]:
    """The environment of a Facet process: this one's without FACET_*, plus the test's settings.

    Inherited FACET_* variables (a cameras file, a SQLite URL) must not leak into the servers;
    the test run's cache of the chat's fitted models does (tests/conftest.py), so a server's
    first chat question loads them rather than fitting them again in the user's cache (minutes
    of CPU on a clean machine).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACET_")}
    if cache := os.environ.get("FACET_ASSISTANT_EMBEDDING_CACHE_DIR"):
        env["FACET_ASSISTANT_EMBEDDING_CACHE_DIR"] = cache
    env.update({
        "FACET_DATABASE_URL": db_url,
        "FACET_EVENTS_URL": events_url,
        "FACET_SECRET_KEY": SECRET_KEY,
        "FACET_AUDIT_KEY": AUDIT_KEY,
        "FACET_AUDIT_ANCHOR_DIR": str(workdir / "anchors"),
        "FACET_DEMO_MODE": "true",
        "FACET_WEB_WARM_UP_MODELS": "false",
        "FACET_LOG_LEVEL": "INFO",
        "HF_HUB_OFFLINE": "1",
        "YOLO_OFFLINE": "1",
    })
    return env


def _facet(*args: str) -> list[str]:
    """The `facet` command line run by this interpreter (the project's venv)."""
    return [sys.executable, "-c", "from web.cli.main import main; main()", *args]


def demo_template(pg: Postgres, name: str, workdir: Path) -> None:
    """Create database ``name``, migrate it and load the small demo (once per test session)."""
    pg.create(name)
    env = server_env(pg.url(name), "memory://", workdir)
    for args in (("db", "upgrade"), ("demo", "load", "--scale", "small")):
        done = subprocess.run(_facet(*args), env=env, cwd=workdir, capture_output=True,
                              text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"facet {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def transport_url(kind: str, pg: Postgres, db_name: str, tag: str) -> str:
    """FACET_EVENTS_URL for transport ``kind``, on a stream/subject of its own (``tag``)."""
    if kind == "postgresql":
        return pg.plain_url(db_name)
    if kind == "redis":
        return f"redis://{REDIS[0]}:{REDIS[1]}/0?stream=facet-test-{tag}"
    if kind == "nats":
        return f"nats://{NATS[0]}:{NATS[1]}?subject=facet.test.{tag}&stream=FACET_TEST_{tag.upper()}"
    raise ValueError(f"unknown transport {kind!r}")


@dataclass
class Server:
    """One `facet serve` process in a process group of its own."""

    name: str
    env: dict[str, str]
    workdir: Path
    port: int = field(default_factory=_free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        """Where the server's output goes."""
        return self.workdir / f"{self.name}.log"

    def start(self) -> None:
        """Start the process (returns at once; see :meth:`wait_ready`)."""
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            _facet("serve", "--port", str(self.port)), env=self.env, cwd=self.workdir,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()

    def wait_ready(self, timeout: float = 90) -> None:
        """Wait for ``/api/health``; raise with the log's tail when the server died or hung."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                break
            try:
                if httpx.get(f"{self.base}/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server {self.name} did not start:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        """The last lines the server printed."""
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the server's whole process group (uvicorn and any workers)."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self) -> None:
        """Terminate gracefully, then kill what is left after 10 s."""
        if self.proc is None:
            return
        self.kill(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.kill(signal.SIGKILL)
            self.proc.wait(10)
        self.kill(signal.SIGKILL)  # strays left in the group

    def client(self, username: str, password: str = DEMO_PASSWORD) -> httpx.Client:
        """An API client signed in as ``username``."""
        answer = httpx.post(f"{self.base}/api/auth/token", timeout=30,
                            data={"username": username, "password": password})
        answer.raise_for_status()
        token = answer.json()["access_token"]
        return httpx.Client(base_url=self.base, timeout=30,
                            headers={"Authorization": f"Bearer {token}"})


@dataclass
class Arrival:
    """One JSON message from ``/ws/events`` and when it arrived (``time.time()``)."""

    at: float
    data: dict[str, Any]


class EventSocket:
    """``/ws/events`` of one server, read on a thread into a list of arrivals."""

    def __init__(self, client: httpx.Client) -> None:
        ticket = client.post("/api/ws-ticket")
        ticket.raise_for_status()
        base = str(client.base_url).replace("http://", "ws://").rstrip("/")
        self._closing = ExitStack()
        self._ws: ClientConnection = self._closing.enter_context(
            connect(f"{base}/ws/events?ticket={ticket.json()['ticket']}", open_timeout=30))
        hello = json.loads(self._ws.recv(timeout=30))
        if hello.get("event") != "hello":
            raise RuntimeError(f"/ws/events refused the socket: {hello}")
        self.arrivals: list[Arrival] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for message in self._ws:
                arrival = Arrival(time.time(), json.loads(message))
                with self._changed:
                    self.arrivals.append(arrival)
                    self._changed.notify_all()
        except Exception:  # the socket closed (the server stopped): nothing more arrives
            return

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        """What arrived so far (of event type ``name``)."""
        with self._changed:
            return [a.data for a in self.arrivals if name is None or a.data["event"] == name]

    def wait_for(
        self, done: Callable[[list[dict[str, Any]]], bool], timeout: float
    ) -> list[dict[str, Any]]:
        """Wait until ``done(events)`` holds (or ``timeout``); return the events either way."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                events = [a.data for a in self.arrivals]
                left = deadline - time.monotonic()
                if done(events) or left <= 0:
                    return events
                self._changed.wait(min(left, 0.5))

    def close(self) -> None:
        """Close the socket and stop the reader."""
        self._closing.close()
        self._thread.join(5)


@dataclass
class Cluster:
    """Servers sharing one database and one transport."""

    pg: Postgres
    db_name: str
    events_url: str
    workdir: Path
    servers: dict[str, Server] = field(default_factory=dict)

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL of the shared database."""
        return self.pg.url(self.db_name)

    def spawn(self, *names: str) -> list[Server]:
        """Start servers ``names`` together and wait until every one answers."""
        env = server_env(self.db_url, self.events_url, self.workdir)
        started = [Server(name, env, self.workdir) for name in names]
        for server in started:
            self.servers[server.name] = server
            server.start()
        for server in started:
            server.wait_ready()
        return started

    def __getitem__(self, name: str) -> Server:
        return self.servers[name]

    def stop(self) -> None:
        """Stop every server."""
        for server in self.servers.values():
            server.stop()


def _forget_streams(kind: str, tag: str) -> None:
    """Delete the Redis stream or the NATS JetStream stream a test used (best effort)."""
    try:
        if kind == "redis":
            import redis

            client = redis.Redis(host=REDIS[0], port=REDIS[1], db=0)
            client.delete(f"facet-test-{tag}")
            client.close()
        elif kind == "nats":
            import asyncio

            import nats

            async def delete() -> None:
                nc = await nats.connect(f"nats://{NATS[0]}:{NATS[1]}", connect_timeout=2)
                try:
                    await nc.jetstream().delete_stream(f"FACET_TEST_{tag.upper()}")
                finally:
                    await nc.close()

            asyncio.run(delete())
    except Exception:  # a stream that was never made, a server gone: nothing to clean
        return


@contextmanager
def cluster(
    kind: str, pg: Postgres, template: str, workdir: Path, names: tuple[str, ...] = ("a", "b")
) -> Iterator[Cluster]:
    """A fresh copy of ``template`` with servers ``names`` on transport ``kind``; all torn down."""
    tag = uuid.uuid4().hex[:10]
    db_name = f"facet_mp_{kind}_{tag}"
    pg.create(db_name, template=template)
    with ExitStack() as stack:
        stack.callback(pg.drop, db_name)
        stack.callback(_forget_streams, kind, tag)
        group = Cluster(pg, db_name, transport_url(kind, pg, db_name, tag), workdir)
        stack.callback(group.stop)
        group.spawn(*names)
        yield group

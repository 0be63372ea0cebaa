"""The composition root: ``create_app(settings)`` builds the database, bus and routers."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio
from fastapi import Depends, FastAPI

from assistant.settings import AssistantSettings
from core import CoreSettings, Database, EventBus
from core.routers import ROUTERS
from web import errors
from web.adapters.audit_anchors import start_anchoring
from web.api import tickets
from web.middleware.body_limit import BodyLimit
from web.middleware.security_headers import SecurityHeaders
from web.pages import mount_pages
from web.settings import WebSettings


def _mount_parts(app: FastAPI, settings: Settings) -> None:
    """The twin, cameras, live events, chat and voice picking, behind sign-in."""
    from assistant.chat import build_assistant
    from core.api_deps import allow
    from web.adapters import twin_live
    from web.adapters.voice_backend import configure_voice
    from web.api import assistant as api_assistant
    from web.api import twin as api_twin
    from web.api import vision as api_vision
    from web.api.live import live_router

    twin_live.attach(app, app.state.db)
    app.include_router(twin_live.router)
    app.include_router(live_router)
    app.state.voice_settings = settings.assistant
    configure_voice(app, sequencer=app.state.pick_sequencer)
    app.state.assistant = build_assistant(app.state.db, settings.assistant)
    app.include_router(api_assistant.router)
    app.include_router(api_assistant.ws_router)
    app.include_router(api_twin.router, dependencies=[Depends(allow("read"))])
    app.include_router(api_vision.router, dependencies=[Depends(allow("alerts:read"))])


@dataclass
class Settings:
    """Every package's settings, read from the environment unless given."""

    core: CoreSettings = field(default_factory=CoreSettings)
    web: WebSettings = field(default_factory=WebSettings)
    assistant: AssistantSettings = field(default_factory=AssistantSettings)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web app: database, event bus, REST and websocket routers, the pages."""
    settings = settings or Settings()
    bus = EventBus()
    db = Database(
        settings.core.database_url,
        bus=bus,
        echo=settings.core.echo_sql,
        lock_timeout_s=settings.core.lock_timeout_s,
        audit_key=settings.core.resolved_audit_key(),
    )
    app = FastAPI(
        title="Facet",
        description="Warehouse system for jewellery and fashion accessories.",
        version="0.1.0",
        lifespan=_lifespan(settings, db),
    )
    app.state.settings = settings
    app.state.core_settings = settings.core
    app.state.token_key = settings.core.resolved_secret_key()
    app.state.db = db
    app.state.bus = bus
    # Writers waiting for a lock hold at most this many worker threads (see core.api_deps).
    app.state.write_limiter = anyio.CapacityLimiter(settings.core.write_slots)
    errors.install(app)
    tickets.install_log_redaction()
    # The health check's own thread and connection: never queued behind requests.
    health_limiter = anyio.CapacityLimiter(2)

    @app.get("/api/health", tags=["health"])
    async def health() -> dict[str, str]:
        """Liveness and database reachability (no sign-in needed)."""
        await anyio.to_thread.run_sync(db.ping, limiter=health_limiter)
        return {"status": "ok", "database": db.dialect}

    for router in ROUTERS:
        app.include_router(router, prefix="/api")
    app.include_router(tickets.router)
    _mount_parts(app, settings)
    mount_pages(app)  # last: the pages answer every path no router claimed
    app.add_middleware(BodyLimit, limit=settings.web.max_body_bytes,
                       bulk_limit=settings.web.max_bulk_body_bytes)
    app.add_middleware(SecurityHeaders, script_hashes=app.state.dash.csp_hashes())
    return app


def _lifespan(settings: Settings, db: Database) -> Any:
    """Start-up and shut-down: warm the chat model, walk the routes, start the cameras (when
    configured); stop them and close the pool after."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.web.warm_up_models:  # load the embedding model before the first question
            threading.Thread(target=app.state.assistant.warm_up, daemon=True).start()
        await _request_nothing(app)
        if settings.web.cameras_file is not None:
            from web.adapters.vision import start_vision

            start_vision(app, db, settings.web.cameras_file)
        stop_anchoring = start_anchoring(settings.core, db)  # signed audit checkpoints
        try:
            yield
        finally:
            stop_anchoring()
            vision = getattr(app.state, "vision", None)
            if vision is not None:
                vision.stop()
            db.dispose()

    return lifespan


async def _request_nothing(app: FastAPI) -> None:
    """Send one in-process request that no route claims.

    FastAPI builds each included router's route table on the first request that walks it
    (over a second for all of Facet's routers on a busy 2-core machine); doing it at start-up
    means no picker's first scan waits for it.
    """
    path = "/api/-/start-up"
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [], "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message: dict[str, Any]) -> None:
        return None

    await app(scope, receive, send)

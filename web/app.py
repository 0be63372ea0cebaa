"""The composition root: ``create_app(settings)`` builds every service once and mounts the routes.

Nothing else in ``web`` (nor in the packages below it) reads settings from the environment
while serving: `Settings` is built here (or by the CLI command that starts the app) and its
sections are handed to what needs them. The services go to one typed :class:`Services`
(``app.state.services``); the core's routers get their :class:`CoreContext` through
``core.api_deps.provide``.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import AsyncIterator, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from core import Database, EventBus
from core.api_deps import CoreContext, allow, provide
from core.people.signin import SignInGuard
from core.routers import ROUTERS
from web import errors, observability
from web.adapters.audit_anchors import start_anchoring
from web.adapters.custody_watch import start_custody_watch
from web.adapters.retention import start_retention
from web.api import tickets
from web.events.runtime import EventsRuntime
from web.extras import installed, log_missing
from web.middleware.body_limit import BodyLimit
from web.middleware.security_headers import SecurityHeaders
from web.observability import ObserveRequests
from web.pages import mount_pages
from web.services import Services
from web.settings import Settings

__all__ = ["Settings", "create_app"]

_log = logging.getLogger(__name__)


def _database(settings: Settings, bus: EventBus) -> Database:
    """The engine and pool, as the core settings say."""
    return Database.from_settings(settings.core, bus=bus)


def build_services(settings: Settings) -> Services:
    """Database, bus, the core's context, the live twin, chat and voice: each built once."""
    from assistant.chat import SharedConversations, build_assistant
    from web.adapters import twin_live
    from web.adapters.voice_backend import voice_services

    bus = EventBus()
    db = _database(settings, bus)  # with an outbox unless FACET_EVENTS_URL is memory://
    events = EventsRuntime.from_settings(settings.core, db)  # started by the lifespan
    live = twin_live.attach(db)
    core = CoreContext(
        db=db, settings=settings.core, token_key=settings.core.resolved_secret_key(),
        sign_in_guard=SignInGuard(settings.core),
        write_limiter=anyio.CapacityLimiter(settings.core.write_slots),
        pick_sequencer=live.sequence,
        bin_distance=live.distance,  # slotting advice measures walking, not air
    )
    return Services(
        settings=settings, core=core, bus=bus, tickets=tickets.TicketBook(core.token_key),
        assistant_factory=lambda: build_assistant(db, settings.assistant, conversations=(
            SharedConversations(db, settings.assistant.conversation_ttl_seconds))),  # any worker
        live_twin=live,
        voice=voice_services(db, settings.assistant, sequencer=live.sequence), events=events,
    )


def _mount_routes(app: FastAPI, services: Services) -> None:
    """Every REST and websocket router; the pages, which answer any other path, come last."""
    from web.adapters import twin_live
    from web.api import assistant as api_assistant
    from web.api import channels as api_channels
    from web.api import twin as api_twin
    from web.api import vision as api_vision
    from web.api import ws_voice, ws_voice_enrol
    from web.api.live import live_router
    from web.integrations.scales import api as scale_api

    # Sales channels' signed webhooks (no user token) first: routes are matched one after
    # another, and walking every router before it cost a webhook ~1 ms of its few.
    app.include_router(api_channels.router)
    observability.mount(app, services)  # /api/health, /api/ready, /metrics
    for router in ROUTERS:
        app.include_router(router, prefix="/api")
    app.include_router(tickets.router)
    app.include_router(scale_api.router)  # the handheld's 'Read scale' (FACET_SCALE_URL)
    app.include_router(twin_live.router)
    app.include_router(live_router)
    if installed("assistant"):  # chat and voice picking: facet[assistant]
        app.include_router(ws_voice.router)
        app.include_router(ws_voice_enrol.router)
        app.include_router(api_assistant.router)
        app.include_router(api_assistant.ws_router)
    app.include_router(api_twin.router, dependencies=[Depends(allow("read"))])
    web = services.settings.web
    app.include_router(api_vision.router_for(web.vision_url, web.vision_token),
                       dependencies=[Depends(allow("alerts:read"))])


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web app: every service once, the REST and websocket routers, the pages.

    Without ``settings`` they are read from the environment (``Settings()``), which refuses
    unknown ``FACET_*`` variables.
    """
    settings = settings or Settings()
    services = build_services(settings)
    app = FastAPI(
        title="Facet",
        description="Warehouse system for jewellery and fashion accessories.",
        version="0.1.0",
        lifespan=_lifespan(services),
    )
    provide(app, services.core)
    app.state.services = services
    weakref.finalize(app, services.core.sign_in_guard.close)  # its threads go with the app
    errors.install(app)
    tickets.install_log_redaction()
    log_missing(_log, "assistant")  # one line; its routes are left out below
    _mount_routes(app, services)
    dash = mount_pages(app)  # last: the pages answer every path no router claimed
    app.add_middleware(BodyLimit, limit=settings.web.max_body_bytes,
                       bulk_limit=settings.web.max_bulk_body_bytes)
    app.add_middleware(SecurityHeaders, script_hashes=dash.csp_hashes())
    if settings.web.cors_origins:  # outermost: a preflight is answered before anything else
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.web.cors_origins,
            allow_methods=["*"], allow_headers=["Authorization", "Content-Type",
                                                "Idempotency-Key"],
            expose_headers=["Retry-After", "Idempotent-Replayed", "X-Request-ID"],
        )
    # Outermost of all: every answer (a preflight, a 413) is timed, counted and logged once.
    app.add_middleware(ObserveRequests, metrics=services.metrics)
    return app


def _lifespan(services: Services) -> Any:
    """Start-up and shut-down: warm the chat model, walk the routes, start the cameras (when
    configured) and the audit checkpoints; stop them and close the pool after."""
    settings, db = services.settings, services.db

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services.events.start()  # other processes' events in, this one's outbox out
        if settings.web.warm_up_models and installed("assistant"):  # before the first question
            threading.Thread(target=lambda: services.assistant.warm_up(), daemon=True).start()
        if settings.web.prepare_routes:
            await _request_nothing(app)
        if _cameras_in_process(settings):
            from web.adapters.vision import start_vision

            assert settings.web.cameras_file is not None
            services.vision = start_vision(db, settings.web.cameras_file, settings.vision)
        stop_anchoring = start_anchoring(settings.core, db)  # signed audit checkpoints
        stop_retention = start_retention(settings.core, db)  # old idempotency keys, state
        stop_custody = start_custody_watch(db)  # memo and repair pieces overdue: alerts
        from web.integrations import start_integrations

        integrations = start_integrations(  # alerts out: MQTT and signed webhooks, if set
            settings.operations, services.bus,
            services.vision.statuses if services.vision is not None else None)
        stop_channels = _start_channels(services)  # orders in, stock out: the channels file
        try:
            yield
        finally:
            stop_channels()
            integrations.stop()
            stop_anchoring()
            stop_retention()
            stop_custody()
            services.live_twin.close()  # pickers' queued positions are stored
            vision, services.vision = services.vision, None
            if vision is not None:
                vision.stop()
            services.events.stop()  # after the cameras: their last alerts are relayed
            db.dispose()

    return lifespan


def _start_channels(services: Services) -> Callable[[], None]:
    """Register the channels file's channels, build their connectors and start the inbox's
    retries and polling, the stock pushes and (demo only) its fake marketplace."""
    path = services.settings.web.channels_file
    if path is None:
        return lambda: None
    from web.adapters.channel_inbox import start_channel_inbox
    from web.adapters.channel_sync import start_channel_sync
    from web.integrations.channels.registry import (
        build_connectors,
        load_channels_document,
        register_channels,
    )

    document = load_channels_document(path)
    register_channels(services.db, document.channels, document.listings)
    services.channels = build_connectors(document.channels)
    stops: list[Callable[[], None]] = [  # retries and polling; stock pushes
        start_channel_inbox(services.db, services.channels),
        start_channel_sync(services.db, services.bus, services.channels),
    ]
    if document.fake_marketplace is not None and services.settings.web.workers > 1:
        _log.warning("the channels file's fake_marketplace (demo only) is not started: "
                     "`facet serve` runs several workers (run `facet channels fake-marketplace`)")
    elif document.fake_marketplace is not None:  # the demo's marketplace, in this process
        from web.integrations.channels.fake_marketplace import start_demo_marketplace

        stops.append(start_demo_marketplace(document, port=services.settings.web.port))
    _log.info("channels: %s", ", ".join(sorted(services.channels)) or "none")

    def stop() -> None:
        for one in reversed(stops):
            one()
        for connector in services.channels.values():
            close = getattr(connector, "close", None)
            if close is not None:
                close()

    return stop


def _cameras_in_process(settings: Settings) -> bool:
    """Whether this process runs the cameras file: only the one-worker, embedded set-up."""
    web = settings.web
    if web.cameras_file is None or log_missing(_log, "vision"):
        return False
    if web.vision_url:
        _log.info("cameras run in the vision service at %s (FACET_WEB_VISION_URL); "
                  "%s is not started here", web.vision_url, web.cameras_file)
        return False
    if web.workers > 1:  # every worker would run every camera: N times the CPU and alerts
        _log.warning(
            "FACET_WEB_CAMERAS_FILE is set but `facet serve` runs %d workers: no camera is "
            "started in the web app. Run the cameras once with `facet vision serve --config "
            "%s` and set FACET_WEB_VISION_URL to its address.", web.workers, web.cameras_file)
        return False
    return True


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

    async def send(_message: MutableMapping[str, Any]) -> None:
        return None

    await app(scope, receive, send)


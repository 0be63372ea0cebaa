"""``facet vision serve``: the camera pipelines of one cameras file, as a service of their own.

:func:`create_vision_app` builds, like ``create_app`` does for the web app, the event bus, the
database (with an outbox when ``FACET_EVENTS_URL`` names a transport, so alerts leave this
process through it), the events runtime, and a :class:`VisionService` that leads the camera
groups whose lease it wins. It serves ``/api/health``, ``/api/ready`` and the camera routes of
:mod:`web.api.vision` (``/api/vision/cameras``...), answering for every camera of the file: the
groups it runs, and the others as ``standby`` with the instance that runs them.
"""

from __future__ import annotations

import hmac
import logging
import os
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from core import Database, EventBus
from vision import CamerasFile
from vision.messages import CameraStatusReport
from web import errors
from web.api import vision as api_vision
from web.events.runtime import EventsRuntime
from web.observability import mount_service_metrics
from web.observability.health import Check, check_database, check_events, ready_response
from web.services import vision_supervisor
from web.settings import Settings
from web.vision_service.runner import LeaseTiming, VisionService

__all__ = ["VisionApp", "create_vision_app", "default_instance"]

log = logging.getLogger(__name__)


def default_instance(port: int) -> str:
    """This process's name in the leases: host, port and process id."""
    return f"{socket.gethostname()}:{port}/{os.getpid()}"


class VisionApp:
    """What one vision service process runs: database, events, cameras."""

    def __init__(
        self, settings: Settings, cameras: CamerasFile, *, instance: str,
        timing: LeaseTiming | None = None,
    ) -> None:
        """Build every part once (nothing starts here)."""
        self.settings = settings
        self.bus = EventBus()
        self.db = Database.from_settings(settings.core, bus=self.bus)
        self.events = EventsRuntime.from_settings(settings.core, self.db)
        vision_settings = cameras.vision_settings(settings.vision)
        self.service = VisionService(
            self.db, vision_settings, cameras, instance=instance, timing=timing
        )

    def led_statuses(self) -> list[CameraStatusReport]:
        """The states of the cameras this instance runs (the others are another's to tell)."""
        led = set(self.service.leading())
        return [s for s in self.service.statuses() if s.group in led]

    def leases_check(self) -> Check:
        """Whether the lease loop is alive and taking its rounds, and which groups it leads."""
        timing, ticked = self.service.timing, self.service.ticked_at
        fresh = ticked is not None and time.monotonic() - ticked < 3 * timing.ttl_s
        failing = self.service.last_error is not None
        code = ("leases-failing" if failing else None if fresh
                else "leases-starting" if ticked is None else "leases-stalled")
        details = {"instance": self.service.instance, "leading": self.service.leading()}
        if self.service.running and code is None:
            return Check(ok=True, details=details)
        return Check(ok=False, code=code or "leases-stopped", details=details,
                     message="This instance's lease loop is not taking its rounds; see the log.")


def _health_router(parts: VisionApp) -> APIRouter:
    router = APIRouter(tags=["health"])
    limiter = anyio.CapacityLimiter(2)  # health checks never wait behind camera requests

    @router.get("/api/health")
    async def health() -> dict[str, str]:
        """Liveness: the process answers (no database needed)."""
        return {"status": "ok", "instance": parts.service.instance}

    @router.get("/api/ready")
    async def ready() -> JSONResponse:
        """Database, events transport and the lease loop; 503 naming what is not ready."""
        return ready_response({
            "database": await check_database(parts.db, limiter),
            "events": await check_events(parts.events, limiter),
            "leases": parts.leases_check(),
        })

    return router


def _bearer(token: str) -> Any:
    """A dependency admitting only requests that carry ``token`` (the web app's proxy)."""
    expected = f"Bearer {token}".encode()

    async def check(request: Request) -> None:
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            raise HTTPException(status_code=401, detail={
                "code": "vision-token-required",
                "message": "The camera routes need the shared FACET_WEB_VISION_TOKEN as a "
                "Bearer token (the web app sends it when it is set on both sides).",
            })

    return check


def create_vision_app(
    settings: Settings, cameras: CamerasFile, *, instance: str,
    timing: LeaseTiming | None = None,
) -> FastAPI:
    """The vision service's app; its lifespan starts events, leases and cameras."""
    parts = VisionApp(settings, cameras, instance=instance, timing=timing)
    app = FastAPI(title="Facet vision", version="0.1.0", lifespan=_lifespan(parts))
    app.state.vision = parts
    errors.install(app)
    app.include_router(_health_router(parts))
    token = settings.web.vision_token
    app.include_router(api_vision.router, dependencies=[Depends(_bearer(token))] if token else [])
    app.dependency_overrides[vision_supervisor] = lambda: parts.service
    mount_service_metrics(  # /metrics: requests, events lag and outbox, this one's cameras
        app, settings.operations, bus=parts.bus, events=parts.events.status,
        cameras=parts.led_statuses,
    )
    return app


def _lifespan(parts: VisionApp) -> Any:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from web.integrations import start_integrations

        parts.events.start()  # alerts committed here leave through FACET_EVENTS_URL
        parts.service.start()
        integrations = start_integrations(  # MQTT and webhooks: this instance's cameras only
            parts.settings.operations, parts.bus, parts.led_statuses
        )
        log.info("vision service %s started", parts.service.instance)
        try:
            yield
        finally:
            integrations.stop()
            await anyio.to_thread.run_sync(parts.service.stop)  # gives its leases back
            parts.events.stop()  # after the cameras: their last alerts are relayed
            parts.db.dispose()

    return lifespan

"""``GET /api/health`` (liveness) and ``GET /api/ready`` (readiness), for load balancers.

``/api/health`` answers from the process alone, at once: it is up. ``/api/ready`` checks what
serving needs: the database (``SELECT 1`` on the health check's own connection, in a thread of
its own, so writers queued on a lock never hold it up), the events transport (its status:
reachable, the outbox backlog) and the cameras (the in-process supervisor, or the vision
service's own ``/api/ready``). 200 when all are fine; 503 with every failing part named by a
stable code. Neither needs a sign-in and neither answer carries a URL, a host or an error text
(those go to the log).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Annotated, Any, Literal

import anyio
import httpx
from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from core import Database
from core.errors import DatabaseBusy
from web.errors import error_body
from web.events.runtime import EventsRuntime
from web.services import Services

__all__ = [
    "Check",
    "check_cameras",
    "check_database",
    "check_events",
    "health_router",
    "ready_response",
]

log = logging.getLogger(__name__)

#: A readiness answer is about this moment: no proxy or client may reuse it.
_NO_STORE = {"Cache-Control": "no-store"}
#: The parts ``/api/ready`` checks.
Part = Literal["database", "events", "cameras"]
#: How long one part may take to answer before it counts as failing.
CHECK_TIMEOUT_S = 3.0


@dataclass
class Check:
    """One part's readiness: fine, or failing with a stable code and a message."""

    ok: bool
    code: str | None = None
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: ``ok``, the details, and ``code`` and ``message`` when failing."""
        body: dict[str, Any] = {"ok": self.ok, **self.details}
        if not self.ok:
            body.update(code=self.code, message=self.message)
        return body


def _failed(code: str, message: str, **details: Any) -> Check:
    return Check(ok=False, code=code, message=message, details=details)


async def _in_thread(
    func: Callable[[], Any], limiter: anyio.CapacityLimiter, timeout_s: float = CHECK_TIMEOUT_S
) -> Any:
    """Run ``func`` in a worker thread, giving up (``TimeoutError``) after ``timeout_s``."""
    with anyio.fail_after(timeout_s):
        return await anyio.to_thread.run_sync(func, limiter=limiter, abandon_on_cancel=True)


async def check_database(db: Database, limiter: anyio.CapacityLimiter) -> Check:
    """``SELECT 1`` on the database's health-check connection."""
    try:
        await _in_thread(db.ping, limiter)
    except TimeoutError:
        return _failed("database-timeout", f"The database did not answer in "
                       f"{CHECK_TIMEOUT_S:.0f} s.", dialect=db.dialect)
    except DatabaseBusy:
        return _failed("database-busy", "The database is locked or its pool is full.",
                       dialect=db.dialect)
    except Exception:
        log.warning("readiness: the database is unreachable", exc_info=True)
        return _failed("database-unreachable", "The database cannot be reached; see the "
                       "log for the reason.", dialect=db.dialect)
    return Check(ok=True, details={"dialect": db.dialect})


async def check_events(events: EventsRuntime, limiter: anyio.CapacityLimiter) -> Check:
    """The events transport: reachable, and how far the outbox relay is behind."""
    try:
        status: dict[str, Any] = await _in_thread(events.status, limiter)
    except TimeoutError:
        return _failed("events-timeout", "The events transport did not answer in time.")
    except Exception:
        log.warning("readiness: the events status failed", exc_info=True)
        return _failed("events-transport-down", "The events transport cannot be reached; "
                       "see the log for the reason.")
    details: dict[str, Any] = {
        key: status[key] for key in ("transport", "unpublished", "oldest_unpublished_s")
        if key in status
    }
    if not status.get("ok", False):
        log.warning("readiness: events transport down: %s", status.get("error", "not ok"))
        return _failed("events-transport-down", "The events transport cannot be reached; "
                       "events stay in the outbox until it is back.", **details)
    return Check(ok=True, details=details)


async def check_cameras(services: Services) -> Check:
    """The cameras: the vision service's readiness, or the in-process supervisor's cameras."""
    vision_url = services.settings.web.vision_url
    if vision_url:
        return await _vision_service(vision_url)
    supervisor = services.vision
    if supervisor is None:
        return Check(ok=True, details={"source": "none"})
    cameras = [
        {"camera": s.camera, "state": str(s.state), "fps": round(s.fps, 2)}
        for s in supervisor.statuses()
    ]
    details = {"source": "in-process", "cameras": cameras}
    if not supervisor.running:
        return _failed("cameras-stopped", "The camera supervisor is not running.", **details)
    broken = [str(c["camera"]) for c in cameras if c["state"] == "error"]
    if broken:
        return _failed("camera-error", f"Camera(s) in error: {', '.join(broken)}; see "
                       "/api/vision/cameras for each one's reason.", **details)
    return Check(ok=True, details=details)


async def _vision_service(base_url: str) -> Check:
    """The vision service's own ``/api/ready``."""
    details: dict[str, Any] = {"source": "vision-service"}
    try:
        async with httpx.AsyncClient(timeout=CHECK_TIMEOUT_S) as client:
            answer = await client.get(base_url.rstrip("/") + "/api/ready")
    except httpx.HTTPError:
        log.warning("readiness: the vision service is unreachable", exc_info=True)
        return _failed("vision-unreachable", "The vision service (FACET_WEB_VISION_URL) "
                       "cannot be reached.", **details)
    if answer.status_code != 200:
        return _failed("vision-not-ready", f"The vision service answered "
                       f"{answer.status_code} to its readiness check.", **details)
    return Check(ok=True, details=details)


def ready_response(checks: dict[str, Check]) -> JSONResponse:
    """200 ``ready`` when every check passed, else 503 naming each failing part."""
    failing = {name: check for name, check in checks.items() if not check.ok}
    parts = {name: check.as_dict() for name, check in checks.items()}
    if not failing:
        return JSONResponse({"status": "ready", "checks": parts}, headers=_NO_STORE)
    summary = "; ".join(f"{name}: {check.code}" for name, check in failing.items())
    body = {
        "status": "not-ready",
        **error_body("not-ready", f"Not ready ({summary})."),
        "checks": parts,
        "failing": [{"part": name, "code": check.code} for name, check in failing.items()],
    }
    return JSONResponse(body, 503, headers=_NO_STORE)


async def _gather(checks: dict[str, Callable[[], Awaitable[Check]]]) -> dict[str, Check]:
    """Run the checks at once; the answer waits for the slowest, not for their sum."""
    results: dict[str, Check] = {}

    async def run(name: str, check: Callable[[], Awaitable[Check]]) -> None:
        results[name] = await check()

    async with anyio.create_task_group() as group:
        for name, check in checks.items():
            group.start_soon(run, name, check)
    return {name: results[name] for name in checks}  # in a fixed order


def health_router(services: Services) -> APIRouter:
    """``/api/health`` and ``/api/ready``, with their own threads (never queued behind
    requests)."""
    router = APIRouter(tags=["health"])
    db_limiter, events_limiter = anyio.CapacityLimiter(2), anyio.CapacityLimiter(2)

    @router.get("/api/health")
    async def health() -> dict[str, str]:
        """Liveness: the process is up and serving (no database needed, no sign-in)."""
        return {"status": "ok", "database": services.db.dialect}

    @router.get("/api/ready", responses={503: {"description": "A part is failing"}})
    async def ready(
        part: Annotated[list[Part] | None, Query(
            description="Check only these parts (a load balancer may ask for the database "
            "alone, so a camera outage keeps the web workers in rotation); default: all.",
        )] = None,
    ) -> JSONResponse:
        """Readiness: the database, the events transport and the cameras (no sign-in)."""
        checks = {
            "database": partial(check_database, services.db, db_limiter),
            "events": partial(check_events, services.events, events_limiter),
            "cameras": partial(check_cameras, services),
        }
        wanted = set(part or checks)
        return ready_response(await _gather({k: v for k, v in checks.items() if k in wanted}))

    return router

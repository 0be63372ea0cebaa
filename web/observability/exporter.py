"""``GET /metrics`` and the metrics read at scrape time (the outbox, the cameras).

Open by default, like most exporters: put it behind the proxy's allow-list, or set
``FACET_METRICS_TOKEN`` (Prometheus sends it as ``authorization: {credentials: ...}``), or
turn it off with ``FACET_METRICS_ENABLED=false``.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.core import Metric

from web.errors import error_body
from web.observability.metrics import LiveCollector, Metrics, counter, gauge
from web.services import Services
from web.settings import OperationsSettings

if TYPE_CHECKING:
    from vision.messages import CameraStatusReport

__all__ = ["app_sources", "camera_metrics", "events_metrics", "live_collectors", "metrics_router"]


#: The events runtime's status (``EventsRuntime.status``) and the camera statuses, as sources.
EventsStatus = Callable[[], dict[str, Any]]
CameraStatuses = Callable[[], "Iterable[CameraStatusReport]"]


def events_metrics(status_of: EventsStatus | None) -> Iterator[Metric]:
    """The transport's reachability and the outbox backlog (from the events runtime)."""
    if status_of is None:
        return
    status = status_of()
    transport = str(status.get("transport", "unknown"))
    yield gauge("facet_events_transport_up", "1 when the events transport answers, else 0.",
                "transport", [(transport, 1.0 if status.get("ok") else 0.0)])
    if "unpublished" in status:
        yield gauge("facet_events_unpublished", "Outbox events not yet sent on the transport.",
                    rows=[("", float(status["unpublished"] or 0))])
    if "oldest_unpublished_s" in status:
        yield gauge("facet_events_oldest_unpublished_seconds", "Age of the oldest outbox "
                    "event not yet sent (0: none waiting).",
                    rows=[("", float(status["oldest_unpublished_s"] or 0))])


def camera_metrics(statuses_of: CameraStatuses | None) -> Iterator[Metric]:
    """Frame rate, state, frames and errors of the cameras this process runs."""
    statuses = list(statuses_of()) if statuses_of is not None else []
    if not statuses:
        return
    yield gauge("facet_camera_fps", "Frames analysed per second, per camera.", "camera",
                [(s.camera, float(s.fps)) for s in statuses])
    yield gauge("facet_camera_online", "1 when the camera delivers frames, else 0.", "camera",
                [(s.camera, 1.0 if str(s.state) == "online" else 0.0) for s in statuses])
    yield counter("facet_camera_frames", "Frames analysed, per camera.", "camera",
                  [(s.camera, float(s.frames)) for s in statuses])
    yield counter("facet_camera_errors", "Frame read or detector errors, per camera.", "camera",
                  [(s.camera, float(s.errors)) for s in statuses])


def live_collectors(*, events: EventsStatus | None,
                    cameras: CameraStatuses | None) -> list[LiveCollector]:
    """The collectors read at scrape time, from the events status and the camera statuses."""
    return [
        LiveCollector("events", lambda: events_metrics(events)),
        LiveCollector("cameras", lambda: camera_metrics(cameras)),
    ]


def app_sources(services: Services) -> dict[str, Any]:
    """The web app's sources: its events runtime and its in-process cameras (read late: the
    lifespan starts the cameras after the routes are mounted)."""
    def cameras() -> list[CameraStatusReport]:
        supervisor = services.vision
        return supervisor.statuses() if supervisor is not None else []

    return {"events": services.events.status, "cameras": cameras}


def _refusal(settings: OperationsSettings, request: Request) -> JSONResponse | None:
    """An answer refusing the scrape, or None when it may go ahead."""
    if not settings.metrics_enabled:
        return JSONResponse(error_body("metrics-off", "Metrics are turned off here "
                                       "(FACET_METRICS_ENABLED=false)."), 404)
    expected = settings.metrics_token.get_secret_value()
    if not expected:
        return None
    given = request.headers.get("authorization", "")
    scheme, _, token = given.partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(token.strip(), expected):
        return None
    code = "metrics-token-invalid" if given else "metrics-token-required"
    return JSONResponse(error_body(code, "Send the metrics token (FACET_METRICS_TOKEN) as "
                                   "'Authorization: Bearer <token>'."), 401,
                        headers={"WWW-Authenticate": "Bearer"})


def metrics_router(settings: OperationsSettings, metrics: Metrics) -> APIRouter:
    """``GET /metrics``: every metric in Prometheus' text format."""
    router = APIRouter(tags=["health"])
    limiter = anyio.CapacityLimiter(1)  # one scrape reads the sources at a time

    @router.get("/metrics", include_in_schema=False)
    async def scrape(request: Request) -> Response:
        """Prometheus' text format (every worker's values with several workers)."""
        refused = _refusal(settings, request)
        if refused is not None:
            return refused
        body = await anyio.to_thread.run_sync(metrics.exposition, limiter=limiter)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return router

"""Operations: liveness and readiness, Prometheus metrics, structured logging.

``create_app`` calls :func:`mount` where the routes are mounted (``/api/health``,
``/api/ready``, ``/metrics``, and the metrics fed from the event bus) and adds
:class:`ObserveRequests` last, outermost. Logging is configured per process by the ``facet``
command (:func:`configure_logging`), and by uvicorn in each web worker (:func:`log_config`).
"""

from __future__ import annotations

from fastapi import FastAPI

from core import EventBus
from web.observability.exporter import (
    CameraStatuses,
    EventsStatus,
    app_sources,
    live_collectors,
    metrics_router,
)
from web.observability.health import health_router
from web.observability.logs import configure_logging, log_config
from web.observability.metrics import Metrics, watch_bus
from web.observability.requests import ObserveRequests
from web.services import Services
from web.settings import OperationsSettings

__all__ = [
    "Metrics",
    "ObserveRequests",
    "configure_logging",
    "health_router",
    "log_config",
    "metrics_router",
    "mount",
    "mount_service_metrics",
]


def mount(app: FastAPI, services: Services) -> Metrics:
    """Mount health, readiness and ``/metrics``; feed the metrics from the bus and services."""
    metrics = Metrics()
    watch_bus(services.bus, metrics)
    for collector in live_collectors(**app_sources(services)):
        metrics.add_live(collector)
    services.metrics = metrics
    app.include_router(health_router(services))
    app.include_router(metrics_router(services.settings.operations, metrics))
    return metrics


def mount_service_metrics(
    app: FastAPI, settings: OperationsSettings, *, bus: EventBus,
    events: EventsStatus | None = None, cameras: CameraStatuses | None = None,
) -> Metrics:
    """``/metrics`` and the request observer for another Facet service (the vision service):
    its requests, the events it receives, its outbox and the cameras it runs."""
    metrics = Metrics()
    watch_bus(bus, metrics)
    for collector in live_collectors(events=events, cameras=cameras):
        metrics.add_live(collector)
    app.include_router(metrics_router(settings, metrics))
    app.add_middleware(ObserveRequests, metrics=metrics)
    return metrics

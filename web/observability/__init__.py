"""Operations: liveness and readiness, Prometheus metrics, structured logging.

``create_app`` calls :func:`mount` where the routes are mounted (``/api/health``,
``/api/ready``, ``/metrics``, and the metrics fed from the event bus) and adds
:class:`ObserveRequests` last, outermost. Logging is configured per process by the ``facet``
command (:func:`configure_logging`), and by uvicorn in each web worker (:func:`log_config`).
"""

from __future__ import annotations

from fastapi import FastAPI

from web.observability.exporter import live_collectors, metrics_router
from web.observability.health import health_router
from web.observability.logs import configure_logging, log_config
from web.observability.metrics import Metrics, watch_bus
from web.observability.requests import ObserveRequests
from web.services import Services

__all__ = [
    "Metrics",
    "ObserveRequests",
    "configure_logging",
    "health_router",
    "log_config",
    "metrics_router",
    "mount",
]


def mount(app: FastAPI, services: Services) -> Metrics:
    """Mount health, readiness and ``/metrics``; feed the metrics from the bus and services."""
    metrics = Metrics()
    watch_bus(services.bus, metrics)
    for collector in live_collectors(services):
        metrics.add_live(collector)
    services.metrics = metrics
    app.include_router(health_router(services))
    app.include_router(metrics_router(services.settings.operations, metrics))
    return metrics

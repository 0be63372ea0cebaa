"""Prometheus metrics: requests, picks, events lag, the event outbox and the cameras.

One :class:`Metrics` per app, with its own registry (tests build many apps in one process).
Request and pick counters and the lag histogram are updated as things happen; the outbox
backlog and the cameras' frame rates are read when Prometheus scrapes (:class:`LiveCollector`).

Several web workers (``facet serve --workers N``) run in prometheus_client's multiprocess mode:
the serve command points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh directory before the workers
start, each worker writes its values there, and ``/metrics`` on any worker sums them all.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.routing import Mount
from starlette.types import Scope

from core import EventBus
from core.clock import now
from core.events import Event, PickConfirmed

__all__ = [
    "UNMATCHED",
    "LiveCollector",
    "Metrics",
    "counter",
    "gauge",
    "metrics_directory",
    "multiprocess_mode",
    "route_template",
    "status_class",
    "watch_bus",
]

log = logging.getLogger(__name__)

#: Request latency buckets (seconds): a scan's answer is milliseconds, a report a second or two.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
#: Event lag buckets (seconds): the goal is well under a second between processes.
_LAG_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: The route label of a request no route matched (so stray paths add no label values).
UNMATCHED = "unmatched"


def multiprocess_mode() -> bool:
    """Whether metric values go to ``PROMETHEUS_MULTIPROC_DIR`` (chosen when prometheus_client
    was first imported, from that variable)."""
    return values.ValueClass is not values.MutexValue


def status_class(status: int) -> str:
    """``2xx``, ``3xx``, ``4xx`` or ``5xx``: the status label (few values, not one per code)."""
    return f"{status // 100}xx"


def route_template(scope: Scope) -> str:
    """The template of the route that served a request (``/api/orders/{order_id}``), never
    its raw path: ids in paths would make a label value per object."""
    # FastAPI keeps the route it chose, with the prefixes of the routers it was included
    # through, in its part of the scope (Starlette's scope["route"] lacks those prefixes).
    # Not a documented key: the metrics tests pin it, and the fallbacks below stay bounded.
    fastapi_part = scope.get("fastapi")
    chosen = (fastapi_part.get("effective_route_context")
              if isinstance(fastapi_part, dict) else None)
    template = getattr(chosen, "path_format", None)
    if isinstance(template, str) and template:
        return template
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return f"{path}/{{path}}" if isinstance(route, Mount) else path or "/"
    if scope.get("endpoint") is not None and "app_root_path" in scope:  # a mounted app
        return f"{scope.get('root_path', '')}/{{path}}"
    return UNMATCHED


class Metrics:
    """The app's metrics and their registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.multiprocess = multiprocess_mode()
        self._live: list[Collector] = []
        self.requests = Counter(
            "facet_http_requests", "HTTP requests answered, by method, route template and "
            "status class.", ["method", "route", "status"], registry=self.registry,
        )
        self.latency = Histogram(
            "facet_http_request_duration_seconds", "Time to answer an HTTP request, by method "
            "and route template.", ["method", "route"], buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.picks = Counter(
            "facet_picks", "Pick lines confirmed (each counted by the process that committed "
            "it).", registry=self.registry,
        )
        self.picked_units = Counter(
            "facet_picked_units", "Units picked.", registry=self.registry
        )
        self.short_units = Counter(
            "facet_pick_short_units", "Units reported short at pick time.", registry=self.registry
        )
        self.event_lag = Histogram(
            "facet_event_lag_seconds", "Time from an event's commit in another process to its "
            "delivery here, by event name.", ["event"], buckets=_LAG_BUCKETS,
            registry=self.registry,
        )
        # Each request's two series by (method, route, status class): ``labels()`` validates
        # and looks its labels up under a lock on every call, and every request calls it.
        self._request_series: dict[tuple[str, str, str], tuple[Counter, Histogram]] = {}

    def add_live(self, collector: Collector) -> None:
        """Read ``collector`` at every scrape (values this process knows, such as cameras)."""
        self._live.append(collector)
        if not self.multiprocess:
            self.registry.register(collector)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request and its duration."""
        key = (method, route, status_class(status))
        series = self._request_series.get(key)
        if series is None:  # the same children labels() keeps: the cache only skips its work
            series = (self.requests.labels(*key), self.latency.labels(method, route))
            self._request_series[key] = series
        series[0].inc()
        series[1].observe(seconds)

    def count_pick(self, event: PickConfirmed) -> None:
        """Count one confirmed pick line."""
        self.picks.inc()
        self.picked_units.inc(max(event.quantity, 0))
        self.short_units.inc(max(event.short, 0))

    def observe_lag(self, event: Event, at: datetime | None = None) -> None:
        """Record how long ``event`` took to arrive (its clock against ours)."""
        lag = ((at or now()) - event.at).total_seconds()
        self.event_lag.labels(event.name).observe(max(lag, 0.0))

    def exposition(self) -> bytes:
        """Every metric in Prometheus' text format (all workers' in multiprocess mode)."""
        if not self.multiprocess:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        for collector in self._live:  # this process's own: cameras and the outbox
            registry.register(collector)
        return generate_latest(registry)


class LiveCollector:
    """A collector whose metrics are made by a function at scrape time (errors logged)."""

    def __init__(self, name: str, make: Callable[[], Iterable[Metric]]) -> None:
        self.name = name
        self._make = make
        self._lock = threading.Lock()  # two scrapes at once read once each, in turn

    def collect(self) -> Iterator[Metric]:
        """The metrics as of now; none when reading them failed."""
        with self._lock:
            try:
                found = list(self._make())
            except Exception:  # a scrape must not fail because one source did
                log.exception("metrics: reading %s failed", self.name)
                return iter(())
        return iter(found)

    def describe(self) -> Iterator[Metric]:
        """Nothing up front (the metrics depend on what is configured)."""
        return iter(())


def watch_bus(bus: EventBus, metrics: Metrics) -> None:
    """Count picks committed here and time the events that arrive from other processes."""
    bus.subscribe(PickConfirmed, metrics.count_pick, local_only=True)
    bus.subscribe(Event, metrics.observe_lag, remote_only=True)


def gauge(name: str, documentation: str, label: str = "",
          rows: Iterable[tuple[str, float]] = ()) -> GaugeMetricFamily:
    """A gauge family with one sample per ``(label value, value)`` row (or one unlabelled)."""
    family = GaugeMetricFamily(name, documentation, labels=[label] if label else None)
    for key, value in rows:
        family.add_metric([key] if label else [], value)
    return family


def counter(name: str, documentation: str, label: str,
            rows: Iterable[tuple[str, float]]) -> CounterMetricFamily:
    """A counter family with one sample per ``(label value, value)`` row."""
    family = CounterMetricFamily(name, documentation, labels=[label])
    for key, value in rows:
        family.add_metric([key], value)
    return family



@contextmanager
def metrics_directory(workers: int) -> Iterator[str | None]:
    """For several workers, a fresh ``PROMETHEUS_MULTIPROC_DIR`` (removed after) that the
    workers, started inside the block, write their metrics to; yields the directory.

    One worker needs none. A directory the environment already names is used as it is (and
    kept): its owner empties it between runs, as prometheus_client asks.
    """
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if workers <= 1 or given:
        yield given
        return
    path = tempfile.mkdtemp(prefix="facet-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    try:
        yield path
    finally:
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
        shutil.rmtree(path, ignore_errors=True)

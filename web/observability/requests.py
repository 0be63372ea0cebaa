"""Every HTTP request observed once: a request id, an access log line, the request metrics.

A pure ASGI middleware, outermost, so it times and counts every answer (a 413 of the body
limit and a CORS preflight included). The request id is the caller's ``X-Request-ID`` when it is
a short plain token (a proxy's), else a new one; it is sent back in ``X-Request-ID`` and
stamped on every log record written while the request is served. The access line logs the
path without its query string, so no ``?token=`` or ``?ticket=`` ever reaches it.
"""

from __future__ import annotations

import logging
import re
import time
from uuid import uuid4

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.observability.logs import ACCESS_LOGGER, request_id_var
from web.observability.metrics import Metrics, route_template

__all__ = ["INTERNAL_PREFIX", "QUIET_PATHS", "ObserveRequests", "request_id_of"]

access_log = logging.getLogger(ACCESS_LOGGER)

#: Probes a load balancer or Prometheus sends every few seconds: logged at DEBUG when they pass.
QUIET_PATHS = frozenset({"/api/health", "/api/ready", "/metrics"})
#: The app's own in-process requests (the route-table warm-up at start-up): not traffic.
INTERNAL_PREFIX = "/api/-/"
_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id_of(scope: Scope) -> str:
    """The caller's ``X-Request-ID`` when it is a plain token (no log injection), else a new
    id."""
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            given = value.decode("latin-1")
            if _ID.fullmatch(given):
                return given
    return uuid4().hex[:16]


class ObserveRequests:
    """ASGI middleware: request id, access line and request metrics for each HTTP request."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics | None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith(INTERNAL_PREFIX):
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        token = request_id_var.set(request_id)
        raw_id = request_id.encode("latin-1")
        started, status = time.perf_counter(), 500  # an exception that escapes is a 500

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", raw_id)]
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            self._record(scope, status, time.perf_counter() - started, request_id)
            request_id_var.reset(token)

    def _record(self, scope: Scope, status: int, seconds: float, request_id: str) -> None:
        method, path = scope.get("method", "GET"), scope.get("path", "")
        if self.metrics is not None:
            self.metrics.observe_request(method, route_template(scope), status, seconds)
        level = logging.DEBUG if path in QUIET_PATHS and status < 400 else logging.INFO
        if not access_log.isEnabledFor(level):
            return
        client = scope.get("client")
        address = client[0] if client else "-"
        duration_ms = round(seconds * 1000, 1)
        access_log.log(
            level, "%s %s %s %d %.1f ms", address, method, path, status, duration_ms,
            extra={"request_id": request_id, "client": address, "method": method, "path": path,
                   "status": status, "duration_ms": duration_ms},
        )

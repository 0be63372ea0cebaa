"""Signed webhooks: each alert and camera state POSTed as JSON, from a background thread.

Each request carries::

    X-Facet-Event: AlertRaised | AlertAcknowledged | CameraState
    X-Facet-Delivery: <event id>          (the same on every retry: drop repeats by it)
    X-Facet-Timestamp: <unix seconds>     (of this attempt)
    X-Facet-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>

A receiver recomputes the signature over the raw body and refuses old timestamps. Deliveries
never block the commit that caused them: they wait in a bounded queue per webhook (the oldest
news is dropped, with a log line, when a receiver is down for long). A 5xx answer, a timeout
or a refused connection is retried with back-off; a 4xx means the receiver refuses this
request, so it is not retried.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = ["Delivery", "WebhookSender", "sign"]

log = logging.getLogger(__name__)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Facet-Signature`` value: ``sha256=`` + HMAC-SHA256 of ``timestamp.body``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


@dataclass(frozen=True)
class Delivery:
    """One event to POST: its name, id and JSON body."""

    event: str
    delivery_id: str
    body: bytes

    @classmethod
    def of(cls, event: str, payload: dict[str, Any]) -> Delivery:
        """A delivery of ``payload`` (whose ``id`` names the delivery)."""
        body = json.dumps(payload, separators=(",", ":")).encode()
        return cls(event=event, delivery_id=str(payload["id"]), body=body)


class WebhookSender:
    """Delivers to one webhook URL from its own thread, retrying what may succeed later."""

    def __init__(
        self,
        url: str,
        secret: str,
        events: list[str],
        *,
        attempts: int = 4,
        backoff_s: float = 1.0,
        timeout_s: float = 5.0,
        queue_size: int = 1000,
    ) -> None:
        self.url, self._secret, self.events = url, secret, frozenset(events)
        self._attempts, self._backoff, self._timeout = attempts, backoff_s, timeout_s
        self._queue: queue.Queue[Delivery | None] = queue.Queue(maxsize=queue_size)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="facet-webhook", daemon=True)

    def start(self) -> None:
        """Start the delivery thread."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the deliveries queued so far (waiting up to ``timeout`` seconds)."""
        self._stopped.set()
        try:
            self._queue.put(None, timeout=timeout)
        except queue.Full:
            pass
        self._thread.join(timeout)

    def offer(self, delivery: Delivery) -> None:
        """Queue ``delivery`` if this webhook wants its event; never blocks."""
        if delivery.event not in self.events or self._stopped.is_set():
            return
        try:
            self._queue.put_nowait(delivery)
        except queue.Full:
            log.error("webhook %s: %d deliveries waiting; dropped %s %s", self.url,
                      self._queue.qsize(), delivery.event, delivery.delivery_id)

    def _run(self) -> None:
        with httpx.Client(timeout=self._timeout, follow_redirects=False) as client:
            while (delivery := self._queue.get()) is not None:
                self._deliver(client, delivery)

    def _deliver(self, client: httpx.Client, delivery: Delivery) -> None:
        for attempt in range(1, self._attempts + 1):
            problem = self._attempt(client, delivery)
            if problem is None:
                return
            if problem.startswith("HTTP 4"):
                log.error("webhook %s refused %s %s (%s); not retried", self.url,
                          delivery.event, delivery.delivery_id, problem)
                return
            if attempt < self._attempts:
                delay = self._backoff * 2 ** (attempt - 1)
                log.warning("webhook %s: %s (attempt %d of %d); retrying in %.1f s", self.url,
                            problem, attempt, self._attempts, delay)
                self._stopped.wait(delay)  # a stop cuts the wait short: last quick tries
        log.error("webhook %s: gave up on %s %s after %d attempts", self.url, delivery.event,
                  delivery.delivery_id, self._attempts)

    def _attempt(self, client: httpx.Client, delivery: Delivery) -> str | None:
        """POST once; None when delivered, else what went wrong (``HTTP 503``, ``timeout``)."""
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Facet-Webhook/1",
            "X-Facet-Event": delivery.event,
            "X-Facet-Delivery": delivery.delivery_id,
            "X-Facet-Timestamp": timestamp,
            "X-Facet-Signature": sign(self._secret, timestamp, delivery.body),
        }
        try:
            answer = client.post(self.url, content=delivery.body, headers=headers)
        except httpx.TimeoutException:
            return "timeout"
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"
        if answer.status_code >= 400:
            return f"HTTP {answer.status_code}"
        return None

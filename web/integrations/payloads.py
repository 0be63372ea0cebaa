"""What leaves Facet for MQTT and webhooks: alerts and camera states as JSON-ready dicts.

The shapes follow Frigate's: an alert is ``{"type": "new", ...}`` when raised and
``{"type": "end", "reason": "acknowledged", ...}`` when a person acknowledged it; ``id`` is the
event's id (the same on every redelivery, so a consumer can drop repeats) and ``alert_id`` the
stored alert's.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from core import AlertAcknowledged, AlertRaised

if TYPE_CHECKING:
    from vision.messages import CameraStatusReport

__all__ = ["CameraStates", "CameraWatch", "alert_payload", "camera_payload"]

log = logging.getLogger(__name__)

#: Returns every camera's latest status (``VisionSupervisor.statuses``).
CameraStates = Callable[[], "list[CameraStatusReport]"]


def alert_payload(event: AlertRaised | AlertAcknowledged) -> dict[str, Any]:
    """The JSON of an alert event: ``type`` new (raised) or end (acknowledged)."""
    if isinstance(event, AlertRaised):
        return {
            "type": "new", "id": event.id, "alert_id": event.alert_id, "camera": event.camera,
            "zone": event.zone, "rule": event.rule, "severity": event.severity,
            "message": event.message, "at": event.at.isoformat(),
        }
    return {
        "type": "end", "reason": "acknowledged", "id": event.id, "alert_id": event.alert_id,
        "acknowledged_by": event.actor, "note": event.note, "at": event.at.isoformat(),
    }


def camera_payload(report: CameraStatusReport) -> dict[str, Any]:
    """The JSON of a camera's state change (webhooks' ``CameraState`` event)."""
    return {
        "type": "camera", "id": uuid4().hex, "camera": report.camera,
        "state": str(report.state), "code": report.code, "message": report.message,
        "at": datetime.now(UTC).isoformat(),
    }


class CameraWatch:
    """Polls the cameras' statuses and calls ``on_change`` for each camera whose state changed.

    The supervisor reports statuses about once a second; only a change of state (online,
    offline, error...) is news for a security desk, so fps and frame counts are not.
    """

    def __init__(
        self,
        states: CameraStates,
        on_change: Callable[[CameraStatusReport], None],
        *,
        interval_s: float = 1.0,
    ) -> None:
        self._states, self._on_change, self._interval = states, on_change, interval_s
        self._last: dict[str, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="facet-camera-watch", daemon=True)

    def start(self) -> None:
        """Start polling (the first poll announces every camera)."""
        self._thread.start()

    def stop(self) -> None:
        """Stop polling (one last poll is not made)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def poll(self) -> None:
        """Compare each camera's state with the last one seen; announce the changes."""
        for report in self._states():
            state = str(report.state)
            if self._last.get(report.camera) != state:
                self._last[report.camera] = state
                self._on_change(report)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll()
            except Exception:  # a failing status source must not end the watch
                log.exception("camera state poll failed")
            self._stop.wait(self._interval)

"""What the app starts and stops for events between processes: transport, relay, receiver.

``EventsRuntime.from_settings`` builds the transport ``FACET_EVENTS_URL`` names (none for
``memory://``, the embedded default) and a relay over the database's outbox; ``start`` makes
the transport hand every event to ``bus.receive`` and starts the relay; ``status`` is the
readiness check (transport reachable, relay keeping up).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from core import CoreSettings, Database, EventBus
from core.events import Transport
from core.outbox.service import backlog
from web.events.factory import transport_from_url
from web.events.reader import OutboxReader
from web.events.relay import Relay

__all__ = ["EventsRuntime"]

log = logging.getLogger(__name__)


class EventsRuntime:
    """The transport (None: memory://) and the outbox relay of one process."""

    def __init__(
        self, db: Database, bus: EventBus, transport: Transport | None, *,
        retention: timedelta = timedelta(hours=24),
    ) -> None:
        if transport is not None and not db.outbox:
            raise ValueError("an events transport needs a Database built with outbox=True")
        self.db, self.bus, self.transport = db, bus, transport
        self.relay = Relay(db, transport, retention=retention) if transport else None
        self.started = False

    @classmethod
    def from_settings(cls, settings: CoreSettings, db: Database) -> EventsRuntime:
        """The runtime ``settings.events_url`` names, over ``db`` and its bus."""
        transport = transport_from_url(settings.events_url, reader=OutboxReader(db))
        return cls(db, db.bus, transport,
                   retention=timedelta(hours=settings.events_retention_hours))

    @property
    def name(self) -> str:
        """The transport's name (``memory`` when events stay in this process)."""
        return self.transport.name if self.transport else "memory"

    def start(self) -> None:
        """Receive events from other processes and start relaying this one's outbox."""
        if self.transport is None or self.started:
            return
        self.transport.start(self.bus.receive)
        assert self.relay is not None
        self.relay.start()
        self.started = True
        log.info("events: %s transport and outbox relay started", self.name)

    def stop(self) -> None:
        """Stop the relay, then the transport."""
        if self.relay is not None:
            self.relay.stop()
        if self.transport is not None:
            self.transport.close()
        self.started = False

    def status(self) -> dict[str, Any]:
        """Readiness: keys ``transport``, ``ok``, ``unpublished``, ``oldest_unpublished_s``
        (and ``error`` when not ok)."""
        report: dict[str, Any] = {"transport": self.name, "ok": True, "unpublished": 0,
                                  "oldest_unpublished_s": None}
        if self.transport is None:
            return report
        try:
            self.transport.ping()
            with self.db.read() as session:
                waiting = backlog(session)
            report["unpublished"] = waiting.unpublished
            report["oldest_unpublished_s"] = waiting.oldest_age_s()
        except Exception as exc:  # reported, not raised: the readiness answer says why
            report.update(ok=False, error=str(exc) or type(exc).__name__)
        if report["ok"] and self.relay is not None and self.relay.last_error:
            report.update(ok=False, error=f"relay: {self.relay.last_error}")
        return report

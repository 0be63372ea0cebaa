"""Events between processes and hosts: the transports, the outbox relay and their runtime.

``transport_from_url`` picks a transport from ``FACET_EVENTS_URL`` (None for ``memory://``,
the embedded single-process default).
"""

from __future__ import annotations

from web.events.factory import transport_from_url

__all__ = ["transport_from_url"]

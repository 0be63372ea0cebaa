"""The transport named by ``FACET_EVENTS_URL``.

Each transport module is imported only when its scheme is asked for, so an install without
a server's client library still runs the embedded default (``memory://``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from core.events import Transport
from web.events.reader import OutboxReader

__all__ = ["SCHEMES", "transport_from_url"]

#: The schemes ``transport_from_url`` understands (for messages and docs).
SCHEMES = ("memory", "postgresql", "postgresql+psycopg", "postgres", "redis", "rediss", "nats",
           "tls")


def transport_from_url(url: str, *, reader: OutboxReader | None = None) -> Transport | None:
    """The transport for ``url``; None for ``memory://`` (events stay in this process).

    ``reader`` reads events back from the outbox (PostgreSQL NOTIFY carries a reference to an
    event too large for it, and a reconnecting listener catches up from it); transports that
    need neither ignore it. Raises ``ValueError`` for a scheme no transport handles.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme == "memory":
        return None
    if scheme in ("postgresql", "postgresql+psycopg", "postgres"):
        from web.events.postgres import PostgresTransport

        return PostgresTransport(
            url, load_event=reader.load if reader else None,
            catch_up=reader.since if reader else None,
        )
    if scheme in ("redis", "rediss"):
        from web.events.redis import RedisTransport

        return RedisTransport(url, catch_up=reader.since if reader else None)
    if scheme in ("nats", "tls"):
        from web.events.nats import NatsTransport

        return NatsTransport(url, catch_up=reader.since if reader else None)
    raise ValueError(
        f"FACET_EVENTS_URL has the unknown scheme {scheme!r} in {url!r}; "
        f"use one of: {', '.join(s + '://' for s in SCHEMES)}."
    )

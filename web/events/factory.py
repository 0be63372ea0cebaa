"""The transport named by ``FACET_EVENTS_URL``.

Each transport module is imported only when its scheme is asked for, so an install without
a server's client library still runs the embedded default (``memory://``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from core.events import Transport

__all__ = ["SCHEMES", "transport_from_url"]

#: The schemes ``transport_from_url`` understands (for messages and docs).
SCHEMES = ("memory", "postgresql", "postgresql+psycopg", "postgres")


def transport_from_url(url: str) -> Transport | None:
    """The transport for ``url``; None for ``memory://`` (events stay in this process).

    Raises ``ValueError`` for a scheme no transport handles.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme == "memory":
        return None
    if scheme in ("postgresql", "postgresql+psycopg", "postgres"):
        from web.events.postgres import PostgresTransport

        return PostgresTransport(url)
    raise ValueError(
        f"FACET_EVENTS_URL has the unknown scheme {scheme!r} in {url!r}; "
        f"use one of: {', '.join(s + '://' for s in SCHEMES)}."
    )

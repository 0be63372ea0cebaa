"""Websocket tickets: no bearer token in a URL, and none in the access log.

A browser cannot set headers on a websocket handshake, so it used to put its bearer token in
the URL, where the access log (and any proxy's) kept it for 12 hours of replay. Now it first
asks ``POST /api/ws-ticket`` (signed in) for a ticket and opens ``/ws/...?ticket=<ticket>``.

A ticket is a JWT carrying the bearer token's claims (person, role, ``ver``) with a 30-second
expiry and a random id, signed with a key derived from the app's token key: a ticket is never
accepted as a bearer token, nor a token as a ticket. It is single-use (each process remembers
the ids it redeemed until they expire) and the person is checked against the database when it
is redeemed (active, same token version). Clients that can set headers (the headset CLI) may
send ``Authorization: Bearer <token>`` on the handshake instead. ``?token=`` is refused.

:class:`RedactSecrets` is a logging filter that blanks ``token``, ``ticket`` and
``access_token`` query values in uvicorn's access log lines; ``install_log_redaction()`` puts it
on the ``uvicorn.access`` logger (the app and ``facet serve`` call it).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import threading
import time
from datetime import timedelta
from typing import Annotated, Any

import jwt
from fastapi import APIRouter, Depends, WebSocket
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from core.api_deps import current_actor, oauth2
from core.clock import now
from core.errors import AuthError, CoreError
from core.people.security import Actor
from core.people.service import actor_from_token
from web.services import Services, services, services_of

__all__ = [
    "TICKET_TTL_S",
    "RedactSecrets",
    "TicketBook",
    "TicketRead",
    "install_log_redaction",
    "router",
    "websocket_actor",
]

TICKET_TTL_S = 30
_KIND = "ws-ticket"

router = APIRouter(tags=["auth"])


def ticket_key(token_key: str) -> str:
    """The key that signs tickets: derived from the token key, never equal to it."""
    return hmac.new(token_key.encode(), b"facet websocket ticket", hashlib.sha256).hexdigest()


def verified_actor(db: Any, token: str, *, key: str) -> Actor:
    """The person a token (or a ticket, with the ticket key) names, checked in the database:
    active, same token version, no password change pending."""
    with db.read() as session:
        actor = actor_from_token(session, token, key=key)
    if actor.must_change_password:
        raise AuthError("Change your password first.", code="password-change-required")
    return actor


class TicketBook:
    """Issues tickets and redeems each at most once (per process, until it expires)."""

    def __init__(self, token_key: str, *, ttl_s: int = TICKET_TTL_S) -> None:
        self._token_key, self._key, self._ttl = token_key, ticket_key(token_key), ttl_s
        self._redeemed: dict[str, float] = {}  # ticket id -> monotonic time it expires
        self._lock = threading.Lock()

    def issue(self, token: str) -> str:
        """A ticket for the person ``token`` (an already verified bearer token) names."""
        claims = jwt.decode(token, self._token_key, algorithms=["HS256"])
        claims.update(
            exp=now() + timedelta(seconds=self._ttl), jti=secrets.token_urlsafe(16), typ=_KIND
        )
        return jwt.encode(claims, self._key, algorithm="HS256")

    def claim(self, ticket: str) -> None:
        """Mark ``ticket`` used; AuthError when it is forged, expired or used before."""
        try:
            claims = jwt.decode(ticket, self._key, algorithms=["HS256"],
                                options={"require": ["exp", "jti", "typ"]})
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("The ticket has expired; ask for a new one.",
                            code="ticket-expired") from exc
        except jwt.PyJWTError as exc:
            raise AuthError("The ticket is not valid; ask for a new one.",
                            code="ticket-invalid") from exc
        if claims.get("typ") != _KIND:
            raise AuthError("The ticket is not valid; ask for a new one.", code="ticket-invalid")
        moment = time.monotonic()
        with self._lock:
            self._redeemed = {k: t for k, t in self._redeemed.items() if t > moment}
            if claims["jti"] in self._redeemed:
                raise AuthError("The ticket was used already; ask for a new one.",
                                code="ticket-used")
            self._redeemed[str(claims["jti"])] = moment + self._ttl + 5

    def redeem(self, db: Any, ticket: str) -> Actor:
        """The person a ticket names, checked against the database; it cannot be used again."""
        self.claim(ticket)
        return verified_actor(db, ticket, key=self._key)


class TicketRead(BaseModel):
    """A websocket ticket: open ``/ws/...?ticket=<ticket>`` within ``expires_in`` seconds."""

    ticket: str
    expires_in: int


@router.post("/api/ws-ticket")
async def ws_ticket(
    wired: Annotated[Services, Depends(services)],
    _: Annotated[Actor, Depends(current_actor)],
    token: Annotated[str | None, Depends(oauth2)],
) -> TicketRead:
    """A single-use ticket, valid for 30 s, that opens one websocket as the signed-in person."""
    assert token is not None  # current_actor refused the request otherwise
    return TicketRead(ticket=wired.tickets.issue(token), expires_in=TICKET_TTL_S)


def _bearer(websocket: WebSocket) -> str | None:
    scheme, _, value = websocket.headers.get("authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def _check(services: Services, ticket: str | None, bearer: str | None) -> Actor | None:
    try:
        if ticket:
            return services.tickets.redeem(services.db, ticket)
        if bearer:
            return verified_actor(services.db, bearer, key=services.token_key)
    except CoreError:
        return None
    return None


async def websocket_actor(websocket: WebSocket) -> Actor | None:
    """The person a websocket handshake signs in as (``?ticket=`` or a bearer header), or None.

    A token in the URL (``?token=``) is never accepted: it would end up in access logs.
    """
    ticket = websocket.query_params.get("ticket")
    bearer = _bearer(websocket)
    if not ticket and not bearer:
        return None
    return await run_in_threadpool(_check, services_of(websocket.app), ticket, bearer)


_SECRET_QUERY = re.compile(r"([?&](?:token|ticket|access_token)=)[^&\s\"]*", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with the values of ``token``, ``ticket`` and ``access_token`` parameters blanked."""
    return _SECRET_QUERY.sub(r"\1[redacted]", text)


class RedactSecrets(logging.Filter):
    """Blanks secret query values in log records (uvicorn's access log passes the path as an
    argument, so the arguments are redacted as well as the message)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; never drops it."""
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def install_log_redaction(names: tuple[str, ...] = ("uvicorn.access", "uvicorn.error")) -> None:
    """Put one :class:`RedactSecrets` on each named logger (idempotent).

    uvicorn logs HTTP requests on ``uvicorn.access`` and websocket handshakes
    (``"WebSocket /ws/...?..." [accepted]``) on ``uvicorn.error``.
    """
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())

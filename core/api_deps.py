"""FastAPI dependencies shared by the core's routers: who is asking, and units of work.

The composition root puts the :class:`~core.db.Database` on ``app.state.db`` and the
:class:`~core.settings.CoreSettings` on ``app.state.core_settings``.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

import anyio
from fastapi import Depends, Query, Request, Response
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.audit.models import IdempotencyRecord
from core.clock import now
from core.db import Database, Prepared
from core.errors import (
    AuthError,
    DatabaseBusy,
    IdempotencyConflict,
    IdempotencyKeyInvalid,
    PermissionDenied,
)
from core.fields import MAX_ID
from core.people.permissions import require
from core.people.security import Actor
from core.people.service import token_actor

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


# Cheap dependencies are ``async def`` so FastAPI runs them on the event loop instead of
# hopping to a worker thread for each (a hop costs more than the work on a busy machine).
async def database(request: Request) -> Database:
    """The app's database."""
    return request.app.state.db  # type: ignore[no-any-return]


# Sync on purpose: the token is checked against the database (a primary-key lookup), which
# must not block the event loop, so FastAPI runs this on its thread pool.
def signed_in_actor(request: Request, token: Annotated[str | None, Depends(oauth2)]) -> Actor:
    """The person named by the bearer token, even one who must change their password first.

    Only the routes that let such a person change the password (and see who they are) use
    this; everything else uses :func:`current_actor`.
    """
    if not token:
        raise AuthError("Sign in first: send 'Authorization: Bearer <token>'.")
    actor = token_actor(request.app.state.db, token, key=request.app.state.token_key)
    request.state.actor = actor
    return actor


async def current_actor(actor: Annotated[Actor, Depends(signed_in_actor)]) -> Actor:
    """The signed-in person named by the bearer token, with no password change pending."""
    if actor.must_change_password:
        raise PermissionDenied(
            "Change your password first: POST /api/me/password with current_password and "
            "new_password (or open 'My password' in the app), then use the new token.",
            code="password-change-required",
        )
    return actor


def allow(permission: str) -> Callable[..., Actor]:
    """A dependency that admits only roles carrying ``permission``."""

    async def _check(actor: Actor = Depends(current_actor)) -> Actor:
        require(actor, permission)
        return actor

    return _check


async def pick_sequencer(request: Request) -> Callable[[list[str]], list[str]] | None:
    """The routing the composition root plugged in for pick lists (the twin's), if any."""
    return getattr(request.app.state, "pick_sequencer", None)


async def bin_distance(request: Request) -> Callable[[str, str], float] | None:
    """The walking distance between two bins the composition root plugged in (the twin's)."""
    return getattr(request.app.state, "bin_distance", None)


def read_session(db: Annotated[Database, Depends(database)]) -> Iterator[Session]:
    """A read-only session for the request."""
    with db.read() as session:
        yield session


@dataclass
class Page:
    """Pagination parameters."""

    limit: int
    offset: int


async def page(
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Page:
    """``limit`` (1-500, default 50) and ``offset`` query parameters."""
    return Page(limit, offset)


# Every write with an Idempotency-Key runs these two: prepared on the raw cursor.
_STORED = Prepared(
    select(
        IdempotencyRecord.fingerprint, IdempotencyRecord.status_code, IdempotencyRecord.body
    ).where(
        IdempotencyRecord.user_id == bindparam("user_id"),
        IdempotencyRecord.key == bindparam("key"),
    )
)
_REMEMBER = Prepared(
    insert(IdempotencyRecord.__table__).values(
        {
            name: bindparam(name)
            for name in ("user_id", "key", "fingerprint", "status_code", "body", "created_at")
        }
    )
)


@dataclass
class Writer:
    """Runs one write in its own transaction; honours ``Idempotency-Key``."""

    db: Database
    actor: Actor
    key: str | None
    fingerprint: str

    def run(self, fn: Callable[[Session], BaseModel], *, status_code: int = 200) -> Response:
        """Call ``fn`` in a write transaction and answer with its JSON; replay a known key."""
        try:
            with self.db.write() as session:
                # Looked up inside the write transaction: one round trip, and on SQLite the
                # write lock already orders a retry after the request it repeats.
                if self.key and (stored := self._stored(session)) is not None:
                    return stored
                body = fn(session).model_dump_json()
                if self.key:
                    session.flush()
                    _REMEMBER.run(
                        session,
                        {
                            "user_id": self.actor.id,
                            "key": self.key,
                            "fingerprint": self.fingerprint,
                            "status_code": status_code,
                            "body": body,
                            "created_at": now(),
                        },
                    )
        except IntegrityError:
            if self.key:
                with self.db.read() as session:
                    stored = self._stored(session)
                if stored is not None:
                    return stored  # a concurrent retry of the same request won the race
            raise
        return Response(body, status_code=status_code, media_type="application/json")

    def _stored(self, session: Session) -> Response | None:
        row = _STORED.first(session, {"user_id": self.actor.id, "key": self.key})
        if row is None:
            return None
        fingerprint, status_code, body = row
        if fingerprint != self.fingerprint:
            raise IdempotencyConflict(
                f"Idempotency-Key '{self.key}' was used for a different request."
            )
        return Response(
            body,
            status_code=status_code,
            media_type="application/json",
            headers={"Idempotent-Replayed": "true"},
        )


#: The longest Idempotency-Key kept; longer ones are refused, never cut (two different
#: writes sharing a cut key would collide and one would be dropped).
MAX_IDEMPOTENCY_KEY = 128


def idempotency_key(header: str | None) -> str | None:
    """The Idempotency-Key as sent; `IdempotencyKeyInvalid` if it cannot be kept whole."""
    if header is None or header == "":
        return None
    if len(header) > MAX_IDEMPOTENCY_KEY or not header.isprintable():
        raise IdempotencyKeyInvalid(
            f"The Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} printable characters "
            f"(this one has {len(header)}); send a shorter unique key, such as a UUID."
        )
    return header


def fingerprint(request: Request, body: bytes) -> str:
    """What a replayed request must match: method, path, query string and body."""
    head = f"{request.method} {request.url.path}?{request.url.query}\n".encode()
    return hashlib.sha256(head + body).hexdigest()


def writer(permission: str) -> Callable[..., object]:
    """A dependency giving a :class:`Writer` for a person whose role carries ``permission``.

    It holds one of ``app.state.write_limiter``'s slots (when the app has one) until the route
    ends. The slot is awaited on the event loop before the route takes a worker thread, so
    writers queued on a database lock occupy at most that many threads and connections, and
    reads and health keep the rest; a slot not free within the lock timeout is 503 busy.
    """

    # Defaults, not Annotated: string annotations cannot see the closure's ``permission``.
    async def _make(
        request: Request,
        actor: Actor = Depends(allow(permission)),
        db: Database = Depends(database),
    ) -> AsyncIterator[Writer]:
        key = idempotency_key(request.headers.get("Idempotency-Key"))
        body = await request.body()
        made = Writer(db=db, actor=actor, key=key, fingerprint=fingerprint(request, body))
        limiter: anyio.CapacityLimiter | None = getattr(request.app.state, "write_limiter", None)
        if limiter is None:
            yield made
            return
        borrower = object()  # released by whichever task runs the dependency's exit
        with anyio.move_on_after(db.lock_timeout_s) as waited:
            await limiter.acquire_on_behalf_of(borrower)
        if waited.cancelled_caught:
            raise DatabaseBusy(
                f"Every write slot stayed taken for {db.lock_timeout_s:g} s; retry shortly."
            )
        try:
            yield made
        finally:
            limiter.release_on_behalf_of(borrower)

    return _make

"""FastAPI dependencies shared by the core's routers: who is asking, and units of work.

The composition root builds one :class:`CoreContext` (database, settings, token key, write
slots, sign-in guard and the twin's routing, when there is one) and hands it over with
:func:`provide`; the routers read it through :func:`core_context`. The core never learns who
mounted it.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

import anyio
from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel
from sqlalchemy.orm import Session

from core.audit.idempotency import run_once
from core.db import Database
from core.errors import (
    AuthError,
    DatabaseBusy,
    IdempotencyKeyInvalid,
    PermissionDenied,
)
from core.fields import MAX_ID
from core.people.permissions import require
from core.people.security import Actor
from core.people.service import token_actor
from core.people.signin import SignInGuard
from core.settings import CoreSettings

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)

#: Orders a pick list's bin codes (the twin's shortest route).
Sequencer = Callable[[list[str]], list[str]]
#: Walking distance between two bin codes.
Distance = Callable[[str, str], float]


@dataclass(frozen=True)
class CoreContext:
    """What the core's routers need from the app that mounts them."""

    db: Database
    settings: CoreSettings
    token_key: str
    sign_in_guard: SignInGuard
    # Writers waiting for a lock hold at most this many worker threads (see `writer`).
    write_limiter: anyio.CapacityLimiter | None = None
    pick_sequencer: Sequencer | None = None
    bin_distance: Distance | None = None


def provide(app: FastAPI, context: CoreContext) -> None:
    """Give the core's routers mounted on ``app`` their context (the composition root calls it)."""
    app.state.core = context


def context_of(app: FastAPI) -> CoreContext:
    """The context :func:`provide` gave ``app``."""
    context: CoreContext = app.state.core
    return context


# Cheap dependencies are ``async def`` so FastAPI runs them on the event loop instead of
# hopping to a worker thread for each (a hop costs more than the work on a busy machine).
async def core_context(request: Request) -> CoreContext:
    """The context of the app serving the request."""
    return context_of(request.app)


async def database(request: Request) -> Database:
    """The app's database."""
    return context_of(request.app).db


# Sync on purpose: the token is checked against the database (a primary-key lookup), which
# must not block the event loop, so FastAPI runs this on its thread pool.
def signed_in_actor(request: Request, token: Annotated[str | None, Depends(oauth2)]) -> Actor:
    """The person named by the bearer token, even one who must change their password first.

    Only the routes that let such a person change the password (and see who they are) use
    this; everything else uses :func:`current_actor`.
    """
    if not token:
        raise AuthError("Sign in first: send 'Authorization: Bearer <token>'.")
    context = context_of(request.app)
    actor = token_actor(context.db, token, key=context.token_key)
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


def allow(permission: str) -> Callable[..., Awaitable[Actor]]:
    """A dependency that admits only roles carrying ``permission``."""

    async def _check(actor: Actor = Depends(current_actor)) -> Actor:
        require(actor, permission)
        return actor

    return _check


async def pick_sequencer(request: Request) -> Sequencer | None:
    """The routing the composition root plugged in for pick lists (the twin's), if any."""
    return context_of(request.app).pick_sequencer


async def bin_distance(request: Request) -> Distance | None:
    """The walking distance between two bins the composition root plugged in (the twin's)."""
    return context_of(request.app).bin_distance


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


@dataclass
class Writer:
    """Runs one write in its own transaction; honours ``Idempotency-Key``."""

    db: Database
    actor: Actor
    key: str | None
    fingerprint: str

    def run(self, fn: Callable[[Session], BaseModel], *, status_code: int = 200) -> Response:
        """Call ``fn`` in a write transaction and answer with its JSON; replay a known key."""
        answer = run_once(
            self.db,
            user_id=self.actor.id,
            key=self.key,
            fingerprint=self.fingerprint,
            write=lambda session: fn(session).model_dump_json(),
            status_code=status_code,
        )
        return Response(
            answer.body,
            status_code=answer.status_code,
            media_type="application/json",
            headers={"Idempotent-Replayed": "true"} if answer.replayed else None,
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

    It holds one of the context's ``write_limiter`` slots (when it has one) until the route
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
        limiter = context_of(request.app).write_limiter
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

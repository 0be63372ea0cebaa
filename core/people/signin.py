"""Sign-in guard: rate limits on failed attempts and a small pool for Argon2.

Failed sign-ins are counted per username and per client address in a moving window with the
`limits` library (memory by default; Redis when several workers share the count). Password
hashing and verification run on a dedicated pool of a few threads, so a crowd of guessers
queues there instead of filling the thread pool that serves every other request.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import math
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from limits import RateLimitItem, parse, storage, strategies

from core.errors import AuthError, CoreError, ValidationFailed
from core.settings import CoreSettings

T = TypeVar("T")


class TooManyAttempts(CoreError):
    """Too many failed sign-ins for a username or from an address: wait ``retry_after`` s."""

    code = "too-many-attempts"
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


def _limit(text: str, name: str) -> RateLimitItem:
    try:
        return parse(text)
    except ValueError as exc:
        raise ValidationFailed(f"{name} '{text}' is not a rate such as 10/5minutes.") from exc


#: How long a refused (429) sign-in is held before it is answered.
REFUSAL_DELAY_S = 1.0
#: The niceness of the sign-in threads (and the threads Argon2 starts from them): a guesser's
#: hashing gets the CPU the API leaves over, instead of an equal share of a small machine.
AUTH_NICENESS = 19


def _yield_cpu() -> None:
    """Lower this thread's scheduling priority (Linux: per thread; elsewhere a no-op)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), AUTH_NICENESS)
    except (AttributeError, OSError):  # no setpriority, or not allowed: run at normal priority
        pass


class SignInGuard:
    """Counts failed sign-ins and runs password work on its own small thread pool."""

    def __init__(self, settings: CoreSettings) -> None:
        self._store = storage.storage_from_string(settings.rate_limit_storage_url)
        self._limiter = strategies.MovingWindowRateLimiter(self._store)
        self._in_memory = settings.rate_limit_storage_url.startswith("memory://")
        self._limits = (
            ("user", _limit(settings.sign_in_limit_per_user, "sign_in_limit_per_user")),
            ("address", _limit(settings.sign_in_limit_per_address, "sign_in_limit_per_address")),
        )
        self._pool = ThreadPoolExecutor(
            settings.auth_threads, thread_name_prefix="facet-auth", initializer=_yield_cpu
        )

    async def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` (password hashing or checking) on the guard's pool."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn)

    async def attempt(self, username: str, address: str, fn: Callable[[], T]) -> T:
        """Refuse when over a limit, else run ``fn`` on the pool; count its AuthError or
        ValidationFailed as a failed attempt.

        The counts are read before the pool: a refused guesser costs no Argon2 and does not
        queue in front of people signing in.
        """
        try:
            await self._counts(self.check, username, address)
        except TooManyAttempts:
            # A tarpit: the refusal waits on the event loop (costing nothing), so a guesser
            # that waits for each answer cannot flood the API with cheap refused requests.
            await asyncio.sleep(REFUSAL_DELAY_S)
            raise
        try:
            return await self.run(fn)
        except (AuthError, ValidationFailed):
            await self._counts(self.failed, username, address)
            raise

    async def _counts(self, fn: Callable[[str, str], None], username: str, address: str) -> None:
        if self._in_memory:  # microseconds, no I/O: on the event loop
            fn(username, address)
        else:  # a round trip to Redis: on the shared thread pool
            await run_in_threadpool(fn, username, address)

    def _keys(self, username: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
        values = {"user": username.strip().lower(), "address": address}
        return [(item, kind, values[kind]) for kind, item in self._limits]

    def check(self, username: str, address: str) -> None:
        """TooManyAttempts when either count is used up (nothing is counted here)."""
        for item, kind, value in self._keys(username, address):
            if not self._limiter.test(item, "sign-in", kind, value):
                reset = self._limiter.get_window_stats(item, "sign-in", kind, value).reset_time
                wait = max(1, math.ceil(reset - time.time()))
                who = "this user name" if kind == "user" else "your address"
                raise TooManyAttempts(
                    f"Too many failed sign-ins for {who}; wait {wait} s and try again "
                    "(an admin can reset a forgotten password).",
                    retry_after=wait,
                )

    def failed(self, username: str, address: str) -> None:
        """Count one failed attempt against the username and the address."""
        for item, kind, value in self._keys(username, address):
            self._limiter.hit(item, "sign-in", kind, value)

    def close(self) -> None:
        """Stop the pool's threads."""
        self._pool.shutdown(wait=False, cancel_futures=True)


# The app's own pages (web/pages/api.py) call the API over HTTP from the server itself, so
# their requests come from the server's address; they name the browser's address in
# CLIENT_HEADER, believed only with CLIENT_KEY_HEADER = client_key(token key): no outside
# client (a browser behind the same proxy, say) can set its own address.
CLIENT_HEADER = "X-Facet-Client-Address"
CLIENT_KEY_HEADER = "X-Facet-Client-Key"


def client_key(token_key: str) -> str:
    """The key that vouches for CLIENT_HEADER: derived from the token key, so every worker
    process of the app knows it and no client does."""
    return hmac.new(token_key.encode(), b"facet client address", hashlib.sha256).hexdigest()


def client_address(request: Request, token_key: str) -> str:
    """The address failed sign-ins are counted against."""
    claimed = request.headers.get(CLIENT_HEADER)
    vouched = request.headers.get(CLIENT_KEY_HEADER, "")
    if claimed and hmac.compare_digest(vouched.encode(), client_key(token_key).encode()):
        return claimed[:64]
    return request.client.host if request.client else "unknown"

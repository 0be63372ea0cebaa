"""Sign-in guard: rate limits on failed attempts and a small pool for Argon2.

Failed sign-ins are counted per username and per client address in a moving window with the
`limits` library (memory by default; Redis when several workers share the count). Password
hashing and verification run on a dedicated pool of a few threads, so a crowd of guessers
queues there instead of filling the thread pool that serves every other request.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

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


class SignInGuard:
    """Counts failed sign-ins and runs password work on its own small thread pool."""

    def __init__(self, settings: CoreSettings) -> None:
        self._store = storage.storage_from_string(settings.rate_limit_storage_url)
        self._limiter = strategies.MovingWindowRateLimiter(self._store)
        self._limits = (
            ("user", _limit(settings.sign_in_limit_per_user, "sign_in_limit_per_user")),
            ("address", _limit(settings.sign_in_limit_per_address, "sign_in_limit_per_address")),
        )
        self._pool = ThreadPoolExecutor(settings.auth_threads, thread_name_prefix="facet-auth")

    async def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` (password hashing or checking) on the guard's pool."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn)

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

    def guarded(self, username: str, address: str, fn: Callable[[], T]) -> T:
        """Refuse when over the limit, else call ``fn``; an AuthError from it is counted."""
        self.check(username, address)
        try:
            return fn()
        except (AuthError, ValidationFailed):
            self.failed(username, address)
            raise

    def close(self) -> None:
        """Stop the pool's threads."""
        self._pool.shutdown(wait=False, cancel_futures=True)

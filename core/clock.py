"""The core's clock: UTC now, replaceable for demo history and tests (a context variable)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime


def _system_now() -> datetime:
    return datetime.now(UTC)


_clock: ContextVar[Callable[[], datetime]] = ContextVar("facet_clock", default=_system_now)


def now() -> datetime:
    """Current time (UTC, timezone-aware) from the injected clock."""
    return _clock.get()()


@contextmanager
def use_clock(clock: Callable[[], datetime]) -> Iterator[None]:
    """Run the block with ``clock`` as the source of time (demo history, tests)."""
    token = _clock.set(clock)
    try:
        yield
    finally:
        _clock.reset(token)


def as_utc(value: datetime) -> datetime:
    """A stored datetime as timezone-aware UTC (SQLite returns naive values)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

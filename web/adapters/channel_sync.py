"""Stock sync out: tell each channel what it may sell, soon after stock changes.

Every change of free stock (a posting, a reservation or its release, a lot approved, held or
recalled) commits an :class:`~core.events.AvailabilityChanged` naming its SKUs; it reaches
every process (the outbox transports carry it). Here it marks those SKUs dirty for every
channel; ``push_debounce_ms`` after the first dirty mark the channel's listings of those SKUs
whose level differs from what the channel was last told are pushed, ``push_batch`` at a time,
through the channel's connector, and recorded as pushed. Every ``reconcile_s`` every listing of
every channel is checked the same way (a change missed, a person's buffer edit, a resync).

A push refused (``ChannelUnavailable``, or anything else the connector raises) is recorded as
failed and nothing counts as pushed: the SKUs stay dirty and the channel is retried with
backoff, and the retry computes the levels afresh. So a channel down for a minute gets the
latest level of every listing that changed meanwhile, not a backlog of old ones.

One process pushes: the lease ``channel-sync`` (``core.leases``) elects it; the others keep
their lease request warm and take over (starting with a full reconciliation) when it lapses.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import uuid4

from core import Database
from core.channels.schemas import StockLevel
from core.channels.sync import pending_levels, record_push_failed, record_pushed
from core.clock import now
from core.errors import NotFoundError
from core.events import AvailabilityChanged, EventBus
from core.leases import release, try_acquire
from web.integrations.channels.base import Connector

__all__ = ["LEASE", "ChannelSync", "SyncTiming", "start_channel_sync"]

log = logging.getLogger("facet.channel_sync")

#: The lease that makes one process the pusher.
LEASE = "channel-sync"
#: How long ``stop()`` waits for a push under way.
JOIN_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class SyncTiming:
    """How often the pusher reconciles, holds its lease and backs off a failing channel."""

    reconcile_s: float = 30.0
    lease_ttl_s: float = 15.0
    lease_renew_s: float = 5.0
    backoff_s: float = 0.5
    max_backoff_s: float = 15.0


@dataclass
class _Channel:
    """One channel's pending work (guarded by ChannelSync's lock)."""

    connector: Connector
    dirty: set[int] = field(default_factory=set)
    full: bool = True  # every listing is checked first
    due_at: float | None = 0.0
    failures: int = 0
    retry_at: float = 0.0
    pushed: int = 0

    @property
    def debounce_s(self) -> float:
        return self.connector.config.push_debounce_ms / 1000


@dataclass
class _Outcome:
    """What one channel took of a round's levels: (SKU id, quantity) pushed, SKU ids refused."""

    pushed: list[tuple[int, int]] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    error: str | None = None


class ChannelSync:
    """The stock pusher of one process: call :meth:`start`, then :meth:`stop`."""

    def __init__(
        self,
        db: Database,
        bus: EventBus,
        connectors: Mapping[str, Connector],
        *,
        timing: SyncTiming | None = None,
        holder: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db, self.bus, self.timing, self._clock = db, bus, timing or SyncTiming(), clock
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid4().hex[:8]}"
        # Channels with no API to push to are served at GET /api/channels/{code}/stock only.
        self._channels = {
            code: _Channel(connector)
            for code, connector in connectors.items()
            if connector.config.base_url
        }
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, min(len(self._channels), 8)), thread_name_prefix="facet-push"
        )
        self.leading = False
        self._lease_checked = float("-inf")
        self._next_reconcile = 0.0

    def start(self) -> None:
        """Listen for availability changes and start the pushing thread."""
        self.bus.subscribe(AvailabilityChanged, self.on_change)
        self._thread = threading.Thread(target=self._run, name="facet-channel-sync", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop listening and pushing; give the lease back."""
        self.bus.unsubscribe(AvailabilityChanged, self.on_change)
        self._stopped.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=JOIN_TIMEOUT_S)
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self.leading:
            try:
                with self.db.write() as session:
                    release(session, name=LEASE, holder=self.holder)
            except Exception:  # the lease lapses by itself
                log.warning("channel sync: could not give the lease back", exc_info=True)
        self.leading = False

    def on_change(self, event: AvailabilityChanged) -> None:
        """Mark the event's SKUs dirty for every channel (from any thread)."""
        at, newly_due = self._clock(), False
        with self._lock:
            for state in self._channels.values():
                state.dirty.update(event.sku_ids)
                if state.due_at is None:
                    state.due_at, newly_due = at + state.debounce_s, True
        # Only a channel that was not due yet changes when the thread must wake (it waits for
        # the earliest due channel): waking it on every order's change cost the order takers
        # a thread switch each.
        if newly_due:
            self._wake.set()

    def status(self) -> dict[str, Any]:
        """Whether this process pushes, and per channel what waits and how it went."""
        with self._lock:
            return {
                "leading": self.leading,
                "channels": {
                    code: {"dirty": len(s.dirty), "failures": s.failures, "pushed": s.pushed}
                    for code, s in self._channels.items()
                },
            }

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                wait = self.run_once()
            except Exception:  # never a dead thread: log, pause, go on
                log.exception("channel sync round failed")
                wait = 1.0
            self._wake.wait(max(wait, 0.0))
            self._wake.clear()

    def run_once(self) -> float:
        """One round: hold the lease, push what is due; returns seconds until the next."""
        at = self._clock()
        if not self._lead(at):
            return self.timing.lease_renew_s
        if at >= self._next_reconcile:
            self._next_reconcile = at + self.timing.reconcile_s
            with self._lock:
                for state in self._channels.values():
                    state.full, state.due_at = True, at
        with self._lock:
            due = [
                (code, state)
                for code, state in self._channels.items()
                if state.due_at is not None and at >= max(state.due_at, state.retry_at)
            ]
        if due:
            self._push_round(due)
        return self._next_wait()

    def _lead(self, at: float) -> bool:
        if at - self._lease_checked < self.timing.lease_renew_s:
            return self.leading
        with self.db.write() as session:
            held = try_acquire(
                session, name=LEASE, holder=self.holder, ttl_s=self.timing.lease_ttl_s
            )
        self._lease_checked = at
        if held and not self.leading:
            log.info("channel sync: %s pushes stock now", self.holder)
            self._next_reconcile = at  # a new pusher checks everything first
        with self._lock:
            if not held:  # the pusher elsewhere has these; a takeover reconciles all
                for state in self._channels.values():
                    state.dirty.clear()
                    state.due_at = None
        self.leading = held
        return held

    def _next_wait(self) -> float:
        at = self._clock()
        times = [self._next_reconcile, self._lease_checked + self.timing.lease_renew_s]
        with self._lock:
            times += [
                max(s.due_at, s.retry_at) for s in self._channels.values() if s.due_at is not None
            ]
        return min(times) - at

    def _take(self, state: _Channel) -> tuple[bool, set[int]]:
        with self._lock:
            taken = (state.full, state.dirty)
            state.full, state.dirty, state.due_at = False, set(), None
        return taken

    def _push_round(self, due: list[tuple[str, _Channel]]) -> None:
        """Push every due channel's changed levels: one read for all, the channels' pushes
        side by side (each channel gets its levels without waiting for a slower one; the next
        round waits for the slowest, at most its ``timeout_s``), one write for the outcomes."""
        work = {code: (state, *self._take(state)) for code, state in due}
        pending: dict[str, list[tuple[int, StockLevel]]] = {}
        read_at = now()  # a resync after this voids what this round pushes (see record_pushed)
        try:
            with self.db.read() as session:
                for code, (_, full, skus) in work.items():
                    try:
                        pending[code] = pending_levels(
                            session, channel=code, sku_ids=None if full else skus
                        )
                    except NotFoundError:  # not registered (yet): nothing to tell it
                        continue
        except Exception:
            for code, (state, full, skus) in work.items():
                self._failed(code, state, full, skus, "could not read the levels to push")
            raise
        sends = {
            code: self._pool.submit(self._send, work[code][0], levels)
            for code, levels in pending.items()
            if levels
        }
        outcomes = {code: future.result() for code, future in sends.items()}
        if not self._record(outcomes, read_at):
            for code in outcomes:  # pushed but not noted: check these listings again soon
                state, full, skus = work[code]
                self._failed(code, state, full, skus, "could not record the push")
            return
        for code, outcome in outcomes.items():
            state, full, skus = work[code]
            with self._lock:
                state.pushed += len(outcome.pushed)
            if outcome.error is not None:
                self._failed(code, state, full, skus, outcome.error)
                continue
            with self._lock:
                state.failures, state.retry_at = 0, 0.0

    @staticmethod
    def _send(state: _Channel, levels: list[tuple[int, StockLevel]]) -> _Outcome:
        """Hand ``levels`` to the channel ``push_batch`` at a time, until one is refused."""
        outcome = _Outcome()
        batch = state.connector.config.push_batch
        for start in range(0, len(levels), batch):
            chunk = levels[start : start + batch]
            try:
                state.connector.push_stock([level for _, level in chunk])
            except Exception as exc:  # ChannelUnavailable, or a connector's own bug
                outcome.failed = [sku_id for sku_id, _ in levels[start:]]
                outcome.error = str(exc) or type(exc).__name__
                break
            outcome.pushed += [(sku_id, level.quantity) for sku_id, level in chunk]
        return outcome

    def _record(self, outcomes: Mapping[str, _Outcome], read_at: datetime) -> bool:
        """Note what each channel took or refused, in one transaction; False if that failed."""
        if not outcomes:
            return True
        try:
            with self.db.write() as session:
                for code, outcome in outcomes.items():
                    if outcome.pushed:
                        record_pushed(session, channel=code, levels=outcome.pushed, read_at=read_at)
                    if outcome.failed:
                        record_push_failed(
                            session,
                            channel=code,
                            sku_ids=outcome.failed,
                            error=outcome.error or "refused",
                        )
        except Exception:
            log.warning("channel sync: could not record pushes", exc_info=True)
            return False
        return True

    def _failed(self, code: str, state: _Channel, full: bool, skus: set[int], why: str) -> None:
        """Put the work back and retry after a backoff that doubles with each failure."""
        with self._lock:
            state.full = state.full or full
            state.dirty |= skus
            state.failures += 1
            pause = min(
                self.timing.backoff_s * 2 ** (state.failures - 1), self.timing.max_backoff_s
            )
            state.retry_at = self._clock() + pause
            if state.due_at is None:
                state.due_at = state.retry_at
        log.warning("channel sync: push to %s failed (%s); retry in %.1f s", code, why, pause)


def start_channel_sync(
    db: Database,
    bus: EventBus,
    connectors: Mapping[str, Connector],
    *,
    timing: SyncTiming | None = None,
) -> Callable[[], None]:
    """Start pushing stock to ``connectors``' channels (by channel code); returns the stop."""
    pusher = ChannelSync(db, bus, connectors, timing=timing)
    pusher.start()
    return pusher.stop

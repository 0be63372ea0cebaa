"""The inbox worker: retries of stored channel messages, and polling of channels that poll.

Every ``every_s`` (about a second) one pass:

- applies the stored messages whose next try is due (:func:`core.channels.apply_due`: a
  failed message waits 2, 4, 8 ... seconds between tries, then is dead for a person);
- polls each channel whose ``poll_every_s`` is above 0 and is due, from the cursor stored with
  the channel: what a poll brings is stored together with the cursor after it, then applied.
  A channel that does not answer (``ChannelUnavailable``, or anything its connector raises)
  gets ``last_error`` and is polled again after a backoff (doubling, at most
  :data:`MAX_POLL_BACKOFF_S`); the thread carries on with the others.

One process does this: the lease ``channel-inbox`` (``core.leases``) elects it; the others
keep asking and take over when it lapses. Webhooks are applied by whichever process receives
them; the worker only retries what they could not apply.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from uuid import uuid4

from core import CoreError, Database
from core.channels import (
    apply_due,
    apply_message,
    poll_cursor,
    record_channel_error,
    store_polled,
)
from core.leases import release, try_acquire
from web.adapters.periodic import start_periodic
from web.integrations.channels.base import Connector

__all__ = ["LEASE", "ChannelInbox", "start_channel_inbox"]

log = logging.getLogger("facet.channel_inbox")

#: The lease that makes one process the inbox worker.
LEASE = "channel-inbox"
#: The longest wait before polling a failing channel again.
MAX_POLL_BACKOFF_S = 300.0
#: Messages retried per pass at most (the rest wait for the next pass).
RETRY_BATCH = 100


@dataclass
class _Poll:
    """When a polling channel is next due, and how often it failed in a row."""

    due_at: float = 0.0
    failures: int = 0
    polled: int = field(default=0)


class ChannelInbox:
    """One process's inbox worker; :meth:`run_pass` is one round (the thread calls it)."""

    def __init__(
        self,
        db: Database,
        connectors: Mapping[str, Connector],
        *,
        holder: str | None = None,
        lease_ttl_s: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db, self.connectors, self.lease_ttl_s, self._clock = (
            db, connectors, lease_ttl_s, clock,
        )  # fmt: skip
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid4().hex[:8]}"
        self.leader = False
        self._polls = {code: _Poll() for code, c in connectors.items() if c.config.poll_every_s > 0}

    def run_pass(self) -> None:
        """Hold the lease, retry what is due, poll who is due; never raises."""
        try:
            if not self._hold_lease():
                return
            apply_due(self.db, limit=RETRY_BATCH)
            for code in self._polls:
                self._poll_if_due(code)
        except Exception:  # the database away, a bug: log it, the next pass tries again
            log.exception("channel inbox pass failed")

    def polled(self, code: str) -> int:
        """How many new messages polling ``code`` stored so far (for tests and logs)."""
        return self._polls[code].polled

    def release(self) -> None:
        """Give the lease back (when stopping)."""
        if not self.leader:
            return
        try:
            with self.db.write() as session:
                release(session, name=LEASE, holder=self.holder)
        except Exception:  # it lapses by itself
            log.warning("channel inbox: could not give the lease back", exc_info=True)
        self.leader = False

    def _hold_lease(self) -> bool:
        with self.db.write() as session:
            won = try_acquire(session, name=LEASE, holder=self.holder, ttl_s=self.lease_ttl_s)
        if won != self.leader:
            log.info("channel inbox: %s %s", self.holder, "works it" if won else "stands by")
        self.leader = won
        return won

    def _poll_if_due(self, code: str) -> None:
        state, at = self._polls[code], self._clock()
        if at < state.due_at:
            return
        connector = self.connectors[code]
        every = connector.config.poll_every_s
        try:
            new = self._poll(code, connector)
        except Exception as exc:  # the channel's failure, not the thread's
            state.failures += 1
            wait = min(every * 2**state.failures, MAX_POLL_BACKOFF_S)
            state.due_at = at + wait
            code_ = getattr(exc, "code", type(exc).__name__)
            log.warning("channel %s: poll failed (%s), next in %.0f s", code, code_, wait)
            self._note_error(code, f"poll failed ({code_}): {exc}")
            return
        state.failures, state.due_at = 0, at + every
        state.polled += new

    def _poll(self, code: str, connector: Connector) -> int:
        with self.db.read() as session:
            cursor = poll_cursor(session, channel=code)
        polled = connector.poll(cursor)
        with self.db.write() as session:
            received = store_polled(
                session, channel=code, messages=polled.messages, cursor=polled.cursor
            )
        fresh = [r.message_id for r in received if r.new]
        for message_id in fresh:
            apply_message(self.db, message_id=message_id)
        return len(fresh)

    def _note_error(self, code: str, error: str) -> None:
        try:
            with self.db.write() as session:
                record_channel_error(session, channel=code, error=error)
        except CoreError as exc:
            log.warning("channel %s: error not recorded (%s)", code, exc.code)


def start_channel_inbox(
    db: Database,
    connectors: Mapping[str, Connector],
    *,
    every_s: float = 1.0,
    holder: str | None = None,
) -> Callable[[], None]:
    """Start the inbox worker's thread (a pass every ``every_s``); returns its stop."""
    worker = ChannelInbox(db, connectors, holder=holder)
    stop_thread = start_periodic("facet-channel-inbox", every_s, worker.run_pass)

    def stop() -> None:
        stop_thread()
        worker.release()

    return stop

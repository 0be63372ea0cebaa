"""The outbox relay: sends committed events through the transport, in outbox order.

A daemon thread claims a small batch of unpublished rows, sends each through the transport and
marks them published. It is woken by each local commit that wrote outbox rows and otherwise
polls, for rows other processes wrote (CLI commands, a relay that died). On PostgreSQL the
claim locks the rows (``FOR UPDATE SKIP LOCKED``) for the whole batch, so relays in several
processes share the work and a relay killed mid-batch leaves its rows to the next one. On
SQLite (one write lock for the whole database) the rows are read, sent, then marked in a short
write, so the lock is never held across network sends; two relays may then both send a row,
which receivers drop by event id. A failed send leaves the rows unpublished; they are retried
with a growing pause. Published rows are pruned after the retention period.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from core import Database
from core.events import Transport
from core.outbox.service import OutboxEntry, claim, mark_published, prune

__all__ = ["Relay"]

log = logging.getLogger(__name__)


class Relay:
    """Publishes the outbox of ``db`` through ``transport`` from a thread of its own."""

    def __init__(
        self,
        db: Database,
        transport: Transport,
        *,
        batch: int = 100,
        poll_s: float = 0.3,
        retention: timedelta = timedelta(hours=24),
        prune_every_s: float = 300.0,
    ) -> None:
        self._db, self._transport = db, transport
        self._batch, self._poll_s = batch, poll_s
        self._retention, self._prune_every_s = retention, prune_every_s
        self._wake, self._stopping = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None
        self._listening = False  # registered for the database's commit wake-ups
        self.sent = 0  # events sent by this relay (diagnostics, tests)
        self.last_error: str | None = None  # why the last try failed; None once one succeeds

    def wake(self) -> None:
        """Run a pass now (a local commit wrote outbox rows)."""
        self._wake.set()

    def start(self) -> None:
        """Start the thread; local commits wake it."""
        if not self._listening:  # once: a relay stopped and started again is woken once
            self._db.on_outbox_commit(self.wake)
            self._listening = True
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="facet-outbox-relay", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the current batch, then send one last batch if the transport answers."""
        self._stopping.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is None or thread is threading.current_thread():
            return
        thread.join(timeout=10)
        try:  # best effort: what is left waits for another relay or the next start
            self.run_once()
        except Exception as exc:
            log.info("outbox relay stopped with events unsent (%s)", exc)

    def run_once(self) -> int:
        """Send one batch of unpublished rows; returns how many were sent."""
        if self._db.dialect == "postgresql":
            with self._db.write() as session:
                entries = claim(session, limit=self._batch)
                ids = self._send(entries)
                mark_published(session, ids)  # same transaction as the claim's row locks
        else:
            with self._db.read() as session:
                entries = claim(session, limit=self._batch)
            ids = self._send(entries)
            if ids:
                with self._db.write() as session:
                    mark_published(session, ids)
        self.sent += len(entries)
        return len(entries)

    def _send(self, entries: list[OutboxEntry]) -> list[int]:
        """Send each entry in order (raises on the first failure); returns the ids to mark."""
        for entry in entries:
            try:
                event = entry.event()
            except (ValueError, KeyError, TypeError):  # written by a newer version, say
                log.exception("outbox row %d (%s) cannot be decoded; skipped", entry.id,
                              entry.name)
                continue
            self._transport.send(event)
        return [entry.id for entry in entries]

    def prune(self) -> int:
        """Delete published rows older than the retention period; returns how many."""
        with self._db.write() as session:
            return prune(session, older_than=self._retention)

    def _run(self) -> None:
        pause, next_prune = self._poll_s, time.monotonic()
        while not self._stopping.is_set():
            try:
                full = self.run_once() >= self._batch
                if time.monotonic() >= next_prune:
                    next_prune = time.monotonic() + self._prune_every_s
                    self.prune()
            except Exception as exc:  # the transport or the database is away: retry later
                if self.last_error is None:
                    log.warning("outbox relay: %s; retrying", exc)
                self.last_error = str(exc) or type(exc).__name__
                self._stopping.wait(pause)
                pause = min(pause * 2, 10.0)
                continue
            if self.last_error is not None:
                log.info("outbox relay: sending again")
            self.last_error, pause = None, self._poll_s
            if not full:  # more rows waiting: go on at once; else until woken or the poll
                self._wake.wait(self._poll_s)
                self._wake.clear()

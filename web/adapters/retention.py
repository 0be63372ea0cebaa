"""Retention: stored idempotency answers and expired shared state are deleted every hour.

One daemon thread per web process runs :func:`prune_once`; several workers doing it at once is
harmless (each deletes what the others have not). ``facet db prune`` runs the same pass once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from core import CoreError, CoreSettings, Database
from core.audit.idempotency import prune_all
from core.clock import now
from core.state import prune
from web.adapters.periodic import start_periodic

log = logging.getLogger("facet.retention")

#: Seconds between two passes of the web app's retention thread.
EVERY_S = 3600.0


def prune_once(settings: CoreSettings, db: Database) -> dict[str, int]:
    """Delete idempotency answers older than the retention and expired shared state."""
    older_than = now() - timedelta(hours=settings.idempotency_retention_hours)
    answers = prune_all(db, older_than=older_than)
    with db.write() as session:
        expired = prune(session)
    return {"idempotency_keys": answers, "shared_state": expired}


def start_retention(
    settings: CoreSettings, db: Database, *, every_s: float = EVERY_S
) -> Callable[[], None]:
    """Start the hourly retention thread (first pass after ``every_s``); returns its stop."""

    def run_pass() -> None:
        try:
            counts = prune_once(settings, db)
        except CoreError as exc:  # busy: the next pass deletes these too
            log.warning("retention pass skipped: %s", exc)
            return
        if any(counts.values()):
            log.info("retention: deleted %s", counts)

    return start_periodic("facet-retention", every_s, run_pass)

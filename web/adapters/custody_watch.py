"""Overdue custody: every hour, each memo, repair or assay document past its due-back date with
pieces still out raises its `custody-overdue` alert (once a day each, however many processes
check: :func:`core.custody.check_overdue` keeps the day's alert unique)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from core import CoreError, Database
from core.custody import check_overdue
from web.adapters.periodic import start_periodic

log = logging.getLogger("facet.custody")

#: Seconds between two checks.
EVERY_S = 3600.0


def check_once(db: Database) -> int:
    """Raise today's alerts for overdue custody documents; how many were raised."""
    with db.write() as session:
        return len(check_overdue(session))


def start_custody_watch(db: Database, *, every_s: float = EVERY_S) -> Callable[[], None]:
    """Start the hourly overdue check (the first after ``every_s``); returns its stop."""

    def run_pass() -> None:
        try:
            raised = check_once(db)
        except CoreError as exc:  # busy: the next pass raises them
            log.warning("custody overdue check skipped: %s", exc)
            return
        if raised:
            log.info("custody: %d overdue alert(s) raised", raised)

    return start_periodic("facet-custody-watch", every_s, run_pass)

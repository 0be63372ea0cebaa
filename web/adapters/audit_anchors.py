"""The web app's periodic audit checkpoint (``FACET_AUDIT_ANCHOR_MINUTES``; off by default).

Every so many minutes a daemon thread verifies the audit chain and appends a signed checkpoint
to the anchors file (as ``facet audit anchor`` does). A chain that does not verify is logged as
an error and no checkpoint is written: a checkpoint never vouches for a rewritten log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from core import CoreError, CoreSettings, Database
from core.audit.anchors import CheckpointFileError
from core.audit.service import anchor
from web.adapters.periodic import start_periodic

log = logging.getLogger("facet.audit")


def start_anchoring(settings: CoreSettings, db: Database) -> Callable[[], None]:
    """Start the checkpoint thread when the setting asks for one; returns its stop function."""
    minutes = settings.audit_anchor_minutes
    if minutes <= 0:
        return lambda: None
    key, directory = db.audit_key.get(), settings.audit_anchor_dir

    def run_pass() -> None:
        try:
            with db.read() as session:
                checkpoint = anchor(session, key=key, directory=directory)
            log.info("audit checkpoint: %d entries, newest %d", checkpoint.entries,
                     checkpoint.last_id)  # fmt: skip
        except (CoreError, CheckpointFileError, OSError) as exc:
            log.error("audit checkpoint not written: %s", exc)

    return start_periodic("facet-audit-anchor", minutes * 60, run_pass)

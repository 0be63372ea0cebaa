"""Traceability: where things are, a serial's history, where a lot went, and recalling a lot."""

from core.trace.recall import recall_lot
from core.trace.service import (
    LocateResult,
    locate,
    lot_trace,
    normalise_lot_code,
    serial_history,
)
from core.trace.visibility import (
    FULL_VIEW,
    BlindCountOpen,
    Visibility,
    changes_view,
    visibility_for,
)

__all__ = [
    "FULL_VIEW",
    "BlindCountOpen",
    "LocateResult",
    "Visibility",
    "changes_view",
    "locate",
    "lot_trace",
    "normalise_lot_code",
    "recall_lot",
    "serial_history",
    "visibility_for",
]

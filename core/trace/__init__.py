"""Traceability: where things are, a serial's history, where a lot went.

Names load from their modules on first use (as in :mod:`core.orders`), so importing the package
stays cheap and free of import cycles.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.trace.service import (
        LocateResult,
        locate,
        lot_trace,
        normalise_lot_code,
        serial_history,
    )
    from core.trace.visibility import FULL_VIEW, BlindCountOpen, Visibility, visibility_for

_EXPORTS = {
    "LocateResult": "service",
    "locate": "service",
    "lot_trace": "service",
    "normalise_lot_code": "service",
    "serial_history": "service",
    "FULL_VIEW": "visibility",
    "BlindCountOpen": "visibility",
    "Visibility": "visibility",
    "visibility_for": "visibility",
}
__all__ = [
    "FULL_VIEW",
    "BlindCountOpen",
    "LocateResult",
    "Visibility",
    "locate",
    "lot_trace",
    "normalise_lot_code",
    "serial_history",
    "visibility_for",
]


def __getattr__(name: str) -> Any:
    """Load an exported name from its module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'core.trace' has no attribute {name!r}")
    return getattr(importlib.import_module(f"core.trace.{module}"), name)

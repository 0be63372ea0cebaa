"""Camera alerts stored in the core.

Names load from their modules on first use (as in :mod:`core.orders`), so importing the package
stays cheap and free of import cycles.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.alerts.service import list_alerts

_EXPORTS = {
    "list_alerts": "service",
}
__all__ = [
    "list_alerts",
]


def __getattr__(name: str) -> Any:
    """Load an exported name from its module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'core.alerts' has no attribute {name!r}")
    return getattr(importlib.import_module(f"core.alerts.{module}"), name)

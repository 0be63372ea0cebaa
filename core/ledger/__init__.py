"""The ledger: stock moves and the balances derived from them.

Names load from their modules on first use (as in :mod:`core.orders`), so importing the package
stays cheap and free of import cycles.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.ledger.service import MoveFilter, StockFilter, list_moves, list_stock

_EXPORTS = {
    "MoveFilter": "service",
    "StockFilter": "service",
    "list_moves": "service",
    "list_stock": "service",
}
__all__ = [
    "MoveFilter",
    "StockFilter",
    "list_moves",
    "list_stock",
]


def __getattr__(name: str) -> Any:
    """Load an exported name from its module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'core.ledger' has no attribute {name!r}")
    return getattr(importlib.import_module(f"core.ledger.{module}"), name)

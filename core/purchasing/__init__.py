"""Purchase orders: what is ordered from suppliers, what has arrived, and what is on order.

Names load from their modules on first use, like :mod:`core.orders`, so importing
``core.purchasing.models`` (which the receipts do) stays cheap and free of import cycles.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.purchasing.models import ON_ORDER, POStatus
    from core.purchasing.service import (
        ReceiptMatch,
        cancel_purchase_order,
        create_purchase_order,
        get_purchase_order,
        list_purchase_orders,
        on_order,
        open_purchase_order,
        purchase_order_read,
        purchase_order_reads,
        receive_against,
    )

_EXPORTS = {
    "ON_ORDER": "models",
    "POStatus": "models",
    "ReceiptMatch": "service",
    "cancel_purchase_order": "service",
    "create_purchase_order": "service",
    "get_purchase_order": "service",
    "list_purchase_orders": "service",
    "on_order": "service",
    "open_purchase_order": "service",
    "purchase_order_read": "service",
    "purchase_order_reads": "service",
    "receive_against": "service",
}
__all__ = [
    "ON_ORDER",
    "POStatus",
    "ReceiptMatch",
    "cancel_purchase_order",
    "create_purchase_order",
    "get_purchase_order",
    "list_purchase_orders",
    "on_order",
    "open_purchase_order",
    "purchase_order_read",
    "purchase_order_reads",
    "receive_against",
]


def __getattr__(name: str) -> Any:
    """Load an exported name from its module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'core.purchasing' has no attribute {name!r}")
    return getattr(importlib.import_module(f"core.purchasing.{module}"), name)

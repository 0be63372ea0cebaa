"""Sales orders: intake, allocation, pick lists, pick confirmation and shipping.

Other packages (the assistant's voice picking, the twin) use these names. They are loaded on
first use, so that importing ``core.orders.models`` (which the ledger does) stays cheap and
free of import cycles.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.orders.allocation import Allocation, allocate_order, cancel_order
    from core.orders.exceptions import record_pick_exception, refusal_kind
    from core.orders.models import OrderStatus
    from core.orders.picking import (
        Sequencer,
        assign_pick_list,
        create_pick_list,
        get_pick_list,
        list_pick_lists,
        pick_list_read,
        travel_order,
    )
    from core.orders.picks import (
        NotYourPickList,
        PickOutcome,
        confirm_pick,
        short_pick,
        skip_pick,
        undo_pick,
    )
    from core.orders.service import create_order, get_order, list_orders, order_read
    from core.orders.shipping import ship_order

_EXPORTS = {
    "Allocation": "allocation", "allocate_order": "allocation", "cancel_order": "allocation",
    "record_pick_exception": "exceptions", "refusal_kind": "exceptions",
    "OrderStatus": "models",
    "Sequencer": "picking", "assign_pick_list": "picking", "create_pick_list": "picking",
    "get_pick_list": "picking", "list_pick_lists": "picking", "pick_list_read": "picking",
    "travel_order": "picking",
    "NotYourPickList": "picks", "PickOutcome": "picks", "confirm_pick": "picks",
    "short_pick": "picks", "skip_pick": "picks", "undo_pick": "picks",
    "create_order": "service", "get_order": "service", "list_orders": "service",
    "order_read": "service",
    "ship_order": "shipping",
}
__all__ = [
    "Allocation",
    "NotYourPickList",
    "OrderStatus",
    "PickOutcome",
    "Sequencer",
    "allocate_order",
    "assign_pick_list",
    "cancel_order",
    "confirm_pick",
    "create_order",
    "create_pick_list",
    "get_order",
    "get_pick_list",
    "list_orders",
    "list_pick_lists",
    "order_read",
    "pick_list_read",
    "record_pick_exception",
    "refusal_kind",
    "ship_order",
    "short_pick",
    "skip_pick",
    "travel_order",
    "undo_pick",
]


def __getattr__(name: str) -> Any:
    """Load an exported name from its module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'core.orders' has no attribute {name!r}")
    return getattr(importlib.import_module(f"core.orders.{module}"), name)

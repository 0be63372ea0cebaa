"""Sales orders: intake, allocation, pick lists, pick confirmation, shipping, and the stock check
that cross-checks reservations against the ledger."""

from core.orders.allocation import Allocation, allocate_order, cancel_order
from core.orders.assignment import AssignedLine, next_assignment, post_pick_once, undo_last_pick
from core.orders.exceptions import record_pick_exception, refusal_kind
from core.orders.integrity import reservation_mismatches, verify_stock
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
from core.orders.preview import preview_allocation
from core.orders.service import create_order, get_order, list_orders, order_read
from core.orders.shipping import ship_order
from core.orders.views import allocation_read

__all__ = [
    "Allocation",
    "AssignedLine",
    "NotYourPickList",
    "OrderStatus",
    "PickOutcome",
    "Sequencer",
    "allocate_order",
    "allocation_read",
    "assign_pick_list",
    "cancel_order",
    "confirm_pick",
    "create_order",
    "create_pick_list",
    "get_order",
    "get_pick_list",
    "list_orders",
    "list_pick_lists",
    "next_assignment",
    "order_read",
    "pick_list_read",
    "post_pick_once",
    "preview_allocation",
    "record_pick_exception",
    "refusal_kind",
    "reservation_mismatches",
    "ship_order",
    "short_pick",
    "skip_pick",
    "travel_order",
    "undo_last_pick",
    "undo_pick",
    "verify_stock",
]

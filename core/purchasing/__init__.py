"""Purchase orders and goods in: what is ordered from suppliers, what has arrived (receipts, QC,
putaway), and what is on order."""

from core.purchasing.models import ON_ORDER, POStatus
from core.purchasing.schemas import PurchaseOrderCreate, PurchaseOrderLineIn
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

__all__ = [
    "ON_ORDER",
    "POStatus",
    "PurchaseOrderCreate",
    "PurchaseOrderLineIn",
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

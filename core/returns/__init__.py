"""Returns: customers' returns against shipped orders and returns to suppliers."""

from core.returns.customer import (
    inspect_return,
    open_return,
    receive_return,
    set_refund_ref,
)
from core.returns.schemas import (
    DISPOSITIONS,
    CustomerReturnCreate,
    InspectItem,
    ReturnPage,
    ReturnRead,
    SupplierReturnCreate,
    SupplierReturnPage,
    SupplierReturnRead,
)
from core.returns.supplier import create_supplier_return, set_supplier_rma
from core.returns.views import get_return, list_returns, return_reads, supplier_return_reads

__all__ = [
    "DISPOSITIONS",
    "CustomerReturnCreate",
    "InspectItem",
    "ReturnPage",
    "ReturnRead",
    "SupplierReturnCreate",
    "SupplierReturnPage",
    "SupplierReturnRead",
    "create_supplier_return",
    "get_return",
    "inspect_return",
    "list_returns",
    "open_return",
    "receive_return",
    "return_reads",
    "set_refund_ref",
    "set_supplier_rma",
    "supplier_return_reads",
]

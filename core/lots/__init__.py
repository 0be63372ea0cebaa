"""Lots, suppliers and serialised pieces."""

from core.lots.service import (
    create_lot,
    create_supplier,
    list_lots,
    lot_by_code,
    lot_read,
    serial_read,
    serials_by_codes,
    set_hold,
    supplier_by_code,
    update_lot,
)

__all__ = [
    "create_lot",
    "create_supplier",
    "list_lots",
    "lot_by_code",
    "lot_read",
    "serial_read",
    "serials_by_codes",
    "set_hold",
    "supplier_by_code",
    "update_lot",
]

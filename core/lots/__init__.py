"""Lots, suppliers and serialised pieces, and the reading of every scanned code."""

from core.lots.codes import Scanned, location_code, normal_epc, piece_codes, piece_key
from core.lots.codes import location as scanned_location
from core.lots.codes import read as read_code
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
    "Scanned",
    "create_lot",
    "create_supplier",
    "list_lots",
    "location_code",
    "lot_by_code",
    "lot_read",
    "normal_epc",
    "piece_codes",
    "piece_key",
    "read_code",
    "scanned_location",
    "serial_read",
    "serials_by_codes",
    "set_hold",
    "supplier_by_code",
    "update_lot",
]

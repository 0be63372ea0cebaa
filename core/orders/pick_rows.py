"""Typed rows of the pick path: what a confirmation reads in one statement, and a line read-back.

Their fields are the result columns of the statements in :mod:`core.orders.picks` and
:mod:`core.orders.picking`, in order; :class:`core.prepared.Prepared` refuses a row type that
does not match its statement. Statuses are the stored strings: compare them with
``LineStatus``, ``DocStatus``, ``OrderStatus`` and ``LotStatus`` (str enums of those values).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

__all__ = ["LineReadRow", "PickRow"]


class PickRow(NamedTuple):
    """A pick line with its list, bin, destination, SKU, lot, reservation, order and piece."""

    id: int
    document_id: int
    quantity: int
    done_quantity: int
    status: str  # LineStatus
    sku_id: int
    lot_id: int
    from_location_id: int
    to_location_id: int
    reservation_id: int
    order_line_id: int
    data: dict[str, Any] | None
    doc_status: str  # DocStatus of the pick list
    list_number: str
    assignee_id: int | None
    bin: str
    check_digits: str | None
    bin_kind: str
    bin_tier: str
    dest: str
    dest_kind: str
    dest_tier: str
    sku: str
    serialised: bool
    lot: str
    lot_status: str  # LotStatus
    open_quantity: int
    order_id: int
    order_status: str  # OrderStatus
    # The scanned piece of a single-piece confirmation, when its code names one.
    piece_id: int | None
    piece_code: str | None
    piece_sku_id: int | None
    piece_lot_id: int | None
    piece_location_id: int | None
    others_open: bool  # another line of the list is still open


class LineReadRow(NamedTuple):
    """A pick line with the codes people know, read back after a confirmation."""

    id: int
    line_no: int
    sku: str
    lot: str | None
    src: str | None
    dst: str | None
    quantity: int
    done_quantity: int
    data: dict[str, Any] | None
    status: str  # LineStatus
    order_id: int | None
    order_line_id: int | None
    reservation_id: int | None
    username: str | None
    done_at: datetime | None

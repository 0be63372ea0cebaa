"""What allocating an order would reserve, read without reserving or locking anything (the chat
states it before it asks for a yes)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.errors import ConflictError
from core.ledger.models import Balance
from core.locations.models import Location, Tier
from core.lots.models import Lot, LotStatus
from core.orders.allocation import _KIND_RANK, ALLOCATABLE_KINDS, ALLOCATABLE_STATUSES
from core.orders.models import OrderLine
from core.orders.service import get_order

__all__ = ["preview_allocation"]


def _free(session: Session, line: OrderLine) -> list[tuple[str, str, int]]:
    """(bin, lot, free) in the order :func:`core.orders.allocate_order` takes them."""
    stmt = (
        select(Location.code, Lot.code, Balance.on_hand - Balance.reserved)
        .join(Location, Location.id == Balance.location_id)
        .join(Lot, Lot.id == Balance.lot_id)
        .where(
            Balance.sku_id == line.sku_id,
            Balance.on_hand > Balance.reserved,
            Location.kind.in_([str(k) for k in ALLOCATABLE_KINDS]),
            Location.tier == Tier.BIN,
            Location.active.is_(True),
            Lot.status == LotStatus.APPROVED,
        )
        .order_by(Lot.purchase_date, Lot.received_at, Lot.id, _KIND_RANK, Location.code)
    )
    if line.lot_id is not None:
        stmt = stmt.where(Balance.lot_id == line.lot_id)
    return [(loc, lot, int(free)) for loc, lot, free in session.execute(stmt)]


def preview_allocation(session: Session, *, order_id: int) -> list[dict[str, object]]:
    """What :func:`core.orders.allocate_order` would reserve now, line by line: rows of
    ``line, sku, location, lot, quantity``, and one with ``location`` None for what no free
    stock covers. Reads only."""
    order = get_order(session, order_id=order_id)
    if order.status not in ALLOCATABLE_STATUSES:
        raise ConflictError(f"Order {order.external_id} is {order.status}; it cannot be "
                            "allocated.", code="order-not-allocatable")
    skus = dict(session.execute(select(Sku.id, Sku.code).where(
        Sku.id.in_({ln.sku_id for ln in order.lines}))).all())
    rows: list[dict[str, object]] = []
    for line in sorted(order.lines, key=lambda ln: ln.line_no):
        need = max(line.quantity - line.reserved_quantity - line.picked_quantity, 0)
        for location, lot, free in _free(session, line) if need else ():
            take = min(free, need)
            rows.append({"line": line.line_no, "sku": skus[line.sku_id], "location": location,
                         "lot": lot, "quantity": take})
            need -= take
            if need == 0:
                break
        if need:
            rows.append({"line": line.line_no, "sku": skus[line.sku_id], "location": None,
                         "lot": None, "quantity": need})
    return rows

"""Read models the API answers with, built from what the order services return."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.documents.models import Document
from core.locations.models import Location
from core.lots.models import Lot
from core.orders.allocation import Allocation
from core.orders.models import SalesOrder
from core.orders.picking import pick_line_reads
from core.orders.picks import PickOutcome
from core.orders.schemas import (
    AllocatedLineRead,
    AllocationRead,
    PickResultRead,
    ReservedRead,
    ShipmentRead,
)
from core.orders.service import order_read

__all__ = ["allocation_read", "pick_result_read", "shipment_read"]


def allocation_read(session: Session, allocation: Allocation) -> AllocationRead:
    """The API view of an allocation run."""
    view = order_read(session, allocation.order)
    reserved = [r for al in allocation.lines for r in al.reserved_now]
    locs = dict(session.execute(select(Location.id, Location.code).where(
        Location.id.in_({r[0] for r in reserved}))).all())
    lots = dict(session.execute(select(Lot.id, Lot.code).where(
        Lot.id.in_({r[1] for r in reserved}))).all())
    skus = {ln.id: ln.sku for ln in view.lines}
    return AllocationRead(order=view, complete=allocation.complete, lines=[
        AllocatedLineRead(
            line_no=al.line.line_no, sku=skus[al.line.id], quantity=al.line.quantity,
            reserved_quantity=al.line.reserved_quantity, missing=al.missing,
            reserved_now=[ReservedRead(location=locs[loc], lot=lots[lot], quantity=qty)
                          for loc, lot, qty in al.reserved_now],
        )
        for al in allocation.lines
    ])


def pick_result_read(session: Session, outcome: PickOutcome) -> PickResultRead:
    """The API view of a confirm, short, skip or undo."""
    return PickResultRead(line=pick_line_reads(session, [outcome.line_id])[0],
                          pick_list_status=outcome.pick_list_status,
                          order_status=outcome.order_status)


def shipment_read(session: Session, doc: Document) -> ShipmentRead:
    """The API view of a shipment."""
    order = session.get_one(SalesOrder, doc.order_id)
    return ShipmentRead(
        id=doc.id, number=doc.number, status=doc.status, order_id=order.id,
        reference=doc.reference, created_at=doc.created_at, closed_at=doc.closed_at,
        lines=pick_line_reads(session, [ln.id for ln in doc.lines]),
    )

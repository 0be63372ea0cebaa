"""Shipping: what was picked for an order leaves packing for the customer, serials and all."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import now
from core.documents.models import DocKind, DocStatus, Document, DocumentLine, LineStatus
from core.documents.service import new_document, set_status
from core.errors import ConflictError, SerialError
from core.ledger.models import MoveSerial, StockMove
from core.ledger.posting import MoveRequest, post_moves
from core.locations.models import Kind
from core.locations.service import virtual_location
from core.lots.models import Serial
from core.orders.models import OrderStatus, Reservation, ReservationStatus, SalesOrder
from core.orders.service import lock_order, release_reservations
from core.people.security import Actor

__all__ = ["PackKey", "Parcel", "picked_not_shipped", "ship_order", "shippable_order"]

SHIPPABLE = frozenset({OrderStatus.PICKING, OrderStatus.PICKED})
#: Where picked stock waits: order line, SKU, lot and packing bin ids.
PackKey = tuple[int, int, int, int]


@dataclass
class Parcel:
    """How much of one order line x lot waits in a packing bin, and which pieces."""

    quantity: int = 0
    serial_ids: list[int] = field(default_factory=list)


def picked_not_shipped(session: Session, order: SalesOrder) -> dict[PackKey, Parcel]:
    """Quantities and serials picked for the order (undone picks excluded), still in packing."""
    picks = session.execute(
        select(DocumentLine.id, DocumentLine.document_id, DocumentLine.order_line_id,
               DocumentLine.sku_id, DocumentLine.lot_id, DocumentLine.to_location_id,
               DocumentLine.data, DocumentLine.status)
        .join(Document, Document.id == DocumentLine.document_id)
        .where(Document.kind == DocKind.PICK,
               DocumentLine.order_line_id.in_([ln.id for ln in order.lines]))
    ).all()
    if any(p.status == LineStatus.OPEN for p in picks):
        raise ConflictError(f"Order {order.external_id} still has open pick lines; pick or "
                            "short them first.", code="picks-open")
    keys = {p.id: (p.order_line_id, p.sku_id, p.lot_id, p.to_location_id) for p in picks}
    undone = {m for p in picks for m in (p.data or {}).get("reversed", [])}
    parcels: dict[PackKey, Parcel] = defaultdict(Parcel)
    key_of: dict[int, PackKey] = {}
    moves = session.execute(
        select(StockMove.id, StockMove.document_line_id, StockMove.quantity)
        .where(StockMove.document_id.in_({p.document_id for p in picks}),
               StockMove.document_line_id.in_(list(keys)))
    ).all() if picks else []
    for move_id, line_id, qty in moves:
        if move_id not in undone:
            key_of[move_id] = keys[line_id]
            parcels[keys[line_id]].quantity += qty
    for move_id, serial_id, location_id in session.execute(
        select(MoveSerial.move_id, MoveSerial.serial_id, Serial.location_id)
        .join(Serial, Serial.id == MoveSerial.serial_id)
        .where(MoveSerial.move_id.in_(list(key_of)))
    ):
        if location_id == key_of[move_id][3]:  # still in packing: not shipped yet
            parcels[key_of[move_id]].serial_ids.append(serial_id)
    return parcels


def shippable_order(session: Session, *, order_id: int) -> SalesOrder:
    """The order, row-locked, if it may ship now; ConflictError ``order-not-shippable``."""
    order = lock_order(session, order_id=order_id)
    if order.status not in SHIPPABLE:
        raise ConflictError(f"Order {order.id} is {order.status}; only picked orders ship.",
                            code="order-not-shippable")
    return order


def ship_order(session: Session, *, actor: Actor, order_id: int) -> Document:
    """Ship everything picked for an order: a shipment document, packing -> customer.

    Reservations never picked are released; the order becomes shipped.
    """
    order = shippable_order(session, order_id=order_id)
    parcels = {k: p for k, p in picked_not_shipped(session, order).items() if p.quantity}
    for ln in order.lines:
        picked = sum(p.quantity for k, p in parcels.items() if k[0] == ln.id)
        if picked != ln.picked_quantity - ln.shipped_quantity:
            raise ConflictError(f"Order line {ln.line_no}: picks and moves disagree "
                                f"({picked} vs {ln.picked_quantity}).", code="pick-mismatch")
    if not parcels:
        raise ConflictError(f"Nothing picked for order {order.external_id}.",
                            code="nothing-to-ship")
    leftovers = session.scalars(select(Reservation).where(
        Reservation.order_line_id.in_([ln.id for ln in order.lines]),
        Reservation.status == ReservationStatus.OPEN)).all()
    release_reservations(session, reservations=leftovers, lines=order.lines)
    customer = virtual_location(session, Kind.CUSTOMER)
    doc = new_document(
        session, kind=DocKind.SHIPMENT, actor=actor, status=DocStatus.OPEN, order_id=order.id,
        reference=order.external_id,
        data={"channel": order.channel, "customer": order.customer_name},
    )
    by_id = {ln.id: ln for ln in order.lines}
    moves: list[MoveRequest] = []
    for no, ((line_id, sku_id, lot_id, packing_id), parcel) in enumerate(
            sorted(parcels.items()), start=1):
        if parcel.serial_ids and len(parcel.serial_ids) != parcel.quantity:
            raise SerialError(f"Order line {by_id[line_id].line_no}: only "
                              f"{len(parcel.serial_ids)} of {parcel.quantity} picked pieces are "
                              "still in packing.", code="serials-missing")
        line = DocumentLine(
            document_id=doc.id, line_no=no, sku_id=sku_id, lot_id=lot_id,
            from_location_id=packing_id, to_location_id=customer.id, quantity=parcel.quantity,
            done_quantity=parcel.quantity, status=LineStatus.DONE, order_line_id=line_id,
            done_by_id=actor.id, done_at=now(), data={},
        )
        session.add(line)
        session.flush()
        moves.append(MoveRequest(sku_id, lot_id, packing_id, customer.id, parcel.quantity,
                                 tuple(sorted(parcel.serial_ids)), document_line_id=line.id))
        by_id[line_id].shipped_quantity += parcel.quantity
    post_moves(session, document_id=doc.id, document_kind=doc.kind, actor=actor,
               reason="shipment", moves=moves)
    order.status = OrderStatus.SHIPPED
    order.shipped_at = now()
    set_status(session, doc, status=DocStatus.SHIPPED, actor=actor)
    return doc

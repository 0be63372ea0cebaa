"""Helpers shared by the order, picking and concurrency tests (through the real services)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.documents.schemas import (
    LotIn,
    MoveLineIn,
    PutawayCreate,
    QCCreate,
    ReceiptCreate,
    ReceiptLineIn,
    SerialIn,
)
from core.locations.models import Location
from core.lots.models import Lot
from core.orders.models import OrderLine, Reservation, SalesOrder
from core.orders.schemas import OrderCreate, OrderLineIn
from core.orders.service import create_order
from core.people.security import Actor
from core.purchasing import receiving

Line = tuple[str, int] | tuple[str, int, str]


def stock_lot(
    session: Session, actor: Actor, *, sku: str, lot: str, qty: int, location: str,
    purchased: date = date(2026, 1, 5), serialised: bool = True, supplier: str = "SUP1",
) -> list[str]:
    """Receive a lot bought on ``purchased``, pass QC and put it away at ``location``."""
    serials = [f"{sku}-{lot}-{i:04d}" for i in range(qty)] if serialised else []
    receiving.receive(session, actor=actor, data=ReceiptCreate(
        supplier=supplier, lots=[LotIn(code=lot, purchase_date=purchased)],
        lines=[ReceiptLineIn(sku=sku, lot=lot, quantity=qty,
                             serials=[SerialIn(code=c) for c in serials])]))
    receiving.inspect_lot(session, actor=actor, data=QCCreate(lot=lot, result="pass"))
    receiving.putaway(session, actor=actor, data=PutawayCreate(lines=[MoveLineIn(
        sku=sku, lot=lot, quantity=qty, from_location="QUAR", to_location=location,
        serials=serials)]))
    return serials


def order(
    session: Session, actor: Actor, external_id: str, *lines: Line, channel: str = "shopify",
    customer: str = "Ada Lovelace",
) -> SalesOrder:
    """Create an order with lines (sku, quantity[, lot])."""
    created, _ = create_order(session, actor=actor, data=OrderCreate(
        channel=channel, external_id=external_id, customer_name=customer,
        lines=[OrderLineIn(sku=ln[0], quantity=ln[1], lot=ln[2] if len(ln) > 2 else None)
               for ln in lines]))
    return created


def reserved(session: Session, order_id: int) -> list[tuple[str, str, int]]:
    """(bin, lot, open quantity) of an order's reservations, oldest first."""
    rows = session.execute(
        select(Location.code, Lot.code, Reservation.open_quantity)
        .join(Lot, Lot.id == Reservation.lot_id)
        .join(Location, Location.id == Reservation.location_id)
        .join(OrderLine, OrderLine.id == Reservation.order_line_id)
        .where(OrderLine.order_id == order_id)
        .order_by(Reservation.id)
    ).all()
    return [(loc, lot, qty) for loc, lot, qty in rows]

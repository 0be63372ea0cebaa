"""A small shop with a shipped order, made through the real services (for the returns tests)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.orders.allocation import allocate_order
from core.orders.models import SalesOrder
from core.orders.picking import create_pick_list
from core.orders.picks import confirm_pick
from core.orders.shipping import ship_order
from tests.builders import Builder, label_digits
from tests.core.orders.support import order, stock_lot


@dataclass
class Shop:
    """The builder, the pick-face bins, and the shipped order with its pieces."""

    b: Builder
    bins: list[str]
    shipped: SalesOrder
    ring_serials: list[str]


def ship(session: Session, b: Builder, o: SalesOrder) -> None:
    """Allocate, pick (the pieces the pick list names) and ship ``o``."""
    from sqlalchemy import select

    from core.lots.models import Serial

    allocate_order(session, actor=b.actor, order_id=o.id)
    plist = create_pick_list(session, actor=b.actor, order_ids=[o.id])
    session.refresh(plist)
    for line in list(plist.lines):
        serials = list(
            session.scalars(
                select(Serial.code)
                .where(
                    Serial.sku_id == line.sku_id,
                    Serial.lot_id == line.lot_id,
                    Serial.location_id == line.from_location_id,
                )
                .order_by(Serial.code)
                .limit(line.quantity)
            )
        )
        confirm_pick(
            session,
            actor=b.actor,
            line_id=line.id,
            quantity=line.quantity,
            serials=serials,
            check_digits=label_digits(session, line.id),
        )
    ship_order(session, actor=b.actor, order_id=o.id)


def shop(session: Session) -> Shop:
    """RING-1 (serialised, 3 pieces) and CHAIN-1 (10, not serialised) in stock; an order of 2
    rings and 4 chains shipped."""
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    b.sku("RING-1")
    b.sku("CHAIN-1", serialised=False)
    rings = stock_lot(session, b.actor, sku="RING-1", lot="L-1", qty=3, location=bins[0])
    stock_lot(
        session, b.actor, sku="CHAIN-1", lot="L-2", qty=10, location=bins[1], serialised=False
    )
    o = order(session, b.actor, "R-100", ("RING-1", 2), ("CHAIN-1", 4))
    ship(session, b, o)
    return Shop(b, bins, o, rings[:2])

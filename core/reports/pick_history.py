"""Pick history: every unit picked for an order over a period, as the ledger recorded it.

The twin's what-if replays these picks (``twin.sources.pick_records``), so each row is one
pick move of a pick list, with the order it served, the bin it left and when; a pick that
was undone (its move reversed) is left out, as it never left the shelf.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from core.catalogue.models import Sku
from core.clock import as_utc
from core.documents.models import DocKind, Document, DocumentLine
from core.ledger.models import StockMove
from core.locations.models import Location
from core.orders.models import OrderLine, SalesOrder

__all__ = ["PickedUnit", "picked_units"]


@dataclass(frozen=True)
class PickedUnit:
    """One pick move: which order, which SKU from which bin, how many, and when."""

    order_id: int
    order: str
    ordered_at: datetime
    sku: str
    location: str
    quantity: int
    picked_at: datetime


def picked_units(session: Session, *, since: datetime, until: datetime) -> list[PickedUnit]:
    """Pick moves posted in ``[since, until)`` for sales orders, oldest first (undone ones
    left out)."""
    undo = aliased(StockMove)
    rows = session.execute(
        select(SalesOrder.id, SalesOrder.external_id, SalesOrder.created_at, Sku.code,
               Location.code, StockMove.quantity, StockMove.created_at)
        .select_from(StockMove)
        .join(Document, Document.id == StockMove.document_id)
        .join(DocumentLine, DocumentLine.id == StockMove.document_line_id)
        .join(OrderLine, OrderLine.id == DocumentLine.order_line_id)
        .join(SalesOrder, SalesOrder.id == OrderLine.order_id)
        .join(Sku, Sku.id == StockMove.sku_id)
        .join(Location, Location.id == StockMove.from_location_id)
        .where(Document.kind == DocKind.PICK.value, StockMove.reverses_move_id.is_(None),
               StockMove.created_at >= since, StockMove.created_at < until,
               ~exists().where(undo.reverses_move_id == StockMove.id))
        .order_by(StockMove.created_at, StockMove.id)
    )
    return [PickedUnit(order_id, order, as_utc(ordered), sku, loc, int(qty), as_utc(at))
            for order_id, order, ordered, sku, loc, qty, at in rows]

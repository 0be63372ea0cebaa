"""The move journal: each stock move with its codes, the document that caused it and who did it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from core.catalogue.models import Sku
from core.documents.models import Document
from core.fields import Lookup, SaneDateTime
from core.ledger.models import StockMove
from core.locations.models import Location
from core.lots.models import Lot
from core.people.models import User

__all__ = ["MoveFilter", "list_moves"]


@dataclass(frozen=True)
class MoveFilter:
    """Filters for ledger queries."""

    sku: Lookup | None = None
    lot: Lookup | None = None
    location: Lookup | None = None
    document: Lookup | None = None
    actor: Lookup | None = None
    reason: Lookup | None = None
    since: SaneDateTime | None = None
    until: SaneDateTime | None = None


def list_moves(
    session: Session, *, filters: MoveFilter, limit: int, offset: int,
    hidden: Collection[int] = (),
) -> tuple[list[dict[str, object]], int]:
    """A page of moves, newest first, with codes, and the total count (moves into or out of
    bins in ``hidden`` left out)."""
    src, dst = aliased(Location), aliased(Location)
    stmt = (
        select(StockMove, Sku.code, Lot.code, src.code, dst.code, Document.number, User.username)
        .join(Sku, Sku.id == StockMove.sku_id)
        .join(Lot, Lot.id == StockMove.lot_id)
        .join(src, src.id == StockMove.from_location_id)
        .join(dst, dst.id == StockMove.to_location_id)
        .join(Document, Document.id == StockMove.document_id)
        .join(User, User.id == StockMove.actor_id)
    )
    if filters.sku:
        stmt = stmt.where(Sku.code == filters.sku)
    if filters.lot:
        stmt = stmt.where(Lot.code == filters.lot.upper())
    if filters.location:
        stmt = stmt.where((src.code == filters.location) | (dst.code == filters.location))
    if filters.document:
        stmt = stmt.where(Document.number == filters.document)
    if hidden:
        ids = list(hidden)
        stmt = stmt.where(StockMove.from_location_id.not_in(ids),
                          StockMove.to_location_id.not_in(ids))
    if filters.actor:
        stmt = stmt.where(User.username == filters.actor)
    if filters.reason:
        stmt = stmt.where(StockMove.reason == filters.reason)
    if filters.since is not None:
        stmt = stmt.where(StockMove.created_at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(StockMove.created_at < filters.until)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = session.execute(stmt.order_by(StockMove.id.desc()).limit(limit).offset(offset)).all()
    rows: list[dict[str, object]] = [
        {
            "id": m.id,
            "at": m.created_at,
            "sku": sku,
            "lot": lot,
            "from_location": a,
            "to_location": b,
            "quantity": m.quantity,
            "document": doc,
            "reason": m.reason,
            "actor": who,
            "reverses_move_id": m.reverses_move_id,
        }
        for m, sku, lot, a, b, doc, who in page
    ]
    return rows, total

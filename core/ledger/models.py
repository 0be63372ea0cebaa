"""The ledger: append-only stock moves, the serials they carry, and derived balances."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import now
from core.orm import Base


class StockMove(Base):
    """A quantity of one SKU and lot moved from one location to another. Never updated."""

    __tablename__ = "stock_moves"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="positive_quantity"),
        Index("ix_stock_moves_sku_at", "sku_id", "created_at"),
        # A document's moves, or one line's: one index for both (every posting writes it).
        Index("ix_stock_moves_document_line", "document_id", "document_line_id"),
        # Only reversals are indexed: an ordinary move (NULL here) writes no index page.
        Index("ix_stock_moves_reverses", "reverses_move_id",
              sqlite_where=text("reverses_move_id IS NOT NULL"),
              postgresql_where=text("reverses_move_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    from_location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    to_location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    quantity: Mapped[int]
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    document_line_id: Mapped[int | None] = mapped_column(ForeignKey("document_lines.id"))
    reason: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # joined to, never searched
    reverses_move_id: Mapped[int | None] = mapped_column(ForeignKey("stock_moves.id"))


class MoveSerial(Base):
    """A serial carried by a move."""

    __tablename__ = "move_serials"

    move_id: Mapped[int] = mapped_column(ForeignKey("stock_moves.id"), primary_key=True)
    serial_id: Mapped[int] = mapped_column(ForeignKey("serials.id"), primary_key=True, index=True)


class Balance(Base):
    """On hand and reserved per SKU x location x lot; written only by core.ledger.posting."""

    __tablename__ = "balances"
    __table_args__ = (
        UniqueConstraint("sku_id", "location_id", "lot_id"),
        Index("ix_balances_location", "location_id"),
        Index("ix_balances_lot", "lot_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"))
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)

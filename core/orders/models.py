"""Sales orders from channels, their lines, and reservations that lock specific stock."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import now
from core.orm import Base


class OrderStatus(enum.StrEnum):
    """The order workflow: open -> (partially_)allocated -> picking -> picked -> shipped."""

    OPEN = "open"
    PARTIALLY_ALLOCATED = "partially_allocated"
    ALLOCATED = "allocated"
    PICKING = "picking"
    PICKED = "picked"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class ReservationStatus(enum.StrEnum):
    """Open reservations hold stock; done ones were picked; released ones were let go."""

    OPEN = "open"
    DONE = "done"
    RELEASED = "released"


class SalesOrder(Base):
    """An order from a sales channel; (channel, external_id) is unique."""

    __tablename__ = "sales_orders"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    customer_name: Mapped[str] = mapped_column(String(128))
    customer_ref: Mapped[str | None] = mapped_column(String(64))
    # 24: long enough for "partially_allocated".
    status: Mapped[str] = mapped_column(String(24), default=OrderStatus.OPEN, index=True)
    removal_strategy: Mapped[str] = mapped_column(String(16), default="fifo")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set by channels that say so (a marketplace's "paid" and "refunded" messages).
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    refund_ref: Mapped[str | None] = mapped_column(String(64))
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.line_no"
    )


class OrderLine(Base):
    """A line of an order: a SKU and quantity, optionally a named lot."""

    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_orders.id"), index=True)
    line_no: Mapped[int]
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    quantity: Mapped[int]
    reserved_quantity: Mapped[int] = mapped_column(default=0)
    picked_quantity: Mapped[int] = mapped_column(default=0)
    shipped_quantity: Mapped[int] = mapped_column(default=0)
    unit_price: Mapped[float | None]
    order: Mapped[SalesOrder] = relationship(back_populates="lines")


class Reservation(Base):
    """Stock of one SKU x location x lot set aside for an order line."""

    __tablename__ = "reservations"
    # "Any reservation of this order still open?" is asked on every pick confirmation.
    __table_args__ = (Index("ix_reservations_line_status", "order_line_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    quantity: Mapped[int]
    open_quantity: Mapped[int]
    # Searched with its order line or lot (those indexes); alone only by `ledger verify`.
    status: Mapped[str] = mapped_column(String(16), default=ReservationStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class PickException(Base):
    """A pick confirmation refused for a wrong pick: wrong check digits or a wrong piece.

    Written in its own transaction after the refused one rolled back (see
    :mod:`core.orders.exceptions`), so the refusal itself still posts nothing.
    """

    __tablename__ = "pick_exceptions"
    __table_args__ = (
        Index("ix_pick_exceptions_user_at", "user_id", "at"),
        UniqueConstraint("user_id", "request_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    pick_line_id: Mapped[int] = mapped_column(ForeignKey("document_lines.id"), index=True)
    pick_list_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    # wrong-check-digits, wrong-serial, serial-wrong-sku, serial-wrong-lot, serial-not-at-bin
    kind: Mapped[str] = mapped_column(String(32))
    given: Mapped[str] = mapped_column(String(128), default="")
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    source: Mapped[str] = mapped_column(String(16), default="api")  # api or voice
    # The Idempotency-Key of the refused request: a retried refusal is recorded once.
    request_key: Mapped[str | None] = mapped_column(String(128))

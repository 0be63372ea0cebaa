"""Purchase orders to suppliers: what was ordered, at what cost, and how much has arrived."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import now
from core.orm import Base


class POStatus(enum.StrEnum):
    """The workflow: draft -> open -> partly_received -> received; cancelled from any open one."""

    DRAFT = "draft"
    OPEN = "open"
    PARTLY_RECEIVED = "partly_received"
    RECEIVED = "received"
    CANCELLED = "cancelled"


#: Statuses whose unreceived quantities are stock on order (receipts may name them).
ON_ORDER = (POStatus.OPEN, POStatus.PARTLY_RECEIVED)


class PurchaseOrder(Base):
    """An order to one supplier, numbered ``PO-000042``."""

    __tablename__ = "purchase_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    reference: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(24), default=POStatus.DRAFT, index=True)
    expected_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(512), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lines: Mapped[list[PurchaseOrderLine]] = relationship(
        back_populates="purchase_order", order_by="PurchaseOrderLine.line_no"
    )


class PurchaseOrderLine(Base):
    """A SKU ordered: quantity, unit cost, and how many pieces receipts have brought in."""

    __tablename__ = "purchase_order_lines"
    # One line per SKU, so a receipt line finds its PO line by SKU alone; both constraints
    # lead with the order, so they also index its lines.
    __table_args__ = (
        UniqueConstraint("purchase_order_id", "line_no"),
        UniqueConstraint("purchase_order_id", "sku_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"))
    line_no: Mapped[int]
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), index=True)
    quantity: Mapped[int]
    received_quantity: Mapped[int] = mapped_column(default=0)
    unit_cost: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    purchase_order: Mapped[PurchaseOrder] = relationship(back_populates="lines")

"""Documents with lines: every move names the document that caused it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import now
from core.orm import Base


class DocKind(enum.StrEnum):
    """Kinds of document, with the number prefix each uses."""

    RECEIPT = "receipt"
    QC = "qc"
    PUTAWAY = "putaway"
    PICK = "pick"
    SHIPMENT = "shipment"
    TRANSFER = "transfer"
    ADJUSTMENT = "adjustment"
    COUNT = "count"
    RECALL = "recall"
    CORRECTION = "correction"
    CUSTOMER_RETURN = "customer_return"
    SUPPLIER_RETURN = "supplier_return"


PREFIX = {
    DocKind.RECEIPT: "RCV",
    DocKind.QC: "QC",
    DocKind.PUTAWAY: "PUT",
    DocKind.PICK: "PCK",
    DocKind.SHIPMENT: "SHP",
    DocKind.TRANSFER: "TRF",
    DocKind.ADJUSTMENT: "ADJ",
    DocKind.COUNT: "CNT",
    DocKind.RECALL: "RCL",
    DocKind.CORRECTION: "COR",
    DocKind.CUSTOMER_RETURN: "RET",
    DocKind.SUPPLIER_RETURN: "RTS",
}


class DocStatus(enum.StrEnum):
    """Where a document stands; the values are what the database and the API hold.

    Every kind starts ``open``. Pick lists end ``done`` (or ``cancelled``), receipts
    ``received``, shipments ``shipped``, adjustments, corrections and recalls ``posted``;
    counts go ``open -> counted -> approved`` (or ``closed`` when nothing differs, or back
    through ``recount``).
    """

    OPEN = "open"
    DONE = "done"
    RECEIVED = "received"
    SHIPPED = "shipped"
    POSTED = "posted"
    COUNTED = "counted"
    RECOUNT = "recount"
    APPROVED = "approved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


#: Statuses that end a document: setting one stamps ``closed_at``.
FINAL_DOC_STATUSES = frozenset({
    DocStatus.DONE, DocStatus.RECEIVED, DocStatus.SHIPPED, DocStatus.APPROVED,
    DocStatus.POSTED, DocStatus.CANCELLED, DocStatus.CLOSED,
})


class LineStatus(enum.StrEnum):
    """Where a document line stands; the values are what the database and the API hold.

    Pick lines go ``open -> done`` or ``short`` (or ``cancelled`` with their order); count
    lines go ``open -> closed`` (matches the books) or ``variance -> adjusted`` (or back to
    ``open`` for a recount); lines of other documents are written ``done``.
    """

    OPEN = "open"
    DONE = "done"
    SHORT = "short"
    CANCELLED = "cancelled"
    VARIANCE = "variance"
    ADJUSTED = "adjusted"
    CLOSED = "closed"


class Document(Base):
    """A receipt, QC inspection, putaway, pick list, shipment, transfer, adjustment..."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_kind_status", "kind", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(512), default="")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("sales_orders.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    lines: Mapped[list[DocumentLine]] = relationship(
        back_populates="document", order_by="DocumentLine.line_no"
    )


class DocumentLine(Base):
    """One line: SKU, lot, from/to location, quantity asked and done, and its status."""

    __tablename__ = "document_lines"
    # Closing a pick list asks "any line still open?" on every confirmation.
    __table_args__ = (Index("ix_document_lines_document_status", "document_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))  # see the index above
    line_no: Mapped[int]
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    from_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    quantity: Mapped[int]
    done_quantity: Mapped[int] = mapped_column(default=0)
    counted_quantity: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default=LineStatus.OPEN)
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"), index=True)
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservations.id"), index=True)
    purchase_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("purchase_order_lines.id"), index=True
    )
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    document: Mapped[Document] = relationship(back_populates="lines")

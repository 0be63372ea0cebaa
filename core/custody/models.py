"""Custody partners, custody documents (memo, consignment, repair, assay) and their pieces."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import now
from core.orm import Base


class PartnerKind(enum.StrEnum):
    """Who a partner is: memo goes to customers and shops, consignment comes from suppliers."""

    CUSTOMER = "customer"
    SHOP = "shop"
    SUPPLIER = "supplier"
    REPAIRER = "repairer"
    ASSAY_LAB = "assay_lab"


class CustodyKind(enum.StrEnum):
    """What a custody document is; the values are what the database and the API hold."""

    MEMO = "memo"
    CONSIGNMENT = "consignment"
    REPAIR = "repair"
    ASSAY = "assay"


class CustodyStatus(enum.StrEnum):
    """A custody document is open while any of its pieces is still out (or consigned)."""

    OPEN = "open"
    CLOSED = "closed"


class PieceState(enum.StrEnum):
    """Where a piece on a custody document stands."""

    OUT = "out"  # with the partner (memo, repair, assay)
    BACK = "back"  # returned to a bin within weight tolerance
    HELD = "held"  # returned light or heavy: on weight hold in quarantine
    SOLD = "sold"  # memo converted to a sale
    CONSIGNED = "consigned"  # in our bins, still the supplier's
    PURCHASED = "purchased"  # consignment converted: ours, at the recorded cost
    RETURNED = "returned"  # consignment sent back to the supplier


#: States in which a piece is still the partner's business (out, or in and not ours).
LIVE_STATES = frozenset({PieceState.OUT, PieceState.CONSIGNED})


class CustodyPartner(Base):
    """A customer, shop, supplier, repairer or assay lab, with its custody location."""

    __tablename__ = "custody_partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    contact: Mapped[str] = mapped_column(String(128), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class CustodyDoc(Base):
    """The custody terms of one document: partner, due-back date, terms and status."""

    __tablename__ = "custody_docs"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    partner_id: Mapped[int] = mapped_column(ForeignKey("custody_partners.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    terms: Mapped[str] = mapped_column(String(512), default="")
    status: Mapped[str] = mapped_column(String(16), default=CustodyStatus.OPEN, index=True)
    # The last day an overdue alert was raised for it (one alert a day at most).
    alerted_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class CustodyPiece(Base):
    """One piece on a custody document: where it came from, where it stands, what it cost."""

    __tablename__ = "custody_pieces"

    id: Mapped[int] = mapped_column(primary_key=True)
    custody_doc_id: Mapped[int] = mapped_column(ForeignKey("custody_docs.id"), index=True)
    serial_id: Mapped[int] = mapped_column(ForeignKey("serials.id"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"))
    # The bin it left from (memo, repair, assay) or was received into (consignment).
    bin_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    state: Mapped[str] = mapped_column(String(16), index=True)
    unit_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    # The document that settled it (the sale's shipment), and when it was settled.
    settled_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

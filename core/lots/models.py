"""Suppliers, lots (batches) with assay and QC data, and serialised pieces."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import now
from core.lots.qr import serial_payload
from core.orm import Base


class LotStatus(enum.StrEnum):
    """Where a lot stands: only approved lots can be put away, picked or shipped."""

    QUARANTINED = "quarantined"
    APPROVED = "approved"
    ON_HOLD = "on_hold"
    RECALLED = "recalled"


class Supplier(Base):
    """A supplier of lots."""

    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    country: Mapped[str | None] = mapped_column(String(2))
    # A retired supplier keeps its lots and orders (traceability) but takes no new orders.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    contact: Mapped[str] = mapped_column(String(128), default="", server_default="")


class Lot(Base):
    """A batch from one supplier, with its assay, certificate and QC result."""

    __tablename__ = "lots"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    purchase_date: Mapped[date] = mapped_column(Date)
    declared_purity: Mapped[str | None] = mapped_column(String(16))
    assay_purity: Mapped[float | None]
    certificate_lab: Mapped[str | None] = mapped_column(String(32))
    certificate_no: Mapped[str | None] = mapped_column(String(64))
    packaging: Mapped[str | None] = mapped_column(String(64))
    qc_result: Mapped[str] = mapped_column(String(16), default="pending")
    status: Mapped[str] = mapped_column(String(16), default=LotStatus.QUARANTINED, index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class Serial(Base):
    """One piece with its own code: where it is now, and what it is."""

    __tablename__ = "serials"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    epc: Mapped[str | None] = mapped_column(String(32), unique=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    weight_g: Mapped[float | None]
    # The piece as weighed at receipt or QC (whole piece; metal alone): what every later
    # weighing at a custody change is compared with (core.weighing).
    gross_weight_g: Mapped[float | None]
    net_weight_g: Mapped[float | None]

    @property
    def qr_payload(self) -> str:
        """The text in the piece's QR label."""
        return serial_payload(self.code)

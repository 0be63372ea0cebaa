"""Request and response shapes of documents (receipts, QC, putaway, transfers...)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Code = Field(min_length=1, max_length=48)


class SerialIn(BaseModel):
    """A piece arriving: its code, and optionally weight and RFID EPC."""

    code: str = Field(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
    weight_g: float | None = Field(default=None, gt=0)
    epc: str | None = Field(default=None, max_length=32)


class LotIn(BaseModel):
    """A lot arriving with a receipt (created if new)."""

    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9\-]*$")
    purchase_date: date
    declared_purity: str | None = None
    certificate_lab: str | None = None
    certificate_no: str | None = None
    packaging: str | None = None


class ReceiptLineIn(BaseModel):
    """A received SKU and lot: a quantity, and for serialised SKUs one serial per piece."""

    sku: str = Code
    lot: str = Code
    quantity: int = Field(gt=0, le=100_000)
    serials: list[SerialIn] = Field(default_factory=list, max_length=100_000)


class ReceiptCreate(BaseModel):
    """Goods in from a supplier; they land in quarantine until QC passes."""

    model_config = ConfigDict(extra="forbid")

    supplier: str = Code
    reference: str | None = Field(default=None, max_length=64)
    to_location: str | None = Field(default=None, description="Quarantine bin; default: first.")
    lots: list[LotIn] = Field(default_factory=list)
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=1000)


class QCCreate(BaseModel):
    """A QC inspection of one lot."""

    model_config = ConfigDict(extra="forbid")

    lot: str = Code
    result: Literal["pass", "fail"]
    measured_purity: float | None = Field(default=None, gt=0, le=1000, description="Per mille.")
    measured_weight_g: float | None = Field(default=None, gt=0)
    notes: str = Field(default="", max_length=512)


class MoveLineIn(BaseModel):
    """A line that moves stock between two internal locations."""

    sku: str = Code
    lot: str = Code
    quantity: int = Field(gt=0, le=100_000)
    from_location: str | None = None
    to_location: str | None = None
    serials: list[str] = Field(default_factory=list, max_length=100_000)


class PutawayCreate(BaseModel):
    """Move approved stock from quarantine or the dock into storage."""

    model_config = ConfigDict(extra="forbid")

    lines: list[MoveLineIn] = Field(min_length=1, max_length=1000)


class TransferCreate(BaseModel):
    """Move stock between internal locations."""

    model_config = ConfigDict(extra="forbid")

    reference: str | None = Field(default=None, max_length=64)
    lines: list[MoveLineIn] = Field(min_length=1, max_length=1000)


class DocumentLineRead(BaseModel):
    """A document line as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    line_no: int
    sku: str
    lot: str | None
    from_location: str | None
    to_location: str | None
    quantity: int
    done_quantity: int
    counted_quantity: int | None = None
    status: str


class DocumentRead(BaseModel):
    """A document with its lines."""

    id: int
    number: str
    kind: str
    status: str
    reference: str | None
    reason: str | None
    note: str
    created_by: str
    created_at: datetime
    closed_at: datetime | None
    data: dict[str, object]
    lines: list[DocumentLineRead]

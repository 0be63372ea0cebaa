"""Request and response shapes for suppliers, lots and serials."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from core.fields import SaneDate, Text


class SupplierCreate(BaseModel):
    """A new supplier."""

    model_config = ConfigDict(extra="forbid")

    code: Text = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9\-]*$")
    name: Text = Field(min_length=1, max_length=128)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    contact: Text = Field(default="", max_length=128, description="Person, e-mail or phone.")


class SupplierRead(BaseModel):
    """A supplier."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    country: str | None
    contact: str = ""
    active: bool = True


class LotCreate(BaseModel):
    """A lot announced before it arrives (receipts also create lots)."""

    model_config = ConfigDict(extra="forbid")

    code: Text = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9\-]*$")
    supplier: Text = Field(min_length=1, max_length=32, description="Supplier code.")
    purchase_date: SaneDate
    declared_purity: Text | None = Field(default=None, max_length=16)
    certificate_lab: Text | None = Field(default=None, max_length=32)
    certificate_no: Text | None = Field(default=None, max_length=64)
    packaging: Text | None = Field(default=None, max_length=64)


class LotUpdate(BaseModel):
    """Descriptive fields of a lot (status changes through QC, hold and recall)."""

    model_config = ConfigDict(extra="forbid")

    certificate_lab: Text | None = Field(default=None, max_length=32)
    certificate_no: Text | None = Field(default=None, max_length=64)
    packaging: Text | None = Field(default=None, max_length=64)


class LotRead(BaseModel):
    """A lot with its supplier code."""

    id: int
    code: str
    supplier: str
    purchase_date: date
    declared_purity: str | None
    assay_purity: float | None
    certificate_lab: str | None
    certificate_no: str | None
    packaging: str | None
    qc_result: str
    status: str
    received_at: datetime


class SerialRead(BaseModel):
    """A piece: what it is and where it is."""

    code: str
    qr_payload: str
    epc: str | None
    sku: str
    lot: str
    location: str
    weight_g: float | None
    gross_weight_g: float | None = None
    net_weight_g: float | None = None

"""Request and answer shapes of customer returns and returns to suppliers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from core.fields import FREE_TEXT, DbId, Lookup, Text, check_text

Code = Field(min_length=1, max_length=48)
#: A piece as scanned: its code, its label's QR or its EPC.
Piece = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(check_text)]
Ref = Field(default=None, min_length=1, max_length=64)

__all__ = [
    "DISPOSITIONS",
    "CustomerReturnCreate",
    "InspectItem",
    "ReturnInspect",
    "ReturnLineIn",
    "ReturnLineRead",
    "ReturnPage",
    "ReturnRead",
    "ReturnReceive",
    "ReturnRefund",
    "ReturnStep",
    "SupplierReturnCreate",
    "SupplierReturnLine",
    "SupplierReturnLineIn",
    "SupplierReturnPage",
    "SupplierReturnRead",
    "SupplierReturnReference",
]

#: What an inspection may decide for a returned piece or quantity.
DISPOSITIONS = ("stock", "quarantine", "repair", "scrap")


class ReturnLineIn(BaseModel):
    """Part of a shipped order line coming back: a quantity, or the pieces by serial."""

    model_config = ConfigDict(extra="forbid")

    line_no: int = Field(ge=1, le=10_000)
    quantity: int | None = Field(default=None, ge=1, le=1_000_000)
    serials: list[Piece] = Field(default_factory=list, max_length=1000)


class CustomerReturnCreate(BaseModel):
    """A customer's return against a shipped order: lines, or just the pieces' serials."""

    model_config = ConfigDict(extra="forbid")

    order_id: DbId
    reason: Text = Field(min_length=1, max_length=64)
    lines: list[ReturnLineIn] = Field(default_factory=list, max_length=500)
    serials: list[Piece] = Field(default_factory=list, max_length=1000)
    refund_ref: Text | None = Ref
    note: Text = Field(default="", max_length=FREE_TEXT)


class ReturnReceive(BaseModel):
    """Where the returned goods are received: a quarantine or dock bin (default quarantine)."""

    model_config = ConfigDict(extra="forbid")

    location: Text | None = Field(default=None, min_length=1, max_length=128)
    weights: dict[Lookup, float] | None = Field(
        default=None, max_length=1000,
        description="Scale readings in grams per piece; one outside the weight the piece "
        "left with holds it and receives nothing (weight-out-of-tolerance).")


class InspectItem(BaseModel):
    """One decision: a piece (serial) or a quantity of a return line, and where it goes."""

    model_config = ConfigDict(extra="forbid")

    serial: Text | None = Field(default=None, min_length=1, max_length=128)
    line_no: int | None = Field(default=None, ge=1, le=10_000)
    quantity: int | None = Field(default=None, ge=1, le=1_000_000)
    disposition: Text = Field(min_length=1, max_length=16, description=", ".join(DISPOSITIONS))
    location: Text | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        description="The bin (stock) or quarantine bin (quarantine, repair); none for scrap.",
    )
    note: Text = Field(default="", max_length=200)


class ReturnInspect(BaseModel):
    """The inspection of some or all of a received return."""

    model_config = ConfigDict(extra="forbid")

    items: list[InspectItem] = Field(min_length=1, max_length=1000)


class ReturnRefund(BaseModel):
    """The channel's (or the shop's) refund reference."""

    model_config = ConfigDict(extra="forbid")

    refund_ref: Text = Field(min_length=1, max_length=64)


class ReturnStep(BaseModel):
    """One inspection decision as recorded."""

    disposition: str
    quantity: int
    serial: str | None = None
    location: str | None = None
    note: str = ""
    by: str
    at: datetime


class ReturnLineRead(BaseModel):
    """A line of a return: the order line, SKU, lot, pieces and what became of them."""

    line_no: int
    order_line_no: int
    sku: str
    lot: str | None
    quantity: int
    inspected: int
    serials: list[str]
    location: str | None
    status: str
    steps: list[ReturnStep]


class ReturnRead(BaseModel):
    """A customer return (RET-...)."""

    number: str
    status: str
    order_id: int
    order: str
    channel: str
    customer: str | None
    reason: str | None
    refund_ref: str | None
    note: str
    created_by: str
    created_at: datetime
    closed_at: datetime | None
    location: str | None
    lines: list[ReturnLineRead]


class ReturnPage(BaseModel):
    """A page of customer returns."""

    items: list[ReturnRead]
    total: int


class SupplierReturnLineIn(BaseModel):
    """A quantity of the lot's SKU from one location (non-serialised stock)."""

    model_config = ConfigDict(extra="forbid")

    sku: Text = Code
    location: Text = Field(min_length=1, max_length=128)
    quantity: int = Field(ge=1, le=1_000_000)


class SupplierReturnCreate(BaseModel):
    """Goods of one lot going back to its supplier: pieces, quantities, or all the lot holds."""

    model_config = ConfigDict(extra="forbid")

    lot: Text = Code
    supplier: Text | None = Field(default=None, min_length=1, max_length=32)
    reason: Text = Field(
        min_length=1, max_length=64, description="e.g. assay-failed, qc-reject, damage"
    )
    supplier_rma: Text | None = Ref
    serials: list[Piece] = Field(default_factory=list, max_length=5000)
    lines: list[SupplierReturnLineIn] = Field(default_factory=list, max_length=500)
    whole_lot: bool = Field(default=False, description="Everything of the lot still in stock.")
    note: Text = Field(default="", max_length=FREE_TEXT)


class SupplierReturnReference(BaseModel):
    """The supplier's RMA reference for a return."""

    model_config = ConfigDict(extra="forbid")

    supplier_rma: Text = Field(min_length=1, max_length=64)


class SupplierReturnLine(BaseModel):
    """What went back from one place."""

    line_no: int
    sku: str
    from_location: str | None
    quantity: int
    serials: list[str]


class SupplierReturnRead(BaseModel):
    """A return to a supplier (RTS-...)."""

    number: str
    status: str
    lot: str
    supplier: str
    reason: str | None
    supplier_rma: str | None
    note: str
    created_by: str
    created_at: datetime
    quantity: int
    lines: list[SupplierReturnLine]


class SupplierReturnPage(BaseModel):
    """A page of returns to suppliers."""

    items: list[SupplierReturnRead]
    total: int

"""Request and response shapes of purchase orders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.fields import FREE_TEXT, SaneDate, Text


class PurchaseOrderLineIn(BaseModel):
    """A SKU to order: how many pieces, and what each costs."""

    model_config = ConfigDict(extra="forbid")

    sku: Text = Field(min_length=1, max_length=48)
    quantity: int = Field(gt=0, le=100_000)
    unit_cost: Decimal = Field(ge=0, max_digits=12, decimal_places=2)


class PurchaseOrderCreate(BaseModel):
    """A purchase order to one supplier; each SKU appears on one line only."""

    model_config = ConfigDict(extra="forbid")

    supplier: Text = Field(min_length=1, max_length=32)
    expected_on: SaneDate = Field(description="When the supplier is expected to deliver.")
    reference: Text | None = Field(
        default=None, max_length=64, description="The supplier's order confirmation number."
    )
    note: Text = Field(default="", max_length=FREE_TEXT)
    status: Literal["draft", "open"] = Field(
        default="open", description="Draft orders are not on order until opened."
    )
    lines: list[PurchaseOrderLineIn] = Field(min_length=1, max_length=1000)


class PurchaseOrderCancel(BaseModel):
    """Why a purchase order is cancelled."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(default="", max_length=256)


class PurchaseOrderLineRead(BaseModel):
    """A purchase order line: ordered, received, and still on order."""

    id: int
    line_no: int
    sku: str
    quantity: int
    received_quantity: int
    on_order: int = Field(description="Ordered minus received while the order is open; else 0.")
    unit_cost: Decimal


class PurchaseOrderRead(BaseModel):
    """A purchase order with its lines and the receipts that brought its goods in."""

    id: int
    number: str
    supplier: str
    status: str
    reference: str | None
    expected_on: date
    note: str
    created_by: str
    created_at: datetime
    closed_at: datetime | None
    total_cost: Decimal
    lines: list[PurchaseOrderLineRead]
    receipts: list[str]


class PurchaseOrderPage(BaseModel):
    """A page of purchase orders."""

    items: list[PurchaseOrderRead]
    total: int


class SupplierUpdate(BaseModel):
    """Fields of a supplier that may change; ``active: false`` retires it (no new orders)."""

    model_config = ConfigDict(extra="forbid")

    name: Text | None = Field(default=None, min_length=1, max_length=128)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$",
                                description="ISO 3166 country code; null clears it.")
    contact: Text | None = Field(default=None, max_length=128)
    active: bool | None = None

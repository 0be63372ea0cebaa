"""What a recall by lot, certificate batch or hallmark shows before it runs, and what it did."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.documents.schemas import QuarantinedRead
from core.fields import Lookup, Text

__all__ = ["PieceRow", "RecallPreview", "RecallSelect", "RecallSelectBody", "SelectionRecallRead"]


class RecallSelect(BaseModel):
    """What a recall names: a lot, a lab certificate batch or a hallmark (exactly one)."""

    model_config = ConfigDict(extra="forbid")

    lot: Lookup | None = Field(default=None, min_length=1)
    certificate_batch: Lookup | None = Field(default=None, min_length=1)
    hallmark: Lookup | None = Field(default=None, min_length=1,
                                    description="office-fineness-sponsor-date letter")

    @model_validator(mode="after")
    def _exactly_one(self) -> RecallSelect:
        named = [v for v in (self.lot, self.certificate_batch, self.hallmark) if v]
        if len(named) != 1:
            raise ValueError("name exactly one of lot, certificate_batch or hallmark")
        return self


class RecallSelectBody(RecallSelect):
    """A recall of a lot, certificate batch or hallmark, and why."""

    reason: Text = Field(min_length=1, max_length=64)
    quarantine: Lookup | None = Field(default=None, description="Quarantine bin (default: first).")


class PieceRow(BaseModel):
    """One selected piece: where it is, and, if shipped, on which order to whom."""

    serial: str
    sku: str
    lot: str
    location: str
    location_kind: str
    #: ``in_stock``, ``quarantine``, ``shipped``, or the virtual location kind it is at.
    state: str
    order: str | None = None
    channel: str | None = None
    #: Null for roles without ``customers:read``.
    customer: str | None = None
    shipped_at: datetime | None = None


class RecallPreview(BaseModel):
    """Everything a recall would touch; reading it changes nothing."""

    selector: str
    value: str
    lots: list[str] = Field(description="Lots selected whole (a certificate or hallmark on "
                                        "the lot, or the lot named).")
    pieces: list[PieceRow]
    lot_stock: list[dict[str, object]] = Field(
        description="Stock of the whole lots by location (serialised or not)."
    )
    lot_shipments: list[dict[str, object]] = Field(
        description="Shipments of the whole lots per order and SKU."
    )
    in_stock: int
    shipped: int
    customers: list[str] | None


class SelectionRecallRead(BaseModel):
    """What a recall by lot, certificate batch or hallmark did, and who already has pieces."""

    document: str
    selector: str
    value: str
    reason: str
    quarantine: str
    lots: list[str]
    already_recalled: list[str]
    quarantined: list[QuarantinedRead]
    reservations_released: int
    pick_lines_cancelled: int
    pieces: list[PieceRow]
    customers: list[str] | None

"""Request and response shapes of the scan resolver."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.lots.codes import MAX_CODE


class ScanBody(BaseModel):
    """One scanned or typed code, as the scanner gave it."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=MAX_CODE, description="What the scanner read: "
                      "a serial or location code, a FACET:S:/FACET:L: QR, an EPC, a lot or SKU.")


class PieceRead(BaseModel):
    """A piece: what it is and where it lies (``location`` null in a bin the reader counts
    blind)."""

    sku: str
    lot: str
    lot_status: str
    location: str | None
    status: Literal["in_stock", "shipped", "written_off", "at_supplier"]
    epc: str | None
    weight_g: float | None


class PlaceRead(BaseModel):
    """A location: its code, name, tier, kind and zone (check digits null where hidden)."""

    code: str
    name: str
    tier: str
    kind: str
    zone: str | None
    check_digits: str | None
    active: bool


class LotSummary(BaseModel):
    """A lot: its status, QC result and supplier."""

    code: str
    status: str
    qc_result: str
    supplier: str


class SkuSummary(BaseModel):
    """A SKU: its style and whether its pieces carry serials."""

    code: str
    style: str
    name: str
    serialised: bool


class ScanRead(BaseModel):
    """What a code names: ``kind`` and the canonical ``code``, and the one summary that fits."""

    kind: Literal["serial", "location", "lot", "sku"]
    code: str
    scanned: str
    via: Literal["code", "qr", "epc"]
    piece: PieceRead | None = None
    location: PlaceRead | None = None
    lot: LotSummary | None = None
    sku: SkuSummary | None = None

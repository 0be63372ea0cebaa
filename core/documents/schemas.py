"""Request and response shapes of documents (receipts, QC, putaway, transfers...)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.documents.models import DocStatus, LineStatus
from core.fields import FREE_TEXT, MAX_INT32, Grams, Lookup, PerMille, SaneDate, Text
from core.lots.codes import EPC_PATTERN, normal_epc

Code = Field(min_length=1, max_length=48)
#: A location field: its code or its label's QR (``FACET:L:<code>``), read by core.lots.codes.
Place = Field(min_length=1, max_length=128)
_QR_PIECE = "FACET:S:"


class SerialIn(BaseModel):
    """A piece arriving: its code (or its label's QR), and optionally weight and RFID EPC."""

    code: Text = Field(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$",
                       description="The serial code, or the QR of a pre-printed label.")
    weight_g: Grams | None = None
    gross_weight_g: Grams | None = Field(
        default=None, description="The whole piece on the receiving scale (default: weight_g); "
        "later weighings at custody changes are compared with it.")
    net_weight_g: Grams | None = Field(default=None, description="The metal alone.")
    epc: Text | None = Field(default=None, max_length=32, pattern=EPC_PATTERN,
                             description="The RFID tag's EPC in hex (stored upper-case).")

    @field_validator("code", mode="before")
    @classmethod
    def _plain_code(cls, value: object) -> object:
        """A pre-printed label scanned at receipt gives its QR: keep the code in it."""
        if isinstance(value, str) and value.strip().startswith(_QR_PIECE):
            return value.strip()[len(_QR_PIECE):]
        return value

    @field_validator("epc")
    @classmethod
    def _upper_epc(cls, value: str | None) -> str | None:
        """EPCs are compared in upper case, so they are kept that way."""
        return None if value is None else normal_epc(value)

    @model_validator(mode="after")
    def _net_within_gross(self) -> SerialIn:
        gross = self.gross_weight_g or self.weight_g
        if self.net_weight_g is not None and gross is not None and self.net_weight_g > gross:
            raise ValueError(f"net weight {self.net_weight_g} g exceeds gross weight {gross} g")
        return self


class LotIn(BaseModel):
    """A lot arriving with a receipt (created if new)."""

    code: Text = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9\-]*$")
    purchase_date: SaneDate
    declared_purity: Text | None = Field(default=None, max_length=16)
    certificate_lab: Text | None = Field(default=None, max_length=32)
    certificate_no: Text | None = Field(default=None, max_length=64)
    packaging: Text | None = Field(default=None, max_length=64)


class ReceiptLineIn(BaseModel):
    """A received SKU and lot: a quantity, and for serialised SKUs one serial per piece."""

    sku: Text = Code
    lot: Text = Code
    quantity: int = Field(gt=0, le=100_000)
    serials: list[SerialIn] = Field(default_factory=list, max_length=100_000)
    po_line: int | None = Field(
        default=None, ge=1, le=MAX_INT32,
        description="Line number on the purchase order; default: by SKU.",
    )


class ReceiptCreate(BaseModel):
    """Goods in from a supplier; they land in quarantine until QC passes."""

    model_config = ConfigDict(extra="forbid")

    supplier: Text = Code
    reference: Text | None = Field(default=None, max_length=64)
    purchase_order: Text | None = Field(
        default=None, max_length=24, description="The order these goods arrive against."
    )
    to_location: Text | None = Field(default=None, max_length=128,
                                      description="Quarantine bin (code or FACET:L: QR); "
                                      "default: first.")
    lots: list[LotIn] = Field(default_factory=list, max_length=1000)
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _po_lines_need_an_order(self) -> ReceiptCreate:
        if self.purchase_order is None and any(ln.po_line for ln in self.lines):
            raise ValueError("a line names a po_line: name the purchase_order too")
        return self


class QCCreate(BaseModel):
    """A QC inspection of one lot."""

    model_config = ConfigDict(extra="forbid")

    lot: Text = Code
    result: Literal["pass", "fail"]
    measured_purity: PerMille | None = Field(default=None, description="Per mille.")
    measured_weight_g: Grams | None = None
    notes: Text = Field(default="", max_length=FREE_TEXT)


class MoveLineIn(BaseModel):
    """A line that moves stock between two internal locations."""

    sku: Text = Code
    lot: Text = Code
    quantity: int = Field(gt=0, le=100_000)
    from_location: Text | None = Field(default=None, max_length=128,
                                       description="A location code or its FACET:L: QR.")
    to_location: Text | None = Field(default=None, max_length=128,
                                     description="A location code or its FACET:L: QR.")
    serials: list[Lookup] = Field(default_factory=list, max_length=100_000,
                                  description="Serial codes, piece QRs or RFID EPCs.")


class PutawayCreate(BaseModel):
    """Move approved stock from quarantine or the dock into storage."""

    model_config = ConfigDict(extra="forbid")

    lines: list[MoveLineIn] = Field(min_length=1, max_length=1000)


class TransferCreate(BaseModel):
    """Move stock between internal locations."""

    model_config = ConfigDict(extra="forbid")

    reference: Text | None = Field(default=None, max_length=64)
    lines: list[MoveLineIn] = Field(min_length=1, max_length=1000)
    weights: dict[Lookup, float] | None = Field(
        default=None, max_length=10_000,
        description="Scale readings in grams per piece (serial, QR or EPC); required for every "
        "piece moved into or out of the vault (FACET_WEIGH_REQUIRED_EVENTS).")


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
    status: LineStatus


class DocumentRead(BaseModel):
    """A document with its lines."""

    id: int
    number: str
    kind: str
    status: DocStatus
    reference: str | None
    reason: str | None
    note: str
    created_by: str
    created_at: datetime
    closed_at: datetime | None
    data: dict[str, object]
    lines: list[DocumentLineRead]


# --- Adjustments, cycle counts and recalls ------------------------------------------------


class AdjustmentReason(enum.StrEnum):
    """Why stock was adjusted; ``scrap`` goes to V-SCRAP, every other reason to V-ADJUSTMENT."""

    DAMAGED = "damaged"
    FOUND = "found"
    LOST = "lost"
    THEFT = "theft"
    DATA_ERROR = "data_error"
    SAMPLE = "sample"
    SCRAP = "scrap"


class AdjustmentLineIn(BaseModel):
    """A signed change of stock at one bin; serials name lost pieces or give found ones codes."""

    sku: Text = Code
    lot: Text = Code
    location: Text = Place
    quantity: int = Field(ge=-100_000, le=100_000, description="Signed delta; never zero.")
    serials: list[Lookup] = Field(default_factory=list, max_length=100_000)


class AdjustmentCreate(BaseModel):
    """A stock adjustment: every line posts, or none does."""

    model_config = ConfigDict(extra="forbid")

    reason: Text | None = Field(
        default=None,
        max_length=32,
        description="Required: damaged, found, lost, theft, data_error, sample or scrap.",
    )
    note: Text = Field(default="", max_length=FREE_TEXT)
    reference: Text | None = Field(default=None, max_length=64)
    lines: list[AdjustmentLineIn] = Field(min_length=1, max_length=1000)


class CountCreate(BaseModel):
    """Open a cycle count of some locations (bins, or everything under them) or a zone."""

    model_config = ConfigDict(extra="forbid")

    locations: list[Lookup] = Field(default_factory=list, max_length=1000)
    zone: Text | None = Field(default=None, max_length=128)
    assignee: Text | None = Field(default=None, max_length=64, description="Who counts.")
    note: Text = Field(default="", max_length=FREE_TEXT)


class CountLineIn(BaseModel):
    """What was found: a count line by number, or (sku, lot, location) for stock not expected."""

    line_no: int | None = Field(default=None, ge=1, le=MAX_INT32)
    sku: Text | None = Field(default=None, max_length=48)
    lot: Text | None = Field(default=None, max_length=48)
    location: Text | None = Field(default=None, max_length=128)
    counted: int = Field(ge=0, le=100_000)
    serials: list[Lookup] = Field(default_factory=list, max_length=100_000)


class BinScanIn(BaseModel):
    """Every piece found at one bin, as scanned: codes, piece QRs or an RFID reader's EPCs."""

    location: Text = Place
    pieces: list[Lookup] = Field(default_factory=list, max_length=100_000)


class CountSubmit(BaseModel):
    """The counter's results for every open line of a count: by line, or by bin as scanned.

    A bin in ``bins`` reports every serialised line at it (a line none of whose pieces was
    scanned counted 0; pieces of a SKU and lot with no line there make a new one); lines of
    unserialised SKUs are reported in ``lines``.
    """

    model_config = ConfigDict(extra="forbid")

    lines: list[CountLineIn] = Field(default_factory=list, max_length=10_000)
    bins: list[BinScanIn] = Field(default_factory=list, max_length=1000)


class CountReject(BaseModel):
    """Why a count is sent back for a recount."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(default="", max_length=256)


class CountLineRead(BaseModel):
    """A count line; ``expected`` fields are None when the reader counts blind."""

    line_no: int
    sku: str
    lot: str | None
    location: str
    status: LineStatus
    expected: int | None
    expected_serials: list[str] | None
    counted: int | None
    seen_serials: list[str]
    variance: int | None


class CountRead(BaseModel):
    """A cycle count as the API shows it; ``blind`` says whether expectations are hidden."""

    number: str
    status: DocStatus
    blind: bool
    assignee: str | None
    created_by: str
    approved_by: str | None
    created_at: datetime
    closed_at: datetime | None
    locations: list[str]
    note: str
    lines: list[CountLineRead]


class RecallBody(BaseModel):
    """Why a lot is recalled."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=1, max_length=64)


class QuarantinedRead(BaseModel):
    """Pieces of a recalled lot moved from one location into quarantine."""

    location: str
    sku: str
    quantity: int
    serials: list[str]


class RecallRead(BaseModel):
    """What a recall did, and who already received pieces of the lot."""

    document: str
    lot: str
    reason: str
    quarantine: str | None
    quarantined: list[QuarantinedRead]
    reservations_released: int
    pick_lines_cancelled: int
    shipped: list[dict[str, object]]
    #: Null (and each shipped row's ``customer`` null) for roles without ``customers:read``.
    customers: list[str] | None

"""Request and answer shapes of custody: partners, memo/repair/assay out, consignment in."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from core.fields import CODE_PATTERN, FREE_TEXT, Grams, Money, SaneDate, Text, check_text

__all__ = [
    "BackIn",
    "ConsignmentIn",
    "ConsignmentPieceIn",
    "CustodyOut",
    "CustodyPage",
    "CustodyRead",
    "OverdueRead",
    "PartnerCreate",
    "PartnerRead",
    "PartnerValue",
    "PieceRead",
    "PieceWeight",
    "PurchaseIn",
    "PurchasePiece",
    "SaleIn",
    "SendBackIn",
    "Valuation",
]

#: A piece as scanned: its code, its label's QR or its EPC.
Piece = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(check_text)]
Code = Annotated[str, Field(min_length=1, max_length=32, pattern=CODE_PATTERN)]
Where = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(check_text)]
Terms = Field(default="", max_length=FREE_TEXT)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PartnerCreate(_In):
    """A customer, shop, supplier, repairer or assay lab that holds or lends pieces."""

    code: Code
    name: Text = Field(min_length=1, max_length=128)
    kind: Text = Field(
        min_length=1, max_length=16, description="customer, shop, supplier, repairer, assay_lab"
    )
    supplier: Code | None = Field(
        default=None, description="The supplier's code (a supplier partner consigns its lots)."
    )
    contact: Text = Field(default="", max_length=128)


class PartnerRead(BaseModel):
    """A partner and the custody location its pieces are booked to."""

    code: str
    name: str
    kind: str
    supplier: str | None
    location: str
    contact: str
    active: bool


class PieceWeight(_In):
    """A piece with the scale reading taken as it changes hands."""

    serial: Piece
    weight_g: Grams


class CustodyOut(_In):
    """Pieces going out: on memo to a customer or shop, to a repairer or an assay lab."""

    kind: Text = Field(min_length=1, max_length=16, description="memo, repair or assay")
    partner: Code
    due_on: SaneDate
    terms: Text = Terms
    serials: list[Piece] = Field(default_factory=list, max_length=1000)
    pieces: list[PieceWeight] = Field(
        default_factory=list, max_length=1000,
        description="Pieces with their hand-over weight (weighed, event memo-out/repair-out).",
    )


class ConsignmentPieceIn(_In):
    """A consigned piece: its new serial, SKU and weight."""

    serial: Code
    sku: Text = Field(min_length=1, max_length=48)
    weight_g: Grams | None = None


class ConsignmentIn(_In):
    """Pieces received on consignment from a supplier: theirs until bought."""

    partner: Code
    due_on: SaneDate
    terms: Text = Terms
    bin: Where
    pieces: list[ConsignmentPieceIn] = Field(min_length=1, max_length=1000)


class BackIn(_In):
    """Pieces coming back to a bin, each weighed (a light or heavy one is held)."""

    bin: Where
    pieces: list[PieceWeight] = Field(min_length=1, max_length=1000)


class SaleIn(_In):
    """Memo pieces the partner keeps: sold."""

    serials: list[Piece] = Field(min_length=1, max_length=1000)
    reference: Text | None = Field(default=None, min_length=1, max_length=64)


class PurchasePiece(_In):
    """A consigned piece bought, at its cost."""

    serial: Piece
    unit_cost: Money


class PurchaseIn(_In):
    """Consigned pieces we buy."""

    pieces: list[PurchasePiece] = Field(min_length=1, max_length=1000)
    reference: Text | None = Field(default=None, min_length=1, max_length=64)


class SendBackIn(_In):
    """Consigned pieces sent back to the supplier unsold."""

    serials: list[Piece] = Field(min_length=1, max_length=1000)


class PieceRead(BaseModel):
    """A piece on a custody document and where it stands."""

    serial: str
    sku: str
    lot: str
    bin: str
    state: str
    unit_cost: float | None
    settled_by: str | None
    settled_at: datetime | None


class CustodyRead(BaseModel):
    """A custody document: its partner, terms, due date, and pieces."""

    number: str
    kind: str
    partner: str
    partner_name: str
    location: str
    due_on: date
    terms: str
    status: str
    overdue: bool
    created_by: str
    created_at: datetime
    pieces: list[PieceRead]
    counts: dict[str, int]


class CustodyPage(BaseModel):
    """A page of custody documents."""

    items: list[CustodyRead]
    total: int


class OverdueRead(BaseModel):
    """A custody document past its due date with pieces still out."""

    number: str
    kind: str
    partner: str
    partner_name: str
    due_on: date
    days_overdue: int
    pieces_out: int
    value: float


class PartnerValue(BaseModel):
    """What one partner holds of ours (out on memo, repair, assay) or lends us (consigned)."""

    partner: str
    partner_name: str
    kind: str
    pieces: int
    value: float
    overdue_pieces: int


class Valuation(BaseModel):
    """Stock at cost split by ownership and custody."""

    currency: str
    owned_in_warehouse: float
    owned_out_on_memo: float
    owned_out_for_repair: float
    consigned_not_owned: float
    owned_total: float
    pieces: dict[str, int]

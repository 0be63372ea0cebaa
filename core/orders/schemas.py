"""Request and response shapes of orders, allocation, pick lists, picks and shipments."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.documents.models import DocStatus, LineStatus
from core.fields import DbId, Lookup, Money, SaneDateTime, Text
from core.orders.models import OrderStatus

Code = Field(min_length=1, max_length=48)


class OrderLineIn(BaseModel):
    """A line of an incoming order: a SKU code and quantity, optionally a named lot."""

    model_config = ConfigDict(extra="forbid")

    sku: Text = Code
    quantity: int = Field(gt=0, le=100_000)
    lot: Text | None = Field(default=None, max_length=32)
    unit_price: Money | None = None


class OrderCreate(BaseModel):
    """An order from a sales channel; (channel, external_id) identifies it."""

    model_config = ConfigDict(extra="forbid")

    channel: Text = Field(min_length=1, max_length=32)
    external_id: Text = Field(min_length=1, max_length=64)
    customer_name: Text = Field(min_length=1, max_length=128)
    customer_ref: Text | None = Field(default=None, max_length=64)
    removal_strategy: Literal["fifo", "named_lot"] = "fifo"
    due_at: SaneDateTime | None = None
    lines: list[OrderLineIn] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _named_lots(self) -> OrderCreate:
        if self.removal_strategy == "named_lot" and any(ln.lot is None for ln in self.lines):
            raise ValueError("removal_strategy 'named_lot' needs a lot on every line")
        return self


class OrderLineRead(BaseModel):
    """An order line with what is reserved, picked and shipped."""

    id: int
    line_no: int
    sku: str
    lot: str | None
    quantity: int
    reserved_quantity: int
    picked_quantity: int
    shipped_quantity: int
    unit_price: float | None


class OrderRead(BaseModel):
    """A sales order with its lines."""

    id: int
    channel: str
    external_id: str
    #: The customer's name and reference: null for roles without ``customers:read``.
    customer_name: str | None
    customer_ref: str | None
    status: OrderStatus
    removal_strategy: str
    created_at: datetime
    due_at: datetime | None
    shipped_at: datetime | None
    lines: list[OrderLineRead]
    #: Set by channels that say so (a marketplace's paid and refunded messages).
    paid_at: datetime | None = None
    refund_ref: str | None = None


class OrderPage(BaseModel):
    """A page of orders."""

    items: list[OrderRead]
    total: int


class ReservedRead(BaseModel):
    """Stock set aside by one allocation: where, which lot, how many."""

    location: str
    lot: str
    quantity: int


class AllocatedLineRead(BaseModel):
    """What one allocation run did for an order line."""

    line_no: int
    sku: str
    quantity: int
    reserved_quantity: int
    missing: int
    reserved_now: list[ReservedRead]


class AllocationRead(BaseModel):
    """The result of allocating an order: complete, or partial with what is missing."""

    order: OrderRead
    complete: bool
    lines: list[AllocatedLineRead]


class PickAssign(BaseModel):
    """Who a pick list goes to (a supervisor's reassignment)."""

    model_config = ConfigDict(extra="forbid")

    picker: Text = Field(min_length=1, max_length=64, description="Username of the picker.")


class PickerRead(BaseModel):
    """Someone a pick list can be given to."""

    model_config = ConfigDict(from_attributes=True)

    username: str
    full_name: str
    role: str


class PickListCreate(BaseModel):
    """Make a pick list from named orders, or a wave of the oldest allocated orders."""

    model_config = ConfigDict(extra="forbid")

    order_ids: list[DbId] = Field(default_factory=list, max_length=500)
    wave: int | None = Field(default=None, gt=0, le=500, description="Take N oldest orders.")
    channel: Text | None = Field(default=None, max_length=32,
                                 description="Wave only: orders of this channel.")
    picker: Text | None = Field(default=None, max_length=64,
                                description="Username to assign the list to.")
    packing: Text | None = Field(default=None, max_length=48,
                                 description="Packing bin; default: the first.")

    @model_validator(mode="after")
    def _orders_or_wave(self) -> PickListCreate:
        if bool(self.order_ids) == (self.wave is not None):
            raise ValueError("give either order_ids or wave")
        return self


class PickLineRead(BaseModel):
    """A pick line in travel order (shipment lines use the same shape)."""

    id: int
    line_no: int
    sku: str
    lot: str | None
    from_location: str | None
    to_location: str | None
    quantity: int
    done_quantity: int
    short_quantity: int
    status: LineStatus
    order_id: int | None
    order_line_id: int | None
    reservation_id: int | None
    done_by: str | None
    done_at: datetime | None
    #: How many times the line was passed by (skipped) while it stayed open.
    skipped: int = 0


class PickListRead(BaseModel):
    """A pick list: who picks it, for which orders, and its lines in travel order."""

    id: int
    number: str
    status: DocStatus
    picker: str | None
    order_ids: list[int]
    created_at: datetime
    closed_at: datetime | None
    lines: list[PickLineRead]


class PickListPage(BaseModel):
    """A page of pick lists."""

    items: list[PickListRead]
    total: int


class PickConfirm(BaseModel):
    """A picker confirms pieces taken from the bin: quantity, serials and check digits."""

    model_config = ConfigDict(extra="forbid")

    quantity: int = Field(gt=0, le=100_000)
    serials: list[Lookup] = Field(default_factory=list, max_length=100_000,
                                  description="Serial codes, piece QRs (FACET:S:...) or EPCs.")
    check_digits: Text | None = Field(default=None, max_length=3)
    location: Lookup | None = Field(default=None, description="The bin's label as scanned "
                                    "(code or FACET:L:...): proves presence like check digits.")
    weights: dict[Lookup, float] | None = Field(
        default=None, max_length=10_000,
        description="Scale readings in grams per piece (serial, QR or EPC); one outside the "
        "piece's tolerance holds it and posts nothing (weight-out-of-tolerance).")


class PickShort(BaseModel):
    """A picker reports the bin holds fewer pieces than the line asks for."""

    model_config = ConfigDict(extra="forbid")

    found_quantity: int = Field(ge=0, le=100_000)
    serials: list[Lookup] = Field(default_factory=list, max_length=100_000)
    check_digits: Text | None = Field(default=None, max_length=3)
    location: Lookup | None = Field(default=None, description="The bin's scanned label.")
    weights: dict[Lookup, float] | None = Field(
        default=None, max_length=10_000, description="Scale readings in grams per piece.")


class PickResultRead(BaseModel):
    """A pick line after a confirm, short or undo, with its list and order status."""

    line: PickLineRead
    pick_list_status: DocStatus
    order_status: OrderStatus | None


class PickUndo(BaseModel):
    """Why a pick is being undone (kept on the correction document)."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(default="pick undone", min_length=1, max_length=64)


class ParcelIn(BaseModel):
    """What leaves the packing bench: how many parcels, their weight, carrier and tracking."""

    model_config = ConfigDict(extra="forbid")

    parcels: int = Field(default=1, ge=1, le=99, description="Number of parcels.")
    weight_kg: float | None = Field(default=None, gt=0, le=1000, allow_inf_nan=False,
                                    description="Total weight of the parcels in kg.")
    carrier: Text | None = Field(default=None, min_length=1, max_length=32)
    tracking: Text | None = Field(default=None, min_length=1, max_length=64,
                                  description="The carrier's tracking number.")


class ParcelRead(ParcelIn):
    """A shipment's parcel as recorded."""


class ShipmentRead(BaseModel):
    """A shipment document of an order, lines packing -> customer."""

    id: int
    number: str
    status: DocStatus
    order_id: int
    reference: str | None
    created_at: datetime
    closed_at: datetime | None
    lines: list[PickLineRead]
    #: The parcel as recorded at shipping (null for shipments made without one).
    parcel: ParcelRead | None = None
    #: Whether a packer scanned every piece against the picks before it shipped.
    verified: bool = False


class ShipCreate(BaseModel):
    """Ship an order: the parcel, and the pieces the packer scanned (checked against picks)."""

    model_config = ConfigDict(extra="forbid")

    parcel: ParcelIn | None = None
    pieces: list[Lookup] | None = Field(
        default=None, max_length=5000,
        description="Scanned codes (serial, FACET:S: QR, EPC; a SKU code per unserialised "
                    "piece): when given, the order ships only if they match what was picked.")
    weights: dict[Lookup, float] | None = Field(
        default=None, max_length=5000,
        description="The packer's scale readings in grams per piece; one outside the piece's "
        "tolerance holds it and ships nothing (weight-out-of-tolerance).")


class PackCheck(BaseModel):
    """Codes a packer scanned at the bench, to check against what was picked."""

    model_config = ConfigDict(extra="forbid")

    pieces: list[Lookup] = Field(default_factory=list, max_length=5000)


class PackPieceRead(BaseModel):
    """A piece (serialised) or a quantity of an unserialised SKU waiting in packing."""

    line_no: int
    sku: str
    lot: str | None
    serial: str | None
    quantity: int
    packing: str


class PackExtraRead(BaseModel):
    """A scanned code that does not belong in this order's parcel, and why."""

    code: str
    #: unknown-code, not-a-piece, not-in-order, duplicate or too-many.
    reason: str


class PackingRead(BaseModel):
    """What was picked for an order and waits in packing, and the check of a scan against it."""

    order_id: int
    external_id: str
    status: OrderStatus
    expected: list[PackPieceRead]
    matched: list[PackPieceRead]
    missing: list[PackPieceRead]
    extra: list[PackExtraRead]
    #: Every expected piece scanned and nothing extra: ready to ship.
    complete: bool


class ReservationRead(BaseModel):
    """Stock set aside for an order line: where, which lot, how much is still held."""

    id: int
    line_no: int
    sku: str
    location: str
    lot: str
    quantity: int
    open_quantity: int
    status: str
    created_at: datetime


class TrailPickRead(BaseModel):
    """A pick line of an order, with the list it is on and who picks that list."""

    pick_list: str
    picker: str | None
    line: PickLineRead


class OrderTrailRead(BaseModel):
    """Everything that happened to an order on the floor: reservations, picks, shipments."""

    order_id: int
    reservations: list[ReservationRead]
    picks: list[TrailPickRead]
    shipments: list[ShipmentRead]


class PickExceptionRead(BaseModel):
    """A refused pick: who, when, which line and bin, what was wrong and what was given."""

    id: int
    at: datetime
    user: str
    pick_line_id: int
    pick_list: str
    kind: str
    given: str
    location: str
    sku: str
    lot: str | None
    source: str


class PickExceptionPage(BaseModel):
    """A page of pick exceptions, newest first."""

    items: list[PickExceptionRead]
    total: int

"""Shapes of channel messages (what a connector reads a channel's order message into) and of
the channels API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from core.channels.models import MessageKind, MessageStatus
from core.fields import Money, SaneDateTime, Text

__all__ = [
    "ChannelCreate",
    "ChannelLine",
    "ChannelMessagePage",
    "ChannelMessageRead",
    "ChannelOrderMessage",
    "ChannelPage",
    "ChannelRead",
    "ChannelSkuIn",
    "ChannelSkuPage",
    "ChannelSkuRead",
    "ChannelStockPage",
    "ChannelStockRead",
    "ChannelUpdate",
    "StockLevel",
]


class ChannelLine(BaseModel):
    """A line of a channel's order, in the channel's own SKU ids."""

    model_config = ConfigDict(extra="forbid")

    external_sku: Text = Field(min_length=1, max_length=64)
    quantity: int = Field(gt=0, le=100_000)
    unit_price: Money | None = None


class ChannelOrderMessage(BaseModel):
    """One thing a channel says about one order, as every connector reads it.

    ``message_key`` identifies the delivery (the channel's event id, or a digest of kind,
    order and content): the same key twice is one message. ``created`` (and ``paid`` when
    it carries lines) brings the order's lines.
    """

    model_config = ConfigDict(extra="forbid")

    kind: MessageKind
    message_key: Text = Field(min_length=1, max_length=128)
    external_order_id: Text = Field(min_length=1, max_length=64)
    occurred_at: SaneDateTime | None = None
    customer_name: Text | None = Field(default=None, max_length=128)
    customer_ref: Text | None = Field(default=None, max_length=64)
    lines: list[ChannelLine] = Field(default_factory=list, max_length=500)
    refund_ref: Text | None = Field(default=None, max_length=64)


class StockLevel(BaseModel):
    """What a channel may sell of one of its listings."""

    external_sku: str
    quantity: int


class ChannelCreate(BaseModel):
    """A new channel."""

    model_config = ConfigDict(extra="forbid")

    code: Text = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    kind: Text = Field(min_length=1, max_length=16)
    name: Text = Field(min_length=1, max_length=128)
    safety_buffer: int = Field(default=0, ge=0, le=100_000)
    share_pct: int = Field(default=100, ge=0, le=100)


class ChannelUpdate(BaseModel):
    """Change a channel's name, buffers or activity (only the fields given)."""

    model_config = ConfigDict(extra="forbid")

    name: Text | None = Field(default=None, min_length=1, max_length=128)
    active: bool | None = None
    safety_buffer: int | None = Field(default=None, ge=0, le=100_000)
    share_pct: int | None = Field(default=None, ge=0, le=100)


class ChannelRead(BaseModel):
    """A channel and how it is doing."""

    code: str
    kind: str
    name: str
    active: bool
    safety_buffer: int
    share_pct: int
    last_message_at: datetime | None
    last_push_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    #: Messages stored and not yet applied, and those given up on.
    pending: int
    dead: int
    #: Seconds the oldest pending message has waited (0 when none waits).
    lag_s: float
    #: Listings whose last push differs from what may be sold now.
    stock_behind: int


class ChannelPage(BaseModel):
    """A page of channels."""

    items: list[ChannelRead]
    total: int


class ChannelSkuIn(BaseModel):
    """Map a channel's SKU id to one of Facet's SKUs."""

    model_config = ConfigDict(extra="forbid")

    external_sku: Text = Field(min_length=1, max_length=64)
    sku: Text = Field(min_length=1, max_length=48)
    buffer: int | None = Field(default=None, ge=0, le=100_000)


class ChannelSkuRead(BaseModel):
    """A listing."""

    external_sku: str
    sku: str
    buffer: int | None


class ChannelSkuPage(BaseModel):
    """A page of listings."""

    items: list[ChannelSkuRead]
    total: int


class ChannelStockRead(BaseModel):
    """Available-to-promise of one listing, and what the channel was last told."""

    external_sku: str
    sku: str
    on_hand: int
    reserved: int
    #: Free in pickable, approved stock (on hand - reserved, quarantine and unapproved left out).
    free: int
    available: int
    pushed_quantity: int | None
    pushed_at: datetime | None


class ChannelStockPage(BaseModel):
    """A page of a channel's stock."""

    items: list[ChannelStockRead]
    total: int


class ChannelMessageRead(BaseModel):
    """A received message and what became of it."""

    id: int
    channel: str
    message_key: str
    kind: str
    external_order_id: str
    status: MessageStatus
    attempts: int
    received_at: datetime
    occurred_at: datetime | None
    next_attempt_at: datetime | None
    processed_at: datetime | None
    outcome: str | None
    error_code: str | None
    last_error: str | None
    order_id: int | None


class ChannelMessagePage(BaseModel):
    """A page of messages."""

    items: list[ChannelMessageRead]
    total: int

"""Sales channels: their settings, SKU listings, received messages (the inbox) and what each
was last told about stock."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import now
from core.orm import Base

__all__ = [
    "Channel",
    "ChannelMessage",
    "ChannelSku",
    "ChannelStock",
    "MessageKind",
    "MessageStatus",
]


class MessageKind(enum.StrEnum):
    """What a channel says about one of its orders."""

    CREATED = "created"
    PAID = "paid"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class MessageStatus(enum.StrEnum):
    """An inbox message: ``pending`` (stored, not yet applied, or waiting for its retry),
    ``done`` (applied, or a no-op such as a repeat), ``dead`` (gave up: a person must look)."""

    PENDING = "pending"
    DONE = "done"
    DEAD = "dead"


class Channel(Base):
    """A sales channel (a shop, the webshop, a marketplace store); ``code`` is what orders
    carry in ``sales_orders.channel``. ``kind`` names its connector (``generic``, ``taobao``,
    ``jd``, ``douyin``, ``api`` for orders posted to ``/api/orders`` only)."""

    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Available-to-promise = floor(free * share_pct / 100) - safety_buffer, never below 0.
    safety_buffer: Mapped[int] = mapped_column(default=0)
    share_pct: Mapped[int] = mapped_column(default=100)
    # Where polling resumes (the channel's own cursor); null for webhook-only channels.
    poll_cursor: Mapped[str | None] = mapped_column(String(256))
    last_message_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_push_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A resync while a push was under way: that push is not noted, so everything goes again.
    resync_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(512))
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class ChannelSku(Base):
    """A listing: the channel's own SKU id for one of Facet's SKUs (one each way per channel).

    ``buffer`` overrides the channel's safety buffer for this SKU when set."""

    __tablename__ = "channel_skus"
    __table_args__ = (
        UniqueConstraint("channel_id", "external_sku"),
        UniqueConstraint("channel_id", "sku_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    external_sku: Mapped[str] = mapped_column(String(64))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), index=True)
    buffer: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class ChannelMessage(Base):
    """One message received from a channel, stored before it is applied.

    ``message_key`` is the channel's id for the delivery (or a digest of its content): a
    repeat of a stored key is dropped. ``payload`` is the message as the connector read it
    (:class:`core.channels.schemas.ChannelOrderMessage`); ``raw`` the body as received, kept
    on the first new message of each delivery (empty on the others).
    """

    __tablename__ = "channel_messages"
    __table_args__ = (
        UniqueConstraint("channel_id", "message_key"),
        # The retry worker asks for pending messages that are due, oldest first.
        Index("ix_channel_messages_status_next", "status", "next_attempt_at"),
        # Out-of-order deliveries: "was this order cancelled before it was created?"
        Index("ix_channel_messages_order", "channel_id", "external_order_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    message_key: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    external_order_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    raw: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    status: Mapped[str] = mapped_column(String(12), default=MessageStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(512))
    error_code: Mapped[str | None] = mapped_column(String(48))
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What applying it did: created, duplicate, cancelled-before-created, cancelled, paid...
    outcome: Mapped[str | None] = mapped_column(String(48))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("sales_orders.id"), index=True)


class ChannelStock(Base):
    """What a channel was last told it may sell of one SKU, and when."""

    __tablename__ = "channel_stock"

    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), primary_key=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), primary_key=True)
    pushed_quantity: Mapped[int | None]
    pushed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(512))

"""The outbox: events written in the same transaction as the change that caused them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base

__all__ = ["OutboxRow"]


class OutboxRow(Base):
    """One committed event, waiting for the relay (``published_at`` NULL) or sent."""

    __tablename__ = "event_outbox"
    __table_args__ = (
        # The relay's claim and the lag check read only the unpublished rows, in id order: a
        # partial index keeps that a few pages however many sent rows retention still keeps.
        Index(
            "ix_event_outbox_unpublished", "id",
            postgresql_where=text("published_at IS NULL"),
            sqlite_where=text("published_at IS NULL"),
        ),
    )

    # BigInteger on PostgreSQL (an event stream outlives 2^31 ids); SQLite's rowid otherwise.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    event_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    # Wall-clock times, not core.clock's: they measure the relay's lag and drive retention,
    # which a demo's back-dated clock must not skew.
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: datetime.now(UTC)
    )
    # Indexed: retention prunes and a reconnecting receiver catches up by publication time.
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

"""The audit log: one entry per write, each chaining the keyed hash of the one before."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base


class AuditEntry(Base):
    """Who did what to which thing, when; ``hash`` covers the entry and ``prev_hash``.

    ``hash`` is an HMAC-SHA256 under a key kept outside the database (``key_id`` names it), so
    someone who can write the database cannot re-sign the chain after changing an entry.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity: Mapped[str] = mapped_column(String(96))
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    # Not unique-indexed: the chain proves itself, and a random key costs a page per append.
    hash: Mapped[str] = mapped_column(String(64))
    # Which key signed ``hash`` (HMAC-SHA256); NULL for legacy entries (plain SHA-256).
    key_id: Mapped[str | None] = mapped_column(String(16))


class AuditHead(Base):
    """The newest link of the chain and the number of entries, kept apart from the entries.

    Deleting the newest entries leaves the rest of the chain intact; the head still names the
    missing ones. Its row lock also serialises appends on PostgreSQL.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    entries: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64))


class IdempotencyRecord(Base):
    """The stored answer to a write that carried an Idempotency-Key."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(index=True)
    key: Mapped[str] = mapped_column(String(128))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    # Indexed for the retention job (core.audit.idempotency.prune).
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)

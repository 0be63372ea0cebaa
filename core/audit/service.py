"""Append to and verify the tamper-evident audit log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from core.audit.models import AuditEntry
from core.clock import as_utc, now

GENESIS = "0" * 64
_HEAD = select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
_APPEND = insert(AuditEntry.__table__)


def _digest(prev_hash: str, at: str, actor: str, action: str, entity: str, detail: str) -> str:
    payload = "\x1f".join((prev_hash, at, actor, action, entity, detail))
    return hashlib.sha256(payload.encode()).hexdigest()


def _lock_head(session: Session) -> None:
    """Serialise appends so two writers never chain onto the same entry."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7210001)"))
    # SQLite: write transactions begin IMMEDIATE, so writers are already serialised.


def record(
    session: Session, *, actor: str, action: str, entity: str, detail: dict[str, Any]
) -> None:
    """Append one entry (same transaction as the write it describes)."""
    _lock_head(session)
    session.flush()  # keep ORM-added entries ahead of this one in the chain
    conn = session.connection()  # plain statements: this runs on every write
    prev_hash = conn.execute(_HEAD).scalar() or GENESIS
    at = now()
    detail_json = json.dumps(detail, sort_keys=True, default=str, separators=(",", ":"))
    digest = _digest(prev_hash, at.isoformat(), actor, action, entity, detail_json)
    conn.execute(
        _APPEND,
        {
            "at": at,
            "actor": actor,
            "action": action,
            "entity": entity,
            "detail": detail_json,
            "prev_hash": prev_hash,
            "hash": digest,
        },
    )


@dataclass(frozen=True)
class AuditVerification:
    """Outcome of walking the chain."""

    entries: int
    ok: bool
    first_bad_id: int | None
    problem: str


def verify(session: Session, *, batch: int = 5000) -> AuditVerification:
    """Recompute every hash and link in order; report the first entry that does not hold."""
    prev_hash, count, last_id = GENESIS, 0, 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            return AuditVerification(count, True, None, "")
        for entry in rows:
            if entry.prev_hash != prev_hash:
                return AuditVerification(count, False, entry.id, "link to previous entry broken")
            at = as_utc(entry.at).isoformat()
            expected = _digest(prev_hash, at, entry.actor, entry.action, entry.entity, entry.detail)
            if expected != entry.hash:
                return AuditVerification(count, False, entry.id, "entry altered after writing")
            prev_hash, count, last_id = entry.hash, count + 1, entry.id

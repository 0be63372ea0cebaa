"""Append to and verify the tamper-evident audit log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from core.audit.models import AuditEntry, AuditHead
from core.clock import as_utc, now
from core.db import Prepared

GENESIS = "0" * 64
# Run on every write: prepared once, executed on the raw cursor (see core.db.Prepared).
_HEAD = Prepared(
    select(AuditHead.entries, AuditHead.hash).where(AuditHead.id == 1).with_for_update()
)
_APPEND = Prepared(
    insert(AuditEntry.__table__).values(
        {
            name: bindparam(name)
            for name in ("at", "actor", "action", "entity", "detail", "prev_hash", "hash")
        }
    )
)
_ADVANCE = Prepared(
    update(AuditHead.__table__)
    .where(AuditHead.__table__.c.id == 1)
    .values(entries=bindparam("entries"), hash=bindparam("hash"))
)


def _digest(prev_hash: str, at: str, actor: str, action: str, entity: str, detail: str) -> str:
    payload = "\x1f".join((prev_hash, at, actor, action, entity, detail))
    return hashlib.sha256(payload.encode()).hexdigest()


def ensure_head(session: Session) -> None:
    """Create the chain's head row (from the newest entry, for logs older than the head)."""
    if session.get(AuditHead, 1) is not None:
        return
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    count = session.scalar(select(func.count(AuditEntry.id))) or 0
    session.add(AuditHead(id=1, entries=count, hash=last or GENESIS))
    session.flush()


def record(
    session: Session, *, actor: str, action: str, entity: str, detail: dict[str, Any]
) -> None:
    """Append one entry (same transaction as the write it describes)."""
    session.flush()  # keep ORM-added entries ahead of this one in the chain
    head = _HEAD.run(session, {}).fetchone()  # row-locked on PostgreSQL: appends queue here
    if head is None:
        ensure_head(session)
        head = _HEAD.run(session, {}).fetchone()
    entries, prev_hash = head
    at = now()
    detail_json = json.dumps(detail, sort_keys=True, default=str, separators=(",", ":"))
    digest = _digest(prev_hash, at.isoformat(), actor, action, entity, detail_json)
    _APPEND.run(
        session,
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
    _ADVANCE.run(session, {"entries": entries + 1, "hash": digest})


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
            return _check_head(session, count, prev_hash)
        for entry in rows:
            if entry.prev_hash != prev_hash:
                return AuditVerification(count, False, entry.id, "link to previous entry broken")
            at = as_utc(entry.at).isoformat()
            expected = _digest(prev_hash, at, entry.actor, entry.action, entry.entity, entry.detail)
            if expected != entry.hash:
                return AuditVerification(count, False, entry.id, "entry altered after writing")
            prev_hash, count, last_id = entry.hash, count + 1, entry.id


def _check_head(session: Session, count: int, last_hash: str) -> AuditVerification:
    head = session.get(AuditHead, 1)
    if head is not None and (head.entries != count or head.hash != last_hash):
        return AuditVerification(
            count,
            False,
            None,
            f"the newest entries are missing: the head records {head.entries} entries, "
            f"the log holds {count}",
        )
    return AuditVerification(count, True, None, "")

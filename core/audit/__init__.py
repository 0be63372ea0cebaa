"""The audit log: a keyed hash chain of every change, with anchors and its verification."""

from core.audit.idempotency import Answer, run_once
from core.audit.service import (
    FROM_SESSION,
    GENESIS,
    AuditVerification,
    EntryCheck,
    KeyArg,
    anchor,
    ensure_head,
    record,
    verify,
)

__all__ = [
    "FROM_SESSION",
    "GENESIS",
    "Answer",
    "AuditVerification",
    "EntryCheck",
    "KeyArg",
    "anchor",
    "ensure_head",
    "record",
    "run_once",
    "verify",
]

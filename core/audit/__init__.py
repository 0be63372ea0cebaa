"""The audit log: a keyed hash chain of every change, with anchors and its verification."""

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
    "AuditVerification",
    "EntryCheck",
    "FROM_SESSION",
    "GENESIS",
    "KeyArg",
    "anchor",
    "ensure_head",
    "record",
    "verify",
]

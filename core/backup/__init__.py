"""Backups that prove themselves: a consistent copy, then the schema version, the ledger and the
audit chain checked on the copy before anyone trusts it.

SQLite: an online copy through SQLite's backup API (one read transaction on the live file, so
the app keeps writing in WAL mode), written under a temporary name, fsynced, then renamed.
PostgreSQL: ``pg_dump --format=custom``, checked by restoring it into a scratch database that
is dropped afterwards. A restore verifies the copy first and replaces nothing until it passed.
"""

from core.backup.checks import (
    BackupReport,
    CopyRejected,
    RestoreReport,
    Verification,
    audit_check,
)
from core.backup.postgres import ToolError
from core.backup.service import backup, restore, verify_copy

__all__ = [
    "BackupReport",
    "CopyRejected",
    "RestoreReport",
    "ToolError",
    "Verification",
    "audit_check",
    "backup",
    "restore",
    "verify_copy",
]

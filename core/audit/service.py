"""Append to and verify the tamper-evident audit log.

Each entry's ``hash`` is an HMAC-SHA256, under the audit key (kept outside the database: see
``CoreSettings.audit_key``), of the entry and the hash of the one before. Entries written before
keys existed (``key_id`` NULL) hold a plain SHA-256 and stay verifiable as legacy, but an unkeyed
entry after a keyed one is a rewrite. Every posting's entry carries the content of the moves it
wrote; :mod:`core.ledger.integrity` checks each row of the ledger against it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from core.audit.anchors import Checkpoint, append_checkpoint, key_id, read_checkpoints, sign, valid
from core.audit.models import AuditEntry, AuditHead
from core.clock import as_utc, now
from core.db import AUDIT_KEY
from core.errors import ConflictError
from core.prepared import Prepared, innermost_transaction

__all__ = [
    "FROM_SESSION",
    "GENESIS",
    "AuditVerification",
    "EntryCheck",
    "KeyArg",
    "anchor",
    "ensure_head",
    "record",
    "verify",
]

GENESIS = "0" * 64
# Run on every write: prepared once, executed on the raw cursor (see core.prepared).
_HEAD = Prepared(
    select(AuditHead.entries, AuditHead.hash).where(AuditHead.id == 1).with_for_update()
)
_APPEND = Prepared(
    insert(AuditEntry.__table__).values(
        {
            name: bindparam(name)
            for name in ("at", "actor", "action", "entity", "detail", "prev_hash", "hash", "key_id")
        }
    )
)
_ADVANCE = Prepared(
    update(AuditHead.__table__)
    .where(AuditHead.__table__.c.id == 1)
    .values(entries=bindparam("entries"), hash=bindparam("hash"))
)

#: ``Session.info`` key of the head this session's transaction last wrote (see :func:`record`).
_HEAD_KEY = "facet_audit_head"


class _FromSession:
    """Marker: take the audit key of the session's :class:`core.Database`."""

    def __repr__(self) -> str:
        return "FROM_SESSION"


FROM_SESSION: Final = _FromSession()
#: What ``key=`` of :func:`verify` takes: key bytes, None (no key) or :data:`FROM_SESSION`.
KeyArg = bytes | None | _FromSession


def _legacy_digest(
    prev_hash: str, at: str, actor: str, action: str, entity: str, detail: str
) -> str:
    payload = "\x1f".join((prev_hash, at, actor, action, entity, detail))
    return hashlib.sha256(payload.encode()).hexdigest()


def _mac(
    key: bytes, kid: str, prev_hash: str, at: str, actor: str, action: str, entity: str, detail: str
) -> str:
    payload = "\x1f".join((kid, prev_hash, at, actor, action, entity, detail))
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def _session_key(session: Session) -> bytes:
    holder = session.info.get(AUDIT_KEY)
    if holder is None:
        raise RuntimeError("This session has no audit key: open it through core.Database.")
    key: bytes = holder.get()
    return key


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
    """Append one entry, signed with the database's audit key (same transaction as the write)."""
    key = _session_key(session)
    kid = key_id(key)
    session.flush()  # keep ORM-added entries ahead of this one in the chain
    # The head this transaction last wrote, when it is still the innermost one: the row is
    # locked until the commit (PostgreSQL's row lock, SQLite's write lock), so no one else
    # moved it. A savepoint begun or ended since is another transaction object: read again.
    transaction = innermost_transaction(session)
    cached = session.info.get(_HEAD_KEY)
    if cached is not None and cached[0] is transaction:
        entries, prev_hash = cached[1], cached[2]
    else:
        head = _HEAD.run(session, {}).fetchone()  # row-locked on PostgreSQL: appends queue
        if head is None:
            ensure_head(session)
            head = _HEAD.run(session, {}).fetchone()
        entries, prev_hash = head
    at = as_utc(now())
    detail_json = json.dumps(detail, sort_keys=True, default=str, separators=(",", ":"))
    digest = _mac(key, kid, prev_hash, at.isoformat(), actor, action, entity, detail_json)
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
            "key_id": kid,
        },
    )
    _ADVANCE.run(session, {"entries": entries + 1, "hash": digest})
    session.info[_HEAD_KEY] = (transaction, entries + 1, digest)


@dataclass(frozen=True)
class AuditVerification:
    """Outcome of walking the chain (and, where given, the checkpoints and the ledger).

    ``ok`` is True only when every entry was checked: ``checked`` is False when keyed entries
    were found but no key was given to check them with.
    """

    entries: int
    ok: bool
    first_bad_id: int | None
    problem: str
    checked: bool = True
    key_id: str | None = None
    legacy_entries: int = 0  # unkeyed (plain SHA-256) entries from before keys
    checkpoints: int = 0  # checkpoints found consistent with the log
    moves: int = 0  # ledger rows checked against their posting's entry
    legacy_moves: int = 0  # rows older than the first posting that recorded its moves
    bad_move_id: int | None = None


#: Called with every entry whose hash holds; returns a problem, or None.
EntryCheck = Callable[[AuditEntry], str | None]


@dataclass
class _Walk:
    key: bytes | None
    kid: str | None
    checkpoints: dict[int, list[Checkpoint]]
    prev_hash: str = GENESIS
    count: int = 0
    keyed_seen: bool = False
    legacy: int = 0
    unchecked: int = 0
    matched_checkpoints: int = 0

    def result(self, ok: bool, bad_id: int | None, problem: str, **more: Any) -> AuditVerification:
        return AuditVerification(
            self.count, ok, bad_id, problem, key_id=self.kid, legacy_entries=self.legacy,
            checkpoints=self.matched_checkpoints, **more,
        )  # fmt: skip


def verify(
    session: Session,
    *,
    key: KeyArg = FROM_SESSION,
    batch: int = 5000,
    checkpoints: Sequence[Checkpoint] | None = None,
    on_entry: EntryCheck | None = None,
    since: Checkpoint | None = None,
) -> AuditVerification:
    """Recompute every hash and link in order; report the first entry that does not hold.

    ``key`` is the audit key (by default the one of the session's database); with ``None``
    keyed entries cannot be checked and the result says so (``ok`` and ``checked`` False).
    ``checkpoints`` (see :mod:`core.audit.anchors`) must each be validly signed and match the
    log: the entry at their count still has their hash, and the log is not shorter.
    ``on_entry`` sees every entry in order (the ledger's check collects postings with it).
    The ledger rows themselves are checked by :func:`core.ledger.integrity.verify_records`.
    With ``since`` (a checkpoint already checked) only the entries after it are walked, once
    the log is found to still hold its entry, with its hash, at its count.
    """
    if isinstance(key, _FromSession):
        key = _session_key(session)
    walk = _Walk(key, key_id(key) if key is not None else None, {})
    for cp in checkpoints or ():
        if key is None:
            return walk.result(False, None, "no audit key: the checkpoints cannot be checked",
                               checked=False)  # fmt: skip
        if not valid(cp, key):
            return walk.result(
                False, None, f"checkpoint on line {cp.line} has a bad signature (key "
                f"{cp.key_id}): it was not written with the audit key, or was changed",
            )  # fmt: skip
        walk.checkpoints.setdefault(cp.entries, []).append(cp)
    after = 0
    if since is not None and since.entries:
        failure = _resume(session, walk, since)
        if failure is not None:
            return walk.result(False, since.last_id, failure)
        after = since.last_id
    for entry in _entries(session, batch, after):
        failure = _check_entry(walk, entry)
        if failure is None and on_entry is not None:
            failure = on_entry(entry)
        if failure is not None:
            return walk.result(False, entry.id, failure)
    failure = _check_end(session, walk, checkpoints or ())
    if failure is not None:
        return walk.result(False, None, failure)
    if walk.unchecked:
        return walk.result(
            False, None, f"no audit key: {walk.unchecked} keyed entries cannot be checked (set "
            "FACET_AUDIT_KEY or audit_key_file)", checked=False,
        )  # fmt: skip
    return walk.result(True, None, "")


def _resume(session: Session, walk: _Walk, since: Checkpoint) -> str | None:
    """Start ``walk`` after checkpoint ``since``, or say why the log no longer matches it."""
    row = session.execute(
        select(AuditEntry.hash, AuditEntry.key_id).where(AuditEntry.id == since.last_id)
    ).first()
    held = session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.id <= since.last_id))
    if row is None or row.hash != since.hash or held != since.entries:
        return (
            f"checkpoint on line {since.line} ({since.at}) recorded entry {since.last_id} as "
            f"number {since.entries} with hash {since.hash[:12]}...; the log now differs there: "
            "entries were rewritten or deleted"
        )
    walk.prev_hash, walk.count, walk.keyed_seen = since.hash, since.entries, row.key_id is not None
    return None


def _entries(session: Session, batch: int, after: int = 0) -> Iterator[AuditEntry]:
    last_id = after
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def _check_entry(walk: _Walk, entry: AuditEntry) -> str | None:
    """Check one entry against the walk so far; the problem, or None (and advance)."""
    if entry.prev_hash != walk.prev_hash:
        return "link to previous entry broken"
    at = as_utc(entry.at).isoformat()
    fields = (entry.prev_hash, at, entry.actor, entry.action, entry.entity, entry.detail)
    if entry.key_id is None:
        if walk.keyed_seen:
            return "unkeyed entry after keyed ones: the chain was re-hashed without the key"
        expected: str | None = _legacy_digest(*fields)
        walk.legacy += 1
    else:
        walk.keyed_seen = True
        if walk.key is None:
            expected = None
            walk.unchecked += 1
        elif entry.key_id != walk.kid:
            return (
                f"entry signed with key {entry.key_id}, not with the audit key ({walk.kid}): "
                "the chain was re-signed with another key, or the wrong key was given"
            )
        else:
            expected = _mac(walk.key, entry.key_id, *fields)
    if expected is not None and not hmac.compare_digest(expected, entry.hash):
        return "entry altered after writing"
    walk.prev_hash, walk.count = entry.hash, walk.count + 1
    for cp in walk.checkpoints.get(walk.count, ()):
        if cp.last_id != entry.id or cp.hash != entry.hash:
            return (
                f"checkpoint on line {cp.line} ({cp.at}) recorded entry {cp.last_id} as number "
                f"{cp.entries} with hash {cp.hash[:12]}...; the log now differs there: it was "
                "rewritten"
            )
        walk.matched_checkpoints += 1
    return None


def _check_end(session: Session, walk: _Walk, checkpoints: Sequence[Checkpoint]) -> str | None:
    head = session.get(AuditHead, 1)
    if head is not None and (head.entries != walk.count or head.hash != walk.prev_hash):
        return (
            f"the newest entries are missing: the head records {head.entries} entries, "
            f"the log holds {walk.count}"
        )
    if checkpoints:
        newest = max(checkpoints, key=lambda cp: cp.entries)
        if newest.entries > walk.count:
            return (
                f"the newest entries are missing: the checkpoint on line {newest.line} "
                f"({newest.at}) recorded {newest.entries} entries, the log holds {walk.count}"
            )
    return None


def anchor(session: Session, *, key: bytes, directory: Path) -> Checkpoint:
    """Verify the chain (against the checkpoints already in ``directory``) and append one.

    The entries up to the newest checkpoint were verified when it was taken: they are checked
    to be still there (that entry, its hash, its count), and only newer entries are walked, so
    a periodic checkpoint stays cheap on a long log. ``facet audit verify`` walks everything.

    Raises :class:`~core.errors.ConflictError` (``audit-broken``) and writes nothing when the
    chain does not verify: a checkpoint must never vouch for a rewritten log.
    """
    existing = read_checkpoints(directory)
    newest = max(existing, key=lambda cp: cp.entries, default=None)
    result = verify(session, key=key, checkpoints=existing, since=newest)
    if not result.ok:
        raise ConflictError(
            f"The audit log does not verify, so no checkpoint was written: {result.problem}"
            + (f" (entry {result.first_bad_id})" if result.first_bad_id is not None else ""),
            code="audit-broken",
        )
    head = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    last_id, last_hash = (head.id, head.hash) if head is not None else (0, GENESIS)
    at = datetime.now(UTC).isoformat()
    checkpoint = sign(Checkpoint(result.entries, last_hash, last_id, at, key_id(key)), key)
    append_checkpoint(directory, checkpoint)
    return replace(checkpoint, line=len(existing) + 1)

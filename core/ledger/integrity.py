"""The ledger against the audit log: every move as its posting recorded it.

:func:`core.ledger.posting.post_moves` writes one audit entry per posting (``stock.post``)
holding the full content of every move it wrote. The chain's keyed hashes make those entries
unforgeable without the audit key, so comparing each row of ``stock_moves`` (and the serials it
carries) with its entry catches a move edited, added or deleted behind the posting function's
back, even when the balances were edited to match.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit.anchors import Checkpoint
from core.audit.models import AuditEntry
from core.audit.service import FROM_SESSION, AuditVerification, KeyArg, verify
from core.clock import as_utc
from core.ledger.models import MoveSerial, StockMove

__all__ = ["MOVES_ACTION", "move_record", "verify_records"]

#: The action of the audit entry written for every posting.
MOVES_ACTION = "stock.post"

# What a posting's entry records of each move, in the order ``_row_of`` reads a row back.
_FIELDS = (
    "sku", "lot", "from", "to", "quantity", "document", "line", "reason", "actor", "reverses",
    "at", "serials",
)  # fmt: skip


def move_record(
    move_id: int,
    *,
    sku_id: int,
    lot_id: int,
    from_location_id: int,
    to_location_id: int,
    quantity: int,
    document_id: int,
    document_line_id: int | None,
    reason: str,
    actor_id: int,
    reverses_move_id: int | None,
    created_at: datetime,
    serial_ids: Sequence[int],
) -> dict[str, Any]:
    """One move as its posting's audit entry records it (JSON-ready)."""
    return {
        "id": move_id,
        "sku": sku_id,
        "lot": lot_id,
        "from": from_location_id,
        "to": to_location_id,
        "quantity": quantity,
        "document": document_id,
        "line": document_line_id,
        "reason": reason,
        "actor": actor_id,
        "reverses": reverses_move_id,
        "at": as_utc(created_at).isoformat(),
        "serials": sorted(serial_ids),
    }


class _Recorded:
    """Collects, from the verified chain, move id -> (entry id, recorded content)."""

    def __init__(self) -> None:
        self.moves: dict[int, tuple[int, tuple[Any, ...]]] = {}

    def note(self, entry: AuditEntry) -> str | None:
        if entry.action != MOVES_ACTION:
            return None
        try:
            for move in json.loads(entry.detail)["moves"]:
                content = tuple(tuple(move[f]) if f == "serials" else move[f] for f in _FIELDS)
                if move["id"] in self.moves:
                    return f"move {move['id']} is recorded by two postings"
                self.moves[move["id"]] = (entry.id, content)
        except (ValueError, KeyError, TypeError):
            return "a posting's entry does not list its moves"
        return None


def verify_records(
    session: Session,
    *,
    key: KeyArg = FROM_SESSION,
    checkpoints: Sequence[Checkpoint] | None = None,
    batch: int = 5000,
) -> AuditVerification:
    """The audit chain (:func:`core.audit.service.verify`, same ``key`` and ``checkpoints``),
    then every ledger row against the move its posting's entry recorded.

    Moves older than the first recorded one pass as legacy only when the log itself has legacy
    (pre-key) entries; in a log signed from the start every move must have its entry.
    """
    recorded = _Recorded()
    chain = verify(session, key=key, batch=batch, checkpoints=checkpoints, on_entry=recorded.note)
    if not chain.ok and chain.checked:
        return chain
    found = _check_moves(session, recorded.moves, legacy=chain.legacy_entries > 0, batch=batch)
    if found.bad_move_id is not None or chain.ok:
        return replace(chain, ok=found.bad_move_id is None, **found.fields())
    return replace(chain, moves=found.checked, legacy_moves=found.legacy)  # could not check


class _MoveCheck:
    def __init__(self) -> None:
        self.checked = self.legacy = 0
        self.bad_move_id: int | None = None
        self.entry_id: int | None = None
        self.problem = ""

    def fail(self, move_id: int, entry_id: int | None, problem: str) -> _MoveCheck:
        self.bad_move_id, self.entry_id, self.problem = move_id, entry_id, problem
        return self

    def fields(self) -> dict[str, Any]:
        more: dict[str, Any] = {"moves": self.checked, "legacy_moves": self.legacy}
        if self.bad_move_id is not None:
            more |= {
                "bad_move_id": self.bad_move_id,
                "first_bad_id": self.entry_id,
                "problem": self.problem,
            }
        return more


def _row_of(row: Any, serials: Sequence[int]) -> tuple[Any, ...]:
    """A ledger row in the shape of a recorded move (see ``_FIELDS``)."""
    return (
        row.sku_id, row.lot_id, row.from_location_id, row.to_location_id, row.quantity,
        row.document_id, row.document_line_id, row.reason, row.actor_id, row.reverses_move_id,
        as_utc(row.created_at).isoformat(), tuple(sorted(serials)),
    )  # fmt: skip


def _show(content: tuple[Any, ...], field: str) -> str:
    value = content[_FIELDS.index(field)]
    return str(list(value)) if field == "serials" else repr(value)


def _check_moves(
    session: Session,
    recorded: dict[int, tuple[int, tuple[Any, ...]]],
    *,
    legacy: bool,
    batch: int,
) -> _MoveCheck:
    """Compare every ledger row, in id order, with the move its posting recorded."""
    check = _MoveCheck()
    first_recorded = min(recorded) if recorded else None
    last_id = 0
    while True:
        rows = session.execute(
            select(StockMove.__table__)
            .where(StockMove.id > last_id)
            .order_by(StockMove.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        serials: dict[int, list[int]] = {}
        for move_id, serial_id in session.execute(
            select(MoveSerial.move_id, MoveSerial.serial_id).where(
                MoveSerial.move_id.between(rows[0].id, rows[-1].id)
            )
        ):
            serials.setdefault(move_id, []).append(serial_id)
        for row in rows:
            found = recorded.pop(row.id, None)
            if found is None:
                if legacy and (first_recorded is None or row.id < first_recorded):
                    check.legacy += 1
                    continue
                return check.fail(
                    row.id, None, f"move {row.id} has no audit entry: it was added outside the "
                    "posting function",
                )  # fmt: skip
            entry_id, content = found
            actual = _row_of(row, serials.get(row.id, ()))
            if actual != content:
                field = next(f for f, a, r in zip(_FIELDS, actual, content, strict=True) if a != r)
                return check.fail(
                    row.id, entry_id, f"move {row.id} was changed after posting: its {field} is "
                    f"{_show(actual, field)} in the ledger, {_show(content, field)} in audit "
                    f"entry {entry_id}",
                )  # fmt: skip
            check.checked += 1
        last_id = rows[-1].id
    if recorded:
        move_id = min(recorded)
        entry_id = recorded[move_id][0]
        return check.fail(
            move_id, entry_id, f"move {move_id} recorded by audit entry {entry_id} is missing "
            "from the ledger: it was deleted",
        )  # fmt: skip
    return check

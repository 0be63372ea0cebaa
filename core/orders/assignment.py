"""A picker's work, as a headset asks for it: their pick list, or the oldest free one claimed.

Only a list's assignee works it. A picker who has an open list with open lines gets it again;
otherwise the oldest open, unassigned list becomes theirs (a conditional UPDATE settles two
pickers racing for it, and the claim is audited). The lines come with what a headset says and
checks: the bin's address and check digits, the SKU's description and the serials at the bin.
A headset's confirmations and shorts post once per idempotency key (retries after a dropped
connection replay the first answer).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, select, update
from sqlalchemy.orm import Session, selectinload

from core.audit import service as audit
from core.audit.idempotency import Answer, run_once
from core.catalogue.models import Sku
from core.db import Database
from core.documents.models import DocKind, DocStatus, Document, DocumentLine, LineStatus
from core.errors import NotFoundError
from core.locations.models import Location
from core.lots.models import Serial
from core.orders.picking import Sequencer
from core.orders.picks import confirm_pick, short_pick, undo_pick
from core.people.security import Actor

__all__ = ["AssignedLine", "Sequencer", "next_assignment", "post_pick_once", "undo_last_pick"]

log = logging.getLogger(__name__)

#: Line statuses whose pick may still be reversed by its picker.
_UNDOABLE = (LineStatus.OPEN, LineStatus.DONE, LineStatus.SHORT)
#: Unassigned lists tried per claim: enough for a few pickers racing for the oldest.
_CLAIM_TRIES = 5


@dataclass(frozen=True)
class AssignedLine:
    """An open pick line with what a picker needs at the bin; ``quantity`` is what remains."""

    line_id: int
    location_code: str
    aisle: str | None
    bay: str | None
    level: str | None
    check_digits: str | None
    sku_code: str
    description: str
    quantity: int
    serialised: bool
    serials: tuple[str, ...] = ()


def next_assignment(
    session: Session, *, actor: Actor, sequencer: Sequencer | None = None, via: str = "voice"
) -> list[AssignedLine]:
    """The actor's open pick list, else the oldest unassigned one (now theirs); [] if none.

    Lines come in the list's travel order, or in ``sequencer``'s order of their bins when it
    returns the same bins (otherwise it is ignored with a warning). ``via`` is noted in the
    audit entry of a claim.
    """
    doc_id = _own_list(session, actor) or _claim_list(session, actor, via)
    if doc_id is None:
        return []
    return _sequenced(_open_lines(session, doc_id), sequencer)


def _lists(*conditions: Any) -> Select[int]:
    """Open pick lists with an open line, oldest first."""
    open_line = select(DocumentLine.id).where(
        DocumentLine.document_id == Document.id, DocumentLine.status == LineStatus.OPEN
    ).exists()
    return (
        select(Document.id)
        .where(Document.kind == DocKind.PICK.value, Document.status == DocStatus.OPEN,
               open_line, *conditions)
        .order_by(Document.id)
    )


def _own_list(session: Session, actor: Actor) -> int | None:
    return session.scalar(_lists(Document.assignee_id == actor.id).limit(1))


def _claim_list(session: Session, actor: Actor, via: str) -> int | None:
    """Assign the oldest unassigned open list; a conditional UPDATE settles races."""
    candidates = session.scalars(_lists(Document.assignee_id.is_(None)).limit(_CLAIM_TRIES))
    for doc_id in candidates:
        claimed = session.execute(
            update(Document)
            .where(Document.id == doc_id, Document.assignee_id.is_(None))
            .values(assignee_id=actor.id)
            .returning(Document.number)
        ).scalar()
        if claimed is not None:
            audit.record(session, actor=actor.username, action="pick.assign", entity=claimed,
                         detail={"picker": actor.username, "via": via})
            return doc_id
    return None


def _open_lines(session: Session, doc_id: int) -> list[AssignedLine]:
    rows = session.execute(
        select(DocumentLine, Location, Sku)
        .join(Location, Location.id == DocumentLine.from_location_id)
        .join(Sku, Sku.id == DocumentLine.sku_id)
        .where(DocumentLine.document_id == doc_id, DocumentLine.status == LineStatus.OPEN)
        .order_by(DocumentLine.line_no)
        .options(selectinload(Sku.style))
    ).all()
    return [
        _assigned(session, line, loc, sku)
        for line, loc, sku in rows
        if line.quantity > line.done_quantity
    ]


def _assigned(session: Session, line: DocumentLine, loc: Location, sku: Sku) -> AssignedLine:
    serials: tuple[str, ...] = ()
    if sku.serialised:
        serials = tuple(session.scalars(
            select(Serial.code)
            .where(Serial.sku_id == line.sku_id, Serial.lot_id == line.lot_id,
                   Serial.location_id == loc.id)
            .order_by(Serial.code)
        ))
    return AssignedLine(
        line_id=line.id, location_code=loc.code, aisle=loc.aisle, bay=loc.bay, level=loc.level,
        check_digits=loc.check_digits, sku_code=sku.code, description=sku.description,
        quantity=line.quantity - line.done_quantity, serialised=sku.serialised, serials=serials,
    )


def _sequenced(lines: list[AssignedLine], sequencer: Sequencer | None) -> list[AssignedLine]:
    if sequencer is None:
        return lines
    codes = list(dict.fromkeys(line.location_code for line in lines))
    proposed = list(sequencer(list(codes)))
    if sorted(proposed) != sorted(codes):
        log.warning("assignment: the sequencer changed the bins; keeping travel order")
        return lines
    position = {code: i for i, code in enumerate(proposed)}
    return sorted(lines, key=lambda line: position[line.location_code])


def undo_last_pick(session: Session, *, actor: Actor, reason: str) -> int:
    """Reverse the actor's latest pick or short still in force, on a list still theirs.

    Returns the line's id; `NotFoundError` (``nothing-to-undo``) when there is none, and
    :func:`~core.orders.picks.undo_pick`'s errors when that pick can no longer be undone.
    """
    line_id = session.scalar(
        select(DocumentLine.id)
        .join(Document, and_(Document.id == DocumentLine.document_id,
                             Document.kind == DocKind.PICK.value,
                             Document.assignee_id == actor.id))
        .where(DocumentLine.done_by_id == actor.id, DocumentLine.done_at.is_not(None),
               DocumentLine.status.in_(_UNDOABLE))
        .order_by(DocumentLine.done_at.desc(), DocumentLine.id.desc())
        .limit(1)
    )
    if line_id is None:
        raise NotFoundError(f"{actor.username} has no pick to undo", code="nothing-to-undo")
    undo_pick(session, actor=actor, line_id=line_id, reason=reason)
    return line_id


def post_pick_once(
    db: Database,
    *,
    actor: Actor,
    line_id: int,
    quantity: int,
    serials: Sequence[str],
    check_digits: str | None,
    key: str,
    short: bool = False,
) -> Answer:
    """Confirm ``quantity`` pieces of a line (with ``short``: found only these, release the
    rest) in its own transaction, once per idempotency ``key``.

    A repeat with the same posting replays the stored answer (``{"line", "moves"}``); the key
    used for another posting raises `IdempotencyConflict`; the pick services' refusals are
    raised as they are, with nothing stored (see :mod:`core.audit.idempotency`).
    """

    def post(session: Session) -> str:
        if short:
            outcome = short_pick(session, actor=actor, line_id=line_id, found_quantity=quantity,
                                 serials=list(serials), check_digits=check_digits)
        else:
            outcome = confirm_pick(session, actor=actor, line_id=line_id, quantity=quantity,
                                   serials=list(serials), check_digits=check_digits)
        return json.dumps({"line": line_id, "moves": list(outcome.move_ids)})

    kind = "short" if short else "confirm"
    fingerprint = json.dumps([kind, line_id, quantity, sorted(serials)])
    return run_once(db, user_id=actor.id, key=key, write=post,
                    fingerprint=hashlib.sha256(fingerprint.encode()).hexdigest())

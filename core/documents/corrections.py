"""Corrections: a move is never edited; it is undone by the opposite move under a correction
document, which names the moves it reverses."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.documents.models import DocKind, DocStatus, Document
from core.documents.service import new_document, set_status
from core.errors import ConflictError, NotFoundError, ValidationFailed
from core.ledger.models import MoveSerial, StockMove
from core.ledger.posting import MoveRequest, post_moves
from core.people.security import Actor

__all__ = ["reverse_moves"]


def reverse_moves(
    session: Session, *, actor: Actor, move_ids: Sequence[int], reason: str
) -> Document:
    """Post the opposite of each move (serials go back too) under a correction document."""
    if not reason.strip():
        raise ValidationFailed("A correction needs a reason.", code="reason-required")
    moves = session.scalars(select(StockMove).where(StockMove.id.in_(move_ids))).all()
    if len(moves) != len(set(move_ids)):
        raise NotFoundError("Some of the moves to reverse do not exist.", code="unknown-move")
    already = session.scalar(
        select(StockMove.reverses_move_id).where(StockMove.reverses_move_id.in_(move_ids)).limit(1)
    )
    if already is not None:
        raise ConflictError(f"Move {already} was already reversed.", code="already-reversed")
    doc = new_document(
        session,
        kind=DocKind.CORRECTION,
        actor=actor,
        status=DocStatus.OPEN,
        reason=reason,
        data={"reverses": list(move_ids)},
    )
    requests = []
    for move in moves:
        serial_ids = tuple(
            session.scalars(select(MoveSerial.serial_id).where(MoveSerial.move_id == move.id))
        )
        requests.append(
            MoveRequest(
                move.sku_id,
                move.lot_id,
                move.to_location_id,
                move.from_location_id,
                move.quantity,
                serial_ids,
                reverses_move_id=move.id,
            )
        )
    post_moves(
        session,
        document_id=doc.id,
        document_kind=doc.kind,
        actor=actor,
        reason=f"correction: {reason}",
        moves=requests,
    )
    set_status(session, doc, status=DocStatus.POSTED, actor=actor)
    return doc

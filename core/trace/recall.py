"""Recalling a lot in one transaction: block it, free its reservations, quarantine its pieces.

The summary names every shipped order and customer by calling the lot trace, so there is one
query that answers "who received this lot" and a recall can never disagree with it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import service as audit
from core.catalogue.models import Sku
from core.documents.models import DocKind, DocStatus, Document, DocumentLine, LineStatus
from core.documents.schemas import QuarantinedRead, RecallRead
from core.documents.service import new_document, set_status
from core.errors import ConflictError, ValidationFailed
from core.events import LotRecalled, record
from core.ledger.models import Balance
from core.ledger.posting import MoveRequest, post_moves
from core.locations.models import VIRTUAL_KINDS, Kind, Location
from core.locations.service import quarantine_bin
from core.lots.models import Lot, LotStatus, Serial
from core.lots.service import lot_by_code
from core.orders.models import OrderLine, Reservation, ReservationStatus
from core.orders.picking import finish_pick_lists
from core.orders.service import release_reservations
from core.people.security import Actor
from core.trace.service import lot_trace

__all__ = ["recall_lot"]

_STAYS = [str(k) for k in VIRTUAL_KINDS | {Kind.QUARANTINE}]


def _release_reservations(session: Session, lot: Lot) -> int:
    """Give back every open reservation of the lot (its order lines hold that much less)."""
    held = session.scalars(
        select(Reservation)
        .where(
            Reservation.lot_id == lot.id,
            Reservation.status == ReservationStatus.OPEN,
        )
        .order_by(Reservation.id)
        .with_for_update()
    ).all()
    lines = session.scalars(
        select(OrderLine).where(OrderLine.id.in_({r.order_line_id for r in held}))
    ).all()
    release_reservations(session, reservations=held, lines=lines)
    return len(held)


def _cancel_pick_lines(session: Session, actor: Actor, lot: Lot) -> int:
    """Cancel open pick lines of the lot; pick lists left with nothing open are finished."""
    lines = session.scalars(
        select(DocumentLine)
        .join(Document, Document.id == DocumentLine.document_id)
        .where(
            Document.kind == DocKind.PICK,
            DocumentLine.lot_id == lot.id,
            DocumentLine.status == LineStatus.OPEN,
        )
    ).all()
    for line in lines:
        line.status = LineStatus.CANCELLED
        line.data = {**(line.data or {}), "cancelled_by": "recall"}
    session.flush()
    finish_pick_lists(session, actor=actor, document_ids=sorted({ln.document_id for ln in lines}))
    return len(lines)


def _sweep_moves(
    session: Session, lot: Lot, quarantine: Location
) -> tuple[list[MoveRequest], list[QuarantinedRead]]:
    """A move into quarantine for every balance of the lot lying anywhere else inside."""
    rows = session.execute(
        select(
            Balance.sku_id,
            Balance.location_id,
            Balance.on_hand,
            Location.code,
            Sku.code,
            Sku.serialised,
        )
        .join(Location, Location.id == Balance.location_id)
        .join(Sku, Sku.id == Balance.sku_id)
        .where(Balance.lot_id == lot.id, Balance.on_hand > 0, Location.kind.not_in(_STAYS))
        .order_by(Location.code, Sku.code)
    ).all()
    pieces: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
    for serial_id, code, sku_id, loc_id in session.execute(
        select(Serial.id, Serial.code, Serial.sku_id, Serial.location_id)
        .where(Serial.lot_id == lot.id, Serial.location_id.in_({r[1] for r in rows}))
        .order_by(Serial.code)
    ):
        pieces[(sku_id, loc_id)].append((serial_id, code))
    moves, summary = [], []
    for sku_id, loc_id, on_hand, loc_code, sku_code, serialised in rows:
        serials = pieces[(sku_id, loc_id)] if serialised else []
        moves.append(
            MoveRequest(
                sku_id, lot.id, loc_id, quarantine.id, on_hand, tuple(i for i, _ in serials)
            )
        )
        summary.append(
            QuarantinedRead(
                location=loc_code, sku=sku_code, quantity=on_hand, serials=[c for _, c in serials]
            )
        )
    return moves, summary


def recall_lot(
    session: Session, *, actor: Actor, code: str, reason: str, quarantine: str | None = None
) -> RecallRead:
    """Recall a lot: block it, release its reservations and picks, quarantine every piece."""
    if not reason.strip():
        raise ValidationFailed("A recall needs a reason.", code="reason-required")
    lot = session.scalar(
        select(Lot).where(Lot.id == lot_by_code(session, code).id).with_for_update()
    )
    assert lot is not None
    if lot.status == LotStatus.RECALLED:
        raise ConflictError(f"Lot {lot.code} is already recalled.", code="already-recalled")
    target = quarantine_bin(session, quarantine)
    lot.status = LotStatus.RECALLED
    session.flush()
    released = _release_reservations(session, lot)
    cancelled = _cancel_pick_lines(session, actor, lot)
    doc = new_document(
        session,
        kind=DocKind.RECALL,
        actor=actor,
        status=DocStatus.OPEN,
        lot_id=lot.id,
        reason=reason[:64],
        data={"lot": lot.code},
    )
    moves, summary = _sweep_moves(session, lot, target)
    if moves:
        post_moves(
            session,
            document_id=doc.id,
            document_kind=doc.kind,
            actor=actor,
            reason="recall",
            moves=moves,
        )
    shipped = cast(list[dict[str, object]], lot_trace(session, code=lot.code)["shipped"])
    doc.data = {
        "lot": lot.code,
        "reservations_released": released,
        "pick_lines_cancelled": cancelled,
        "quarantined": [q.model_dump() for q in summary],
    }
    audit.record(
        session,
        actor=actor.username,
        action="lot.recall",
        entity=lot.code,
        detail={
            "reason": reason,
            "document": doc.number,
            "pieces": sum(q.quantity for q in summary),
        },
    )
    set_status(session, doc, status=DocStatus.POSTED, actor=actor)
    record(session, LotRecalled(lot=lot.code, reason=reason, actor=actor.username))
    return RecallRead(
        document=doc.number,
        lot=lot.code,
        reason=reason,
        quarantine=target.code,
        quarantined=summary,
        reservations_released=released,
        pick_lines_cancelled=cancelled,
        shipped=shipped,
        customers=sorted({str(s["customer"]) for s in shipped}),
    )

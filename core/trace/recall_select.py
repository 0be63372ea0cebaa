"""Recall by lot, lab certificate batch or hallmark, and the preview of what a recall touches.

A certificate batch or a hallmark names whole lots (a certificate or hallmark filed on the
lot) and single pieces (filed on the piece). Whole lots are recalled exactly as
:func:`core.trace.recall.recall_lot` recalls one, with the same steps; single pieces are moved
into quarantine with the reservations and pick lines that would stop them from moving (those
at the piece's own bin, SKU and lot) given back. One recall document covers the whole
selection, posted in one transaction through the one posting function.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import cast

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from core.audit import service as audit
from core.catalogue.models import Sku
from core.certificates import Selection, select_by_batch, select_by_hallmark
from core.documents.models import DocKind, DocStatus, Document, DocumentLine, LineStatus
from core.documents.schemas import QuarantinedRead
from core.documents.service import new_document, set_status
from core.errors import ConflictError, ValidationFailed
from core.events import LotRecalled, record
from core.ledger.models import Balance, MoveSerial, StockMove
from core.ledger.posting import MoveRequest, post_moves
from core.locations.models import Kind, Location
from core.locations.service import quarantine_bin
from core.lots.models import Lot, LotStatus, Serial
from core.lots.service import lot_by_code
from core.orders.models import OrderLine, Reservation, ReservationStatus, SalesOrder
from core.orders.picking import finish_pick_lists
from core.orders.service import release_reservations
from core.people.security import Actor
from core.trace.recall import _STAYS, _cancel_pick_lines, _release_reservations, _sweep_moves
from core.trace.schemas import PieceRow, RecallPreview, RecallSelect, SelectionRecallRead
from core.trace.service import lot_trace
from core.trace.visibility import FULL_VIEW, Visibility

__all__ = ["preview_recall", "recall_by", "selection_of"]


def selection_of(session: Session, select_: RecallSelect) -> Selection:
    """The lots and pieces a lot, certificate batch or hallmark names (404 when none)."""
    if select_.lot:
        lot = lot_by_code(session, select_.lot)
        return Selection("lot", lot.code, frozenset({lot.id}), frozenset())
    if select_.certificate_batch:
        return select_by_batch(session, select_.certificate_batch)
    assert select_.hallmark is not None
    return select_by_hallmark(session, select_.hallmark)


def _pieces(session: Session, sel: Selection) -> list[PieceRow]:
    """Every piece of the selection, where it is; shipped ones with their order and customer."""
    cond: ColumnElement[bool] = Serial.id.in_(sel.serial_ids)
    if sel.lot_ids:
        cond = cond | Serial.lot_id.in_(sel.lot_ids)
    rows = session.execute(
        select(Serial.id, Serial.code, Sku.code, Lot.code, Location.code, Location.kind)
        .join(Sku, Sku.id == Serial.sku_id).join(Lot, Lot.id == Serial.lot_id)
        .join(Location, Location.id == Serial.location_id)
        .where(cond).order_by(Serial.code)
    ).all()
    shipped = _shipments(session, [r[0] for r in rows if r[5] == Kind.CUSTOMER])
    pieces = []
    for sid, code, sku, lot, loc, kind in rows:
        state = ("in_stock" if kind not in _STAYS else
                 "shipped" if kind == Kind.CUSTOMER else str(kind))
        pieces.append(PieceRow(serial=code, sku=sku, lot=lot, location=loc,
                               location_kind=str(kind), state=state, **shipped.get(sid, {})))
    return pieces


def _shipments(session: Session, serial_ids: Sequence[int]) -> dict[int, dict[str, object]]:
    """For pieces now at a customer: the order, channel, customer and time of their last
    move there."""
    if not serial_ids:
        return {}
    customer = aliased(Location)
    found: dict[int, dict[str, object]] = {}
    for start in range(0, len(serial_ids), 500):
        for sid, channel, order, name, at in session.execute(
            select(MoveSerial.serial_id, SalesOrder.channel, SalesOrder.external_id,
                   SalesOrder.customer_name, StockMove.created_at)
            .join(StockMove, StockMove.id == MoveSerial.move_id)
            .join(customer, customer.id == StockMove.to_location_id)
            .join(Document, Document.id == StockMove.document_id)
            .outerjoin(SalesOrder, SalesOrder.id == Document.order_id)
            .where(MoveSerial.serial_id.in_(serial_ids[start:start + 500]),
                   customer.kind == Kind.CUSTOMER)
            .order_by(StockMove.id)
        ):
            found[sid] = {"order": order, "channel": channel, "customer": name, "shipped_at": at}
    return found


def _shown(view: Visibility, pieces: Iterable[PieceRow]) -> list[PieceRow]:
    rows = view.visible_rows(p.model_dump() for p in pieces)
    return [PieceRow.model_validate(r) for r in rows]


def _customers(view: Visibility, names: Iterable[object]) -> list[str] | None:
    if view.customer("x") is None:
        return None
    return sorted({str(n) for n in names if n})


def preview_recall(
    session: Session, *, select_: RecallSelect, view: Visibility = FULL_VIEW
) -> RecallPreview:
    """What a recall of ``select_`` would touch, as ``view`` may see it; changes nothing."""
    sel = selection_of(session, select_)
    lots = sorted(session.scalars(select(Lot.code).where(Lot.id.in_(sel.lot_ids))))
    stock: list[dict[str, object]] = []
    shipments: list[dict[str, object]] = []
    for code in lots:
        trace = lot_trace(session, code=code, view=view)
        stock += cast(list[dict[str, object]], trace["on_hand"])
        shipments += [{**s, "lot": code} for s in cast(list[dict[str, object]], trace["shipped"])]
    pieces = _shown(view, _pieces(session, sel))
    return RecallPreview(
        selector=sel.selector, value=sel.value, lots=lots, pieces=pieces, lot_stock=stock,
        lot_shipments=shipments, in_stock=sum(p.state == "in_stock" for p in pieces),
        shipped=sum(p.state == "shipped" for p in pieces),
        customers=_customers(view, [p.customer for p in pieces]
                             + [s.get("customer") for s in shipments]),
    )


def _free_pieces(
    session: Session, actor: Actor, sku_id: int, loc_id: int, lot_id: int, count: int
) -> tuple[int, int]:
    """Give back reservations at one bin, SKU and lot until ``count`` pieces can leave it
    (newest first), and cancel their open pick lines; returns (released, cancelled)."""
    bal = session.scalar(
        select(Balance).where(Balance.sku_id == sku_id, Balance.location_id == loc_id,
                              Balance.lot_id == lot_id).with_for_update()
    )
    if bal is None or bal.on_hand - bal.reserved >= count:
        return 0, 0
    short = count - (bal.on_hand - bal.reserved)
    chosen: list[Reservation] = []
    for res in session.scalars(
        select(Reservation).where(
            Reservation.sku_id == sku_id, Reservation.location_id == loc_id,
            Reservation.lot_id == lot_id, Reservation.status == ReservationStatus.OPEN,
        ).order_by(Reservation.id.desc()).with_for_update()
    ):
        if short <= 0:
            break
        chosen.append(res)
        short -= res.open_quantity
    lines = session.scalars(
        select(OrderLine).where(OrderLine.id.in_({r.order_line_id for r in chosen}))
    ).all()
    released = release_reservations(session, reservations=chosen, lines=lines)
    picks = session.scalars(
        select(DocumentLine).where(DocumentLine.reservation_id.in_([r.id for r in chosen]),
                                   DocumentLine.status == LineStatus.OPEN)
    ).all()
    for line in picks:
        line.status = LineStatus.CANCELLED
        line.data = {**(line.data or {}), "cancelled_by": "recall"}
    session.flush()
    finish_pick_lists(session, actor=actor, document_ids=sorted({p.document_id for p in picks}))
    return released, len(picks)


def _piece_moves(
    session: Session, actor: Actor, sel: Selection, target: Location
) -> tuple[list[MoveRequest], list[QuarantinedRead], int, int]:
    """Moves into quarantine for the single pieces lying anywhere inside but quarantine."""
    groups: dict[tuple[int, int, int], list[tuple[int, str]]] = defaultdict(list)
    names: dict[tuple[int, int, int], tuple[str, str]] = {}
    for sid, code, sku_id, lot_id, loc_id, loc_code, sku_code in session.execute(
        select(Serial.id, Serial.code, Serial.sku_id, Serial.lot_id, Serial.location_id,
               Location.code, Sku.code)
        .join(Location, Location.id == Serial.location_id).join(Sku, Sku.id == Serial.sku_id)
        .where(Serial.id.in_(sel.serial_ids), Location.kind.not_in(_STAYS))
        .order_by(Location.code, Sku.code, Serial.code)
    ):
        groups[(sku_id, loc_id, lot_id)].append((sid, code))
        names[(sku_id, loc_id, lot_id)] = (loc_code, sku_code)
    moves, summary, released, cancelled = [], [], 0, 0
    for (sku_id, loc_id, lot_id), pieces in groups.items():
        freed = _free_pieces(session, actor, sku_id, loc_id, lot_id, len(pieces))
        released, cancelled = released + freed[0], cancelled + freed[1]
        moves.append(MoveRequest(sku_id, lot_id, loc_id, target.id, len(pieces),
                                 tuple(i for i, _ in pieces)))
        loc_code, sku_code = names[(sku_id, loc_id, lot_id)]
        summary.append(QuarantinedRead(location=loc_code, sku=sku_code, quantity=len(pieces),
                                       serials=[c for _, c in pieces]))
    return moves, summary, released, cancelled


def _recall_lots(
    session: Session, actor: Actor, lots: Sequence[Lot], target: Location
) -> tuple[list[MoveRequest], list[QuarantinedRead], int, int]:
    """Each lot recalled as ``recall_lot`` does: blocked, reservations and picks given back,
    every piece inside swept into quarantine."""
    moves: list[MoveRequest] = []
    summary: list[QuarantinedRead] = []
    released = cancelled = 0
    for lot in lots:
        lot.status = LotStatus.RECALLED
        session.flush()
        released += _release_reservations(session, lot)
        cancelled += _cancel_pick_lines(session, actor, lot)
        lot_moves, lot_summary = _sweep_moves(session, lot, target)
        moves += lot_moves
        summary += lot_summary
    return moves, summary, released, cancelled


def recall_by(
    session: Session, *, actor: Actor, select_: RecallSelect, reason: str,
    quarantine: str | None = None,
) -> SelectionRecallRead:
    """Recall what a lot, certificate batch or hallmark names, in one document."""
    if not reason.strip():
        raise ValidationFailed("A recall needs a reason.", code="reason-required")
    sel = selection_of(session, select_)
    lots = session.scalars(
        select(Lot).where(Lot.id.in_(sel.lot_ids)).order_by(Lot.id).with_for_update()
    ).all()
    fresh = [lot for lot in lots if lot.status != LotStatus.RECALLED]
    done = sorted(lot.code for lot in lots if lot.status == LotStatus.RECALLED)
    if not fresh and not sel.serial_ids:
        raise ConflictError(
            f"Everything {sel.value} names is already recalled ({', '.join(done)}).",
            code="already-recalled",
        )
    target = quarantine_bin(session, quarantine)
    moves, summary, released, cancelled = _recall_lots(session, actor, fresh, target)
    more = _piece_moves(session, actor, sel, target)
    moves, summary = moves + more[0], summary + more[1]
    released, cancelled = released + more[2], cancelled + more[3]
    only_lot = fresh[0].id if len(fresh) == 1 and not sel.serial_ids else None
    doc = new_document(session, kind=DocKind.RECALL, actor=actor, status=DocStatus.OPEN,
                       lot_id=only_lot, reason=reason[:64],
                       data={"selector": sel.selector, "value": sel.value})
    if moves:
        post_moves(session, document_id=doc.id, document_kind=doc.kind, actor=actor,
                   reason="recall", moves=moves)
    codes = sorted(lot.code for lot in fresh)
    doc.data = {
        "selector": sel.selector, "value": sel.value, "lots": codes,
        "reservations_released": released, "pick_lines_cancelled": cancelled,
        "quarantined": [q.model_dump() for q in summary],
    }
    audit.record(session, actor=actor.username, action="recall",
                 entity=f"{sel.selector}:{sel.value}",
                 detail={"reason": reason, "document": doc.number, "lots": codes,
                         "pieces": sum(q.quantity for q in summary)})
    set_status(session, doc, status=DocStatus.POSTED, actor=actor)
    for lot in fresh:
        record(session, LotRecalled(lot=lot.code, reason=reason, actor=actor.username))
    pieces = _pieces(session, sel)
    shipped = [s for code in codes
               for s in cast(list[dict[str, object]], lot_trace(session, code=code)["shipped"])]
    return SelectionRecallRead(
        document=doc.number, selector=sel.selector, value=sel.value, reason=reason,
        quarantine=target.code, lots=codes, already_recalled=done, quarantined=summary,
        reservations_released=released, pick_lines_cancelled=cancelled, pieces=pieces,
        customers=_customers(FULL_VIEW, [p.customer for p in pieces]
                             + [s.get("customer") for s in shipped]),
    )


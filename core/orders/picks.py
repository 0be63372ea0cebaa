"""Pick confirmation: confirm, short, skip and undo one pick line.

Only the pick list's assignee works its lines (an unassigned list becomes the first worker's,
see :func:`bind_to_picker`), and a confirmation at a bin with check digits must give them: the
picker proves they stand at the bin by reading them off its label.

This is the hot path of a shift (thousands of confirmations an hour), so a confirmation reads
everything it needs in one statement and writes with plain UPDATEs. On PostgreSQL that first
statement row-locks the line, its pick list and its order, so concurrent confirmations of one
list or order queue up instead of both deciding the list or order is (not) finished.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import DateTime, Integer, String, bindparam, case, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.util import identity_key

from core.audit import service as audit
from core.catalogue.models import Sku
from core.clock import now
from core.documents.corrections import reverse_moves
from core.documents.models import DocKind, DocStatus, Document, DocumentLine, LineStatus
from core.errors import (
    CheckDigitsError,
    ConflictError,
    CoreError,
    InsufficientStockError,
    LotBlockedError,
    NotFoundError,
    PermissionDenied,
    SerialError,
    ValidationFailed,
)
from core.events import DocumentPosted, PickConfirmed, record
from core.ledger.models import StockMove
from core.ledger.posting import (
    LocationRef,
    LotRef,
    MoveRequest,
    Refs,
    SkuRef,
    change_reserved,
    post_moves,
)
from core.locations.models import Location
from core.lots.codes import location_code
from core.lots.models import Lot, LotStatus, Serial
from core.lots.qr import serial_code
from core.lots.service import SerialRow, serial_rows_by_codes
from core.orders.models import OrderLine, OrderStatus, Reservation, ReservationStatus, SalesOrder
from core.orders.pick_rows import PickRow
from core.people.security import Actor
from core.prepared import Prepared, driver_dialect
from core.weighing import weigh_pieces

__all__ = [
    "NotYourPickList",
    "PickOutcome",
    "bind_to_picker",
    "confirm_pick",
    "short_pick",
    "skip_pick",
    "undo_pick",
]


class NotYourPickList(PermissionDenied):
    """The pick line belongs to a list assigned to someone else."""

    code = "not-your-pick-list"


@dataclass(frozen=True)
class PickOutcome:
    """What a confirm, short, skip or undo did, and where the list and order now stand."""

    line_id: int
    pick_list_id: int
    order_id: int
    quantity: int
    short: int
    done_quantity: int
    line_status: LineStatus
    pick_list_status: DocStatus
    order_status: OrderStatus
    move_ids: tuple[int, ...] = ()


_DEST, _PIECE, _OTHER = aliased(Location), aliased(Serial), aliased(DocumentLine)
_COLUMNS = (
    DocumentLine.id, DocumentLine.document_id, DocumentLine.quantity, DocumentLine.done_quantity,
    DocumentLine.status, DocumentLine.sku_id, DocumentLine.lot_id, DocumentLine.from_location_id,
    DocumentLine.to_location_id, DocumentLine.reservation_id, DocumentLine.order_line_id,
    DocumentLine.data, Document.status.label("doc_status"), Document.number.label("list_number"),
    Document.assignee_id, Location.code.label("bin"),
    Location.check_digits, Location.kind.label("bin_kind"), Location.tier.label("bin_tier"),
    _DEST.code.label("dest"), _DEST.kind.label("dest_kind"), _DEST.tier.label("dest_tier"),
    Sku.code.label("sku"), Sku.serialised, Lot.code.label("lot"),
    Lot.status.label("lot_status"), Reservation.open_quantity, OrderLine.order_id,
    SalesOrder.status.label("order_status"), _PIECE.id.label("piece_id"),
    _PIECE.code.label("piece_code"), _PIECE.sku_id.label("piece_sku_id"),
    _PIECE.lot_id.label("piece_lot_id"), _PIECE.location_id.label("piece_location_id"),
    # Another line of the list still open: the list cannot close with this one (see _settle).
    select(_OTHER.id).where(_OTHER.document_id == DocumentLine.document_id,
                            _OTHER.status == LineStatus.OPEN.value, _OTHER.id != DocumentLine.id)
    .exists().label("others_open"),
)


# Hot-path statements are built once: rebuilding them costs more than running them on SQLite.
_P_ID, _P_USED = bindparam("p_id", type_=Integer), bindparam("p_used", type_=Integer)
_P_AT = bindparam("p_at", type_=DateTime(timezone=True))
_LOAD = (
    select(*_COLUMNS)
    .join(Document, Document.id == DocumentLine.document_id)
    .join(Location, Location.id == DocumentLine.from_location_id)
    .join(_DEST, _DEST.id == DocumentLine.to_location_id)
    .join(Sku, Sku.id == DocumentLine.sku_id)
    .join(Lot, Lot.id == DocumentLine.lot_id)
    .join(Reservation, Reservation.id == DocumentLine.reservation_id)
    .join(OrderLine, OrderLine.id == DocumentLine.order_line_id)
    .join(SalesOrder, SalesOrder.id == OrderLine.order_id)
    # The piece of a single-piece confirmation comes with the line: one statement fewer.
    .outerjoin(_PIECE, _PIECE.code == bindparam("p_piece", type_=String))
    .where(DocumentLine.id == _P_ID, Document.kind == DocKind.PICK.value)
    .with_for_update(of=[DocumentLine, Document, SalesOrder])
)
_LINE = update(DocumentLine).where(DocumentLine.id == _P_ID).values(
    done_quantity=bindparam("p_done", type_=Integer), status=bindparam("p_status", type_=String),
    done_by_id=bindparam("p_by", type_=Integer), done_at=_P_AT,
)
_RESERVATION = update(Reservation).where(Reservation.id == _P_ID).values(
    open_quantity=Reservation.open_quantity - _P_USED,
    status=case((Reservation.open_quantity == _P_USED, ReservationStatus.DONE.value),
                else_=Reservation.status),
)
_ORDER_LINE = update(OrderLine).where(OrderLine.id == _P_ID).values(
    picked_quantity=OrderLine.picked_quantity + bindparam("p_picked", type_=Integer),
    reserved_quantity=OrderLine.reserved_quantity - _P_USED,
)
_CLOSE_LIST = (
    update(Document)
    .where(Document.id == _P_ID, Document.status == DocStatus.OPEN.value,
           ~select(DocumentLine.id).where(DocumentLine.document_id == _P_ID,
                                          DocumentLine.status == LineStatus.OPEN.value).exists())
    .values(status=DocStatus.DONE.value, closed_at=_P_AT).returning(Document.number)
)
_SETTLE_ORDER = (
    update(SalesOrder)
    .where(SalesOrder.id == _P_ID, SalesOrder.status == OrderStatus.PICKING.value,
           # Driven from the order's lines: an index on status alone would scan every open
           # reservation in the warehouse.
           ~select(Reservation.id)
           .where(Reservation.order_line_id.in_(
                      select(OrderLine.id).where(OrderLine.order_id == _P_ID)),
                  Reservation.status == ReservationStatus.OPEN.value).exists())
    .values(status=OrderStatus.PICKED.value).returning(SalesOrder.id)
)


# The writes of every confirmation run prepared on the raw cursor (see core.prepared).
_P_LINE, _P_RESERVATION, _P_ORDER_LINE = Prepared(_LINE), Prepared(_RESERVATION), Prepared(
    _ORDER_LINE
)
_P_CLOSE_LIST, _P_SETTLE_ORDER = Prepared(_CLOSE_LIST), Prepared(_SETTLE_ORDER)
_P_LOAD = Prepared(_LOAD, PickRow)


def _load(session: Session, line_id: int, serials: Sequence[str] = ()) -> PickRow:
    session.flush()  # the plain-connection statements below must see pending ORM changes
    row = _P_LOAD.first(session, {"p_id": line_id, "p_piece": _one_code(serials)})
    if row is None:
        raise NotFoundError(f"No pick line {line_id}.", code="unknown-pick-line")
    return row


def _one_code(values: Sequence[str]) -> str | None:
    """The serial code of a single scanned piece, read with its line (None: read it later)."""
    if len(values) != 1:
        return None
    try:
        return serial_code(values[0])
    except CoreError:  # malformed: reported in order, after the line's own checks
        return None


def _scanned_piece(row: PickRow) -> SerialRow | None:
    """The piece read with the line; its outer-joined columns are all set or all null."""
    if (row.piece_id is None or row.piece_code is None or row.piece_sku_id is None
            or row.piece_lot_id is None or row.piece_location_id is None):
        return None
    return SerialRow(row.piece_id, row.piece_code, row.piece_sku_id, row.piece_lot_id,
                     row.piece_location_id)


def _check_open(row: PickRow, quantity: int) -> None:
    left = row.quantity - row.done_quantity
    if row.status in (LineStatus.OPEN, LineStatus.DONE) and quantity > left:
        raise InsufficientStockError(
            f"Pick line {row.id}: {left} of {row.quantity} left to pick; cannot take {quantity}."
        )
    if row.status != LineStatus.OPEN:
        raise ConflictError(f"Pick line {row.id} is {row.status}.", code="pick-line-closed")
    if quantity > row.open_quantity:  # never eat stock reserved for another order
        raise InsufficientStockError(
            f"Pick line {row.id}: its reservation holds {row.open_quantity}, not {quantity}."
        )


def bind_to_picker(
    session: Session, *, actor: Actor, document_id: int, number: str, assignee_id: int | None
) -> None:
    """Let only the list's assignee work it; the first to work an unassigned list claims it.

    `NotYourPickList` (403) for anyone else, supervisors included: they reassign the list
    first (``pick:assign``). A claim is a conditional UPDATE, so two first pickers cannot both
    win, and it is audited like an assignment.
    """
    if assignee_id == actor.id:
        return
    if assignee_id is None:
        claimed = session.connection().execute(
            update(Document)
            .where(Document.id == document_id, Document.assignee_id.is_(None))
            .values(assignee_id=actor.id)
        ).rowcount
        _expire(session, (Document, document_id))
        if claimed:
            audit.record(session, actor=actor.username, action="pick.assign", entity=number,
                         detail={"picker": actor.username, "via": "claim"})
            return
    raise NotYourPickList(
        f"Pick list {number} is assigned to another picker; ask a supervisor to reassign it."
    )


def _bind(session: Session, actor: Actor, row: PickRow) -> None:
    bind_to_picker(session, actor=actor, document_id=row.document_id, number=row.list_number,
                   assignee_id=row.assignee_id)


def _check_presence(row: PickRow, check_digits: str | None, location: str | None) -> None:
    """The picker proves they stand at the bin: its label scanned, or its check digits read."""
    if location is not None:
        scanned = location_code(location)
        if scanned != row.bin:
            # A wrong pick like wrong check digits (and recorded as one): the picker is elsewhere.
            raise CheckDigitsError(f"You scanned bin {scanned}; this pick is at bin {row.bin}.")
        if check_digits is None:
            return
    _check_digits(row, check_digits)


def _check_digits(row: PickRow, check_digits: str | None) -> None:
    if row.check_digits and not (check_digits or "").strip():
        raise ValidationFailed(
            f"Scan the label of bin {row.bin} or read its check digits, and send them with "
            "the pick.",
            code="check-digits-required",
        )
    if check_digits is not None and (
        not row.check_digits or check_digits.strip() != row.check_digits
    ):
        raise CheckDigitsError(f"Check digits {check_digits!r} do not match bin {row.bin}.")


def _check_lot(row: PickRow) -> None:
    if row.lot_status != LotStatus.APPROVED:
        raise LotBlockedError(f"Lot {row.lot} is {row.lot_status}; do not pick it.")


def _serial_ids(
    session: Session, row: PickRow, quantity: int, values: Sequence[str]
) -> tuple[int, ...]:
    if not row.serialised:
        if values:
            raise SerialError(f"{row.sku} is not serialised; do not name serials.",
                              code="not-serialised")
        return ()
    if len(values) != quantity:
        raise SerialError(f"{row.sku} is serialised: scan {quantity} piece(s), got {len(values)}.",
                          code="serials-required")
    piece = _scanned_piece(row)
    serials = [piece] if piece is not None else serial_rows_by_codes(session, values)
    for s in serials:
        if s.sku_id != row.sku_id:
            raise SerialError(f"Piece {s.code} is not a {row.sku}.", code="serial-wrong-sku")
        if s.lot_id != row.lot_id:
            raise SerialError(f"Piece {s.code} is not of lot {row.lot}.", code="serial-wrong-lot")
        if s.location_id != row.from_location_id:
            raise SerialError(f"Piece {s.code} is not in bin {row.bin}.", code="serial-not-at-bin")
    return tuple(s.id for s in serials)


def _weigh(
    session: Session, actor: Actor, row: PickRow, serial_ids: tuple[int, ...],
    weights: Mapping[str, float] | None,
) -> None:
    """Held pieces are refused; the readings given (or required) are checked."""
    weigh_pieces(session, actor=actor, serial_ids=serial_ids, weights=weights, event="pick",
                 location=row.bin, reference=row.list_number)


def _expire(session: Session, *targets: tuple[type[Any], int]) -> None:
    """Expire objects this module changed with plain UPDATEs, if the session holds them."""
    if not session.identity_map:
        return
    for cls, pk in targets:
        obj = session.identity_map.get(identity_key(cls, pk))
        if obj is not None:
            session.expire(obj)


def _refs(row: PickRow) -> Refs:
    """What the posting needs to know of the line's SKU, lot and locations: read with the line."""
    return Refs(
        skus={row.sku_id: SkuRef(row.sku, bool(row.serialised))},
        lots={row.lot_id: LotRef(row.lot, row.lot_status)},
        locations={row.from_location_id: LocationRef(row.bin, row.bin_kind, row.bin_tier),
                   row.to_location_id: LocationRef(row.dest, row.dest_kind, row.dest_tier)},
    )


def _write(
    session: Session, actor: Actor, row: PickRow, *, picked: int, short: int,
    serial_ids: tuple[int, ...],
) -> PickOutcome:
    """Post ``picked`` pieces bin -> packing, release ``short`` more, update line and order."""
    move_ids: tuple[int, ...] = ()
    if picked:
        move_ids = tuple(post_moves(
            session, document_id=row.document_id, document_kind=DocKind.PICK, actor=actor,
            reason="pick", moves=[MoveRequest(
                row.sku_id, row.lot_id, row.from_location_id, row.to_location_id, picked,
                serial_ids, release_reserved=picked, document_line_id=row.id)],
            refs=_refs(row),
        ))
    if short:
        change_reserved(session, sku_id=row.sku_id, location_id=row.from_location_id,
                        lot_id=row.lot_id, delta=-short)
    done = row.done_quantity + picked
    status = (LineStatus.SHORT if short else
              LineStatus.DONE if done == row.quantity else LineStatus.OPEN)
    used = picked + short
    _P_LINE.run(session, {"p_id": row.id, "p_done": done, "p_status": status, "p_by": actor.id,
                         "p_at": now()})
    if short:
        session.connection().execute(update(DocumentLine).where(DocumentLine.id == row.id)
                     .values(data={**(row.data or {}), "short": short}))
    _P_RESERVATION.run(session, {"p_id": row.reservation_id, "p_used": used})
    _P_ORDER_LINE.run(session, {"p_id": row.order_line_id, "p_picked": picked, "p_used": used})
    _expire(session, (DocumentLine, row.id), (Reservation, row.reservation_id),
            (OrderLine, row.order_line_id))
    return _settle(session, actor, row, picked=picked, short=short, done=done, status=status,
                   move_ids=move_ids)


def _update(session: Session, cls: type[Any], pk: int, values: dict[str, Any]) -> None:
    # On the connection, not the ORM session: half the overhead, and nothing to synchronise.
    session.connection().execute(update(cls).where(cls.id == pk).values(**values))
    _expire(session, (cls, pk))


def _close_list(session: Session, actor: Actor, document_id: int) -> str | None:
    """Mark the pick list done if no line is open; returns its number when it closed now."""
    found = _P_CLOSE_LIST.run(session, {"p_id": document_id, "p_at": now()}).fetchone()
    number = found[0] if found else None
    _expire(session, (Document, document_id))
    if number is not None:
        record(session, DocumentPosted(document_id=document_id, number=number,
                                       kind=DocKind.PICK, status=DocStatus.DONE,
                                       actor=actor.username))
    return number


def _settle_order(session: Session, order_id: int) -> OrderStatus | None:
    """Mark a picking order picked once none of its reservations is open."""
    found = _P_SETTLE_ORDER.run(session, {"p_id": order_id}).fetchone()
    done = found[0] if found else None
    _expire(session, (SalesOrder, order_id))
    return OrderStatus.PICKED if done is not None else None


def _settle(
    session: Session, actor: Actor, row: PickRow, *, picked: int, short: int, done: int,
    status: LineStatus, move_ids: tuple[int, ...],
) -> PickOutcome:
    doc_status, order_status = DocStatus(row.doc_status), OrderStatus(row.order_status)
    closed = None
    if status != LineStatus.OPEN:
        # Where write transactions run one at a time (SQLite), the load's "another line is
        # open" still holds and closing the list is skipped; on PostgreSQL a confirmation of
        # another line may have committed since this transaction's snapshot, so always ask.
        skip_close = row.others_open and driver_dialect(session).name == "sqlite"
        if not skip_close and (closed := _close_list(session, actor, row.document_id)):
            doc_status = DocStatus.DONE
        order_status = _settle_order(session, row.order_id) or order_status
    detail: dict[str, Any] = {"picked": picked, "short": short, "bin": row.bin, "sku": row.sku,
                              "lot": row.lot, "moves": list(move_ids)}
    if closed:
        detail["pick_list_done"] = closed  # one audit entry per confirmation, list closure too
    audit.record(session, actor=actor.username, action="pick.short" if short else "pick.confirm",
                 entity=f"pick-line:{row.id}", detail=detail)
    record(session, PickConfirmed(
        pick_list_id=row.document_id, line_id=row.id, order_id=row.order_id,
        picker=actor.username, location=row.bin, sku=row.sku, quantity=picked, short=short))
    return PickOutcome(row.id, row.document_id, row.order_id, picked, short, done, status,
                       doc_status, order_status, move_ids)


def confirm_pick(
    session: Session, *, actor: Actor, line_id: int, quantity: int,
    serials: Sequence[str] = (), check_digits: str | None = None, location: str | None = None,
    weights: Mapping[str, float] | None = None,
) -> PickOutcome:
    """Confirm ``quantity`` pieces taken from the line's bin (one serial, QR or EPC per piece).

    Only the list's picker may (`NotYourPickList`); where the bin has check digits the picker
    proves they are there with them or by scanning the bin's label as ``location``
    (``check-digits-required``). Wrong check digits, another bin's label, a blocked lot, or a
    serial of another bin, SKU or lot post nothing. A piece on a weight hold is refused
    (``piece-on-hold``); ``weights`` (piece -> grams, required when ``pick`` is in
    ``FACET_WEIGH_REQUIRED_EVENTS``) are checked, and one outside tolerance holds the piece
    and posts nothing (``weight-out-of-tolerance``).
    """
    row = _load(session, line_id, serials)
    _bind(session, actor, row)
    _check_presence(row, check_digits, location)
    if quantity <= 0:
        raise ConflictError("Confirm at least one piece (or report a short pick).",
                            code="nothing-picked")
    _check_open(row, quantity)
    _check_lot(row)
    serial_ids = _serial_ids(session, row, quantity, serials)
    _weigh(session, actor, row, serial_ids, weights)
    return _write(session, actor, row, picked=quantity, short=0, serial_ids=serial_ids)


def short_pick(
    session: Session, *, actor: Actor, line_id: int, found_quantity: int,
    serials: Sequence[str] = (), check_digits: str | None = None, location: str | None = None,
    weights: Mapping[str, float] | None = None,
) -> PickOutcome:
    """The bin holds too few: post the ``found_quantity`` found now and release the rest.

    The picker proves they are at the bin with its check digits or its scanned label, as for
    a confirmation."""
    row = _load(session, line_id, serials)
    _bind(session, actor, row)
    _check_presence(row, check_digits, location)
    _check_open(row, found_quantity)
    serial_ids: tuple[int, ...] = ()
    if found_quantity:
        _check_lot(row)
        serial_ids = _serial_ids(session, row, found_quantity, serials)
        _weigh(session, actor, row, serial_ids, weights)
    short = row.open_quantity - found_quantity
    return _write(session, actor, row, picked=found_quantity, short=short, serial_ids=serial_ids)


def skip_pick(session: Session, *, actor: Actor, line_id: int) -> PickOutcome:
    """Pass a line by for now (blocked aisle, come back later); it stays open."""
    row = _load(session, line_id)
    _bind(session, actor, row)
    if row.status != LineStatus.OPEN:
        raise ConflictError(f"Pick line {row.id} is {row.status}.", code="pick-line-closed")
    skipped = int((row.data or {}).get("skipped", 0)) + 1
    _update(session, DocumentLine, row.id, {"data": {**(row.data or {}), "skipped": skipped}})
    audit.record(session, actor=actor.username, action="pick.skip", entity=f"pick-line:{row.id}",
                 detail={"bin": row.bin, "sku": row.sku})
    return PickOutcome(row.id, row.document_id, row.order_id, 0, 0, row.done_quantity,
                       LineStatus.OPEN, DocStatus(row.doc_status), OrderStatus(row.order_status))


def undo_pick(
    session: Session, *, actor: Actor, line_id: int, reason: str = "pick undone"
) -> PickOutcome:
    """Put a line's picked pieces back in the bin (reversing moves) and reserve them again."""
    row = _load(session, line_id)
    _bind(session, actor, row)
    if row.status == LineStatus.CANCELLED or row.order_status in (OrderStatus.SHIPPED,
                                                         OrderStatus.CANCELLED):
        raise ConflictError(f"Pick line {row.id} is {row.status} and its order "
                            f"{row.order_status}; it cannot be undone.", code="pick-not-undoable")
    reversed_ids = list((row.data or {}).get("reversed", []))
    move_ids = [m for m in session.scalars(
        select(StockMove.id).where(StockMove.document_id == row.document_id,
                                   StockMove.document_line_id == row.id)
    ) if m not in reversed_ids]
    restore = row.quantity - row.open_quantity
    if not move_ids and restore == 0:
        raise ConflictError(f"Pick line {row.id} has nothing to undo.", code="nothing-to-undo")
    if move_ids:
        reverse_moves(session, actor=actor, move_ids=move_ids, reason=reason)
    change_reserved(session, sku_id=row.sku_id, location_id=row.from_location_id,
                    lot_id=row.lot_id, delta=restore)
    _update(session, DocumentLine, row.id, {
        "done_quantity": 0, "status": LineStatus.OPEN, "done_by_id": None, "done_at": None,
        "data": {"reversed": reversed_ids + move_ids}})
    _update(session, Reservation, row.reservation_id,
            {"open_quantity": row.quantity, "status": ReservationStatus.OPEN})
    _update(session, OrderLine, row.order_line_id, {
        "picked_quantity": OrderLine.picked_quantity - row.done_quantity,
        "reserved_quantity": OrderLine.reserved_quantity + restore})
    _reopen(session, actor, row)
    audit.record(session, actor=actor.username, action="pick.undo", entity=f"pick-line:{row.id}",
                 detail={"reversed": move_ids, "re_reserved": restore, "reason": reason})
    return PickOutcome(row.id, row.document_id, row.order_id, -row.done_quantity, 0, 0,
                       LineStatus.OPEN, DocStatus.OPEN, OrderStatus.PICKING, tuple(move_ids))


def _reopen(session: Session, actor: Actor, row: PickRow) -> None:
    """A line open again reopens its pick list and puts its order back to picking."""
    if row.doc_status != DocStatus.OPEN:
        doc = session.get_one(Document, row.document_id)
        doc.status, doc.closed_at = DocStatus.OPEN, None
        audit.record(session, actor=actor.username, action="pick.reopen", entity=doc.number,
                     detail={"line": row.id})
    if row.order_status != OrderStatus.PICKING:
        session.get_one(SalesOrder, row.order_id).status = OrderStatus.PICKING
    session.flush()

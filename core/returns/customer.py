"""Customer returns against shipped orders: open, receive, inspect, through the ledger.

A return is a document (``RET-...``) on the order. Its lines are what comes back per order
line and lot, with the pieces' serial ids in ``data["serials"]``. Receiving moves the goods
from the customer (virtual) into a quarantine or dock bin, where they are not allocatable;
each inspection decision is a move from there: to a stock bin, to quarantine or repair (a
quarantine bin), or to scrap. Decisions are kept on the line (``data["steps"]``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from core.audit import service as audit
from core.catalogue.models import Sku
from core.clock import now
from core.documents.models import DocKind, DocStatus, Document, DocumentLine, LineStatus
from core.documents.service import new_document, set_status
from core.errors import ConflictError, NotFoundError, SerialError, ValidationFailed
from core.ledger.models import MoveSerial, StockMove
from core.ledger.posting import MoveRequest, post_moves
from core.locations.models import Kind, Location, Tier
from core.locations.service import quarantine_bin, virtual_location
from core.lots import codes as scans
from core.lots.models import Serial
from core.lots.service import serials_by_codes
from core.orders.models import OrderLine, OrderStatus, SalesOrder
from core.orders.service import lock_order
from core.people.security import Actor
from core.returns.schemas import DISPOSITIONS, CustomerReturnCreate, InspectItem
from core.weighing import ensure_serials_not_held, weigh_pieces

__all__ = [
    "RETURN_PLACES",
    "STOCK_PLACES",
    "inspect_return",
    "lock_return",
    "open_return",
    "receive_return",
    "set_refund_ref",
]

#: Where returned goods wait for inspection (neither is allocatable).
RETURN_PLACES = frozenset({Kind.QUARANTINE, Kind.DOCK})
#: Where a piece found good goes back to stock (what allocation takes from).
STOCK_PLACES = frozenset({Kind.PICK_FACE, Kind.RESERVE, Kind.VAULT})
#: Cancelled returns do not count against what may still come back.
_LIVE = (DocStatus.OPEN, DocStatus.RECEIVED, DocStatus.DONE)


@dataclass
class _Shipped:
    """What left for one order line x lot, and what of it may still come back."""

    quantity: int = 0
    returned: int = 0
    serial_ids: set[int] = field(default_factory=set)

    @property
    def left(self) -> int:
        """Shipped and not yet on a return."""
        return self.quantity - self.returned


def _shipped(session: Session, order: SalesOrder) -> dict[tuple[int, int], _Shipped]:
    """Per (order line id, lot id): shipped, already returned, and the pieces shipped."""
    out: dict[tuple[int, int], _Shipped] = defaultdict(_Shipped)
    shipments = select(Document.id).where(
        Document.order_id == order.id, Document.kind == DocKind.SHIPMENT
    )
    rows = session.execute(
        select(DocumentLine.order_line_id, DocumentLine.lot_id, func.sum(DocumentLine.quantity))
        .where(DocumentLine.document_id.in_(shipments))
        .group_by(DocumentLine.order_line_id, DocumentLine.lot_id)
    ).all()
    for line_id, lot_id, qty in rows:
        out[(line_id or 0, lot_id or 0)].quantity += int(qty)
    pieces = session.execute(
        select(DocumentLine.order_line_id, DocumentLine.lot_id, MoveSerial.serial_id)
        .join(StockMove, StockMove.document_line_id == DocumentLine.id)
        .join(MoveSerial, MoveSerial.move_id == StockMove.id)
        .where(DocumentLine.document_id.in_(shipments))
    ).all()
    for line_id, lot_id, serial_id in pieces:
        out[(line_id or 0, lot_id or 0)].serial_ids.add(serial_id)
    returned = session.execute(
        select(
            DocumentLine.order_line_id,
            DocumentLine.lot_id,
            DocumentLine.quantity,
            DocumentLine.data,
        )
        .join(Document, Document.id == DocumentLine.document_id)
        .where(
            Document.order_id == order.id,
            Document.kind == DocKind.CUSTOMER_RETURN,
            Document.status.in_([str(s) for s in _LIVE]),
        )
    ).all()
    for line_id, lot_id, qty, data in returned:
        entry = out[(line_id or 0, lot_id or 0)]
        entry.returned += qty
        entry.serial_ids -= set((data or {}).get("serials", []))
    return out


@dataclass
class _Wanted:
    """What the request asks back, per (order line id, lot id)."""

    quantity: dict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))
    serials: dict[tuple[int, int], list[int]] = field(default_factory=lambda: defaultdict(list))


def _take_serials(
    session: Session,
    codes: list[str],
    shipped: dict[tuple[int, int], _Shipped],
    wanted: _Wanted,
    only_line: int | None = None,
) -> None:
    customer = virtual_location(session, Kind.CUSTOMER)
    taken = {i for ids in wanted.serials.values() for i in ids}
    for serial in serials_by_codes(session, codes):
        key = next((k for k, s in shipped.items() if serial.id in s.serial_ids), None)
        if key is None or (only_line is not None and key[0] != only_line):
            raise ValidationFailed(
                f"Piece {serial.code} was not shipped on this order"
                + (" line" if only_line is not None else "")
                + " (or is already being returned).",
                code="serial-not-on-order",
            )
        if serial.id in taken:
            raise SerialError(f"Piece {serial.code} is named twice.", code="duplicate-serial")
        if serial.location_id != customer.id:
            raise SerialError(
                f"Piece {serial.code} is no longer with the customer.",
                code="serial-not-at-customer",
            )
        taken.add(serial.id)
        wanted.serials[key].append(serial.id)
        wanted.quantity[key] += 1


def _take_quantity(
    line: OrderLine, quantity: int, shipped: dict[tuple[int, int], _Shipped], wanted: _Wanted
) -> None:
    """Spread ``quantity`` over the lots the line shipped, oldest lot id first."""
    keys = sorted(k for k in shipped if k[0] == line.id)
    left = sum(shipped[k].left - wanted.quantity[k] for k in keys)
    if quantity > left:
        raise ConflictError(
            f"Order line {line.line_no}: {quantity} to return but only {max(left, 0)} shipped "
            "and not yet returned.",
            code="return-exceeds-shipped",
        )
    for key in keys:
        take = min(quantity, shipped[key].left - wanted.quantity[key])
        if take > 0:
            wanted.quantity[key] += take
            quantity -= take


def _wanted(
    session: Session,
    order: SalesOrder,
    data: CustomerReturnCreate,
    shipped: dict[tuple[int, int], _Shipped],
) -> _Wanted:
    wanted = _Wanted()
    if data.serials:
        _take_serials(session, list(data.serials), shipped, wanted)
    by_no = {ln.line_no: ln for ln in order.lines}
    serialised = dict(
        session.execute(
            select(Sku.id, Sku.serialised).where(Sku.id.in_({ln.sku_id for ln in order.lines}))
        ).all()
    )
    for item in data.lines:
        line = by_no.get(item.line_no)
        if line is None:
            raise ValidationFailed(
                f"The order has no line {item.line_no}.", code="unknown-order-line"
            )
        if serialised[line.sku_id]:
            if not item.serials or (item.quantity not in (None, len(item.serials))):
                raise SerialError(
                    f"Order line {line.line_no} is serialised: name each piece returned.",
                    code="serials-required",
                )
            _take_serials(session, list(item.serials), shipped, wanted, only_line=line.id)
            continue
        if item.serials:
            raise SerialError(
                f"Order line {line.line_no} is not serialised; give a quantity.",
                code="not-serialised",
            )
        if item.quantity is None:
            raise ValidationFailed(
                f"Order line {line.line_no}: give the quantity returned.", code="quantity-required"
            )
        _take_quantity(line, item.quantity, shipped, wanted)
    if not any(wanted.quantity.values()):
        raise ValidationFailed("Name the pieces or quantities that come back.", code="empty-return")
    for key, qty in wanted.quantity.items():
        if qty > shipped[key].left:
            raise ConflictError(
                "More would come back than was shipped.", code="return-exceeds-shipped"
            )
    return wanted


def open_return(session: Session, *, actor: Actor, data: CustomerReturnCreate) -> Document:
    """Open a customer return against a shipped order (nothing moves until it is received)."""
    order = lock_order(session, order_id=data.order_id)
    if order.status != OrderStatus.SHIPPED:
        raise ConflictError(
            f"Order {order.external_id} is {order.status}; only shipped orders take returns.",
            code="order-not-shipped",
        )
    shipped = _shipped(session, order)
    wanted = _wanted(session, order, data, shipped)
    customer = virtual_location(session, Kind.CUSTOMER)
    doc = new_document(
        session,
        kind=DocKind.CUSTOMER_RETURN,
        actor=actor,
        status=DocStatus.OPEN,
        order_id=order.id,
        reference=data.refund_ref or order.refund_ref,
        reason=data.reason,
        note=data.note,
        data={"order": order.external_id, "channel": order.channel, "location": None},
    )
    sku_of = {ln.id: ln.sku_id for ln in order.lines}
    for no, key in enumerate(sorted(k for k, q in wanted.quantity.items() if q), start=1):
        session.add(
            DocumentLine(
                document_id=doc.id,
                line_no=no,
                sku_id=sku_of[key[0]],
                lot_id=key[1],
                from_location_id=customer.id,
                quantity=wanted.quantity[key],
                status=LineStatus.OPEN,
                order_line_id=key[0],
                data={"serials": sorted(wanted.serials[key]), "steps": []},
            )
        )
    session.flush()
    set_status(session, doc, status=DocStatus.OPEN, actor=actor)
    return doc


def lock_return(
    session: Session, *, number: str, kind: DocKind = DocKind.CUSTOMER_RETURN
) -> Document:
    """The return ``number``, row-locked, with its lines; NotFoundError ``unknown-return``."""
    doc = session.scalar(
        select(Document)
        .where(Document.number == number.strip().upper(), Document.kind == kind)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if doc is None:
        raise NotFoundError(f"No return numbered '{number}'.", code="unknown-return")
    session.refresh(doc, ["lines"])
    return doc


def _returns_place(session: Session, code: str | None) -> Location:
    if code is None:
        return quarantine_bin(session)
    place = scans.location(session, code)
    if place.kind not in RETURN_PLACES or place.tier != Tier.BIN or not place.active:
        raise ValidationFailed(
            f"{place.code} is a {place.kind} {place.tier}; returns are "
            "received into a quarantine or dock bin.",
            code="not-a-returns-place",
        )
    return place


def receive_return(
    session: Session, *, actor: Actor, number: str, location: str | None = None,
    weights: Mapping[str, float] | None = None,
) -> Document:
    """Receive the goods: customer -> a quarantine (default) or dock bin.

    ``weights`` (piece -> grams; required when ``return`` is in FACET_WEIGH_REQUIRED_EVENTS)
    are checked against each piece's weight when it left: one outside tolerance holds the
    piece, raises a security alert and receives nothing (``weight-out-of-tolerance``). A held
    piece may still be received (into quarantine), but not inspected back to stock.
    """
    doc = lock_return(session, number=number)
    if doc.status != DocStatus.OPEN:
        raise ConflictError(
            f"Return {doc.number} is {doc.status}; it was received already.",
            code="return-already-received",
        )
    place = _returns_place(session, location)
    moves = []
    for line in doc.lines:
        line.to_location_id = place.id
        moves.append(
            MoveRequest(
                line.sku_id,
                line.lot_id or 0,
                line.from_location_id or 0,
                place.id,
                line.quantity,
                tuple((line.data or {}).get("serials", [])),
                document_line_id=line.id,
            )
        )
    weigh_pieces(session, actor=actor, serial_ids=[i for m in moves for i in m.serial_ids],
                 weights=weights, event="return", location=place.code, reference=doc.number,
                 check_holds=False)
    post_moves(
        session,
        document_id=doc.id,
        document_kind=doc.kind,
        actor=actor,
        reason="return: received",
        moves=moves,
    )
    doc.data = {**(doc.data or {}), "location": place.code}
    set_status(session, doc, status=DocStatus.RECEIVED, actor=actor)
    return doc


def _target(session: Session, item: InspectItem) -> Location:
    if item.disposition == "scrap":
        return virtual_location(session, Kind.SCRAP)
    if item.disposition in ("quarantine", "repair"):
        return quarantine_bin(
            session, scans.location_code(item.location) if item.location else None
        )
    if item.location is None:
        raise ValidationFailed("Back to stock needs the bin it goes to.", code="location-required")
    place = scans.location(session, item.location)
    if place.kind not in STOCK_PLACES or place.tier != Tier.BIN or not place.active:
        raise ValidationFailed(
            f"{place.code} is a {place.kind} {place.tier}, not a stock bin.", code="not-a-stock-bin"
        )
    return place


@dataclass
class _Decision:
    line: DocumentLine
    item: InspectItem
    target: Location
    quantity: int
    serial_ids: tuple[int, ...] = ()
    serial_code: str | None = None


def _decide(
    session: Session, doc: Document, item: InspectItem, seen: set[int], pending: dict[int, int]
) -> _Decision:
    if item.disposition not in DISPOSITIONS:
        raise ValidationFailed(
            f"Unknown disposition '{item.disposition}'; one of {', '.join(DISPOSITIONS)}.",
            code="unknown-disposition",
        )
    target = _target(session, item)
    if item.serial is not None:
        serial = serials_by_codes(session, [item.serial])[0]
        line = next(
            (ln for ln in doc.lines if serial.id in (ln.data or {}).get("serials", [])), None
        )
        if line is None:
            raise ValidationFailed(
                f"Piece {serial.code} is not on return {doc.number}.", code="serial-not-on-return"
            )
        done = {s for step in (line.data or {}).get("steps", []) for s in step.get("ids", [])}
        if serial.id in done or serial.id in seen:
            raise ConflictError(
                f"Piece {serial.code} was inspected already.", code="already-inspected"
            )
        if item.quantity not in (None, 1):
            raise ValidationFailed("A piece is one.", code="invalid-quantity")
        seen.add(serial.id)
        return _Decision(line, item, target, 1, (serial.id,), serial.code)
    line = next((ln for ln in doc.lines if ln.line_no == item.line_no), None)
    if line is None:
        raise ValidationFailed(
            "Name a piece (serial) or a line of the return (line_no).", code="unknown-return-line"
        )
    if (line.data or {}).get("serials"):
        raise SerialError(
            f"Line {line.line_no} holds pieces: inspect each by its serial.",
            code="serials-required",
        )
    left = line.quantity - line.done_quantity - pending.get(line.id, 0)
    quantity = item.quantity or left
    if quantity > left or quantity <= 0:
        raise ConflictError(
            f"Line {line.line_no}: {left} left to inspect, not {quantity}.",
            code="more-than-returned",
        )
    pending[line.id] = pending.get(line.id, 0) + quantity
    return _Decision(line, item, target, quantity)


def _record(line: DocumentLine, d: _Decision, actor: Actor) -> None:
    data: dict[str, Any] = dict(line.data or {})
    data["steps"] = [
        *data.get("steps", []),
        {
            "disposition": d.item.disposition,
            "quantity": d.quantity,
            "serial": d.serial_code,
            "ids": list(d.serial_ids),
            "location": d.target.code,
            "note": d.item.note,
            "by": actor.username,
            "at": now().isoformat(),
        },
    ]
    line.data = data
    line.done_quantity += d.quantity
    if line.done_quantity >= line.quantity:
        line.status = LineStatus.DONE
        line.done_by_id, line.done_at = actor.id, now()


def inspect_return(
    session: Session, *, actor: Actor, number: str, items: list[InspectItem]
) -> Document:
    """Decide what becomes of received pieces; each decision moves them (all or nothing).

    A decision that leaves a piece where it is (quarantine, and it was received there) is
    recorded without a move: the ledger already has it there under this return.
    """
    doc = lock_return(session, number=number)
    if doc.status != DocStatus.RECEIVED:
        code = "return-not-received" if doc.status == DocStatus.OPEN else "return-closed"
        raise ConflictError(
            f"Return {doc.number} is {doc.status}; only received returns are inspected.", code=code
        )
    seen: set[int] = set()
    pending: dict[int, int] = {}
    decisions = [_decide(session, doc, item, seen, pending) for item in items]
    ensure_serials_not_held(  # a held piece goes to quarantine, repair or scrap, not to stock
        session, [i for d in decisions if d.item.disposition == "stock" for i in d.serial_ids])
    by_reason: dict[str, list[MoveRequest]] = defaultdict(list)
    for d in decisions:
        source = d.line.to_location_id or 0
        if d.target.id != source:
            by_reason[f"return: {d.item.disposition}"].append(
                MoveRequest(
                    d.line.sku_id,
                    d.line.lot_id or 0,
                    source,
                    d.target.id,
                    d.quantity,
                    d.serial_ids,
                    document_line_id=d.line.id,
                )
            )
        _record(d.line, d, actor)
    for reason, moves in sorted(by_reason.items()):
        post_moves(
            session,
            document_id=doc.id,
            document_kind=doc.kind,
            actor=actor,
            reason=reason,
            moves=moves,
        )
    audit.record(
        session,
        actor=actor.username,
        action="customer_return.inspect",
        entity=doc.number,
        detail={"items": [i.model_dump(mode="json") for i in items]},
    )
    if all(ln.status == LineStatus.DONE for ln in doc.lines):
        set_status(session, doc, status=DocStatus.DONE, actor=actor)
    session.flush()
    return doc


def set_reference(
    session: Session, *, actor: Actor, number: str, kind: DocKind, reference: str, action: str
) -> Document:
    """Set or change a return's reference (a refund's, or the supplier's RMA), audited as
    ``action`` with what it was before."""
    doc = lock_return(session, number=number, kind=kind)
    before = doc.reference
    doc.reference = reference
    audit.record(
        session,
        actor=actor.username,
        action=action,
        entity=doc.number,
        detail={"before": before, "after": reference},
    )
    session.flush()
    return doc


def set_refund_ref(session: Session, *, actor: Actor, number: str, refund_ref: str) -> Document:
    """Set or change the refund reference of a return (from the channel, or typed)."""
    return set_reference(
        session,
        actor=actor,
        number=number,
        kind=DocKind.CUSTOMER_RETURN,
        reference=refund_ref,
        action="customer_return.refund",
    )


def serial_codes(session: Session, ids: set[int]) -> dict[int, str]:
    """Codes of serial ids."""
    if not ids:
        return {}
    return dict(session.execute(select(Serial.id, Serial.code).where(Serial.id.in_(ids))).all())


def with_lines(session: Session, stmt: Any) -> list[Document]:
    """Documents of ``stmt`` with their lines loaded."""
    return list(session.scalars(stmt.options(selectinload(Document.lines))).all())

"""Pick lists: open reservations become pick lines (bin -> packing) in travel order."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from core.audit import service as audit
from core.catalogue.models import Sku
from core.documents.models import DocKind, DocStatus, Document, DocumentLine, LineStatus
from core.documents.service import new_document, set_status
from core.errors import ConflictError, NotFoundError, ValidationFailed
from core.locations.models import Kind, Location, Tier
from core.lots import codes as scans
from core.lots.models import Lot
from core.orders.models import OrderLine, OrderStatus, Reservation, ReservationStatus, SalesOrder
from core.orders.pick_rows import LineReadRow
from core.orders.schemas import PickLineRead, PickListRead
from core.orders.service import lock_order
from core.people.models import User
from core.people.permissions import PERMISSIONS, require
from core.people.security import Actor
from core.people.service import user_by_name
from core.prepared import Prepared

__all__ = [
    "Sequencer",
    "assign_pick_list",
    "create_pick_list",
    "finish_pick_lists",
    "get_pick_list",
    "list_pick_lists",
    "pickers",
    "pick_line_reads",
    "pick_list_read",
    "travel_order",
    "unassign_pick_list",
]

Sequencer = Callable[[list[str]], list[str]]
PICKABLE = frozenset({OrderStatus.ALLOCATED, OrderStatus.PARTIALLY_ALLOCATED, OrderStatus.PICKING})
_DIGITS = re.compile(r"(\d+)")


def _natural(text: str | None) -> tuple[tuple[int, int | str], ...]:
    """Sort key where 'A2' comes before 'A10'."""
    parts = _DIGITS.split(text or "")
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def travel_order(locations: Sequence[Location]) -> list[str]:
    """Codes of ``locations`` in walking order: aisle, bay, level, then bin code."""
    ordered = sorted(
        locations,
        key=lambda loc: (
            _natural(loc.aisle),
            _natural(loc.bay),
            _natural(loc.level),
            _natural(loc.code),
        ),
    )
    return [loc.code for loc in ordered]


def _sequence(locations: Sequence[Location], sequencer: Sequencer | None) -> dict[str, int]:
    codes = travel_order(locations)
    if sequencer is not None:
        proposed = list(sequencer(list(codes)))
        if sorted(proposed) != sorted(codes):
            raise ValidationFailed(
                "The sequencer must return the same location codes, reordered.", code="bad-sequence"
            )
        codes = proposed
    return {code: i for i, code in enumerate(codes)}


def _packing_bin(session: Session, code: str | None) -> Location:
    if code:
        loc = scans.location(session, code)
        if loc.kind != Kind.PACKING or loc.tier != Tier.BIN:
            raise ValidationFailed(f"{code} is not a packing bin.", code="not-packing")
        return loc
    first = session.scalar(
        select(Location)
        .where(Location.kind == Kind.PACKING, Location.tier == Tier.BIN, Location.active.is_(True))
        .order_by(Location.code)
        .limit(1)
    )
    if first is None:
        raise NotFoundError("The warehouse has no packing bin.", code="no-packing")
    return first


def _orders_for(
    session: Session, order_ids: Sequence[int], wave: int | None, channel: str | None
) -> list[SalesOrder]:
    if wave is not None:
        stmt = select(SalesOrder.id).where(
            SalesOrder.status.in_([OrderStatus.ALLOCATED, OrderStatus.PARTIALLY_ALLOCATED])
        )
        if channel:
            stmt = stmt.where(SalesOrder.channel == channel)
        stmt = stmt.order_by(
            SalesOrder.due_at.is_(None), SalesOrder.due_at, SalesOrder.created_at, SalesOrder.id
        ).limit(wave)
        order_ids = list(session.scalars(stmt))
    orders = [lock_order(session, order_id=oid) for oid in sorted(set(order_ids))]
    for order in orders:
        if order.status not in PICKABLE:
            raise ConflictError(
                f"Order {order.id} is {order.status}; allocate it first.", code="order-not-pickable"
            )
    if not orders:
        raise ConflictError("No allocated orders to pick.", code="nothing-to-pick")
    return orders


def _unlisted(session: Session, order_ids: list[int]) -> list[tuple[Reservation, int]]:
    listed = exists().where(
        DocumentLine.order_line_id == Reservation.order_line_id,  # indexed; narrows the probe
        DocumentLine.reservation_id == Reservation.id,
        DocumentLine.status != LineStatus.CANCELLED,
    )
    stmt = (
        select(Reservation, OrderLine.order_id)
        .join(OrderLine, OrderLine.id == Reservation.order_line_id)
        .where(
            OrderLine.order_id.in_(order_ids),
            Reservation.status == ReservationStatus.OPEN,
            Reservation.open_quantity > 0,
            ~listed,
        )
        .order_by(OrderLine.order_id, OrderLine.line_no, Reservation.id)
    )
    return [(res, order_id) for res, order_id in session.execute(stmt)]


def create_pick_list(
    session: Session,
    *,
    actor: Actor,
    order_ids: Sequence[int] = (),
    wave: int | None = None,
    channel: str | None = None,
    picker: str | None = None,
    packing: str | None = None,
    sequencer: Sequencer | None = None,
) -> Document:
    """A pick list of the orders' reservations not yet listed, in travel order.

    ``wave`` takes the N oldest allocated orders (of ``channel``) instead of ``order_ids``;
    ``sequencer`` may reorder the bin codes (the twin's routing); ``picker`` assigns it.
    """
    orders = _orders_for(session, order_ids, wave, channel)
    rows = _unlisted(session, [o.id for o in orders])
    if not rows:
        raise ConflictError(
            "Every reservation of these orders is already on a pick list.", code="nothing-to-pick"
        )
    pack = _packing_bin(session, packing)
    assignee = _picker(session, picker) if picker else None
    loc_ids = {res.location_id for res, _ in rows}
    locations = {
        loc.id: loc for loc in session.scalars(select(Location).where(Location.id.in_(loc_ids)))
    }
    position = _sequence(list(locations.values()), sequencer)
    rows.sort(key=lambda r: (position[locations[r[0].location_id].code], r[1], r[0].id))
    ids = sorted({order_id for _, order_id in rows})
    doc = new_document(
        session,
        kind=DocKind.PICK,
        actor=actor,
        status=DocStatus.OPEN,
        assignee_id=assignee.id if assignee else None,
        order_id=ids[0] if len(ids) == 1 else None,
        data={"orders": ids, "packing": pack.code},
    )
    session.add_all(
        DocumentLine(
            document_id=doc.id,
            line_no=no,
            sku_id=res.sku_id,
            lot_id=res.lot_id,
            from_location_id=res.location_id,
            to_location_id=pack.id,
            quantity=res.open_quantity,
            order_line_id=res.order_line_id,
            reservation_id=res.id,
            status=LineStatus.OPEN,
            data={},
        )
        for no, (res, _) in enumerate(rows, start=1)
    )
    for order in orders:
        if order.id in ids:
            order.status = OrderStatus.PICKING
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="pick.create",
        entity=doc.number,
        detail={"orders": ids, "lines": len(rows), "picker": picker},
    )
    return doc


def get_pick_list(session: Session, *, number: str) -> Document:
    """A pick list with its lines, by number (``PCK-000042``)."""
    doc = session.scalar(
        select(Document)
        .where(Document.number == number, Document.kind == DocKind.PICK)
        .options(selectinload(Document.lines))
    )
    if doc is None:
        raise NotFoundError(f"No pick list numbered '{number}'.", code="unknown-pick-list")
    return doc


def _picker(session: Session, username: str) -> User:
    """An active user whose role may pick; `ValidationFailed` (``not-a-picker``) otherwise."""
    user = user_by_name(session, username)
    if not user.active or user.role not in PERMISSIONS["pick:write"]:
        raise ValidationFailed(
            f"{username} is not an active user who may pick; choose a picker.",
            code="not-a-picker",
        )
    return user


def pickers(session: Session) -> list[User]:
    """Active people whose role may pick, by user name: whom a pick list can be given to."""
    return list(session.scalars(
        select(User).where(User.active.is_(True), User.role.in_(PERMISSIONS["pick:write"]))
        .order_by(User.username)))


def _locked_pick_list(session: Session, number: str) -> Document:
    """The pick list numbered ``number``, row-locked for a change of assignee."""
    doc = session.scalar(
        select(Document)
        .where(Document.number == number, Document.kind == DocKind.PICK)
        .with_for_update()
    )
    if doc is None:
        raise NotFoundError(f"No pick list numbered '{number}'.", code="unknown-pick-list")
    return doc


def _assignee_name(session: Session, doc: Document) -> str | None:
    """The user name of the list's assignee, if it has one."""
    if not doc.assignee_id:
        return None
    return session.scalar(select(User.username).where(User.id == doc.assignee_id))


def assign_pick_list(session: Session, *, actor: Actor, number: str, picker: str) -> Document:
    """Give a pick list to a picker (``pick:assign``): from now on only they may work it.

    The previous assignee loses the right to confirm, short, skip or undo its lines; a
    cancelled list cannot be reassigned (``pick-list-closed``). The audit entry names both.
    """
    require(actor, "pick:assign")
    doc = _locked_pick_list(session, number)
    if doc.status == DocStatus.CANCELLED:
        raise ConflictError(f"Pick list {number} is cancelled.", code="pick-list-closed")
    user = _picker(session, picker)
    previous = _assignee_name(session, doc)
    doc.assignee_id = user.id
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="pick.assign",
        entity=doc.number,
        detail={"picker": user.username, "previous": previous},
    )
    return doc


def unassign_pick_list(session: Session, *, actor: Actor, number: str) -> Document:
    """Take a pick list back from its picker (``pick:assign``): the next to work it claims it."""
    require(actor, "pick:assign")
    doc = _locked_pick_list(session, number)
    if doc.status != DocStatus.OPEN:
        raise ConflictError(f"Pick list {number} is {doc.status}.", code="pick-list-closed")
    previous = _assignee_name(session, doc)
    doc.assignee_id = None
    session.flush()
    audit.record(session, actor=actor.username, action="pick.unassign", entity=doc.number,
                 detail={"previous": previous})
    return doc


def list_pick_lists(
    session: Session,
    *,
    status: str | None = None,
    picker: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Document], int]:
    """A page of pick lists, newest first, filtered by status and assigned picker."""
    stmt = select(Document).where(Document.kind == DocKind.PICK)
    if status:
        stmt = stmt.where(Document.status == status)
    if picker:
        stmt = stmt.where(Document.assignee_id == user_by_name(session, picker).id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    docs = session.scalars(
        stmt.order_by(Document.id.desc())
        .limit(limit)
        .offset(offset)
        .options(selectinload(Document.lines))
    ).all()
    return list(docs), total


_SRC, _DST, _WHO = aliased(Location), aliased(Location), aliased(User)
# Built once and run on the connection: this read-back follows every pick confirmation.
_LINE_READ_BASE = (
    select(
        DocumentLine.id,
        DocumentLine.line_no,
        Sku.code.label("sku"),
        Lot.code.label("lot"),
        _SRC.code.label("src"),
        _DST.code.label("dst"),
        DocumentLine.quantity,
        DocumentLine.done_quantity,
        DocumentLine.data,
        DocumentLine.status,
        OrderLine.order_id,
        DocumentLine.order_line_id,
        DocumentLine.reservation_id,
        _WHO.username,
        DocumentLine.done_at,
    )
    .join(Sku, Sku.id == DocumentLine.sku_id)
    .outerjoin(Lot, Lot.id == DocumentLine.lot_id)
    .outerjoin(_SRC, _SRC.id == DocumentLine.from_location_id)
    .outerjoin(_DST, _DST.id == DocumentLine.to_location_id)
    .outerjoin(OrderLine, OrderLine.id == DocumentLine.order_line_id)
    .outerjoin(_WHO, _WHO.id == DocumentLine.done_by_id)
)
_LINE_READS = _LINE_READ_BASE.where(DocumentLine.id.in_(bindparam("ids", expanding=True)))
# The read-back of one line (after a confirmation), prepared on the raw cursor.
_P_LINE_READ = Prepared(_LINE_READ_BASE.where(DocumentLine.id == bindparam("id")), LineReadRow)


def pick_line_reads(session: Session, line_ids: Sequence[int]) -> list[PickLineRead]:
    """Pick lines with codes and order ids, in the order of ``line_ids``."""
    session.flush()
    found = {
        r.id: PickLineRead(
            id=r.id,
            line_no=r.line_no,
            sku=r.sku,
            lot=r.lot,
            from_location=r.src,
            to_location=r.dst,
            quantity=r.quantity,
            done_quantity=r.done_quantity,
            short_quantity=int((r.data or {}).get("short", 0)),
            status=r.status,
            order_id=r.order_id,
            order_line_id=r.order_line_id,
            reservation_id=r.reservation_id,
            done_by=r.username,
            done_at=r.done_at,
            skipped=int((r.data or {}).get("skipped", 0)),
        )
        for r in _line_rows(session, line_ids)
    }
    return [found[i] for i in line_ids if i in found]


def _line_rows(session: Session, line_ids: Sequence[int]) -> list[LineReadRow]:
    if len(line_ids) == 1:  # the read-back after one confirmation: prepared
        return _P_LINE_READ.rows(session, {"id": line_ids[0]})
    found = session.connection().execute(_LINE_READS, {"ids": list(line_ids)})
    return [LineReadRow(*r) for r in found]


def pick_list_read(session: Session, doc: Document) -> PickListRead:
    """The API view of a pick list."""
    picker = (
        session.scalar(select(User.username).where(User.id == doc.assignee_id))
        if doc.assignee_id
        else None
    )
    return PickListRead(
        id=doc.id,
        number=doc.number,
        status=doc.status,
        picker=picker,
        order_ids=list((doc.data or {}).get("orders", [])),
        created_at=doc.created_at,
        closed_at=doc.closed_at,
        lines=pick_line_reads(session, [ln.id for ln in doc.lines]),
    )


def finish_pick_lists(session: Session, *, actor: Actor, document_ids: Sequence[int]) -> None:
    """Close open pick lists with no open line: done, or cancelled if every line was."""
    for doc_id in document_ids:
        lines = session.execute(
            select(DocumentLine.status, DocumentLine.done_quantity).where(
                DocumentLine.document_id == doc_id
            )
        ).all()
        if any(status == LineStatus.OPEN for status, _ in lines):
            continue
        doc = session.get_one(Document, doc_id)
        if doc.status == DocStatus.OPEN:
            untouched = all(s == LineStatus.CANCELLED and done == 0 for s, done in lines)
            set_status(session, doc, actor=actor,
                       status=DocStatus.CANCELLED if untouched else DocStatus.DONE)

"""Operations reports: pending orders, pick progress, who picked, pickers' day, QC by supplier."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import CompoundSelect, func, or_, select
from sqlalchemy.orm import Session, aliased

from core.catalogue.models import Sku
from core.clock import as_utc
from core.documents.models import DocKind, DocStatus, Document, DocumentLine, LineStatus
from core.errors import NotFoundError
from core.ledger.models import Balance
from core.locations.models import Location
from core.lots.models import Lot, Serial, Supplier
from core.orders.models import (
    OrderLine,
    OrderStatus,
    Reservation,
    ReservationStatus,
    SalesOrder,
)
from core.people.models import Role, User
from core.reports.filters import ReportFilter

__all__ = [
    "order_timing",
    "pending_orders",
    "pick_progress",
    "picker_performance",
    "qc_failures_by_supplier",
    "who_picked",
]

_DONE = (OrderStatus.SHIPPED.value, OrderStatus.CANCELLED.value)


def pending_orders(
    session: Session, *, channel: str | None = None, limit: int = 100,
    goods: ReportFilter | None = None, place: str | None = None,
) -> list[dict[str, object]]:
    """Orders not yet shipped or cancelled, oldest first, with how far picking has got; with
    ``goods``, only the orders with a line of such goods (its category, metal, colour, purity,
    supplier or lot; its period is not used); with ``place`` (a location code, or the start
    of some: a zone, aisle or bay), only the orders served from there (see
    :func:`_served_from`)."""
    stmt = (
        select(
            SalesOrder.external_id, SalesOrder.channel, SalesOrder.customer_name,
            SalesOrder.status, SalesOrder.created_at, SalesOrder.due_at,
            func.count(OrderLine.id), func.sum(OrderLine.quantity),
            func.sum(OrderLine.reserved_quantity), func.sum(OrderLine.picked_quantity),
        )
        .join(OrderLine, OrderLine.order_id == SalesOrder.id)
        .where(SalesOrder.status.not_in(_DONE))
        .group_by(SalesOrder.id)
        .order_by(SalesOrder.created_at, SalesOrder.id)
        .limit(limit)
    )
    if channel:
        stmt = stmt.where(SalesOrder.channel == channel)
    if goods is not None and (goods.goods or goods.supplier or goods.lot):
        with_goods = goods.skus(OrderLine.sku_id, select(OrderLine.order_id))
        if goods.supplier or goods.lot:  # a line's lot, else any lot of its SKU from them
            lots = goods.lots(Lot.id, select(Lot.id))
            with_goods = with_goods.where(OrderLine.lot_id.in_(lots) | (
                OrderLine.lot_id.is_(None) & OrderLine.sku_id.in_(
                    select(Serial.sku_id).where(Serial.lot_id.in_(lots)))))
        stmt = stmt.where(SalesOrder.id.in_(with_goods))
    if place:
        stmt = stmt.where(SalesOrder.id.in_(_served_from(place)))
    rows = []
    for ext, ch, customer, status, created, due, lines, units, reserved, picked in (
        session.execute(stmt)
    ):
        rows.append({
            "order": ext, "channel": ch, "customer": customer, "status": status,
            "created_at": created, "due_at": due, "lines": int(lines), "units": int(units or 0),
            "reserved": int(reserved or 0), "picked": int(picked or 0),
            "picked_percent": round(100 * int(picked or 0) / int(units), 1) if units else 0.0,
        })
    return rows


def _served_from(place: str) -> CompoundSelect[int]:
    """The ids of orders served from ``place``: a line with stock allocated there (a
    reservation not released, so held or picked there), or a line waiting for stock (nothing
    reserved or picked for part of it) whose SKU, and lot when the line names one, is on hand
    there."""
    where = ReportFilter(location=place)
    allocated = where.locations(
        select(OrderLine.order_id)
        .join(Reservation, Reservation.order_line_id == OrderLine.id)
        .where(Reservation.status != ReservationStatus.RELEASED.value),
        Reservation.location_id)
    held = where.locations(
        select(Balance.sku_id, Balance.lot_id).where(Balance.on_hand > 0), Balance.location_id
    ).subquery()
    waiting = (
        select(OrderLine.order_id)
        .join(held, (held.c.sku_id == OrderLine.sku_id)
              & (OrderLine.lot_id.is_(None) | (held.c.lot_id == OrderLine.lot_id)))
        .where(OrderLine.quantity > OrderLine.reserved_quantity + OrderLine.picked_quantity)
    )
    return allocated.union(waiting)


def pick_progress(
    session: Session, *, status: str = DocStatus.OPEN.value
) -> list[dict[str, object]]:
    """Pick lists in ``status`` with their lines done, short and open, and who has them."""
    assignee = aliased(User)
    stmt = (
        select(
            Document.number, Document.created_at, assignee.username,
            func.count(DocumentLine.id),
            func.sum(DocumentLine.quantity), func.sum(DocumentLine.done_quantity),
            func.count(DocumentLine.id).filter(DocumentLine.status == LineStatus.DONE.value),
            func.count(DocumentLine.id).filter(DocumentLine.status == LineStatus.SHORT.value),
            func.count(DocumentLine.id).filter(DocumentLine.status == LineStatus.OPEN.value),
        )
        .join(DocumentLine, DocumentLine.document_id == Document.id)
        .outerjoin(assignee, assignee.id == Document.assignee_id)
        .where(Document.kind == DocKind.PICK.value, Document.status == status)
        .group_by(Document.id, assignee.username)
        .order_by(Document.id)
    )
    return [
        {"pick_list": number, "created_at": created, "picker": picker, "lines": int(lines),
         "units": int(units or 0), "units_done": int(done or 0), "lines_done": int(ok),
         "lines_short": int(short), "lines_open": int(open_),
         "percent": round(100 * (int(ok) + int(short)) / int(lines), 1) if lines else 0.0}
        for number, created, picker, lines, units, done, ok, short, open_
        in session.execute(stmt)
    ]


def _order(session: Session, order: str) -> SalesOrder:
    text = order.strip()
    conditions = [func.upper(SalesOrder.external_id) == text.upper()]
    if text.isdigit():
        conditions.append(SalesOrder.id == int(text))
    found = session.scalar(select(SalesOrder).where(or_(*conditions)).limit(1))
    if found is None:
        raise NotFoundError(f"No order {order}.", code="unknown-order")
    return found


def order_timing(session: Session, *, order: str, at: datetime) -> dict[str, object]:
    """One order (by external id or number) against its due date at ``at``: ``late`` is True
    when it shipped after its due date or is still open past it, False when it shipped in
    time or is not yet due, None when it has no due date or was cancelled (as the order-flow
    report counts late orders)."""
    found = _order(session, order)
    due = as_utc(found.due_at) if found.due_at else None
    shipped = as_utc(found.shipped_at) if found.shipped_at else None
    late: bool | None = None
    if due is not None and found.status != OrderStatus.CANCELLED.value:
        late = shipped > due if shipped is not None else due < as_utc(at)
    return {"order": found.external_id, "channel": found.channel, "status": found.status,
            "created_at": as_utc(found.created_at), "due_at": due, "shipped_at": shipped,
            "late": late}


def who_picked(session: Session, *, order: str) -> list[dict[str, object]]:
    """The pick lines of an order (by external id or number): what, where, who and when."""
    found = _order(session, order)
    picker, assignee = aliased(User), aliased(User)
    stmt = (
        select(
            Document.number, DocumentLine.line_no, Sku.code, Lot.code, Location.code,
            DocumentLine.quantity, DocumentLine.done_quantity, DocumentLine.status,
            picker.username, picker.full_name, assignee.username, DocumentLine.done_at,
        )
        .join(Document, Document.id == DocumentLine.document_id)
        .join(OrderLine, OrderLine.id == DocumentLine.order_line_id)
        .join(Sku, Sku.id == DocumentLine.sku_id)
        .outerjoin(Lot, Lot.id == DocumentLine.lot_id)
        .outerjoin(Location, Location.id == DocumentLine.from_location_id)
        .outerjoin(picker, picker.id == DocumentLine.done_by_id)
        .outerjoin(assignee, assignee.id == Document.assignee_id)
        .where(Document.kind == DocKind.PICK.value, OrderLine.order_id == found.id)
        .order_by(Document.id, DocumentLine.line_no)
    )
    return [
        {"order": found.external_id, "order_status": found.status, "pick_list": number,
         "line": line_no, "sku": sku, "lot": lot, "bin": bin_, "quantity": qty,
         "done_quantity": done, "status": status, "picked_by": who, "picked_by_name": name,
         "assigned_to": assigned, "done_at": at}
        for number, line_no, sku, lot, bin_, qty, done, status, who, name, assigned, at
        in session.execute(stmt)
    ]


@dataclass
class _Tally:
    """What one picker did on one day."""

    username: str
    full_name: str
    lines: int = 0
    units: int = 0
    short: int = 0
    lists: set[int] = field(default_factory=set)
    first: datetime | None = None
    last: datetime | None = None

    def add(self, doc_id: int, done: int, status: str, at: datetime) -> None:
        """Count one confirmed pick line."""
        self.lines += 1
        self.units += done
        self.short += status == LineStatus.SHORT
        self.lists.add(doc_id)
        self.first = at if self.first is None else min(self.first, at)
        self.last = at if self.last is None else max(self.last, at)

    def row(self, day: date) -> dict[str, object]:
        """The report row."""
        hours = (self.last - self.first).total_seconds() / 3600 if self.first and self.last else 0
        return {"day": day.isoformat(), "picker": self.username, "name": self.full_name,
                "lines_picked": self.lines, "units_picked": self.units,
                "short_lines": self.short, "pick_lists": len(self.lists),
                "first_pick_at": self.first, "last_pick_at": self.last,
                "lines_per_hour": round(self.lines / hours, 1) if hours >= 0.25 else None}


def picker_performance(
    session: Session, *, day: date, username: str | None = None
) -> list[dict[str, object]]:
    """Per picker on ``day`` (UTC): lines and units picked, shorts, lists, lines per hour."""
    start = datetime.combine(day, time.min, tzinfo=UTC)
    end = start + timedelta(days=1)
    people = select(User.id, User.username, User.full_name).where(User.active.is_(True))
    if username:
        people = people.where(User.username == username)
    else:
        people = people.where(User.role == Role.PICKER.value)
    tallies = {uid: _Tally(name, full) for uid, name, full in session.execute(people)}
    if username and not tallies:
        raise NotFoundError(f"No person {username}.", code="unknown-user")
    lines = session.execute(
        select(DocumentLine.done_by_id, DocumentLine.document_id, DocumentLine.done_quantity,
               DocumentLine.status, DocumentLine.done_at)
        .join(Document, Document.id == DocumentLine.document_id)
        .where(Document.kind == DocKind.PICK.value, DocumentLine.done_by_id.in_(list(tallies)),
               DocumentLine.done_at >= start, DocumentLine.done_at < end)
    )
    for uid, doc_id, done, status, at in lines:
        assert uid is not None and at is not None  # the WHERE clause leaves no NULL here
        tallies[uid].add(doc_id, int(done or 0), status, as_utc(at))
    return [t.row(day) for t in sorted(tallies.values(), key=lambda t: t.username)]


def qc_failures_by_supplier(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    supplier: str | None = None,
    goods: ReportFilter | None = None,
) -> list[dict[str, object]]:
    """QC inspections per supplier in the period: how many, how many failed, which lots; with
    ``goods``, only the inspections of lots holding such goods (category, metal, colour,
    purity), of its lot, and of lots with pieces under its location (its period and supplier
    are not used: pass ``since``, ``until`` and ``supplier``)."""
    stmt = (
        select(Supplier.code, Supplier.name, Lot.code, Document.reason)
        .join(Lot, Lot.id == Document.lot_id)
        .join(Supplier, Supplier.id == Lot.supplier_id)
        .where(Document.kind == DocKind.QC.value)
        .order_by(Supplier.code, Document.id)
    )
    if since is not None:
        stmt = stmt.where(Document.created_at >= since)
    if until is not None:
        stmt = stmt.where(Document.created_at < until)
    if supplier:
        stmt = stmt.where(or_(Supplier.code == supplier.upper(), Supplier.name == supplier))
    if goods is not None:
        if goods.lot:
            stmt = stmt.where(Lot.code == goods.lot.upper())
        if goods.goods or goods.location:
            pieces = goods.skus(Serial.sku_id, select(Serial.lot_id))
            stmt = stmt.where(Lot.id.in_(goods.locations(pieces, Serial.location_id)))
    names: dict[str, str] = {}
    inspections: dict[str, int] = defaultdict(int)
    failed: dict[str, list[str]] = defaultdict(list)
    for code, name, lot, result in session.execute(stmt):
        names[code] = name
        inspections[code] += 1
        if result == "fail":
            failed[code].append(lot)
    rows: list[dict[str, object]] = [
        {"supplier": code, "name": names[code], "inspections": inspections[code],
         "failed": len(failed[code]), "fail_rate": round(len(failed[code]) / inspections[code], 3),
         "failed_lots": failed[code]}
        for code in sorted(names, key=lambda c: (-len(failed[c]), c))
    ]
    return rows

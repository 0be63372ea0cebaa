"""Purchase order verbs: order from a supplier, open, cancel, receive against, read and list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import uuid4

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from core.audit import service as audit
from core.catalogue.models import Sku
from core.clock import now
from core.db import pairs
from core.documents.models import Document, DocumentLine
from core.errors import ConflictError, NotFoundError, ValidationFailed
from core.lots.models import Supplier
from core.people.models import User
from core.people.security import Actor
from core.purchasing.models import ON_ORDER, POStatus, PurchaseOrder, PurchaseOrderLine
from core.purchasing.schemas import (
    PurchaseOrderCreate,
    PurchaseOrderLineRead,
    PurchaseOrderRead,
)
from core.purchasing.suppliers import active_supplier

__all__ = [
    "ReceiptMatch",
    "cancel_purchase_order",
    "create_purchase_order",
    "get_purchase_order",
    "list_purchase_orders",
    "on_order",
    "open_purchase_order",
    "purchase_order_read",
    "purchase_order_reads",
    "receive_against",
]


def create_purchase_order(
    session: Session, *, actor: Actor, data: PurchaseOrderCreate
) -> PurchaseOrder:
    """Order SKUs from a supplier; the order is open (on order) unless asked for as a draft."""
    supplier = active_supplier(session, data.supplier)
    codes = [ln.sku for ln in data.lines]
    if len(set(codes)) != len(codes):
        twice = next(c for c in codes if codes.count(c) > 1)
        raise ValidationFailed(f"{twice} is on two lines; order it on one.", code="duplicate-sku")
    skus = pairs(session, select(Sku.code, Sku.id).where(Sku.code.in_(codes)))
    if missing := [c for c in codes if c not in skus]:
        raise NotFoundError(f"No SKU with code '{missing[0]}'.", code="unknown-sku")
    po = PurchaseOrder(
        number=f"TMP-{uuid4().hex[:20]}",
        supplier_id=supplier.id,
        reference=data.reference,
        status=data.status,
        expected_on=data.expected_on,
        note=data.note,
        created_by_id=actor.id,
    )
    session.add(po)
    session.flush()
    po.number = f"PO-{po.id:06d}"
    session.add_all(
        PurchaseOrderLine(
            purchase_order_id=po.id,
            line_no=no,
            sku_id=skus[ln.sku],
            quantity=ln.quantity,
            unit_cost=ln.unit_cost,
        )
        for no, ln in enumerate(data.lines, start=1)
    )
    session.flush()
    session.refresh(po, ["lines"])
    audit.record(
        session,
        actor=actor.username,
        action="purchase_order.create",
        entity=po.number,
        detail={"purchase_order_id": po.id, **data.model_dump(mode="json")},
    )
    return po


def get_purchase_order(session: Session, *, number: str) -> PurchaseOrder:
    """A purchase order with its lines; NotFoundError ``unknown-purchase-order`` otherwise."""
    po = session.scalar(
        select(PurchaseOrder)
        .where(PurchaseOrder.number == number.strip().upper())
        .options(selectinload(PurchaseOrder.lines))
    )
    if po is None:
        raise NotFoundError(
            f"No purchase order numbered '{number}'.", code="unknown-purchase-order"
        )
    return po


def _lock(session: Session, number: str) -> PurchaseOrder:
    """The order, row-locked until commit on PostgreSQL, with its lines read afresh."""
    po = session.scalar(
        select(PurchaseOrder)
        .where(PurchaseOrder.number == number.strip().upper())
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if po is None:
        raise NotFoundError(
            f"No purchase order numbered '{number}'.", code="unknown-purchase-order"
        )
    session.refresh(po, ["lines"])
    return po


def _set_status(
    session: Session, po: PurchaseOrder, *, status: POStatus, actor: Actor, detail: dict[str, Any]
) -> None:
    po.status = status
    if status in (POStatus.RECEIVED, POStatus.CANCELLED):
        po.closed_at = now()
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action=f"purchase_order.{status}",
        entity=po.number,
        detail={"purchase_order_id": po.id, **detail},
    )


def open_purchase_order(session: Session, *, actor: Actor, number: str) -> PurchaseOrder:
    """Send a draft to the supplier: from now on its quantities are on order."""
    po = _lock(session, number)
    if po.status != POStatus.DRAFT:
        raise ConflictError(
            f"{po.number} is {po.status}; only a draft can be opened.", code="po-not-draft"
        )
    _set_status(session, po, status=POStatus.OPEN, actor=actor, detail={})
    return po


def cancel_purchase_order(
    session: Session, *, actor: Actor, number: str, reason: str = ""
) -> PurchaseOrder:
    """Cancel an order; what was received stays received, the rest is no longer on order."""
    po = _lock(session, number)
    if po.status not in (POStatus.DRAFT, *ON_ORDER):
        raise ConflictError(
            f"{po.number} is {po.status} and cannot be cancelled.", code="po-closed"
        )
    _set_status(
        session,
        po,
        status=POStatus.CANCELLED,
        actor=actor,
        detail={"reason": reason, "was": po.status},
    )
    return po


@dataclass(frozen=True)
class ReceiptMatch:
    """A receipt line to count against a purchase order: its SKU, quantity and PO line."""

    sku: str
    quantity: int
    po_line: int | None = None


def _match_lines(
    session: Session, po: PurchaseOrder, lines: Sequence[ReceiptMatch]
) -> list[PurchaseOrderLine]:
    codes = pairs(
        session, select(Sku.id, Sku.code).where(Sku.id.in_([ln.sku_id for ln in po.lines]))
    )
    by_no = {ln.line_no: ln for ln in po.lines}
    by_sku = {codes[ln.sku_id]: ln for ln in po.lines}
    matched = []
    for no, want in enumerate(lines, start=1):
        if want.po_line is None:
            line = by_sku.get(want.sku)
            if line is None:
                raise ValidationFailed(
                    f"Line {no}: {want.sku} is not on {po.number}.", code="not-on-purchase-order"
                )
        else:
            line = by_no.get(want.po_line)
            if line is None:
                raise ValidationFailed(
                    f"Line {no}: {po.number} has no line {want.po_line}.", code="unknown-po-line"
                )
            if codes[line.sku_id] != want.sku:
                raise ValidationFailed(
                    f"Line {no}: line {want.po_line} of {po.number} orders "
                    f"{codes[line.sku_id]}, not {want.sku}.",
                    code="po-line-sku",
                )
        matched.append(line)
    return matched


def receive_against(
    session: Session,
    *,
    actor: Actor,
    number: str,
    supplier_id: int,
    receipt: str,
    lines: Sequence[ReceiptMatch],
) -> list[int]:
    """Count a receipt's lines against purchase order ``number``: received quantities grow and
    the order becomes partly received or received. Returns the PO line id of each line.

    Receiving more than is still on order is refused (``over-receipt``): the extra pieces are
    received on a receipt that names no order, so the order's figures stay what was agreed.
    """
    po = _lock(session, number)
    if po.supplier_id != supplier_id:
        raise ConflictError(f"{po.number} is an order to another supplier.", code="po-supplier")
    if po.status not in ON_ORDER:
        raise ConflictError(
            f"{po.number} is {po.status}; receive against open orders only.", code="po-not-open"
        )
    matched = _match_lines(session, po, lines)
    arriving: Counter[int] = Counter()
    for line, want in zip(matched, lines, strict=True):
        arriving[line.id] += want.quantity
    for line in po.lines:
        if line.received_quantity + arriving[line.id] > line.quantity:
            left = line.quantity - line.received_quantity
            raise ConflictError(
                f"Line {line.line_no} of {po.number} has {left} left on order; "
                f"{arriving[line.id]} arriving is too many.",
                code="over-receipt",
            )
    for line in po.lines:
        line.received_quantity += arriving[line.id]
    done = all(ln.received_quantity >= ln.quantity for ln in po.lines)
    _set_status(
        session,
        po,
        status=POStatus.RECEIVED if done else POStatus.PARTLY_RECEIVED,
        actor=actor,
        detail={
            "receipt": receipt,
            "received": {
                str(line.line_no): arriving[line.id] for line in po.lines if arriving[line.id]
            },
        },
    )
    return [line.id for line in matched]


def on_order(session: Session, *, sku_ids: Sequence[int] | None = None) -> dict[int, int]:
    """Pieces on order per SKU id: ordered minus received on open and partly received orders."""
    stmt = (
        select(
            PurchaseOrderLine.sku_id,
            func.sum(PurchaseOrderLine.quantity - PurchaseOrderLine.received_quantity),
        )
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(PurchaseOrder.status.in_([str(s) for s in ON_ORDER]))
        .group_by(PurchaseOrderLine.sku_id)
    )
    if sku_ids is not None:
        stmt = stmt.where(PurchaseOrderLine.sku_id.in_(sku_ids))
    return {int(k): int(v) for k, v in session.execute(stmt) if v}


def list_purchase_orders(
    session: Session,
    *,
    status: str | None = None,
    supplier: str | None = None,
    sku: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[PurchaseOrder], int]:
    """A page of purchase orders, newest first, filtered by status, supplier and SKU."""
    stmt = select(PurchaseOrder)
    if status:
        stmt = stmt.where(PurchaseOrder.status == status)
    if supplier:
        stmt = stmt.where(
            PurchaseOrder.supplier_id.in_(
                select(Supplier.id).where(Supplier.code == supplier.upper())
            )
        )
    if sku:
        stmt = stmt.where(
            PurchaseOrder.id.in_(
                select(PurchaseOrderLine.purchase_order_id)
                .join(Sku, Sku.id == PurchaseOrderLine.sku_id)
                .where(Sku.code == sku)
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = stmt.order_by(PurchaseOrder.created_at.desc(), PurchaseOrder.id.desc())
    items = session.scalars(
        page.limit(limit).offset(offset).options(selectinload(PurchaseOrder.lines))
    ).all()
    return list(items), total


def _receipts(session: Session, po_ids: set[int]) -> dict[int, list[str]]:
    stmt = (
        select(PurchaseOrderLine.purchase_order_id, Document.number)
        .distinct()
        .join(DocumentLine, DocumentLine.purchase_line_id == PurchaseOrderLine.id)
        .join(Document, Document.id == DocumentLine.document_id)
        .where(PurchaseOrderLine.purchase_order_id.in_(po_ids))
        .order_by(Document.number)
    )
    out: dict[int, list[str]] = {i: [] for i in po_ids}
    for po_id, number in session.execute(stmt):
        out[po_id].append(number)
    return out


def _line_read(ln: PurchaseOrderLine, sku: str, open_: bool) -> PurchaseOrderLineRead:
    return PurchaseOrderLineRead(
        id=ln.id,
        line_no=ln.line_no,
        sku=sku,
        quantity=ln.quantity,
        received_quantity=ln.received_quantity,
        unit_cost=ln.unit_cost,
        on_order=max(0, ln.quantity - ln.received_quantity) if open_ else 0,
    )


def purchase_order_reads(
    session: Session, orders: Sequence[PurchaseOrder]
) -> list[PurchaseOrderRead]:
    """API views of purchase orders, with codes and names looked up in one go each."""
    lines = [ln for po in orders for ln in po.lines]
    skus = pairs(session, select(Sku.id, Sku.code).where(Sku.id.in_({ln.sku_id for ln in lines})))
    suppliers = pairs(
        session,
        select(Supplier.id, Supplier.code).where(
            Supplier.id.in_({po.supplier_id for po in orders})
        ),
    )
    users = pairs(
        session,
        select(User.id, User.username).where(User.id.in_({po.created_by_id for po in orders})),
    )
    receipts = _receipts(session, {po.id for po in orders})
    return [
        PurchaseOrderRead(
            id=po.id,
            number=po.number,
            supplier=suppliers[po.supplier_id],
            status=po.status,
            reference=po.reference,
            expected_on=po.expected_on,
            note=po.note,
            created_by=users.get(po.created_by_id, "?"),
            created_at=po.created_at,
            closed_at=po.closed_at,
            receipts=receipts[po.id],
            total_cost=sum((ln.quantity * ln.unit_cost for ln in po.lines), start=Decimal(0)),
            lines=[_line_read(ln, skus[ln.sku_id], po.status in ON_ORDER) for ln in po.lines],
        )
        for po in orders
    ]


def purchase_order_read(session: Session, po: PurchaseOrder) -> PurchaseOrderRead:
    """The API view of one purchase order."""
    return purchase_order_reads(session, [po])[0]

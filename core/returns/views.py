"""Reading returns: the API views of customer returns and returns to suppliers, and lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.documents.models import DocKind, Document
from core.errors import NotFoundError
from core.locations.models import Location
from core.lots.models import Lot, Supplier
from core.orders.models import OrderLine, SalesOrder
from core.people.models import User
from core.returns.customer import serial_codes, with_lines
from core.returns.schemas import (
    ReturnLineRead,
    ReturnRead,
    ReturnStep,
    SupplierReturnLine,
    SupplierReturnRead,
)

__all__ = [
    "get_return",
    "list_returns",
    "return_reads",
    "supplier_return_reads",
]


def _codes(session: Session, docs: Sequence[Document]) -> dict[str, dict[int, str]]:
    lines = [ln for d in docs for ln in d.lines]

    def pairs(stmt: Any) -> dict[int, str]:
        return dict(session.execute(stmt).all())

    loc_ids = {i for ln in lines for i in (ln.from_location_id, ln.to_location_id) if i}
    return {
        "sku": pairs(select(Sku.id, Sku.code).where(Sku.id.in_({ln.sku_id for ln in lines}))),
        "lot": pairs(
            select(Lot.id, Lot.code).where(
                Lot.id.in_(
                    {ln.lot_id for ln in lines if ln.lot_id} | {d.lot_id for d in docs if d.lot_id}
                )
            )
        ),
        "loc": pairs(select(Location.id, Location.code).where(Location.id.in_(loc_ids))),
        "user": pairs(
            select(User.id, User.username).where(User.id.in_({d.created_by_id for d in docs}))
        ),
        "serial": serial_codes(
            session, {s for ln in lines for s in (ln.data or {}).get("serials", [])}
        ),
        "order_line": pairs(
            select(OrderLine.id, OrderLine.line_no).where(
                OrderLine.id.in_({ln.order_line_id for ln in lines if ln.order_line_id})
            )
        ),
    }


def _step(raw: dict[str, Any]) -> ReturnStep:
    return ReturnStep(
        disposition=raw["disposition"],
        quantity=raw["quantity"],
        serial=raw.get("serial"),
        location=raw.get("location"),
        note=raw.get("note", ""),
        by=raw.get("by", "?"),
        at=datetime.fromisoformat(raw["at"]),
    )


def return_reads(
    session: Session, docs: Sequence[Document], *, customers: bool
) -> list[ReturnRead]:
    """API views of customer returns (the customer null unless ``customers``)."""
    codes = _codes(session, docs)
    orders = {
        o.id: o
        for o in session.scalars(
            select(SalesOrder).where(SalesOrder.id.in_({d.order_id for d in docs if d.order_id}))
        )
    }
    out = []
    for d in docs:
        order = orders[d.order_id or 0]
        out.append(
            ReturnRead(
                number=d.number,
                status=d.status,
                order_id=order.id,
                order=order.external_id,
                channel=order.channel,
                customer=order.customer_name if customers else None,
                reason=d.reason,
                refund_ref=d.reference or order.refund_ref,  # the channel's, until one is set
                note=d.note,
                created_by=codes["user"].get(d.created_by_id, "?"),
                created_at=d.created_at,
                closed_at=d.closed_at if d.status == "done" else None,
                location=(d.data or {}).get("location"),
                lines=[
                    ReturnLineRead(
                        line_no=ln.line_no,
                        order_line_no=codes["order_line"].get(ln.order_line_id or 0, 0),
                        sku=codes["sku"][ln.sku_id],
                        lot=codes["lot"].get(ln.lot_id or 0),
                        quantity=ln.quantity,
                        inspected=ln.done_quantity,
                        serials=[codes["serial"][s] for s in (ln.data or {}).get("serials", [])],
                        location=codes["loc"].get(ln.to_location_id or 0),
                        status=ln.status,
                        steps=[_step(s) for s in (ln.data or {}).get("steps", [])],
                    )
                    for ln in d.lines
                ],
            )
        )
    return out


def supplier_return_reads(session: Session, docs: Sequence[Document]) -> list[SupplierReturnRead]:
    """API views of returns to suppliers."""
    codes = _codes(session, docs)
    lots = {
        lot.id: lot
        for lot in session.scalars(
            select(Lot).where(Lot.id.in_({d.lot_id for d in docs if d.lot_id}))
        )
    }
    suppliers = {
        s.id: s.code
        for s in session.scalars(
            select(Supplier).where(Supplier.id.in_({lot.supplier_id for lot in lots.values()}))
        )
    }
    return [
        SupplierReturnRead(
            number=d.number,
            status=d.status,
            lot=lots[d.lot_id or 0].code,
            supplier=suppliers[lots[d.lot_id or 0].supplier_id],
            reason=d.reason,
            supplier_rma=d.reference,
            note=d.note,
            created_by=codes["user"].get(d.created_by_id, "?"),
            created_at=d.created_at,
            quantity=sum(ln.quantity for ln in d.lines),
            lines=[
                SupplierReturnLine(
                    line_no=ln.line_no,
                    sku=codes["sku"][ln.sku_id],
                    from_location=codes["loc"].get(ln.from_location_id or 0),
                    quantity=ln.quantity,
                    serials=[codes["serial"][s] for s in (ln.data or {}).get("serials", [])],
                )
                for ln in d.lines
            ],
        )
        for d in docs
    ]


def get_return(session: Session, *, number: str, kind: DocKind) -> Document:
    """The return ``number`` of ``kind`` with its lines; NotFoundError ``unknown-return``."""
    found = with_lines(
        session,
        select(Document).where(Document.number == number.strip().upper(), Document.kind == kind),
    )
    if not found:
        raise NotFoundError(f"No return numbered '{number}'.", code="unknown-return")
    return found[0]


def list_returns(
    session: Session,
    *,
    kind: DocKind,
    status: str | None = None,
    order_id: int | None = None,
    search: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Document], int]:
    """A page of returns of ``kind``, newest first, and the total.

    ``search`` finds the return's number, reference (refund or RMA) or order number (customer
    returns) or lot code (returns to suppliers), in any case; never the customer.
    """
    stmt = select(Document).where(Document.kind == kind)
    if status:
        stmt = stmt.where(Document.status == status)
    if order_id:
        stmt = stmt.where(Document.order_id == order_id)
    if search:
        escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        orders = select(SalesOrder.id).where(
            func.lower(SalesOrder.external_id).like(pattern, escape="\\")
        )
        lots = select(Lot.id).where(func.lower(Lot.code).like(pattern, escape="\\"))
        stmt = stmt.where(
            or_(
                func.lower(Document.number).like(pattern, escape="\\"),
                func.lower(Document.reference).like(pattern, escape="\\"),
                Document.order_id.in_(orders),
                Document.lot_id.in_(lots),
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    docs = with_lines(session, stmt.order_by(Document.id.desc()).limit(limit).offset(offset))
    return docs, total

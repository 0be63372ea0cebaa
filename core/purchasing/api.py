"""Purchase orders and suppliers over HTTP (thin routes); receipts name orders on
``POST /api/receipts``; suppliers are listed and added under ``/api/suppliers`` (core.lots)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from core.api_deps import Page, Writer, allow, page, read_session, writer
from core.fields import Lookup
from core.lots.schemas import SupplierRead
from core.lots.service import supplier_by_code
from core.people.security import Actor
from core.purchasing import service, suppliers
from core.purchasing.schemas import (
    PurchaseOrderCancel,
    PurchaseOrderCreate,
    PurchaseOrderPage,
    PurchaseOrderRead,
    SupplierUpdate,
)

router = APIRouter(tags=["purchasing"])
Reader = Annotated[Actor, Depends(allow("purchase:read"))]
DB = Annotated[Session, Depends(read_session)]
Buyer = Annotated[Writer, Depends(writer("purchase:write"))]
Paging = Annotated[Page, Depends(page)]


@router.post("/purchase-orders", response_model=PurchaseOrderRead, status_code=201)
def create(body: PurchaseOrderCreate, w: Buyer) -> object:
    """Order SKUs from a supplier (open at once, or a draft to open later)."""
    return w.run(
        lambda s: service.purchase_order_read(
            s, service.create_purchase_order(s, actor=w.actor, data=body)
        ),
        status_code=201,
    )


@router.get("/purchase-orders", response_model=PurchaseOrderPage)
def list_purchase_orders(
    _: Reader,
    session: DB,
    p: Paging,
    status: Lookup | None = None,
    supplier: Lookup | None = None,
    sku: Lookup | None = None,
) -> PurchaseOrderPage:
    """Purchase orders, newest first, filtered by status, supplier code and SKU code."""
    items, total = service.list_purchase_orders(
        session, status=status, supplier=supplier, sku=sku, limit=p.limit, offset=p.offset
    )
    return PurchaseOrderPage(items=service.purchase_order_reads(session, items), total=total)


@router.get("/purchase-orders/{number}", response_model=PurchaseOrderRead)
def get(number: Lookup, _: Reader, session: DB) -> PurchaseOrderRead:
    """One purchase order with its lines and receipts."""
    return service.purchase_order_read(session, service.get_purchase_order(session, number=number))


@router.post("/purchase-orders/{number}/open", response_model=PurchaseOrderRead)
def open_order(number: Lookup, w: Buyer) -> object:
    """Open a draft: its quantities count as on order from now on."""
    return w.run(
        lambda s: service.purchase_order_read(
            s, service.open_purchase_order(s, actor=w.actor, number=number)
        )
    )


@router.post("/purchase-orders/{number}/cancel", response_model=PurchaseOrderRead)
def cancel(number: Lookup, w: Buyer, body: PurchaseOrderCancel | None = None) -> object:
    """Cancel the order: what is still on order no longer counts; receipts stay."""
    reason = body.reason if body else ""
    return w.run(
        lambda s: service.purchase_order_read(
            s, service.cancel_purchase_order(s, actor=w.actor, number=number, reason=reason)
        )
    )


@router.get("/suppliers/{code}", response_model=SupplierRead)
def get_supplier(code: Lookup, _: Reader, session: DB) -> SupplierRead:
    """One supplier (its orders: ``/purchase-orders?supplier=``; its lots: ``/lots?supplier=``)."""
    return SupplierRead.model_validate(supplier_by_code(session, code))


@router.patch("/suppliers/{code}", response_model=SupplierRead)
def update_supplier(code: Lookup, body: SupplierUpdate, w: Buyer) -> object:
    """Change a supplier's name, country or contact, or retire it (``active: false``)."""
    return w.run(
        lambda s: SupplierRead.model_validate(
            suppliers.update_supplier(s, actor=w.actor, code=code, data=body)
        )
    )

"""Customer returns and returns to suppliers over HTTP (thin routes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from core.api_deps import Page, Writer, allow, page, read_session, writer
from core.documents.models import DocKind, Document
from core.fields import DbId, Lookup
from core.people.permissions import allowed
from core.people.security import Actor
from core.returns import customer, supplier, views
from core.returns.schemas import (
    CustomerReturnCreate,
    ReturnInspect,
    ReturnPage,
    ReturnRead,
    ReturnReceive,
    ReturnRefund,
    SupplierReturnCreate,
    SupplierReturnPage,
    SupplierReturnRead,
    SupplierReturnReference,
)

router = APIRouter(tags=["returns"])
Reader = Annotated[Actor, Depends(allow("read"))]
DB = Annotated[Session, Depends(read_session)]
Returns = Annotated[Writer, Depends(writer("returns:write"))]
Paging = Annotated[Page, Depends(page)]
CUSTOMER, SUPPLIER = DocKind.CUSTOMER_RETURN, DocKind.SUPPLIER_RETURN


def _one(session: Session, doc: Document, actor: Actor) -> ReturnRead:
    return views.return_reads(session, [doc], customers=allowed(actor, "customers:read"))[0]


@router.post("/returns", response_model=ReturnRead, status_code=201)
def open_return(body: CustomerReturnCreate, w: Returns) -> object:
    """Open a customer's return against a shipped order: pieces by serial (which must have
    shipped on the order) or quantities per order line (no more than shipped and not yet
    returned), with the reason and the refund reference (the order's, from its channel, when
    none is given)."""
    return w.run(
        lambda s: _one(s, customer.open_return(s, actor=w.actor, data=body), w.actor),
        status_code=201,
    )


@router.get("/returns", response_model=ReturnPage)
def list_returns(
    actor: Reader,
    session: DB,
    p: Paging,
    status: Lookup | None = None,
    order_id: DbId | None = None,
    q: Lookup | None = None,
) -> ReturnPage:
    """Customer returns, newest first, filtered by status and order, and ``q`` in the return's
    number, refund reference or order number (customers null without ``customers:read``)."""
    docs, total = views.list_returns(
        session,
        kind=CUSTOMER,
        status=status,
        order_id=order_id,
        search=q,
        limit=p.limit,
        offset=p.offset,
    )
    return ReturnPage(
        items=views.return_reads(session, docs, customers=allowed(actor, "customers:read")),
        total=total,
    )


@router.get("/returns/{number}", response_model=ReturnRead)
def get_return(number: Lookup, actor: Reader, session: DB) -> ReturnRead:
    """One customer return with its lines, pieces and inspection decisions."""
    return _one(session, views.get_return(session, number=number, kind=CUSTOMER), actor)


@router.post("/returns/{number}/receive", response_model=ReturnRead)
def receive(number: Lookup, w: Returns, body: ReturnReceive | None = None) -> object:
    """Receive the goods from the customer into a quarantine bin (or the dock bin named)."""
    data = body or ReturnReceive()
    return w.run(
        lambda s: _one(
            s, customer.receive_return(s, actor=w.actor, number=number, location=data.location,
                                       weights=data.weights), w.actor
        )
    )


@router.post("/returns/{number}/inspect", response_model=ReturnRead)
def inspect(number: Lookup, body: ReturnInspect, w: Returns) -> object:
    """Decide what becomes of received pieces: ``stock`` (to the bin named), ``quarantine``,
    ``repair`` (a quarantine bin) or ``scrap``; each decision is a stock move."""
    return w.run(
        lambda s: _one(
            s, customer.inspect_return(s, actor=w.actor, number=number, items=body.items), w.actor
        )
    )


@router.post("/returns/{number}/refund", response_model=ReturnRead)
def refund(number: Lookup, body: ReturnRefund, w: Returns) -> object:
    """Set or change the return's refund reference."""
    return w.run(
        lambda s: _one(
            s,
            customer.set_refund_ref(s, actor=w.actor, number=number, refund_ref=body.refund_ref),
            w.actor,
        )
    )


@router.post("/supplier-returns", response_model=SupplierReturnRead, status_code=201)
def create_supplier_return(body: SupplierReturnCreate, w: Returns) -> object:
    """Send goods of one lot back to its supplier (pieces, quantities per bin, or the whole
    lot's free stock), with the reason and the supplier's RMA reference."""
    return w.run(
        lambda s: views.supplier_return_reads(
            s, [supplier.create_supplier_return(s, actor=w.actor, data=body)]
        )[0],
        status_code=201,
    )


@router.get("/supplier-returns", response_model=SupplierReturnPage)
def list_supplier_returns(
    _: Reader, session: DB, p: Paging, q: Lookup | None = None
) -> SupplierReturnPage:
    """Returns to suppliers, newest first; ``q`` in the number, RMA reference or lot code."""
    docs, total = views.list_returns(
        session, kind=SUPPLIER, search=q, limit=p.limit, offset=p.offset
    )
    return SupplierReturnPage(items=views.supplier_return_reads(session, docs), total=total)


@router.get("/supplier-returns/{number}", response_model=SupplierReturnRead)
def get_supplier_return(number: Lookup, _: Reader, session: DB) -> SupplierReturnRead:
    """One return to a supplier."""
    doc = views.get_return(session, number=number, kind=SUPPLIER)
    return views.supplier_return_reads(session, [doc])[0]


@router.post("/supplier-returns/{number}/reference", response_model=SupplierReturnRead)
def set_reference(number: Lookup, body: SupplierReturnReference, w: Returns) -> object:
    """Set or change the supplier's RMA reference."""
    return w.run(
        lambda s: views.supplier_return_reads(
            s,
            [
                supplier.set_supplier_rma(
                    s, actor=w.actor, number=number, supplier_rma=body.supplier_rma
                )
            ],
        )[0]
    )

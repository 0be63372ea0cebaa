"""Memo, consignment and repair custody over HTTP (thin routes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy.orm import Session

from core.api_deps import Page, Writer, allow, page, read_session, writer
from core.custody import consignment, partners, service, views
from core.custody.models import CustodyDoc
from core.custody.schemas import (
    BackIn,
    ConsignmentIn,
    CustodyOut,
    CustodyPage,
    CustodyRead,
    OverdueRead,
    PartnerCreate,
    PartnerRead,
    PartnerValue,
    PurchaseIn,
    SaleIn,
    SendBackIn,
    Valuation,
)
from core.documents.models import Document
from core.fields import Lookup, SaneDate
from core.people.security import Actor

router = APIRouter(tags=["custody"])
Reader = Annotated[Actor, Depends(allow("read"))]
Finance = Annotated[Actor, Depends(allow("finance:read"))]
DB = Annotated[Session, Depends(read_session)]
Custody = Annotated[Writer, Depends(writer("transfer:write"))]
Receiving = Annotated[Writer, Depends(writer("receipt:write"))]
Selling = Annotated[Writer, Depends(writer("ship:write"))]
Buying = Annotated[Writer, Depends(writer("purchase:write"))]
Paging = Annotated[Page, Depends(page)]


class OverdueList(BaseModel):
    """Overdue custody documents."""

    items: list[OverdueRead]


class PartnerValues(BaseModel):
    """Value out per partner."""

    items: list[PartnerValue]


class PartnerList(BaseModel):
    """Every custody partner."""

    items: list[PartnerRead]


def _one(session: Session, number: str) -> CustodyRead:
    return views.custody_reads(session, [service.get_custody(session, number)])[0]


def _by_doc(session: Session, custody: CustodyDoc) -> CustodyRead:
    doc = session.get(Document, custody.document_id)
    assert doc is not None
    return views.custody_reads(session, [(doc, custody)])[0]


@router.post("/custody/partners", response_model=PartnerRead, status_code=201)
def create_partner(body: PartnerCreate, w: Custody) -> object:
    """A customer, shop, supplier (naming its supplier code), repairer or assay lab; its
    custody location ``CUST-<code>`` is made with it."""
    return w.run(lambda s: partners.partner_read(
        s, partners.create_partner(s, actor=w.actor, data=body)), status_code=201)


@router.get("/custody/partners", response_model=PartnerList)
def list_partners(_: Reader, session: DB) -> PartnerList:
    """Every custody partner by code."""
    return PartnerList(items=[partners.partner_read(session, p)
                              for p in partners.list_partners(session)])


@router.post("/custody/out", response_model=CustodyRead, status_code=201)
def hand_out(body: CustodyOut, w: Custody) -> object:
    """Pieces out on memo (to a customer or shop), to a repairer or an assay lab, due back on
    ``due_on``: each must be free in a stock bin; with ``pieces`` each is weighed as it is
    handed over. All go or none."""
    return w.run(lambda s: _by_doc(s, service.hand_out(s, actor=w.actor, data=body)),
                 status_code=201)


@router.post("/custody/consignments", response_model=CustodyRead, status_code=201)
def receive_consignment(body: ConsignmentIn, w: Receiving) -> object:
    """New pieces in on consignment from a supplier partner into a bin: the supplier's until
    bought."""
    return w.run(lambda s: _by_doc(s, consignment.receive_consignment(s, actor=w.actor,
                                                                       data=body)),
                 status_code=201)


@router.get("/custody/overdue", response_model=OverdueList)
def overdue(_: Reader, session: DB, on: SaneDate | None = None) -> OverdueList:
    """Open custody documents past their due-back date with pieces still out (``on``: the day
    to judge by, today by default)."""
    return OverdueList(items=views.overdue(session, on=on))


@router.post("/custody/check-overdue", response_model=OverdueList)
def check_overdue(w: Custody) -> object:
    """Raise an alert for each overdue document not yet alerted today (what the daily
    ``facet custody check-overdue`` does)."""
    return w.run(lambda s: OverdueList(items=views.check_overdue(s)))


@router.get("/custody/value-by-partner", response_model=PartnerValues)
def value_by_partner(_: Reader, session: DB, kind: Lookup | None = None) -> PartnerValues:
    """Per partner, the pieces out with it (or consigned by it) and their value at cost."""
    return PartnerValues(items=views.value_by_partner(session, kind=kind or None))


@router.get("/custody/valuation", response_model=Valuation)
def valuation(_: Finance, session: DB) -> Valuation:
    """Stock at cost: owned in the warehouse, out on memo, out for repair/assay, and consigned
    pieces (not owned) apart."""
    return views.valuation(session)


@router.get("/custody", response_model=CustodyPage)
def list_custody(
    _: Reader, session: DB, p: Paging, kind: Lookup | None = None,
    status: Lookup | None = None, partner: Lookup | None = None,
) -> CustodyPage:
    """Custody documents, newest first, by kind, status and partner."""
    rows, total = views.list_custody(session, kind=kind, status=status, partner=partner,
                                     limit=p.limit, offset=p.offset)
    return CustodyPage(items=views.custody_reads(session, rows), total=total)


@router.get("/custody/{number}", response_model=CustodyRead)
def get_custody(number: Lookup, _: Reader, session: DB) -> CustodyRead:
    """One custody document with its pieces."""
    return _one(session, number)


@router.post("/custody/{number}/back", response_model=CustodyRead)
def take_back(number: Lookup, body: BackIn, w: Custody) -> object:
    """Pieces back to a bin, each weighed: one light or heavy goes to quarantine on hold (and
    raises a security alert); the others to the bin named."""
    return w.run(lambda s: _by_doc(s, service.take_back(s, actor=w.actor, number=number,
                                                        data=body)))


@router.post("/custody/{number}/sell", response_model=CustodyRead)
def sell(number: Lookup, body: SaleIn, w: Selling) -> object:
    """Memo pieces the partner keeps: sold, under a shipment document finance books."""
    def run(s: Session) -> CustodyRead:
        service.sell(s, actor=w.actor, number=number, data=body)
        return _one(s, number)
    return w.run(run)


@router.post("/custody/{number}/buy", response_model=CustodyRead)
def buy(number: Lookup, body: PurchaseIn, w: Buying) -> object:
    """Consigned pieces bought at the cost given: ours from now, on a receipt finance books
    (each piece's ``settled_by``)."""
    return w.run(lambda s: _by_doc(s, consignment.buy(s, actor=w.actor, number=number,
                                                      data=body)))


@router.post("/custody/{number}/send-back", response_model=CustodyRead)
def send_back(number: Lookup, body: SendBackIn, w: Receiving) -> object:
    """Consigned pieces sent back to the supplier unsold."""
    return w.run(lambda s: _by_doc(s, consignment.send_back(s, actor=w.actor, number=number,
                                                            data=body)))


__all__ = ["router"]

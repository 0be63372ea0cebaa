"""Suppliers and lots."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.api_deps import Page, Writer, allow, page, read_session, writer
from core.fields import Lookup, Text
from core.lots import service
from core.lots.models import Supplier
from core.lots.schemas import LotCreate, LotRead, LotUpdate, SupplierCreate, SupplierRead
from core.lots.service import lot_by_code
from core.people.security import Actor

router = APIRouter(tags=["lots"])
Reader = Annotated[Actor, Depends(allow("read"))]
DB = Annotated[Session, Depends(read_session)]
Lots = Annotated[Writer, Depends(writer("lots:write"))]


class LotPage(BaseModel):
    """A page of lots."""

    items: list[LotRead]
    total: int


class HoldBody(BaseModel):
    """Why a lot is held or released."""

    reason: Text = Field(min_length=1, max_length=256)


@router.get("/suppliers", response_model=list[SupplierRead])
def suppliers(_: Reader, session: DB) -> list[Supplier]:
    """All suppliers."""
    return list(session.scalars(select(Supplier).order_by(Supplier.code)))


@router.post("/suppliers", response_model=SupplierRead, status_code=201)
def add_supplier(body: SupplierCreate, w: Lots) -> object:
    """Add a supplier."""
    return w.run(
        lambda s: SupplierRead.model_validate(service.create_supplier(s, actor=w.actor, data=body)),
        status_code=201,
    )


@router.get("/lots", response_model=LotPage)
def list_lots(
    _: Reader,
    session: DB,
    p: Annotated[Page, Depends(page)],
    status: Lookup | None = None,
    supplier: Lookup | None = None,
) -> LotPage:
    """Lots, newest first."""
    items, total = service.list_lots(
        session, status=status, supplier=supplier, limit=p.limit, offset=p.offset
    )
    return LotPage(items=items, total=total)


@router.post("/lots", response_model=LotRead, status_code=201)
def add_lot(body: LotCreate, w: Lots) -> object:
    """Announce a lot before it arrives."""
    return w.run(
        lambda s: service.lot_read(s, service.create_lot(s, actor=w.actor, data=body)),
        status_code=201,
    )


@router.get("/lots/{code}", response_model=LotRead)
def get_lot(code: Lookup, _: Reader, session: DB) -> LotRead:
    """One lot."""
    return service.lot_read(session, lot_by_code(session, code))


@router.patch("/lots/{code}", response_model=LotRead)
def update_lot(code: Lookup, body: LotUpdate, w: Lots) -> object:
    """Change a lot's certificate or packaging details."""
    return w.run(
        lambda s: service.lot_read(s, service.update_lot(s, actor=w.actor, code=code, data=body))
    )


@router.post("/lots/{code}/hold", response_model=LotRead)
def hold(
    code: Lookup, body: HoldBody, w: Annotated[Writer, Depends(writer("qc:write"))]
) -> object:
    """Put an approved lot on hold (nothing of it can be picked)."""
    return w.run(
        lambda s: service.lot_read(
            s, service.set_hold(s, actor=w.actor, code=code, hold=True, reason=body.reason)
        )
    )


@router.post("/lots/{code}/release", response_model=LotRead)
def release(
    code: Lookup, body: HoldBody, w: Annotated[Writer, Depends(writer("qc:write"))]
) -> object:
    """Release a held lot whose QC passed."""
    return w.run(
        lambda s: service.lot_read(
            s, service.set_hold(s, actor=w.actor, code=code, hold=False, reason=body.reason)
        )
    )

"""Balances, the ledger, corrections and verification."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from core.api_deps import Page, Writer, allow, page, read_session, writer
from core.documents.corrections import reverse_moves
from core.documents.journal import MoveFilter, list_moves
from core.documents.schemas import DocumentRead
from core.documents.service import to_read
from core.fields import DbId, Lookup, Text
from core.ledger import service
from core.orders.integrity import verify_stock
from core.people.security import Actor
from core.trace.visibility import visibility_for

router = APIRouter(tags=["ledger"])
Reader = Annotated[Actor, Depends(allow("read"))]
DB = Annotated[Session, Depends(read_session)]


class ReverseBody(BaseModel):
    """Why moves are reversed."""

    reason: Text = Field(min_length=1, max_length=128)


@router.get("/stock")
def stock(
    actor: Reader,
    session: DB,
    p: Annotated[Page, Depends(page)],
    filters: Annotated[service.StockFilter, Depends()],
) -> dict[str, Any]:
    """Balances per SKU x location x lot, with filters (bins under the reader's live blind
    count left out)."""
    hidden = visibility_for(session, actor).hidden_bins
    rows, total = service.list_stock(session, filters=filters, limit=p.limit, offset=p.offset,
                                     hidden=hidden)
    return {"items": rows, "total": total, "limit": p.limit, "offset": p.offset}


@router.get("/stock/occupancy")
def stock_occupancy(actor: Reader, session: DB, prefix: Lookup | None = None) -> dict[str, Any]:
    """Units on hand per internal location (one row per bin holding stock), for the twin."""
    hidden = visibility_for(session, actor).hidden_bins
    rows = service.occupancy(session, location_prefix=prefix, hidden=hidden)
    return {"items": rows, "total": len(rows)}


@router.get("/moves")
def moves(
    actor: Reader,
    session: DB,
    p: Annotated[Page, Depends(page)],
    filters: Annotated[MoveFilter, Depends()],
) -> dict[str, Any]:
    """The ledger, newest first, with filters (``since`` <= at < ``until``, ISO timestamps)."""
    hidden = visibility_for(session, actor).hidden_bins
    rows, total = list_moves(session, filters=filters, limit=p.limit, offset=p.offset,
                             hidden=hidden)
    return {"items": rows, "total": total, "limit": p.limit, "offset": p.offset}


@router.post("/moves/{move_id}/reverse", response_model=DocumentRead, status_code=201)
def reverse(
    move_id: DbId, body: ReverseBody, w: Annotated[Writer, Depends(writer("correct:write"))]
) -> object:
    """Correct a move by posting its reverse (the original stays in the ledger)."""
    return w.run(
        lambda s: to_read(
            s, reverse_moves(s, actor=w.actor, move_ids=[move_id], reason=body.reason)
        ),
        status_code=201,
    )


@router.get("/ledger/verify")
def verify(_: Annotated[Actor, Depends(allow("audit:read"))], session: DB) -> dict[str, Any]:
    """Rebuild balances from the ledger and report any difference."""
    report = verify_stock(session)
    return {**asdict(report), "ok": report.ok}

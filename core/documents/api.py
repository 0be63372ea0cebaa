"""Receipts, QC, putaway, transfers and reading documents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from core.api_deps import Writer, allow, context_of, read_session, writer
from core.documents.api_stock import BLIND_ROLES
from core.documents.models import DocKind
from core.documents.schemas import (
    DocumentRead,
    PutawayCreate,
    QCCreate,
    ReceiptCreate,
    TransferCreate,
)
from core.documents.service import get_document, to_read
from core.errors import PermissionDenied
from core.fields import Lookup
from core.people.security import Actor
from core.purchasing import receiving
from core.trace.visibility import visibility_for

router = APIRouter(tags=["documents"])
Reader = Annotated[Actor, Depends(allow("read"))]
DB = Annotated[Session, Depends(read_session)]


@router.post("/receipts", response_model=DocumentRead, status_code=201)
def receive(body: ReceiptCreate, w: Annotated[Writer, Depends(writer("receipt:write"))]) -> object:
    """Receive goods from a supplier into quarantine (all lines or none)."""
    return w.run(
        lambda s: to_read(s, receiving.receive(s, actor=w.actor, data=body)), status_code=201
    )


@router.post("/qc", response_model=DocumentRead, status_code=201)
def inspect(body: QCCreate, w: Annotated[Writer, Depends(writer("qc:write"))]) -> object:
    """Record a QC inspection of a lot: pass approves it, fail holds it."""
    return w.run(
        lambda s: to_read(s, receiving.inspect_lot(s, actor=w.actor, data=body)), status_code=201
    )


@router.post("/putaways", response_model=DocumentRead, status_code=201)
def putaway(
    request: Request,
    body: PutawayCreate,
    w: Annotated[Writer, Depends(writer("putaway:write"))],
) -> object:
    """Put approved stock away; lines without to_location go where slotting suggests."""
    threshold = context_of(request.app).settings.vault_price_threshold
    return w.run(
        lambda s: to_read(
            s, receiving.putaway(s, actor=w.actor, data=body, vault_price_threshold=threshold)
        ),
        status_code=201,
    )


@router.post("/transfers", response_model=DocumentRead, status_code=201)
def transfer(
    body: TransferCreate, w: Annotated[Writer, Depends(writer("transfer:write"))]
) -> object:
    """Move stock between internal locations."""
    return w.run(
        lambda s: to_read(
            s,
            receiving.post_move_document(
                s, actor=w.actor, kind=DocKind.TRANSFER, lines=body.lines,
                reference=body.reference, weights=body.weights,
            ),
        ),
        status_code=201,
    )


@router.get("/documents/{number}", response_model=DocumentRead)
def document(number: Lookup, actor: Reader, session: DB) -> DocumentRead:
    """A document with its lines, as the reader may see it (`core.trace.visibility`): counts
    stay blind for the roles that count, lines into or out of a bin under the reader's live
    blind count are left out, and a shipment's customer is null for roles without
    ``customers:read``."""
    doc = get_document(session, number=number)
    if doc.kind == DocKind.COUNT and actor.role in BLIND_ROLES:
        raise PermissionDenied(
            f"Counts are blind for your role; open it at /api/counts/{number}.",
            code="blind-count",
        )
    return visibility_for(session, actor).document(to_read(session, doc))

"""The scan resolver over HTTP: ``POST /api/scan`` says what a scanned code is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from core.api_deps import allow, read_session
from core.people.security import Actor
from core.scan import service
from core.scan.schemas import ScanBody, ScanRead
from core.trace.visibility import visibility_for

router = APIRouter(tags=["scan"])
Reader = Annotated[Actor, Depends(allow("read"))]
DB = Annotated[Session, Depends(read_session)]


@router.post("/scan", response_model=ScanRead)
def scan(body: ScanBody, actor: Reader, session: DB) -> ScanRead:
    """What a scanned code names: a piece (code, FACET:S: QR or RFID EPC), a location (code or
    FACET:L: QR), a lot or a SKU, with a short summary.

    404 ``unknown-code`` when nothing matches; 422 for junk (empty, over 128 characters,
    control characters, a malformed FACET: label). A piece in a bin under the reader's live
    blind count comes without its location; check digits are null for roles that may not see
    them. Reads only: nothing is posted, so it needs no Idempotency-Key."""
    return service.resolve(session, code=body.code, view=visibility_for(session, actor))

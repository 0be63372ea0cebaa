"""Where things are: locate, serial history, lot trace, serials."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from core.api_deps import allow, read_session
from core.certificates import piece_marks
from core.fields import Lookup
from core.lots.schemas import SerialRead
from core.lots.service import serial_read
from core.people.security import Actor
from core.trace import service
from core.trace.visibility import visibility_for
from core.weighing import weighings_of

router = APIRouter(tags=["trace"])
Reader = Annotated[Actor, Depends(allow("read"))]
DB = Annotated[Session, Depends(read_session)]


@router.get("/locate")
def locate(
    actor: Reader, session: DB, q: Annotated[Lookup, Query(min_length=1, max_length=128)]
) -> dict[str, Any]:
    """Where a lot, serial, SKU, style, location or QR label is, per location.

    ``check_digits`` is null for roles that may not see them; bins under the reader's live
    blind count are left out, and naming one is a 403 ``blind-count-open``."""
    return asdict(service.locate(session, q=q, view=visibility_for(session, actor)))


@router.get("/serials/{code}", response_model=SerialRead)
def serial(code: Lookup, actor: Reader, session: DB) -> SerialRead:
    """One piece: what it is and where it is (403 ``blind-count-open`` in a bin the reader
    counts blind)."""
    read = serial_read(session, code)
    service.refuse_hidden_serial(session, code=read.code, view=visibility_for(session, actor))
    return read


@router.get("/serials/{code}/history")
def history(code: Lookup, actor: Reader, session: DB) -> dict[str, Any]:
    """Every move of a piece, with its certificates and hallmark (its own and its lot's) and
    every weighing at a custody change (when, where, who, expected and measured)."""
    view = visibility_for(session, actor)
    moves = service.serial_history(session, code=code, view=view)
    marks = piece_marks(session, code)
    return {"serial": code, "moves": moves,
            "certificates": [c.model_dump(mode="json") for c in marks.certificates],
            "hallmarks": [h.model_dump(mode="json") for h in marks.hallmarks],
            "weighings": weighings_of(session, serial=code)}


@router.get("/lots/{code}/trace")
def trace(code: Lookup, actor: Reader, session: DB) -> dict[str, Any]:
    """Where a lot is now and where it went (customers null for roles that may not see
    them, bins under the reader's blind count left out)."""
    return service.lot_trace(session, code=code, view=visibility_for(session, actor))

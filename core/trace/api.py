"""Where things are: locate, serial history, lot trace, serials."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from core.api_deps import allow, read_session
from core.lots.schemas import SerialRead
from core.lots.service import serial_read
from core.people.security import Actor
from core.trace import service

router = APIRouter(tags=["trace"])
Reader = Annotated[Actor, Depends(allow("read"))]
DB = Annotated[Session, Depends(read_session)]


@router.get("/locate")
def locate(
    _: Reader, session: DB, q: Annotated[str, Query(min_length=1, max_length=128)]
) -> dict[str, Any]:
    """Where a lot, serial, SKU, style, location or QR label is, per location."""
    return asdict(service.locate(session, q=q))


@router.get("/serials/{code}", response_model=SerialRead)
def serial(code: str, _: Reader, session: DB) -> SerialRead:
    """One piece: what it is and where it is."""
    return serial_read(session, code)


@router.get("/serials/{code}/history")
def history(code: str, _: Reader, session: DB) -> dict[str, Any]:
    """Every move of a piece."""
    return {"serial": code, "moves": service.serial_history(session, code=code)}


@router.get("/lots/{code}/trace")
def trace(code: str, _: Reader, session: DB) -> dict[str, Any]:
    """Where a lot is now and where it went."""
    return service.lot_trace(session, code=code)

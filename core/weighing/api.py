"""Weighing: readings at custody changes, a piece's weighings, holds and their release."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.api_deps import Writer, allow, read_session, writer
from core.clock import as_utc
from core.fields import Lookup
from core.locations.models import Location
from core.lots.models import Serial
from core.people.security import Actor
from core.weighing import service
from core.weighing.models import Weighing, WeightHold
from core.weighing.schemas import (
    HoldRead,
    PieceWeights,
    ReasonBody,
    ToleranceBody,
    WeighingCreate,
    WeighingRead,
)

router = APIRouter(tags=["weighing"])
Reader = Annotated[Actor, Depends(allow("read"))]
DB = Annotated[Session, Depends(read_session)]


def _weighing_read(session: Session, w: Weighing) -> WeighingRead:
    code = session.scalar(select(Serial.code).where(Serial.id == w.serial_id)) or ""
    loc = session.scalar(select(Location.code).where(Location.id == w.location_id))
    return WeighingRead(id=w.id, serial=code, event=w.event, measured_g=w.measured_g,
                        expected_g=w.expected_g, tolerance_g=w.tolerance_g, within=w.within,
                        location=loc, reference=w.reference, actor=w.actor, at=as_utc(w.at))


def _hold_read(session: Session, h: WeightHold) -> HoldRead:
    code = session.scalar(select(Serial.code).where(Serial.id == h.serial_id)) or ""
    return HoldRead(id=h.id, serial=code, reason=h.reason, held_at=as_utc(h.held_at),
                    held_by=h.held_by, weighing_id=h.weighing_id,
                    released_at=as_utc(h.released_at) if h.released_at else None,
                    release_reason=h.release_reason)


@router.post("/weighings", response_model=WeighingRead, status_code=201)
def weigh(body: WeighingCreate, w: Annotated[Writer, Depends(writer("weigh:write"))]) -> object:
    """Record a scale reading of a piece; outside its tolerance the piece is held, a security
    alert raised and the answer is 409 ``weight-out-of-tolerance``."""
    return w.run(lambda s: _weighing_read(s, service.weigh(
        s, actor=w.actor, serial=body.serial, measured_g=body.measured_g, event=body.event,
        location=body.location, reference=body.reference)), status_code=201)


@router.get("/serials/{code}/weighings")
def weighings(code: Lookup, _: Reader, session: DB) -> dict[str, Any]:
    """Every weighing of a piece, oldest first: when, where, who, expected and measured."""
    return {"serial": code, "weighings": service.weighings_of(session, serial=code)}


@router.post("/serials/{code}/hold", response_model=HoldRead, status_code=201)
def hold(
    code: Lookup, body: ReasonBody, w: Annotated[Writer, Depends(writer("weigh:release"))]
) -> object:
    """Put a piece on hold by hand; it cannot be picked, packed or moved until released."""
    return w.run(lambda s: _hold_read(s, service.hold_piece(
        s, actor=w.actor, serial=code, reason=body.reason)), status_code=201)


@router.post("/serials/{code}/release", response_model=HoldRead)
def release(
    code: Lookup, body: ReasonBody, w: Annotated[Writer, Depends(writer("weigh:release"))]
) -> object:
    """Release a piece's weight hold with what the supervisor found (audited)."""
    return w.run(lambda s: _hold_read(s, service.release_hold(
        s, actor=w.actor, serial=code, reason=body.reason)))


@router.put("/serials/{code}/weights")
def piece_weights(
    code: Lookup, body: PieceWeights, w: Annotated[Writer, Depends(writer("qc:write"))]
) -> object:
    """Record a piece's own gross and net weight, measured at receipt or QC (audited)."""
    return w.run(lambda s: _weights_read(s, service.set_piece_weights(
        s, actor=w.actor, serial=code, gross_g=body.gross_weight_g, net_g=body.net_weight_g)))


def _weights_read(session: Session, serial: Serial) -> PieceWeights:
    return PieceWeights(gross_weight_g=serial.gross_weight_g or 0.0,
                        net_weight_g=serial.net_weight_g)


@router.get("/weighing/holds")
def holds(_: Reader, session: DB, open_only: bool = True) -> dict[str, Any]:
    """Weight holds, newest first (the open ones by default)."""
    return {"items": service.holds(session, open_only=open_only)}


@router.get("/weighing/tolerances")
def tolerances(_: Reader, session: DB) -> dict[str, Any]:
    """The tolerance of every category, and where it comes from (table, built-in, default)."""
    return {"items": service.tolerances(session)}


@router.put("/weighing/tolerances/{category}")
def set_tolerance(
    category: Lookup, body: ToleranceBody,
    w: Annotated[Writer, Depends(writer("weigh:configure"))],
) -> object:
    """Set a category's tolerance in grams either way (audited)."""
    return w.run(lambda s: ToleranceBody(tolerance_g=service.set_tolerance(
        s, actor=w.actor, category=category, tolerance_g=body.tolerance_g).tolerance_g))

"""The certificates and hallmarks register, a piece's marks, and recall by lot, certificate
batch or hallmark (preview and post)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from core.api_deps import Writer, allow, read_session, writer
from core.certificates import service
from core.certificates.schemas import (
    CertificateCreate,
    CertificateRead,
    CertificateUpdate,
    HallmarkCreate,
    HallmarkRead,
    HallmarkUpdate,
    PieceMarks,
)
from core.errors import ValidationFailed
from core.fields import DbId, Lookup
from core.people.permissions import allowed
from core.people.security import Actor
from core.trace.recall_select import preview_recall, recall_by
from core.trace.schemas import RecallPreview, RecallSelect, RecallSelectBody, SelectionRecallRead
from core.trace.service import refuse_hidden_serial
from core.trace.visibility import visibility_for

router = APIRouter(tags=["certificates"])
Reader = Annotated[Actor, Depends(allow("read"))]
DB = Annotated[Session, Depends(read_session)]
Registrar = Annotated[Writer, Depends(writer("lots:write"))]
Recaller = Annotated[Writer, Depends(writer("recall:write"))]
Filter = Annotated[Lookup | None, Query()]


@router.get("/certificates", response_model=list[CertificateRead])
def find(
    _: Reader, session: DB, number: Filter = None, lab: Filter = None, batch: Filter = None
) -> list[CertificateRead]:
    """Certificates by number, lab and/or lab report batch, each with its piece or lot (no
    filter: the newest 200 of the register)."""
    return service.find_certificates(session, number=number, lab=lab, batch=batch)


@router.get("/certificates/{lab}/{number}", response_model=CertificateRead)
def one(lab: Lookup, number: Lookup, _: Reader, session: DB) -> CertificateRead:
    """One certificate (404 ``unknown-certificate``; 422 for an unknown lab or a number not
    shaped as that lab's)."""
    return service.certificate(session, lab=lab, number=number)


@router.post("/certificates", response_model=CertificateRead, status_code=201)
def register(body: CertificateCreate, w: Registrar) -> object:
    """Register a certificate on a piece or a lot (409 ``duplicate-certificate`` when the lab's
    number is registered already)."""
    return w.run(lambda s: service.register_certificate(s, actor=w.actor, data=body),
                 status_code=201)


@router.patch("/certificates/{lab}/{number}", response_model=CertificateRead)
def update(lab: Lookup, number: Lookup, body: CertificateUpdate, w: Registrar) -> object:
    """Correct a certificate's date, batch or grading."""
    return w.run(lambda s: service.update_certificate(
        s, actor=w.actor, lab=lab, number=number, data=body))


@router.get("/hallmarks", response_model=list[HallmarkRead])
def hallmarks(
    _: Reader, session: DB, mark: Filter = None, serial: Filter = None, lot: Filter = None
) -> list[HallmarkRead]:
    """Hallmarks by mark (``LON-750-JM-z``), piece or lot; newest first."""
    return service.find_hallmarks(session, mark=mark, serial=serial, lot=lot)


@router.post("/hallmarks", response_model=HallmarkRead, status_code=201)
def add_hallmark(body: HallmarkCreate, w: Registrar) -> object:
    """Record a piece's or a lot's hallmark (409 ``hallmark-exists`` when it has one)."""
    return w.run(lambda s: service.register_hallmark(s, actor=w.actor, data=body),
                 status_code=201)


@router.patch("/hallmarks/{hallmark_id}", response_model=HallmarkRead)
def fix_hallmark(hallmark_id: DbId, body: HallmarkUpdate, w: Registrar) -> object:
    """Correct a misread hallmark."""
    return w.run(lambda s: service.update_hallmark(
        s, actor=w.actor, hallmark_id=hallmark_id, data=body))


@router.get("/serials/{code}/marks", response_model=PieceMarks)
def marks(code: Lookup, actor: Reader, session: DB) -> PieceMarks:
    """A piece's certificates and hallmark, its own and its lot's."""
    found = service.piece_marks(session, code)
    refuse_hidden_serial(session, code=found.serial, view=visibility_for(session, actor))
    return found


def _selector(lot: str | None, batch: str | None, hallmark: str | None) -> RecallSelect:
    if len([v for v in (lot, batch, hallmark) if v]) != 1:
        raise ValidationFailed("Name exactly one of lot, certificate_batch or hallmark.",
                               code="one-selector")
    return RecallSelect(lot=lot or None, certificate_batch=batch or None,
                        hallmark=hallmark or None)


@router.get("/recalls/preview", response_model=RecallPreview)
def preview(
    actor: Reader, session: DB, lot: Filter = None, certificate_batch: Filter = None,
    hallmark: Filter = None,
) -> RecallPreview:
    """What a recall of a lot, certificate batch or hallmark would touch: every piece, where
    it is, which are shipped and to whom (customers null for roles without
    ``customers:read``). Changes nothing."""
    return preview_recall(session, select_=_selector(lot, certificate_batch, hallmark),
                          view=visibility_for(session, actor))


@router.post("/recalls", response_model=SelectionRecallRead)
def recall(body: RecallSelectBody, w: Recaller) -> object:
    """Recall a lot, certificate batch or hallmark: whole lots as a lot recall does, single
    pieces into quarantine with the reservations that held them; one recall document."""
    select_ = RecallSelect(lot=body.lot, certificate_batch=body.certificate_batch,
                           hallmark=body.hallmark)
    return w.run(lambda s: _customers_for(w.actor, recall_by(
        s, actor=w.actor, select_=select_, reason=body.reason, quarantine=body.quarantine)))


def _customers_for(actor: Actor, read: SelectionRecallRead) -> SelectionRecallRead:
    if allowed(actor, "customers:read"):
        return read
    pieces = [p.model_copy(update={"customer": None}) for p in read.pieces]
    return read.model_copy(update={"pieces": pieces, "customers": None})

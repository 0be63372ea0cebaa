"""Shared verbs for documents: create with a number, close, read."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.audit import service as audit
from core.catalogue.models import Sku
from core.clock import now
from core.documents.models import (
    FINAL_DOC_STATUSES,
    PREFIX,
    DocKind,
    DocStatus,
    Document,
    DocumentLine,
    LineStatus,
)
from core.documents.schemas import DocumentLineRead, DocumentRead
from core.errors import NotFoundError
from core.events import DocumentPosted, record
from core.ledger.posting import MoveRequest
from core.locations.models import Location
from core.lots.models import Lot
from core.people.models import User
from core.people.security import Actor


def new_document(
    session: Session, *, kind: DocKind, actor: Actor, status: DocStatus, **fields: Any
) -> Document:
    """A new document of ``kind`` with its number (``RCV-000042``) assigned."""
    doc = Document(
        kind=kind, status=status, created_by_id=actor.id, number=f"TMP-{uuid4().hex[:20]}", **fields
    )
    session.add(doc)
    session.flush()
    doc.number = f"{PREFIX[kind]}-{doc.id:06d}"
    return doc


def done_line(
    session: Session,
    doc: Document,
    *,
    line_no: int,
    sku_id: int,
    lot_id: int,
    origin_id: int,
    target_id: int,
    quantity: int,
    serial_ids: tuple[int, ...] = (),
    data: dict[str, Any] | None = None,
    purchase_line_id: int | None = None,
) -> MoveRequest:
    """Record a line that posts in full with its document, and return the move that posts it."""
    line = DocumentLine(
        document_id=doc.id,
        line_no=line_no,
        sku_id=sku_id,
        lot_id=lot_id,
        from_location_id=origin_id,
        to_location_id=target_id,
        quantity=quantity,
        done_quantity=quantity,
        status=LineStatus.DONE,
        data=data or {},
        purchase_line_id=purchase_line_id,
    )
    session.add(line)
    session.flush()
    return MoveRequest(
        sku_id, lot_id, origin_id, target_id, quantity, serial_ids, document_line_id=line.id
    )


def set_status(session: Session, doc: Document, *, status: DocStatus, actor: Actor) -> None:
    """Move a document to ``status``, audit it and announce it after commit."""
    doc.status = status
    if status in FINAL_DOC_STATUSES:
        doc.closed_at = now()
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action=f"{doc.kind}.{status}",
        entity=doc.number,
        detail={"document_id": doc.id},
    )
    record(
        session,
        DocumentPosted(
            document_id=doc.id,
            number=doc.number,
            kind=doc.kind,
            status=status,
            actor=actor.username,
        ),
    )


def get_document(session: Session, *, number: str) -> Document:
    """A document with its lines, by number."""
    doc = session.scalar(
        select(Document).where(Document.number == number).options(selectinload(Document.lines))
    )
    if doc is None:
        raise NotFoundError(f"No document numbered '{number}'.", code="unknown-document")
    return doc


def to_read(session: Session, doc: Document) -> DocumentRead:
    """The API view of a document: ids replaced by codes people know."""
    lines = list(doc.lines)
    sku_ids = {ln.sku_id for ln in lines}
    lot_ids = {ln.lot_id for ln in lines if ln.lot_id}
    loc_ids = {i for ln in lines for i in (ln.from_location_id, ln.to_location_id) if i}
    skus = dict(session.execute(select(Sku.id, Sku.code).where(Sku.id.in_(sku_ids))).all())
    lots = dict(session.execute(select(Lot.id, Lot.code).where(Lot.id.in_(lot_ids))).all())
    locs = dict(
        session.execute(select(Location.id, Location.code).where(Location.id.in_(loc_ids))).all()
    )
    creator = session.scalar(select(User.username).where(User.id == doc.created_by_id)) or "?"
    return DocumentRead(
        id=doc.id,
        number=doc.number,
        kind=doc.kind,
        status=doc.status,
        reference=doc.reference,
        reason=doc.reason,
        note=doc.note,
        created_by=creator,
        created_at=doc.created_at,
        closed_at=doc.closed_at,
        data=doc.data or {},
        lines=[
            DocumentLineRead(
                id=ln.id,
                line_no=ln.line_no,
                sku=skus[ln.sku_id],
                lot=lots.get(ln.lot_id) if ln.lot_id else None,
                from_location=locs.get(ln.from_location_id) if ln.from_location_id else None,
                to_location=locs.get(ln.to_location_id) if ln.to_location_id else None,
                quantity=ln.quantity,
                done_quantity=ln.done_quantity,
                counted_quantity=ln.counted_quantity,
                status=ln.status,
            )
            for ln in lines
        ],
    )

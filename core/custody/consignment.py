"""Pieces in on consignment from a supplier: in our bins, theirs until bought or sent back.

Receiving creates the pieces (a lot named after the document, of the partner's supplier,
approved: the pieces were weighed at hand-over) and moves them from the supplier into a bin.
They stay ``consigned`` in ``custody_pieces`` until bought (``purchased``, at the cost recorded
then) or sent back to the supplier (``returned``); the valuation counts consigned pieces apart,
never as owned. Buying moves nothing (the pieces are already in our bins) but makes a receipt
document (reason ``consignment-purchase``, one done line per piece with its unit cost) that
finance books as the purchase and each bought piece names as what settled it.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.clock import now
from core.custody.models import (
    CustodyDoc,
    CustodyKind,
    CustodyPartner,
    CustodyPiece,
    PartnerKind,
    PieceState,
)
from core.custody.partners import partner_by_code
from core.custody.schemas import ConsignmentIn, PurchaseIn, SendBackIn
from core.custody.service import (
    audit_custody,
    close_if_settled,
    last_line_no,
    lock_custody,
    new_custody_document,
    piece_line,
    pieces_named,
    stock_bin,
)
from core.documents.models import DocKind, DocStatus, Document, DocumentLine, LineStatus
from core.documents.service import new_document, set_status
from core.errors import ConflictError, NotFoundError, SerialError, ValidationFailed
from core.ledger.posting import post_moves
from core.locations.models import Kind
from core.locations.service import virtual_location
from core.lots.models import Lot, LotStatus, Serial, Supplier
from core.people.security import Actor
from core.reports.finance import CONSIGNMENT_PURCHASE
from core.weighing import ensure_not_held

__all__ = ["buy", "receive_consignment", "send_back"]


def receive_consignment(session: Session, *, actor: Actor, data: ConsignmentIn) -> CustodyDoc:
    """New pieces from a supplier on consignment into ``data.bin``: all or nothing."""
    partner = partner_by_code(session, data.partner)
    if partner.kind != PartnerKind.SUPPLIER or partner.supplier_id is None:
        raise ValidationFailed(
            f"Consignment comes from a supplier partner; {partner.code} is a {partner.kind}.",
            code="wrong-partner-kind",
        )
    target = stock_bin(session, data.bin)
    codes = [p.serial.upper() for p in data.pieces]
    if len(set(codes)) != len(codes):
        raise SerialError("A piece is named twice.", code="duplicate-serial")
    taken = session.scalars(select(Serial.code).where(Serial.code.in_(codes))).first()
    if taken:
        raise ConflictError(f"Piece {taken} already exists.", code="serial-exists")
    skus = _skus(session, {p.sku.upper() for p in data.pieces})
    doc, custody = new_custody_document(session, kind=CustodyKind.CONSIGNMENT, actor=actor,
                                        partner=partner, due_on=data.due_on, terms=data.terms)
    lot = Lot(code=doc.number, supplier_id=partner.supplier_id, purchase_date=now().date(),
              qc_result="consignment", status=LotStatus.APPROVED)
    session.add(lot)
    supplier = virtual_location(session, Kind.SUPPLIER)
    session.flush()
    serials = [
        Serial(code=code, sku_id=skus[p.sku.upper()].id, lot_id=lot.id,
               location_id=supplier.id, weight_g=p.weight_g)
        for code, p in zip(codes, data.pieces, strict=True)
    ]
    session.add_all(serials)
    session.flush()
    moves = [piece_line(session, doc, no, s, supplier.id, target.id)
             for no, s in enumerate(serials, start=1)]
    session.add_all(
        CustodyPiece(custody_doc_id=custody.id, serial_id=s.id, sku_id=s.sku_id, lot_id=lot.id,
                     bin_id=target.id, state=PieceState.CONSIGNED)
        for s in serials
    )
    post_moves(session, document_id=doc.id, document_kind=doc.kind, actor=actor,
               reason="consignment-in", moves=moves)
    audit_custody(session, actor, "custody.consignment.in", doc,
                  {"pieces": codes, "bin": target.code})
    return custody


def _skus(session: Session, codes: set[str]) -> dict[str, Sku]:
    found = {s.code: s for s in session.scalars(select(Sku).where(Sku.code.in_(codes)))}
    missing = sorted(codes - set(found))
    if missing:
        raise NotFoundError(f"Unknown SKU(s): {', '.join(missing[:5])}.", code="unknown-sku")
    unserialised = sorted(c for c, s in found.items() if not s.serialised)
    if unserialised:
        raise ValidationFailed(
            f"{', '.join(unserialised[:5])} not serialised: consignment takes pieces.",
            code="not-serialised",
        )
    return found


def buy(session: Session, *, actor: Actor, number: str, data: PurchaseIn) -> CustodyDoc:
    """Consigned pieces bought: ours from now, at the cost given, on a receipt of their own
    (no stock moves: the pieces stay where they lie)."""
    doc, custody = lock_custody(session, number)
    if custody.kind != CustodyKind.CONSIGNMENT:
        raise ConflictError(f"{doc.number} is a {custody.kind}; only consigned pieces are "
                            "bought.", code="not-a-consignment")
    costs = {p.serial: p.unit_cost for p in data.pieces}
    if len(costs) != len(data.pieces):
        raise SerialError("A piece is named twice.", code="duplicate-serial")
    named = pieces_named(session, custody, list(costs), state=PieceState.CONSIGNED)
    for (_serial, piece), cost in zip(named, costs.values(), strict=True):
        piece.state = PieceState.PURCHASED
        piece.unit_cost = Decimal(str(cost)).quantize(Decimal("0.01"))
        piece.settled_at = now()
    receipt = _purchase_receipt(session, actor, doc, custody, named, data.reference)
    audit_custody(session, actor, "custody.consignment.bought", doc, {
        "pieces": {s.code: str(p.unit_cost) for s, p in named},
        "reference": data.reference, "receipt": receipt.number,
    })
    close_if_settled(session, actor, doc, custody)
    return custody


def _purchase_receipt(
    session: Session, actor: Actor, doc: Document, custody: CustodyDoc,
    named: list[tuple[Serial, CustodyPiece]], reference: str | None,
) -> Document:
    """The receipt that books the purchase: the supplier, the consignment document, and a done
    line per piece (from the supplier to where it lies) with its serial and unit cost."""
    partner = session.get_one(CustodyPartner, custody.partner_id)
    supplier = session.get_one(Supplier, partner.supplier_id)
    source = virtual_location(session, Kind.SUPPLIER)
    receipt = new_document(
        session, kind=DocKind.RECEIPT, actor=actor, status=DocStatus.OPEN,
        reference=reference or doc.number, reason=CONSIGNMENT_PURCHASE,
        data={"supplier": supplier.code, "custody": doc.number},
    )
    for no, (serial, piece) in enumerate(named, start=1):
        session.add(DocumentLine(
            document_id=receipt.id, line_no=no, sku_id=piece.sku_id, lot_id=piece.lot_id,
            from_location_id=source.id, to_location_id=serial.location_id, quantity=1,
            done_quantity=1, status=LineStatus.DONE, done_by_id=actor.id, done_at=now(),
            data={"serial": serial.code, "unit_cost": str(piece.unit_cost)},
        ))
        piece.settled_document_id = receipt.id
    set_status(session, receipt, status=DocStatus.RECEIVED, actor=actor)
    return receipt


def send_back(session: Session, *, actor: Actor, number: str, data: SendBackIn) -> CustodyDoc:
    """Consigned pieces sent back to the supplier unsold (from wherever they lie now)."""
    doc, custody = lock_custody(session, number)
    if custody.kind != CustodyKind.CONSIGNMENT:
        raise ConflictError(f"{doc.number} is a {custody.kind}; take its pieces back instead.",
                            code="not-a-consignment")
    named = pieces_named(session, custody, list(data.serials), state=PieceState.CONSIGNED)
    ensure_not_held(session, [s.code for s, _p in named])
    supplier = virtual_location(session, Kind.SUPPLIER)
    base = last_line_no(session, doc)
    moves = [piece_line(session, doc, no, s, s.location_id, supplier.id)
             for no, (s, _p) in enumerate(named, start=base + 1)]
    post_moves(session, document_id=doc.id, document_kind=doc.kind, actor=actor,
               reason="consignment-back", moves=moves)
    for _serial, piece in named:
        piece.state = PieceState.RETURNED
        piece.settled_at = now()
    audit_custody(session, actor, "custody.consignment.returned", doc,
           {"pieces": [s.code for s, _p in named]})
    close_if_settled(session, actor, doc, custody)
    return custody

"""Pieces out on memo, at a repairer or an assay lab: hand over, take back, or sell.

A custody document is a ledger document (``MEMO-``, ``RPR-``, ``ASY-``, ``CSG-`` numbers) with
its terms in ``custody_docs`` and one ``custody_pieces`` row per piece. Handing over moves the
pieces from their bins to the partner's custody location (``CUST-<partner>``); taking back
weighs each piece (``core.weighing.weigh``, event ``memo-back``/``repair-back``) and moves it to
the bin named, or to quarantine when the scale says it is light or heavy (the weigh service
has put it on hold and raised the security alert); a sale moves it to the customer under a
shipment document (finance books it as an issue). Every move goes through ``post_moves``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any
from uuid import uuid4

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.audit import service as audit
from core.clock import now
from core.custody.models import (
    LIVE_STATES,
    CustodyDoc,
    CustodyKind,
    CustodyPartner,
    CustodyPiece,
    CustodyStatus,
    PartnerKind,
    PieceState,
)
from core.custody.partners import partner_by_code
from core.custody.schemas import BackIn, CustodyOut, PieceWeight, SaleIn
from core.documents.models import DocKind, DocStatus, Document, DocumentLine
from core.documents.service import done_line, new_document, set_status
from core.errors import ConflictError, NotFoundError, SerialError, ValidationFailed
from core.ledger.models import Balance
from core.ledger.posting import MoveRequest, post_moves
from core.locations.models import Kind, Location, Tier
from core.locations.service import location_by_code, quarantine_bin, virtual_location
from core.lots.models import Serial
from core.lots.service import serials_by_codes
from core.people.security import Actor
from core.weighing import WeightOutOfTolerance, ensure_not_held, held_count, weigh

__all__ = [
    "NUMBER_PREFIX",
    "STOCK_PLACES",
    "audit_custody",
    "close_if_settled",
    "fresh_serials",
    "get_custody",
    "hand_out",
    "last_line_no",
    "lock_custody",
    "new_custody_document",
    "piece_line",
    "pieces_named",
    "sell",
    "stock_bin",
    "take_back",
    "today",
]

NUMBER_PREFIX = {
    CustodyKind.MEMO: "MEMO",
    CustodyKind.CONSIGNMENT: "CSG",
    CustodyKind.REPAIR: "RPR",
    CustodyKind.ASSAY: "ASY",
}
#: Where a piece may leave from, and come back to: the bins allocation takes from.
STOCK_PLACES = frozenset({Kind.PICK_FACE, Kind.RESERVE, Kind.VAULT})
#: Which partners each outgoing kind goes to.
_GOES_TO = {
    CustodyKind.MEMO: frozenset({PartnerKind.CUSTOMER, PartnerKind.SHOP}),
    CustodyKind.REPAIR: frozenset({PartnerKind.REPAIRER}),
    CustodyKind.ASSAY: frozenset({PartnerKind.ASSAY_LAB, PartnerKind.REPAIRER}),
}
_EVENT_OUT = {CustodyKind.MEMO: "memo-out", CustodyKind.REPAIR: "repair-out",
              CustodyKind.ASSAY: "repair-out"}
_EVENT_BACK = {CustodyKind.MEMO: "memo-back", CustodyKind.REPAIR: "repair-back",
               CustodyKind.ASSAY: "repair-back"}


def today() -> date:
    """Today (UTC) by the core's clock."""
    return now().date()


def new_custody_document(
    session: Session, *, kind: CustodyKind, actor: Actor, partner: CustodyPartner,
    due_on: date, terms: str,
) -> tuple[Document, CustodyDoc]:
    """A ledger document numbered ``MEMO-000042`` (etc.) and its custody terms."""
    if not partner.active:
        raise ConflictError(f"Partner {partner.code} is not active.", code="partner-inactive")
    if due_on < today():
        raise ValidationFailed(
            f"The due-back date {due_on} is in the past; give today or a later day.",
            code="due-date-past",
        )
    doc = Document(kind=kind.value, status=DocStatus.OPEN, created_by_id=actor.id,
                   number=f"TMP-{uuid4().hex[:20]}", reference=partner.code,
                   data={"partner": partner.code})
    session.add(doc)
    session.flush()
    doc.number = f"{NUMBER_PREFIX[kind]}-{doc.id:06d}"
    custody = CustodyDoc(document_id=doc.id, kind=kind.value, partner_id=partner.id,
                         due_on=due_on, terms=terms, status=CustodyStatus.OPEN)
    session.add(custody)
    session.flush()
    return doc, custody


def _weights(data: CustodyOut) -> dict[str, float | None]:
    wanted: dict[str, float | None] = dict.fromkeys(data.serials)
    for piece in data.pieces:
        if piece.serial in wanted:
            raise SerialError(f"Piece {piece.serial} is named twice.", code="duplicate-serial")
        wanted[piece.serial] = piece.weight_g
    if len(wanted) != len(data.serials) + len(data.pieces):
        raise SerialError("A piece is named twice.", code="duplicate-serial")
    if not wanted:
        raise ValidationFailed("Name at least one piece.", code="empty")
    return wanted


def fresh_serials(session: Session, codes: list[str]) -> list[Serial]:
    """The pieces named (codes, QRs or EPCs), read afresh: postings move serials with plain
    UPDATEs, so a piece the session already holds may show where it was."""
    serials = serials_by_codes(session, codes)
    if len({s.id for s in serials}) != len(serials):
        raise SerialError("A piece is named twice.", code="duplicate-serial")
    session.execute(select(Serial).where(Serial.id.in_([s.id for s in serials]))
                    .execution_options(populate_existing=True)).all()
    return serials


def _free_pieces(session: Session, serials: list[Serial]) -> dict[int, Location]:
    """Each piece's bin; refuses a piece not in a stock bin or whose stock there is reserved."""
    bins = {loc.id: loc for loc in session.scalars(
        select(Location).where(Location.id.in_({s.location_id for s in serials})))}
    wanted = Counter((s.sku_id, s.location_id, s.lot_id) for s in serials)
    for serial in serials:
        place = bins[serial.location_id]
        if place.kind not in STOCK_PLACES or place.tier != Tier.BIN:
            raise ConflictError(
                f"Piece {serial.code} is at {place.code} ({place.kind}), not free in a stock "
                "bin; only pieces in pick-face, reserve or vault bins go out.",
                code="piece-not-free",
            )
    for (sku_id, loc_id, lot_id), count in wanted.items():
        row = session.execute(select(Balance.on_hand, Balance.reserved).where(
            Balance.sku_id == sku_id, Balance.location_id == loc_id, Balance.lot_id == lot_id,
        )).first()
        held = held_count(session, sku_id=sku_id, location_id=loc_id, lot_id=lot_id)
        if row is None or row.on_hand - row.reserved - held < count:
            raise ConflictError(
                f"Stock at {bins[loc_id].code} is reserved for orders; the pieces there are not "
                "free to go out.",
                code="piece-not-free",
            )
    return bins


def hand_out(session: Session, *, actor: Actor, data: CustodyOut) -> CustodyDoc:
    """Pieces out on memo, to a repairer or an assay lab: all move, or nothing does."""
    kind = _out_kind(data.kind)
    partner = partner_by_code(session, data.partner)
    if partner.kind not in _GOES_TO[kind]:
        raise ValidationFailed(
            f"A {kind} goes to a {' or '.join(sorted(_GOES_TO[kind]))}; {partner.code} is a "
            f"{partner.kind}.",
            code="wrong-partner-kind",
        )
    wanted = _weights(data)
    serials = fresh_serials(session, list(wanted))
    ensure_not_held(session, [s.code for s in serials])
    bins = _free_pieces(session, serials)
    doc, custody = new_custody_document(session, kind=kind, actor=actor, partner=partner,
                                        due_on=data.due_on, terms=data.terms)
    for serial, measured in zip(serials, wanted.values(), strict=True):
        if measured is not None:
            weigh(session, actor=actor, serial=serial.code, measured_g=measured,
                  event=_EVENT_OUT[kind], location=bins[serial.location_id].code,
                  reference=doc.number)
    moves = [
        piece_line(session, doc, no, serial, serial.location_id, partner.location_id)
        for no, serial in enumerate(serials, start=1)
    ]
    session.add_all(
        CustodyPiece(custody_doc_id=custody.id, serial_id=s.id, sku_id=s.sku_id, lot_id=s.lot_id,
                     bin_id=s.location_id, state=PieceState.OUT)
        for s in serials
    )
    post_moves(session, document_id=doc.id, document_kind=doc.kind, actor=actor,
               reason=_EVENT_OUT[kind], moves=moves)
    audit_custody(session, actor, f"custody.{kind}.out", doc, {"pieces": [s.code for s in serials]})
    return custody


def _out_kind(value: str) -> CustodyKind:
    if value not in _GOES_TO:
        raise ValidationFailed(
            f"Kind '{value}' cannot go out: memo, repair or assay (consignment comes in).",
            code="bad-custody-kind",
        )
    return CustodyKind(value)


def piece_line(
    session: Session, doc: Document, no: int, serial: Serial, origin: int, target: int
) -> MoveRequest:
    return done_line(session, doc, line_no=no, sku_id=serial.sku_id, lot_id=serial.lot_id,
                     origin_id=origin, target_id=target, quantity=1, serial_ids=(serial.id,),
                     data={"serial": serial.code})


def audit_custody(session: Session, actor: Actor, action: str, doc: Document,
           detail: dict[str, Any]) -> None:
    audit.record(session, actor=actor.username, action=action, entity=doc.number,
                 detail={"document_id": doc.id, **detail})


def lock_custody(session: Session, number: str) -> tuple[Document, CustodyDoc]:
    """A custody document and its terms, locked for the change to come."""
    row = session.execute(
        select(Document, CustodyDoc)
        .join(CustodyDoc, CustodyDoc.document_id == Document.id)
        .where(Document.number == number.strip().upper())
        .with_for_update(of=CustodyDoc)
    ).first()
    if row is None:
        raise NotFoundError(f"No custody document numbered '{number}'.",
                            code="unknown-custody-document")
    return row[0], row[1]


def get_custody(session: Session, number: str) -> tuple[Document, CustodyDoc]:
    """A custody document and its terms (read only)."""
    row = session.execute(
        select(Document, CustodyDoc)
        .join(CustodyDoc, CustodyDoc.document_id == Document.id)
        .where(Document.number == number.strip().upper())
    ).first()
    if row is None:
        raise NotFoundError(f"No custody document numbered '{number}'.",
                            code="unknown-custody-document")
    return row[0], row[1]


def pieces_named(
    session: Session, custody: CustodyDoc, codes: list[str], *, state: PieceState
) -> list[tuple[Serial, CustodyPiece]]:
    """The pieces named, each on this document in ``state``; otherwise refused."""
    serials = fresh_serials(session, codes)
    on_doc = {p.serial_id: p for p in session.scalars(
        select(CustodyPiece).where(CustodyPiece.custody_doc_id == custody.id))}
    out = []
    for serial in serials:
        piece = on_doc.get(serial.id)
        if piece is None:
            raise ConflictError(f"Piece {serial.code} is not on this document.",
                                code="piece-not-on-document")
        if piece.state != state:
            raise ConflictError(
                f"Piece {serial.code} is {piece.state} on this document, not {state}.",
                code="piece-not-" + state.value,
            )
        out.append((serial, piece))
    return out


def stock_bin(session: Session, code: str) -> Location:
    place = location_by_code(session, code.strip().upper())
    if place.kind not in STOCK_PLACES or place.tier != Tier.BIN:
        raise ValidationFailed(
            f"{place.code} is a {place.kind} {place.tier}; pieces come back to a pick-face, "
            "reserve or vault bin.",
            code="not-a-stock-bin",
        )
    return place


def take_back(session: Session, *, actor: Actor, number: str, data: BackIn) -> CustodyDoc:
    """Pieces back from the partner: each weighed; within tolerance to ``data.bin``, light or
    heavy to quarantine (held by the weigh service, alert raised); the rest of the ledger
    change is all or nothing."""
    doc, custody = lock_custody(session, number)
    kind = CustodyKind(custody.kind)
    if kind not in _EVENT_BACK:
        raise ConflictError(f"{doc.number} is a consignment: send it back to the supplier "
                            "instead.", code="not-an-out-document")
    target = stock_bin(session, data.bin)
    weights = {p.serial: p for p in data.pieces}
    if len(weights) != len(data.pieces):
        raise SerialError("A piece is named twice.", code="duplicate-serial")
    named = pieces_named(session, custody, list(weights), state=PieceState.OUT)
    partner_loc = session.get(Location, _partner(session, custody).location_id)
    assert partner_loc is not None
    held = _weigh_back(session, actor, doc, kind, named, list(weights.values()), partner_loc)
    quarantine = quarantine_bin(session) if held else None
    moves, base = [], last_line_no(session, doc)
    for no, (serial, piece) in enumerate(named, start=base + 1):
        is_held = serial.id in held
        dest = quarantine.id if is_held and quarantine else target.id
        moves.append(piece_line(session, doc, no, serial, partner_loc.id, dest))
        piece.state = PieceState.HELD if is_held else PieceState.BACK
        piece.settled_at = now()
    post_moves(session, document_id=doc.id, document_kind=doc.kind, actor=actor,
               reason=_EVENT_BACK[kind], moves=moves)
    audit_custody(session, actor, f"custody.{kind}.back", doc, {
        "pieces": [s.code for s, _p in named], "held": [s.code for s, _p in named if s.id in held],
        "bin": target.code,
    })
    close_if_settled(session, actor, doc, custody)
    return custody


def _weigh_back(
    session: Session, actor: Actor, doc: Document, kind: CustodyKind,
    named: list[tuple[Serial, CustodyPiece]], readings: list[PieceWeight], where: Location,
) -> set[int]:
    """Weigh every piece coming back; the ids of those outside tolerance (now on hold)."""
    held: set[int] = set()
    for (serial, _piece), reading in zip(named, readings, strict=True):
        try:
            weigh(session, actor=actor, serial=serial.code, measured_g=reading.weight_g,
                  event=_EVENT_BACK[kind], location=where.code, reference=doc.number)
        except WeightOutOfTolerance:
            held.add(serial.id)
    return held


def _partner(session: Session, custody: CustodyDoc) -> CustodyPartner:
    partner = session.get(CustodyPartner, custody.partner_id)
    assert partner is not None
    return partner


def last_line_no(session: Session, doc: Document) -> int:
    return session.scalar(
        select(func.coalesce(func.max(DocumentLine.line_no), 0))
        .where(DocumentLine.document_id == doc.id)
    ) or 0


def sell(session: Session, *, actor: Actor, number: str, data: SaleIn) -> Document:
    """Memo pieces the partner keeps: moved to the customer under a shipment (an issue)."""
    doc, custody = lock_custody(session, number)
    if custody.kind != CustodyKind.MEMO:
        raise ConflictError(f"{doc.number} is a {custody.kind}; only memo pieces are sold.",
                            code="not-a-memo")
    named = pieces_named(session, custody, list(data.serials), state=PieceState.OUT)
    partner = _partner(session, custody)
    customer = virtual_location(session, Kind.CUSTOMER)
    shipment = new_document(session, kind=DocKind.SHIPMENT, actor=actor, status=DocStatus.OPEN,
                            reference=data.reference or doc.number,
                            data={"custody": doc.number, "partner": partner.code})
    moves = [piece_line(session, shipment, no, serial, partner.location_id, customer.id)
             for no, (serial, _p) in enumerate(named, start=1)]
    post_moves(session, document_id=shipment.id, document_kind=shipment.kind, actor=actor,
               reason="memo-sale", moves=moves)
    for _serial, piece in named:
        piece.state = PieceState.SOLD
        piece.settled_document_id = shipment.id
        piece.settled_at = now()
    set_status(session, shipment, status=DocStatus.SHIPPED, actor=actor)
    audit_custody(session, actor, "custody.memo.sold", doc,
           {"pieces": [s.code for s, _p in named], "shipment": shipment.number})
    close_if_settled(session, actor, doc, custody)
    return shipment


def close_if_settled(session: Session, actor: Actor, doc: Document, custody: CustodyDoc) -> None:
    """Close the document once no piece on it is out (or consigned) any more."""
    session.flush()
    live = session.scalar(select(CustodyPiece.id).where(
        CustodyPiece.custody_doc_id == custody.id,
        CustodyPiece.state.in_([str(s) for s in LIVE_STATES]),
    ).limit(1))
    if live is None and custody.status == CustodyStatus.OPEN:
        custody.status = CustodyStatus.CLOSED
        set_status(session, doc, status=DocStatus.CLOSED, actor=actor)

"""Goods in: receipts into quarantine, QC inspection of lots, and putaway into storage.

Inbound sits with purchasing (as shipping sits with orders): a receipt may count against a
purchase order, so it is built on the document machinery of :mod:`core.documents`, not in it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from core.audit import service as audit
from core.catalogue.models import Sku
from core.catalogue.service import sku_by_code
from core.documents.models import DocKind, DocStatus, Document
from core.documents.schemas import LotIn, MoveLineIn, PutawayCreate, QCCreate, ReceiptCreate
from core.documents.service import done_line, new_document, set_status
from core.errors import ConflictError, SerialError, ValidationFailed
from core.ledger.posting import MoveRequest, post_moves
from core.locations.models import Kind, Location
from core.locations.service import location_by_code, quarantine_bin, virtual_location
from core.lots import codes as scans
from core.lots.models import Lot, LotStatus, Serial
from core.lots.service import lot_by_code, serials_by_codes, supplier_by_code
from core.people.security import Actor
from core.purchasing.service import ReceiptMatch, receive_against
from core.slotting import best_putaway_bin
from core.weighing import PieceGroup, record_receipt_weights, weigh_groups


def _ensure_lots(
    session: Session, supplier_id: int, lots_in: Sequence[LotIn], codes: set[str]
) -> dict[str, Lot]:
    declared = {lot.code.upper(): lot for lot in lots_in}
    found = {
        lot.code: lot
        for lot in session.scalars(select(Lot).where(Lot.code.in_(codes | set(declared))))
    }
    for code in codes:
        lot = found.get(code)
        if lot is not None:
            if lot.supplier_id != supplier_id:
                raise ConflictError(f"Lot {code} belongs to another supplier.", code="lot-supplier")
            if lot.status == LotStatus.RECALLED:
                raise ConflictError(f"Lot {code} is recalled.", code="lot-recalled")
            continue
        data = declared.get(code)
        if data is None:
            raise ValidationFailed(
                f"Lot {code} is new: describe it under 'lots' (purchase date, purity...).",
                code="unknown-lot",
            )
        lot = Lot(supplier_id=supplier_id, **{**data.model_dump(), "code": code})
        session.add(lot)
        found[code] = lot
    session.flush()
    return found


def _refuse_taken(session: Session, codes: Sequence[str], epcs: Sequence[str]) -> None:
    """`SerialError` if a new code or EPC is already any piece's code or EPC.

    A scan resolves a piece by code or by EPC, so one piece's EPC must never be another
    piece's code: the scan would name two pieces.
    """
    # EPCs are kept upper case but read in either case: a new code that is an existing EPC
    # in any case clashes, and so does a new EPC that is an existing code in either case.
    as_codes = [*codes, *epcs, *(e.lower() for e in epcs)]
    as_epcs = [*(c.upper() for c in codes if scans.is_epc(c)), *epcs]
    for start in range(0, max(len(as_codes), len(as_epcs)), 250):
        names, tags = as_codes[start : start + 250], as_epcs[start : start + 250]
        first = session.execute(
            select(Serial.code, Serial.epc)
            .where(or_(Serial.code.in_(names), Serial.epc.in_(tags)))
            .limit(1)
        ).first()
        if first is not None:
            taken = first.code if first.code in names else first.epc
            raise SerialError(
                f"Serial or EPC {taken} already belongs to piece {first.code}.",
                code="serial-exists",
            )


def _create_serials(
    session: Session, line: object, sku: Sku, lot: Lot, supplier_loc: Location
) -> tuple[int, ...]:
    serials = line.serials  # type: ignore[attr-defined]
    codes = [s.code for s in serials]
    epcs = [s.epc for s in serials if s.epc]
    if len(set(codes)) != len(codes) or len(set(epcs)) != len(epcs):
        raise SerialError(
            f"A serial or EPC is named twice on the {sku.code} line.", code="duplicate-serial"
        )
    _refuse_taken(session, codes, epcs)
    rows = [
        {
            "code": s.code,
            "epc": s.epc,
            "weight_g": s.weight_g or s.gross_weight_g,
            "gross_weight_g": s.gross_weight_g or s.weight_g,
            "net_weight_g": s.net_weight_g,
            "sku_id": sku.id,
            "lot_id": lot.id,
            "location_id": supplier_loc.id,
        }
        for s in serials
    ]
    stmt = insert(Serial).returning(Serial.id, sort_by_parameter_order=True)
    return tuple(session.scalars(stmt, rows))


def _against_order(
    session: Session, actor: Actor, data: ReceiptCreate, supplier_id: int, receipt: str
) -> list[int | None]:
    """The purchase order line of each receipt line, counted as received (None: no order)."""
    if not data.purchase_order:
        return [None] * len(data.lines)
    return list(
        receive_against(
            session,
            actor=actor,
            number=data.purchase_order,
            supplier_id=supplier_id,
            receipt=receipt,
            lines=[ReceiptMatch(ln.sku, ln.quantity, ln.po_line) for ln in data.lines],
        )
    )


def receive(session: Session, *, actor: Actor, data: ReceiptCreate) -> Document:
    """Post a receipt: lots created if new, serials created, stock into quarantine.

    A receipt naming a purchase order counts its lines as received on that order; receiving
    more than is still on order is refused (``over-receipt``) and nothing posts.
    """
    supplier = supplier_by_code(session, data.supplier)
    named = scans.location(session, data.to_location).code if data.to_location else None
    target = quarantine_bin(session, named)
    source = virtual_location(session, Kind.SUPPLIER)
    lots = _ensure_lots(session, supplier.id, data.lots, {ln.lot.upper() for ln in data.lines})
    doc = new_document(
        session,
        kind=DocKind.RECEIPT,
        actor=actor,
        status=DocStatus.OPEN,
        reference=data.reference,
        data={"supplier": supplier.code}
        | ({"purchase_order": data.purchase_order.upper()} if data.purchase_order else {}),
    )
    po_lines = _against_order(session, actor, data, supplier.id, doc.number)
    moves: list[MoveRequest] = []
    weighed: list[tuple[int, float]] = []
    for no, line in enumerate(data.lines, start=1):
        sku, lot = sku_by_code(session, line.sku), lots[line.lot.upper()]
        if sku.serialised and len(line.serials) != line.quantity:
            raise SerialError(
                f"Line {no}: {sku.code} is serialised; give {line.quantity} serials, "
                f"got {len(line.serials)}.",
                code="serials-required",
            )
        serial_ids = _create_serials(session, line, sku, lot, source) if sku.serialised else ()
        weighed += [(sid, grams) for sid, p in zip(serial_ids, line.serials, strict=False)
                    if (grams := p.gross_weight_g or p.weight_g)]
        moves.append(
            done_line(
                session,
                doc,
                line_no=no,
                sku_id=sku.id,
                lot_id=lot.id,
                origin_id=source.id,
                target_id=target.id,
                quantity=line.quantity,
                serial_ids=serial_ids,
                purchase_line_id=po_lines[no - 1],
            )
        )
    post_moves(
        session,
        document_id=doc.id,
        document_kind=doc.kind,
        actor=actor,
        reason="receipt",
        moves=moves,
    )
    record_receipt_weights(session, actor=actor, readings=weighed, location_id=target.id,
                           reference=doc.number)
    set_status(session, doc, status=DocStatus.RECEIVED, actor=actor)
    return doc


def inspect_lot(session: Session, *, actor: Actor, data: QCCreate) -> Document:
    """Record a QC inspection: pass approves the lot, fail puts it on hold."""
    lot = lot_by_code(session, data.lot)
    if lot.status not in (LotStatus.QUARANTINED, LotStatus.ON_HOLD):
        raise ConflictError(
            f"Lot {lot.code} is {lot.status}; only quarantined or held lots are inspected.",
            code="lot-not-inspectable",
        )
    doc = new_document(
        session,
        kind=DocKind.QC,
        actor=actor,
        status=DocStatus.OPEN,
        lot_id=lot.id,
        reason=data.result,
        note=data.notes,
        data={
            "lot": lot.code,
            "result": data.result,
            "measured_purity": data.measured_purity,
            "measured_weight_g": data.measured_weight_g,
        },
    )
    lot.qc_result = data.result
    if data.measured_purity is not None:
        lot.assay_purity = data.measured_purity
    lot.status = LotStatus.APPROVED if data.result == "pass" else LotStatus.ON_HOLD
    audit.record(
        session,
        actor=actor.username,
        action="lot.qc",
        entity=lot.code,
        detail={"result": data.result, "status": lot.status},
    )
    set_status(session, doc, status=DocStatus.DONE, actor=actor)
    return doc


def resolve_move_line(
    session: Session,
    line: MoveLineIn,
    *,
    default_from: Location | None = None,
    suggest_over: float | None = None,
) -> tuple[Sku, Lot, Location, Location, tuple[int, ...]]:
    """Codes of a move line to rows; serials named must be this SKU and lot.

    With ``suggest_over`` (the vault price threshold) a line without a destination goes to
    the bin slotting suggests.
    """
    sku, lot = sku_by_code(session, line.sku), lot_by_code(session, line.lot)
    if line.from_location:
        origin = scans.location(session, line.from_location)
    elif default_from is not None:
        origin = default_from
    else:
        raise ValidationFailed("Say where the stock comes from (from_location).", code="no-source")
    if line.to_location:
        target = scans.location(session, line.to_location)
    elif suggest_over is not None:
        code = best_putaway_bin(
            session, sku_code=sku.code, quantity=line.quantity, vault_price_threshold=suggest_over
        )
        target = location_by_code(session, code)
    else:
        raise ValidationFailed("Say where the stock goes (to_location).", code="no-destination")
    serial_ids: tuple[int, ...] = ()
    if line.serials:
        serials = serials_by_codes(session, line.serials)
        wrong = [s.code for s in serials if s.sku_id != sku.id or s.lot_id != lot.id]
        if wrong:
            raise SerialError(
                f"Serial {wrong[0]} is not {sku.code} of lot {lot.code}.", code="serial-mismatch"
            )
        serial_ids = tuple(s.id for s in serials)
    return sku, lot, origin, target, serial_ids


def post_move_document(
    session: Session,
    *,
    actor: Actor,
    kind: DocKind,
    lines: Sequence[MoveLineIn],
    reference: str | None = None,
    vault_price_threshold: float = 5000.0,
    weights: Mapping[str, float] | None = None,
) -> Document:
    """A putaway or transfer: each line moves stock between two internal locations.

    Putaway lines without a destination go where slotting suggests. Pieces on a weight hold
    move only into a quarantine bin; ``weights`` (piece -> grams) are checked at ``vault-in``,
    ``vault-out`` or ``transfer`` (``putaway``), and a transfer into or out of the vault needs
    a reading of every piece while those events are in ``FACET_WEIGH_REQUIRED_EVENTS`` (the
    default).
    """
    doc = new_document(session, kind=kind, actor=actor, status=DocStatus.OPEN, reference=reference)
    moves: list[MoveRequest] = []
    groups: list[PieceGroup] = []
    for no, line in enumerate(lines, start=1):
        sku, lot, origin, target, serial_ids = resolve_move_line(
            session, line, suggest_over=vault_price_threshold if kind == DocKind.PUTAWAY else None
        )
        if origin.is_virtual or target.is_virtual:
            raise ValidationFailed(
                f"Line {no}: a {kind} moves stock inside the warehouse only.",
                code="virtual-location",
            )
        groups.append(_weigh_group(kind, origin, target, serial_ids))
        moves.append(
            done_line(
                session,
                doc,
                line_no=no,
                sku_id=sku.id,
                lot_id=lot.id,
                origin_id=origin.id,
                target_id=target.id,
                quantity=line.quantity,
                serial_ids=serial_ids,
            )
        )
    weigh_groups(session, actor=actor, groups=groups, weights=weights, reference=doc.number)
    post_moves(
        session,
        document_id=doc.id,
        document_kind=doc.kind,
        actor=actor,
        reason=str(kind),
        moves=moves,
    )
    set_status(session, doc, status=DocStatus.DONE, actor=actor)
    return doc


def _weigh_group(
    kind: DocKind, origin: Location, target: Location, serial_ids: tuple[int, ...]
) -> PieceGroup:
    """The custody event of a line: into or out of the vault, or a move inside the floor."""
    into, out_of = target.kind == Kind.VAULT, origin.kind == Kind.VAULT
    event = "vault-in" if into and not out_of else "vault-out" if out_of and not into else (
        "putaway" if kind == DocKind.PUTAWAY else "transfer")
    where = target.code if event == "vault-in" else origin.code
    # Putaway checks the readings given but never demands them: the pieces were weighed at
    # receipt and QC moments before (FACET_WEIGH_REQUIRED_EVENTS governs transfers).
    required = False if kind == DocKind.PUTAWAY else None
    # A held piece may be taken to a quarantine bin to be looked at, and nowhere else.
    return PieceGroup(serial_ids, event, where, required, target.kind == Kind.QUARANTINE)


def putaway(
    session: Session, *, actor: Actor, data: PutawayCreate, vault_price_threshold: float = 5000.0
) -> Document:
    """Put approved stock away into storage bins (slotting picks bins left unnamed)."""
    return post_move_document(
        session,
        actor=actor,
        kind=DocKind.PUTAWAY,
        lines=data.lines,
        vault_price_threshold=vault_price_threshold,
    )

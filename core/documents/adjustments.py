"""Stock adjustments: signed corrections of a bin against V-ADJUSTMENT (or V-SCRAP), all or none.

A positive line brings pieces in from the adjustment location (found stock); a negative line
sends them out (lost, stolen, damaged, scrapped). Found serialised pieces either come back from
V-ADJUSTMENT, where an earlier loss left them, or are created there first, as a receipt creates
pieces at the supplier, so every piece still enters the warehouse through a move.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.catalogue.service import sku_by_code
from core.documents.models import DocKind, DocStatus, Document
from core.documents.schemas import AdjustmentCreate, AdjustmentLineIn, AdjustmentReason
from core.documents.service import done_line, new_document, set_status
from core.errors import SerialError, ValidationFailed
from core.ledger.posting import MoveRequest, post_moves
from core.locations.models import Kind, Location
from core.locations.service import virtual_location
from core.lots import codes as scans
from core.lots.models import Lot, Serial
from core.lots.service import lot_by_code, serials_by_codes
from core.people.security import Actor

__all__ = ["REASONS", "adjust", "check_reason"]

REASONS = frozenset(r.value for r in AdjustmentReason)
# Reasons that only make sense in one direction; data_error and sample go either way.
_ONLY_IN = frozenset({AdjustmentReason.FOUND})
_ONLY_OUT = frozenset(
    {
        AdjustmentReason.LOST,
        AdjustmentReason.THEFT,
        AdjustmentReason.DAMAGED,
        AdjustmentReason.SCRAP,
    }
)
_SERIAL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,47}$")


def check_reason(reason: str | None) -> AdjustmentReason:
    """The reason code, or a 422 ``reason-required`` / ``unknown-reason``."""
    if reason is None or not reason.strip():
        raise ValidationFailed(
            f"An adjustment needs a reason: one of {', '.join(sorted(REASONS))}.",
            code="reason-required",
        )
    value = reason.strip().lower()
    if value not in REASONS:
        raise ValidationFailed(
            f"Unknown reason '{reason}'; use one of {', '.join(sorted(REASONS))}.",
            code="unknown-reason",
        )
    return AdjustmentReason(value)


def _check_direction(no: int, reason: AdjustmentReason, quantity: int) -> None:
    if quantity == 0:
        raise ValidationFailed(
            f"Line {no}: a quantity of zero changes nothing.", code="zero-quantity"
        )
    if reason in _ONLY_IN and quantity < 0:
        raise ValidationFailed(
            f"Line {no}: '{reason}' adds stock; give a positive quantity.", code="reason-direction"
        )
    if reason in _ONLY_OUT and quantity > 0:
        raise ValidationFailed(
            f"Line {no}: '{reason}' removes stock; give a negative quantity.",
            code="reason-direction",
        )


def _bin(session: Session, no: int, code: str) -> Location:
    location = scans.location(session, code)
    if location.is_virtual:
        raise ValidationFailed(
            f"Line {no}: adjust a bin in the warehouse, not {code}.", code="virtual-location"
        )
    return location


def _found_serials(
    session: Session, no: int, values: Sequence[str], sku: Sku, lot: Lot, source: Location
) -> tuple[int, ...]:
    """Ids of found pieces: known ones must sit at ``source``; unknown codes are created there."""
    codes = scans.piece_codes(session, values)
    bad = next((c for c in codes if not _SERIAL_CODE.match(c)), None)
    if bad is not None:
        raise ValidationFailed(
            f"Line {no}: '{bad}' is not a valid serial code.", code="invalid-serial"
        )
    known = {s.code: s for s in session.scalars(select(Serial).where(Serial.code.in_(codes)))}
    for serial in known.values():
        if serial.sku_id != sku.id or serial.lot_id != lot.id:
            raise SerialError(
                f"Line {no}: serial {serial.code} is not {sku.code} of lot {lot.code}.",
                code="serial-mismatch",
            )
        if serial.location_id != source.id:
            raise SerialError(
                f"Line {no}: serial {serial.code} is booked elsewhere; move it "
                "with a transfer instead.",
                code="serial-elsewhere",
            )
    rows = [
        {"code": c, "sku_id": sku.id, "lot_id": lot.id, "location_id": source.id}
        for c in codes
        if c not in known
    ]
    created: list[int] = []
    if rows:
        stmt = insert(Serial).returning(Serial.id, sort_by_parameter_order=True)
        created = list(session.scalars(stmt, rows))
    new_ids = iter(created)
    return tuple(known[c].id if c in known else next(new_ids) for c in codes)


def _lost_serials(
    session: Session, no: int, values: Sequence[str], sku: Sku, lot: Lot
) -> tuple[int, ...]:
    serials = serials_by_codes(session, values)
    wrong = next((s.code for s in serials if s.sku_id != sku.id or s.lot_id != lot.id), None)
    if wrong is not None:
        raise SerialError(
            f"Line {no}: serial {wrong} is not {sku.code} of lot {lot.code}.",
            code="serial-mismatch",
        )
    return tuple(s.id for s in serials)


def _line_move(
    session: Session,
    doc: Document,
    no: int,
    line: AdjustmentLineIn,
    outside: Location,
    reason: AdjustmentReason,
) -> MoveRequest:
    _check_direction(no, reason, line.quantity)
    sku, lot = sku_by_code(session, line.sku), lot_by_code(session, line.lot)
    where = _bin(session, no, line.location)
    qty = abs(line.quantity)
    if not sku.serialised and line.serials:
        raise SerialError(f"Line {no}: {sku.code} is not serialised; do not name serials.")
    if sku.serialised and len(line.serials) != qty:
        raise SerialError(
            f"Line {no}: {sku.code} is serialised; name {qty} serials, got {len(line.serials)}.",
            code="serials-required",
        )
    inbound = line.quantity > 0
    serial_ids: tuple[int, ...] = ()
    if sku.serialised:
        serial_ids = (
            _found_serials(session, no, line.serials, sku, lot, outside)
            if inbound
            else _lost_serials(session, no, line.serials, sku, lot)
        )
    origin, target = (outside, where) if inbound else (where, outside)
    return done_line(
        session,
        doc,
        line_no=no,
        sku_id=sku.id,
        lot_id=lot.id,
        origin_id=origin.id,
        target_id=target.id,
        quantity=qty,
        serial_ids=serial_ids,
        data={"delta": line.quantity},
    )


def adjust(session: Session, *, actor: Actor, data: AdjustmentCreate) -> Document:
    """Post a stock adjustment; a reason code is required and every line posts or none does."""
    reason = check_reason(data.reason)
    outside = virtual_location(
        session, Kind.SCRAP if reason == AdjustmentReason.SCRAP else Kind.ADJUSTMENT
    )
    doc = new_document(
        session,
        kind=DocKind.ADJUSTMENT,
        actor=actor,
        status=DocStatus.OPEN,
        reason=str(reason),
        note=data.note,
        reference=data.reference,
    )
    moves = [
        _line_move(session, doc, no, line, outside, reason)
        for no, line in enumerate(data.lines, start=1)
    ]
    post_moves(
        session,
        document_id=doc.id,
        document_kind=doc.kind,
        actor=actor,
        reason=f"adjustment: {reason}",
        moves=moves,
    )
    set_status(session, doc, status=DocStatus.POSTED, actor=actor)
    return doc

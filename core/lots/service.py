"""Supplier and lot verbs, and holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, TypeVar

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from core.audit import service as audit
from core.catalogue.models import Sku
from core.errors import ConflictError, NotFoundError
from core.locations.models import Location
from core.lots.codes import piece_codes
from core.lots.models import Lot, LotStatus, Serial, Supplier
from core.lots.qr import serial_payload
from core.lots.schemas import LotCreate, LotRead, LotUpdate, SerialRead, SupplierCreate
from core.people.security import Actor
from core.prepared import Prepared


def create_supplier(session: Session, *, actor: Actor, data: SupplierCreate) -> Supplier:
    """Add a supplier."""
    if session.scalar(select(Supplier.id).where(Supplier.code == data.code)) is not None:
        raise ConflictError(f"Supplier {data.code} already exists.", code="supplier-exists")
    supplier = Supplier(**data.model_dump())
    session.add(supplier)
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="supplier.create",
        entity=data.code,
        detail=data.model_dump(),
    )
    return supplier


def create_lot(session: Session, *, actor: Actor, data: LotCreate) -> Lot:
    """Announce a lot; it starts quarantined."""
    code = data.code.upper()
    if session.scalar(select(Lot.id).where(Lot.code == code)) is not None:
        raise ConflictError(f"Lot {code} already exists.", code="lot-exists")
    supplier = supplier_by_code(session, data.supplier)
    lot = Lot(**data.model_dump(exclude={"supplier", "code"}), code=code, supplier_id=supplier.id)
    session.add(lot)
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="lot.create",
        entity=code,
        detail=data.model_dump(mode="json"),
    )
    return lot


def update_lot(session: Session, *, actor: Actor, code: str, data: LotUpdate) -> Lot:
    """Change a lot's certificate or packaging details."""
    lot = lot_by_code(session, code)
    changes = data.model_dump(exclude_unset=True)
    for key, value in changes.items():
        setattr(lot, key, value)
    session.flush()
    audit.record(
        session, actor=actor.username, action="lot.update", entity=lot.code, detail=changes
    )
    return lot


def set_hold(session: Session, *, actor: Actor, code: str, hold: bool, reason: str) -> Lot:
    """Put an approved lot on hold, or release a held lot back to approved."""
    lot = lot_by_code(session, code)
    if hold and lot.status != LotStatus.APPROVED:
        raise ConflictError(
            f"Lot {lot.code} is {lot.status}; only approved lots can be held.",
            code="lot-not-holdable",
        )
    if not hold and lot.status != LotStatus.ON_HOLD:
        raise ConflictError(
            f"Lot {lot.code} is {lot.status}, not on hold; only a lot on hold can be released.",
            code="lot-not-releasable",
        )
    if not hold and lot.qc_result != "pass":
        raise ConflictError(
            f"Lot {lot.code} cannot be released until it passes QC (QC result: "
            f"{lot.qc_result or 'none yet'}).",
            code="lot-not-releasable",
        )
    lot.status = LotStatus.ON_HOLD if hold else LotStatus.APPROVED
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="lot.hold" if hold else "lot.release",
        entity=lot.code,
        detail={"reason": reason},
    )
    return lot


def lot_read(session: Session, lot: Lot) -> LotRead:
    """The API view of a lot."""
    supplier = session.scalar(select(Supplier.code).where(Supplier.id == lot.supplier_id))
    return LotRead(
        id=lot.id,
        code=lot.code,
        supplier=supplier or "?",
        purchase_date=lot.purchase_date,
        declared_purity=lot.declared_purity,
        assay_purity=lot.assay_purity,
        certificate_lab=lot.certificate_lab,
        certificate_no=lot.certificate_no,
        packaging=lot.packaging,
        qc_result=lot.qc_result,
        status=lot.status,
        received_at=lot.received_at,
    )


def list_lots(
    session: Session, *, status: str | None, supplier: str | None, limit: int, offset: int
) -> tuple[list[LotRead], int]:
    """A page of lots, newest first."""
    stmt = select(Lot)
    if status:
        stmt = stmt.where(Lot.status == status)
    if supplier:
        stmt = stmt.where(Lot.supplier_id == supplier_by_code(session, supplier).id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    lots = session.scalars(stmt.order_by(Lot.received_at.desc()).limit(limit).offset(offset))
    return [lot_read(session, lot) for lot in lots], total


def serial_read(session: Session, code: str) -> SerialRead:
    """A piece by code or QR payload."""
    serial = serials_by_codes(session, [code])[0]
    sku, lot, loc = session.execute(
        select(Sku.code, Lot.code, Location.code)
        .select_from(Sku)
        .join(Lot, Lot.id == serial.lot_id)
        .join(Location, Location.id == serial.location_id)
        .where(Sku.id == serial.sku_id)
    ).one()
    return SerialRead(
        code=serial.code,
        qr_payload=serial_payload(serial.code),
        epc=serial.epc,
        sku=sku,
        lot=lot,
        location=loc,
        weight_g=serial.weight_g,
        gross_weight_g=serial.gross_weight_g,
        net_weight_g=serial.net_weight_g,
    )


def lot_by_code(session: Session, code: str) -> Lot:
    """The lot with ``code`` (case-insensitive); NotFoundError otherwise."""
    lot = session.scalar(select(Lot).where(Lot.code == code.strip().upper()))
    if lot is None:
        raise NotFoundError(f"No lot with code '{code}'.", code="unknown-lot")
    return lot


def supplier_by_code(session: Session, code: str) -> Supplier:
    """The supplier with ``code``; NotFoundError otherwise."""
    supplier = session.scalar(select(Supplier).where(Supplier.code == code))
    if supplier is None:
        raise NotFoundError(f"No supplier with code '{code}'.", code="unknown-supplier")
    return supplier


T = TypeVar("T")


def _in_order(codes: list[str], found: dict[str, T]) -> list[T]:
    """``found`` in the order of ``codes``; unknown codes are refused (the first five named)."""
    missing = [c for c in codes if c not in found]
    if missing:
        raise NotFoundError(
            f"Unknown serial(s): {', '.join(missing[:5])}" + ("..." if len(missing) > 5 else ""),
            code="unknown-serial",
        )
    return [found[c] for c in codes]


def serials_by_codes(session: Session, values: Sequence[str]) -> list[Serial]:
    """Serials for codes, QR payloads or EPCs, in the order given; every one must exist, once."""
    codes = piece_codes(session, values)
    found: dict[str, Serial] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        found.update(
            (s.code, s) for s in session.scalars(select(Serial).where(Serial.code.in_(chunk)))
        )
    return _in_order(codes, found)


class SerialRow(NamedTuple):
    """A piece where it is: what a pick confirmation checks of a scanned serial."""

    id: int
    code: str
    sku_id: int
    lot_id: int
    location_id: int


_SERIAL_COLUMNS = select(Serial.id, Serial.code, Serial.sku_id, Serial.lot_id, Serial.location_id)
_SERIAL_ROWS = _SERIAL_COLUMNS.where(Serial.code.in_(bindparam("codes", expanding=True)))
_P_SERIAL_ROW = Prepared(_SERIAL_COLUMNS.where(Serial.code == bindparam("code")), SerialRow)


def serial_rows_by_codes(session: Session, values: Sequence[str]) -> list[SerialRow]:
    """Like :func:`serials_by_codes` but plain rows (id, code, sku_id, lot_id, location_id)."""
    session.flush()
    codes = piece_codes(session, values)
    if len(codes) == 1:  # a pick confirmation: prepared, on the raw cursor
        found = {r.code: r for r in _P_SERIAL_ROW.rows(session, {"code": codes[0]})}
    else:
        found = {
            r.code: SerialRow(*r)
            for start in range(0, len(codes), 500)
            for r in session.connection().execute(
                _SERIAL_ROWS, {"codes": codes[start : start + 500]}
            )
        }
    return _in_order(codes, found)

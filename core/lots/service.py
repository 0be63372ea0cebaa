"""Supplier and lot verbs, and holds."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.audit import service as audit
from core.catalogue.models import Sku
from core.errors import ConflictError
from core.locations.models import Location
from core.lookups import lot_by_code, supplier_by_code
from core.lots.models import Lot, LotStatus, Supplier
from core.lots.qr import serial_payload
from core.lots.schemas import LotCreate, LotRead, LotUpdate, SerialRead, SupplierCreate
from core.people.security import Actor


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
    if not hold and (lot.status != LotStatus.ON_HOLD or lot.qc_result != "pass"):
        raise ConflictError(
            f"Lot {lot.code} cannot be released; it needs a passed QC.", code="lot-not-releasable"
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
    from core.lookups import serials_by_codes

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
    )

"""Custody partners and the custody location each one's pieces are booked to.

A partner's location is a ledger bin of kind ``custody`` (code ``CUST-<partner>``) outside the
location tree: stock there is ours but away (out on memo, at the repairer, at the assay lab).
It is not a kind allocation, counts or slotting take from, so nothing there is free stock, yet
stock and value reports list it under its own code.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import service as audit
from core.custody.models import CustodyPartner, PartnerKind
from core.custody.schemas import PartnerCreate, PartnerRead
from core.errors import ConflictError, NotFoundError, ValidationFailed
from core.locations.models import Location, Tier
from core.lots.models import Supplier
from core.lots.service import supplier_by_code
from core.people.security import Actor

__all__ = [
    "CUSTODY_KIND",
    "create_partner",
    "list_partners",
    "partner_by_code",
    "partner_read",
]

#: The location kind of a partner's custody location.
CUSTODY_KIND = "custody"
_PREFIX = "CUST-"


def create_partner(session: Session, *, actor: Actor, data: PartnerCreate) -> CustodyPartner:
    """A new partner with its custody location; a supplier partner names its supplier."""
    code = data.code.upper()
    if data.kind not in set(PartnerKind):
        raise ValidationFailed(
            f"Partner kind '{data.kind}' is not one of {', '.join(PartnerKind)}.",
            code="bad-partner-kind",
        )
    if session.scalar(select(CustodyPartner.id).where(CustodyPartner.code == code)):
        raise ConflictError(f"Partner {code} already exists.", code="partner-exists")
    supplier_id = None
    if data.kind == PartnerKind.SUPPLIER:
        if not data.supplier:
            raise ValidationFailed(
                "A supplier partner names its supplier (the lots it consigns are its).",
                code="supplier-required",
            )
        supplier_id = supplier_by_code(session, data.supplier.upper()).id
    elif data.supplier:
        raise ValidationFailed(
            "Only a supplier partner names a supplier.", code="supplier-not-allowed"
        )
    location = _custody_location(session, code, data.name)
    partner = CustodyPartner(
        code=code, name=data.name, kind=data.kind, supplier_id=supplier_id,
        location_id=location.id, contact=data.contact, active=True,
    )
    session.add(partner)
    session.flush()
    audit.record(session, actor=actor.username, action="custody.partner.create", entity=code,
                 detail=data.model_dump(mode="json"))
    return partner


def _custody_location(session: Session, code: str, name: str) -> Location:
    loc_code = f"{_PREFIX}{code}"
    if session.scalar(select(Location.id).where(Location.code == loc_code)):
        raise ConflictError(f"Location {loc_code} already exists.", code="location-exists")
    location = Location(code=loc_code, name=f"custody: {name}"[:128], tier=Tier.BIN,
                        kind=CUSTODY_KIND, parent_id=None, active=True)
    session.add(location)
    session.flush()
    return location


def partner_by_code(session: Session, code: str) -> CustodyPartner:
    """The partner with ``code``; ``unknown-partner`` (404) otherwise."""
    partner = session.scalar(
        select(CustodyPartner).where(CustodyPartner.code == code.strip().upper())
    )
    if partner is None:
        raise NotFoundError(
            f"No custody partner '{code}'; add it first (POST /api/custody/partners).",
            code="unknown-partner",
        )
    return partner


def list_partners(session: Session) -> list[CustodyPartner]:
    """Every partner by code."""
    return list(session.scalars(select(CustodyPartner).order_by(CustodyPartner.code)))


def partner_read(session: Session, partner: CustodyPartner) -> PartnerRead:
    """The API view of a partner."""
    location = session.get(Location, partner.location_id)
    supplier = session.get(Supplier, partner.supplier_id) if partner.supplier_id else None
    return PartnerRead(
        code=partner.code, name=partner.name, kind=partner.kind,
        supplier=supplier.code if supplier else None,
        location=location.code if location else "?", contact=partner.contact,
        active=partner.active,
    )

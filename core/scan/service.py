"""Resolve one scanned code to what it names, as the reader may see it.

A handheld's scan field takes whatever a label carries and asks here what it is before it
posts anything. The order of the search is the order of likelihood on the floor: a piece (by
code, QR or EPC), a location (by code or QR), then a lot and a SKU. A QR says its kind, so
``FACET:S:`` only ever names a piece and ``FACET:L:`` a location.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku, Style
from core.errors import UnknownCode
from core.locations.models import Kind, Location, Tier
from core.lots import codes as scans
from core.lots.models import Lot, Serial, Supplier
from core.scan.schemas import LotSummary, PieceRead, PlaceRead, ScanRead, SkuSummary
from core.trace.service import normalise_lot_code
from core.trace.visibility import FULL_VIEW, Visibility

__all__ = ["resolve"]

_STATUS_AT = {
    Kind.CUSTOMER: "shipped",
    Kind.ADJUSTMENT: "written_off",
    Kind.SCRAP: "written_off",
    Kind.SUPPLIER: "at_supplier",
}


def resolve(session: Session, *, code: str, view: Visibility = FULL_VIEW) -> ScanRead:
    """What ``code`` names; `UnknownCode` (404) when nothing does, `InvalidCodeError` for junk.

    A piece in a bin under the reader's live blind count is shown without its location, and
    check digits are null for roles that may not see them.
    """
    scanned = scans.read(code)
    text = scanned.code
    if scanned.kind != "location":
        via = "qr" if scanned.kind == "serial" else "code"
        serial = session.scalar(select(Serial).where(Serial.code == text))
        if serial is None and scanned.kind == "plain" and scans.is_epc(text):
            serial = session.scalar(select(Serial).where(Serial.epc == text.upper()))
            via = "epc"
        if serial is not None:
            return ScanRead(kind="serial", code=serial.code, scanned=text, via=via,
                            piece=_piece(session, serial, view))
        if scanned.kind == "serial":
            raise UnknownCode(f"The piece label {text} names no piece in the books.")
    if (place := session.scalar(select(Location).where(Location.code == text))) is not None:
        return ScanRead(kind="location", code=place.code, scanned=text,
                        via="qr" if scanned.kind == "location" else "code",
                        location=_place(session, place, view))
    if scanned.kind == "location":
        raise UnknownCode(f"The location label {text} names no location.")
    return _lot_or_sku(session, text)


def _lot_or_sku(session: Session, text: str) -> ScanRead:
    """A lot (any case, 'g 2311' as 'G-2311') or a SKU; `UnknownCode` otherwise."""
    lot = session.scalar(select(Lot).where(Lot.code.in_({text.upper(), normalise_lot_code(text)})))
    if lot is not None:
        supplier = session.get_one(Supplier, lot.supplier_id)
        return ScanRead(kind="lot", code=lot.code, scanned=text, via="code", lot=LotSummary(
            code=lot.code, status=lot.status, qc_result=lot.qc_result, supplier=supplier.code))
    sku = session.scalar(select(Sku).where(Sku.code == text))
    if sku is not None:
        style = session.get_one(Style, sku.style_id)
        return ScanRead(kind="sku", code=sku.code, scanned=text, via="code", sku=SkuSummary(
            code=sku.code, style=style.code, name=style.name, serialised=sku.serialised))
    raise UnknownCode(
        f"Nothing is called '{text[:60]}': not a piece, EPC, location, lot or SKU. "
        "Check the label, or type the code printed under it."
    )


def _piece(session: Session, serial: Serial, view: Visibility) -> PieceRead:
    """A piece's summary; its location left out in a bin the reader counts blind."""
    sku, lot, lot_status, place, kind = session.execute(
        select(Sku.code, Lot.code, Lot.status, Location.code, Location.kind)
        .select_from(Serial)
        .join(Sku, Sku.id == Serial.sku_id)
        .join(Lot, Lot.id == Serial.lot_id)
        .join(Location, Location.id == Serial.location_id)
        .where(Serial.id == serial.id)
    ).one()
    return PieceRead(
        sku=sku, lot=lot, lot_status=lot_status,
        location=None if serial.location_id in view.hidden_bins else place,
        status=_STATUS_AT.get(Kind(kind), "in_stock"),
        epc=serial.epc, weight_g=serial.weight_g,
    )


def _place(session: Session, place: Location, view: Visibility) -> PlaceRead:
    """A location's summary with the zone it lies in (the tree is a few tiers deep)."""
    return PlaceRead(
        code=place.code, name=place.name, tier=place.tier, kind=place.kind,
        zone=_zone(session, place), check_digits=view.digits(place.check_digits),
        active=place.active,
    )


def _zone(session: Session, place: Location) -> str | None:
    """The code of the zone at or above ``place``; None outside any zone (virtual places)."""
    at: Location | None = place
    for _ in range(16):  # deeper than any warehouse tree; a cycle cannot loop forever
        if at is None:
            return None
        if at.tier == Tier.ZONE:
            return at.code
        at = session.get(Location, at.parent_id) if at.parent_id is not None else None
    return None

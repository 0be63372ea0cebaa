"""Traceability: where something is now, a serial's history, and where a lot went."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, bindparam, func, or_, select
from sqlalchemy.orm import Session, aliased

from core.catalogue.models import Sku, Style
from core.documents.models import Document
from core.errors import NotFoundError, ValidationFailed
from core.ledger.models import Balance, MoveSerial, StockMove
from core.locations.models import VIRTUAL_KINDS, Kind, Location
from core.lots import codes as scans
from core.lots.models import Lot, Serial, Supplier
from core.orders.models import SalesOrder
from core.people.models import User
from core.prepared import Prepared
from core.trace.visibility import FULL_VIEW, Visibility

_INTERNAL = [k.value for k in Kind if k not in VIRTUAL_KINDS]
_LOT_SPOKEN = re.compile(r"^([A-Za-z]+)[\s\-_]*(\d+)$")


@dataclass
class LocateResult:
    """What a query named and where it is, per location."""

    query: str
    kind: str
    label: str
    rows: list[dict[str, object]] = field(default_factory=list)


# Where something lies: the columns every locate row starts with, and their names.
_PLACE = (Location.code, Location.kind, Location.check_digits, Sku.code, Lot.code, Lot.status)
_PLACE_KEYS = ("location", "location_kind", "check_digits", "sku", "lot", "lot_status")


def _place_row(place: Sequence[object], on_hand: object, reserved: object) -> dict[str, object]:
    return {**dict(zip(_PLACE_KEYS, place, strict=True)), "on_hand": on_hand,
            "reserved": reserved}


def _balance_rows(
    session: Session, *conditions: ColumnElement[bool]
) -> list[dict[str, object]]:
    stmt = (
        select(*_PLACE, Balance.on_hand, Balance.reserved)
        .join(Location, Location.id == Balance.location_id)
        .join(Sku, Sku.id == Balance.sku_id)
        .join(Lot, Lot.id == Balance.lot_id)
        .where(Balance.on_hand > 0, Location.kind.in_(_INTERNAL), *conditions)
        .order_by(Location.code, Sku.code, Lot.code)
        .limit(500)
    )
    return [_place_row(row[:6], row[6], row[7]) for row in session.execute(stmt)]


# Most locate queries are a scanned piece: prepared, on the raw cursor (see core.prepared).
_P_SERIAL = Prepared(
    select(Serial.code, *_PLACE)
    .join(Location, Location.id == Serial.location_id)
    .join(Sku, Sku.id == Serial.sku_id)
    .join(Lot, Lot.id == Serial.lot_id)
    .where(or_(Serial.code == bindparam("code"), Serial.epc == bindparam("epc")))
    .limit(1)
)


def _serial_result(session: Session, query: str, code: str) -> LocateResult | None:
    # EPCs are stored upper-case; a reader may send them in either case.
    row = _P_SERIAL.run(session, {"code": code, "epc": code.upper()}).fetchone()
    if row is None:
        return None
    serial = row[0]
    return LocateResult(query, "serial", serial, [{**_place_row(row[1:], 1, 0), "serial": serial}])


def normalise_lot_code(text: str) -> str:
    """'g 2311', 'G2311' and 'g-2311' all become 'G-2311'."""
    match = _LOT_SPOKEN.match(text.strip())
    return f"{match[1].upper()}-{match[2]}" if match else text.strip().upper()


def locate(session: Session, *, q: str, view: Visibility = FULL_VIEW) -> LocateResult:
    """Where a serial, lot, SKU (or the start of several: 'ST0003-Au750Y'), style or QR label
    is, per location, as ``view`` may see it.

    Check digits are null when the reader may not see them; rows at bins under the reader's
    blind count are left out, and naming such a bin (or a piece in it) is `BlindCountOpen`.
    """
    found = _locate(session, q)
    if found.kind in ("location", "serial"):
        for row in found.rows:
            view.refuse_bin(str(row["location"]))
        if found.kind == "location":
            view.refuse_bin(found.label)
    found.rows = view.visible_rows(found.rows)
    return found


def _locate(session: Session, q: str) -> LocateResult:
    text = q.strip()
    if not text:
        raise ValidationFailed("Say what to look for.", code="empty-query")
    scanned = scans.read(text)
    if scanned.kind == "location":
        code = scanned.code
        loc = session.scalar(select(Location.id).where(Location.code == code))
        if loc is None:
            raise NotFoundError(f"No location {code}.", code="unknown-location")
        return LocateResult(q, "location", code, _balance_rows(session, Location.code == code))
    text = scanned.code
    if (found := _serial_result(session, q, text)) is not None:
        return found
    lot = session.execute(
        select(Lot.id, Lot.code).where(Lot.code.in_({text.upper(), normalise_lot_code(text)}))
    ).first()
    if lot is not None:
        return LocateResult(q, "lot", lot.code, _balance_rows(session, Balance.lot_id == lot.id))
    sku_id = session.scalar(select(Sku.id).where(Sku.code == text))
    if sku_id is not None:
        return LocateResult(q, "sku", text, _balance_rows(session, Balance.sku_id == sku_id))
    if session.scalar(select(Location.id).where(Location.code == text)) is not None:
        return LocateResult(q, "location", text, _balance_rows(session, Location.code == text))
    style_ids = list(
        session.scalars(
            select(Style.id).where(or_(Style.code == text, Style.name.ilike(f"%{text}%"))).limit(20)
        )
    )
    if style_ids:
        rows = _balance_rows(session, Sku.style_id.in_(style_ids))
        return LocateResult(q, "style", text, rows)
    if "-" in text and session.scalar(  # the start of SKUs cut at a dash: 'ST0003-Au750Y'
        select(Sku.id).where(Sku.code.startswith(f"{text}-", autoescape=True)).limit(1)
    ) is not None:
        rows = _balance_rows(session, Sku.code.startswith(f"{text}-", autoescape=True))
        return LocateResult(q, "sku", text, rows)
    raise NotFoundError(
        f"Nothing called '{q}': not a serial, lot, SKU, location or style.", code="not-found"
    )


def refuse_hidden_serial(session: Session, *, code: str, view: Visibility) -> None:
    """`BlindCountOpen` when the piece ``code`` lies in a bin under the reader's blind count."""
    if view.hidden_bins and (
        at := session.scalar(select(Serial.location_id).where(Serial.code == code))
    ) in view.hidden_bins:
        view.refuse_bin(session.get_one(Location, at).code)


def serial_history(
    session: Session, *, code: str, view: Visibility = FULL_VIEW
) -> list[dict[str, object]]:
    """Every move of a piece (by code, QR or EPC): when, from, to, which document, who."""
    code = scans.piece_codes(session, [code])[0]
    serial = session.scalar(select(Serial).where(Serial.code == code))
    if serial is None:
        raise NotFoundError(f"No serial {code}.", code="unknown-serial")
    refuse_hidden_serial(session, code=code, view=view)
    src, dst = aliased(Location), aliased(Location)
    stmt = (
        select(
            StockMove.id,
            StockMove.created_at,
            src.code,
            dst.code,
            Document.number,
            Document.kind,
            StockMove.reason,
            User.username,
        )
        .join(MoveSerial, MoveSerial.move_id == StockMove.id)
        .join(src, src.id == StockMove.from_location_id)
        .join(dst, dst.id == StockMove.to_location_id)
        .join(Document, Document.id == StockMove.document_id)
        .join(User, User.id == StockMove.actor_id)
        .where(MoveSerial.serial_id == serial.id)
        .order_by(StockMove.id)
    )
    return [
        {
            "move_id": mid,
            "at": at,
            "from_location": a,
            "to_location": b,
            "document": number,
            "document_kind": kind,
            "reason": reason,
            "actor": who,
        }
        for mid, at, a, b, number, kind, reason, who in session.execute(stmt)
    ]


def lot_trace(
    session: Session, *, code: str, view: Visibility = FULL_VIEW
) -> dict[str, object]:
    """A lot's origin, where it is now, and every order and customer it went to.

    As ``view`` may see it: check digits and customers null when hidden, bins under the
    reader's blind count left out of ``on_hand``.
    """
    lot = session.scalar(select(Lot).where(Lot.code == normalise_lot_code(code)))
    if lot is None:
        raise NotFoundError(f"No lot {code}.", code="unknown-lot")
    supplier = session.get_one(Supplier, lot.supplier_id)
    customer = aliased(Location)
    shipped = session.execute(
        select(
            SalesOrder.channel,
            SalesOrder.external_id,
            SalesOrder.customer_name,
            Sku.code,
            func.sum(StockMove.quantity),
            func.max(StockMove.created_at),
        )
        .join(Document, Document.id == StockMove.document_id)
        .join(SalesOrder, SalesOrder.id == Document.order_id)
        .join(customer, customer.id == StockMove.to_location_id)
        .join(Sku, Sku.id == StockMove.sku_id)
        .where(StockMove.lot_id == lot.id, customer.kind == Kind.CUSTOMER)
        .group_by(SalesOrder.channel, SalesOrder.external_id, SalesOrder.customer_name, Sku.code)
        .order_by(func.max(StockMove.created_at))
    ).all()
    return {
        "lot": lot.code,
        "status": lot.status,
        "supplier": {"code": supplier.code, "name": supplier.name},
        "purchase_date": lot.purchase_date,
        "assay_purity": lot.assay_purity,
        "qc_result": lot.qc_result,
        "certificate": {"lab": lot.certificate_lab, "number": lot.certificate_no},
        "on_hand": view.visible_rows(_balance_rows(session, Balance.lot_id == lot.id)),
        "shipped": [
            {
                "channel": ch,
                "order": ext,
                "customer": view.customer(cust),
                "sku": sku,
                "quantity": int(qty),
                "at": at,
            }
            for ch, ext, cust, sku, qty, at in shipped
        ],
    }

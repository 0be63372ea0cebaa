"""What custody looks like: documents, the overdue list and its alerts, value out per partner,
and a valuation that keeps consigned pieces apart from what we own.

Values are at cost as finance values stock (``core.reports.finance.lot_costs``: the lot's
purchase cost, the SKU's catalogue price when the lot was never ordered); a consigned piece is
at catalogue price until bought, then at the cost recorded when it was bought.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.alerts.service import raise_alert
from core.catalogue.models import Sku
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
from core.custody.partners import CUSTODY_KIND
from core.custody.schemas import CustodyRead, OverdueRead, PartnerValue, PieceRead, Valuation
from core.custody.service import today
from core.documents.models import Document
from core.errors import ValidationFailed
from core.ledger.models import Balance
from core.locations.models import VIRTUAL_KINDS, Location
from core.lots.models import Lot, Serial
from core.people.models import User
from core.reports.finance import CURRENCY, lot_costs, money

__all__ = [
    "OVERDUE_RULE",
    "check_overdue",
    "custody_reads",
    "list_custody",
    "overdue",
    "valuation",
    "value_by_partner",
]

#: The alert rule an overdue custody document raises.
OVERDUE_RULE = "custody-overdue"
_MEMO_PARTNERS = frozenset({PartnerKind.CUSTOMER, PartnerKind.SHOP})


def list_custody(
    session: Session, *, kind: str | None = None, status: str | None = None,
    partner: str | None = None, limit: int = 50, offset: int = 0,
) -> tuple[list[tuple[Document, CustodyDoc]], int]:
    """Custody documents, newest first, by kind, status and partner code."""
    stmt = select(Document, CustodyDoc).join(CustodyDoc, CustodyDoc.document_id == Document.id)
    if kind:
        stmt = stmt.where(CustodyDoc.kind == kind)
    if status:
        stmt = stmt.where(CustodyDoc.status == status)
    if partner:
        stmt = stmt.join(CustodyPartner, CustodyPartner.id == CustodyDoc.partner_id).where(
            CustodyPartner.code == partner.strip().upper())
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(Document.id.desc()).limit(limit).offset(offset)).all()
    return [(d, c) for d, c in rows], total


def custody_reads(session: Session, rows: list[tuple[Document, CustodyDoc]]) -> list[CustodyRead]:
    """The API view of custody documents, with their pieces."""
    ids = [c.id for _d, c in rows]
    pieces: dict[int, list[tuple[CustodyPiece, str, str, str, str]]] = defaultdict(list)
    settled_by = {}
    if ids:
        for piece, serial, sku, lot, where in session.execute(
            select(CustodyPiece, Serial.code, Sku.code, Lot.code, Location.code)
            .join(Serial, Serial.id == CustodyPiece.serial_id)
            .join(Sku, Sku.id == CustodyPiece.sku_id)
            .join(Lot, Lot.id == CustodyPiece.lot_id)
            .join(Location, Location.id == CustodyPiece.bin_id)
            .where(CustodyPiece.custody_doc_id.in_(ids))
            .order_by(CustodyPiece.id)
        ):
            pieces[piece.custody_doc_id].append((piece, serial, sku, lot, where))
        settled = {p.settled_document_id for ps in pieces.values() for p, *_ in ps}
        settled_by = dict(session.execute(select(Document.id, Document.number).where(
            Document.id.in_({i for i in settled if i}))).all())
    partners = {p.id: p for p in session.scalars(select(CustodyPartner).where(
        CustodyPartner.id.in_({c.partner_id for _d, c in rows})))}
    locations = dict(session.execute(select(Location.id, Location.code).where(
        Location.id.in_({p.location_id for p in partners.values()}))).all())
    users = dict(session.execute(select(User.id, User.username).where(
        User.id.in_({d.created_by_id for d, _c in rows}))).all())
    day = today()
    out = []
    for doc, custody in rows:
        partner = partners[custody.partner_id]
        mine = pieces[custody.id]
        counts = Counter(str(p.state) for p, *_ in mine)
        live = sum(counts[s] for s in LIVE_STATES)
        out.append(CustodyRead(
            number=doc.number, kind=custody.kind, partner=partner.code,
            partner_name=partner.name, location=locations.get(partner.location_id, "?"),
            due_on=custody.due_on, terms=custody.terms, status=custody.status,
            overdue=custody.status == CustodyStatus.OPEN and live > 0 and custody.due_on < day,
            created_by=users.get(doc.created_by_id, "?"), created_at=doc.created_at,
            pieces=[PieceRead(
                serial=serial, sku=sku, lot=lot, bin=where, state=p.state,
                unit_cost=float(p.unit_cost) if p.unit_cost is not None else None,
                settled_by=settled_by.get(p.settled_document_id) if p.settled_document_id
                else None,
                settled_at=p.settled_at,
            ) for p, serial, sku, lot, where in mine],
            counts=dict(counts),
        ))
    return out


def _piece_values(session: Session, pieces: list[CustodyPiece]) -> dict[int, Decimal]:
    """Each custody piece's value (by piece id)."""
    costs = _costs(session, {(p.sku_id, p.lot_id) for p in pieces})
    return {
        p.id: money(p.unit_cost) if p.unit_cost is not None else costs[p.sku_id, p.lot_id]
        for p in pieces
    }


def _costs(session: Session, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Decimal]:
    """Each (SKU, lot)'s unit cost: its purchase cost, else the SKU's catalogue price."""
    found = lot_costs(session, pairs)
    prices = dict(session.execute(select(Sku.id, Sku.price).where(
        Sku.id.in_({s for s, _l in pairs}))).all())
    return {pair: found.get(pair, money(prices.get(pair[0]) or 0)) for pair in pairs}


def _live_rows(
    session: Session, *, before: date | None = None
) -> list[tuple[CustodyDoc, CustodyPartner, Document, CustodyPiece]]:
    stmt = (
        select(CustodyDoc, CustodyPartner, Document, CustodyPiece)
        .join(CustodyPartner, CustodyPartner.id == CustodyDoc.partner_id)
        .join(Document, Document.id == CustodyDoc.document_id)
        .join(CustodyPiece, CustodyPiece.custody_doc_id == CustodyDoc.id)
        .where(CustodyDoc.status == CustodyStatus.OPEN,
               CustodyPiece.state.in_([str(s) for s in LIVE_STATES]))
        .order_by(CustodyDoc.due_on, Document.id, CustodyPiece.id)
    )
    if before is not None:
        stmt = stmt.where(CustodyDoc.due_on < before)
    return [(c, pa, d, pi) for c, pa, d, pi in session.execute(stmt)]


def overdue(session: Session, *, on: date | None = None) -> list[OverdueRead]:
    """Open custody documents past their due-back date with pieces still out, most overdue
    first."""
    day = on or today()
    rows = _live_rows(session, before=day)
    values = _piece_values(session, [pi for *_r, pi in rows])
    grouped: dict[int, list[tuple[CustodyDoc, CustodyPartner, Document, CustodyPiece]]] = (
        defaultdict(list))
    for row in rows:
        grouped[row[0].id].append(row)
    out = []
    for group in grouped.values():
        custody, partner, doc, _piece = group[0]
        out.append(OverdueRead(
            number=doc.number, kind=custody.kind, partner=partner.code,
            partner_name=partner.name, due_on=custody.due_on,
            days_overdue=(day - custody.due_on).days, pieces_out=len(group),
            value=float(sum((values[pi.id] for *_r, pi in group), Decimal(0))),
        ))
    out.sort(key=lambda r: (-r.days_overdue, r.number))
    return out


def check_overdue(session: Session, *, on: date | None = None) -> list[OverdueRead]:
    """Raise one alert per overdue document not yet alerted today; returns those alerted.

    Run it daily (``facet custody check-overdue`` from cron or a timer): a document overdue
    for a week raises one alert a day until its pieces are back, sold or bought.
    """
    day = on or today()
    raised = []
    for row in overdue(session, on=day):
        custody = session.scalar(select(CustodyDoc).join(
            Document, Document.id == CustodyDoc.document_id).where(Document.number == row.number))
        if custody is None or custody.alerted_on == day:
            continue
        custody.alerted_on = day
        raise_alert(
            session, camera="custody", zone=row.partner, rule=OVERDUE_RULE, severity="high",
            message=(f"{row.number}: {row.pieces_out} piece(s) with {row.partner_name} "
                     f"({row.partner}) {row.days_overdue} day(s) past due {row.due_on}, "
                     f"value {row.value:.2f} {CURRENCY}."),
        )
        raised.append(row)
    session.flush()
    return raised


def value_by_partner(session: Session, *, kind: str | None = None) -> list[PartnerValue]:
    """Per partner: the pieces it holds of ours (or lends us, consigned) and their value."""
    if kind is not None and kind not in set(CustodyKind):
        raise ValidationFailed(f"Kind '{kind}' is not one of {', '.join(CustodyKind)}.",
                               code="bad-custody-kind")
    rows = [r for r in _live_rows(session) if kind is None or r[0].kind == kind]
    values = _piece_values(session, [pi for *_r, pi in rows])
    day = today()
    acc: dict[str, PartnerValue] = {}
    for custody, partner, _doc, piece in rows:
        entry = acc.setdefault(partner.code, PartnerValue(
            partner=partner.code, partner_name=partner.name, kind=partner.kind, pieces=0,
            value=0.0, overdue_pieces=0))
        entry.pieces += 1
        entry.value = round(entry.value + float(values[piece.id]), 2)
        entry.overdue_pieces += int(custody.due_on < day)
    return sorted(acc.values(), key=lambda v: (-v.value, v.partner))


def valuation(session: Session) -> Valuation:
    """Stock at cost: owned in the warehouse, owned but out on memo or at repair/assay, and
    consigned pieces (in our bins, not ours) apart."""
    partner_kind = dict(session.execute(
        select(CustodyPartner.location_id, CustodyPartner.kind)).all())
    consigned = list(session.scalars(
        select(CustodyPiece).join(CustodyDoc, CustodyDoc.id == CustodyPiece.custody_doc_id)
        .where(CustodyDoc.kind == CustodyKind.CONSIGNMENT)))
    consignment_lots = {p.lot_id for p in consigned}
    balances = [
        (sku, lot, loc, kind, int(qty)) for sku, lot, loc, kind, qty in session.execute(
            select(Balance.sku_id, Balance.lot_id, Balance.location_id, Location.kind,
                   Balance.on_hand)
            .join(Location, Location.id == Balance.location_id)
            .where(Balance.on_hand > 0, Location.kind.not_in([str(k) for k in VIRTUAL_KINDS])))
        if lot not in consignment_lots
    ]
    costs = _costs(session, {(s, lot) for s, lot, *_r in balances})
    value: dict[str, Decimal] = defaultdict(Decimal)
    pieces: Counter[str] = Counter()
    for sku, lot, loc, kind, qty in balances:
        bucket = _bucket(kind, partner_kind.get(loc))
        value[bucket] += costs[sku, lot] * qty
        pieces[bucket] += qty
    _consigned(session, consigned, partner_kind, value, pieces)
    owned = value["in_warehouse"] + value["out_on_memo"] + value["out_for_repair"]
    return Valuation(
        currency=CURRENCY,
        owned_in_warehouse=float(money(value["in_warehouse"])),
        owned_out_on_memo=float(money(value["out_on_memo"])),
        owned_out_for_repair=float(money(value["out_for_repair"])),
        consigned_not_owned=float(money(value["consigned"])),
        owned_total=float(money(owned)),
        pieces={k: pieces[k] for k in
                ("in_warehouse", "out_on_memo", "out_for_repair", "consigned")},
    )


def _bucket(location_kind: str, partner_kind: str | None) -> str:
    if location_kind != CUSTODY_KIND:
        return "in_warehouse"
    return "out_on_memo" if partner_kind in _MEMO_PARTNERS else "out_for_repair"


def _consigned(
    session: Session, consigned: list[CustodyPiece], partner_kind: dict[int, str],
    value: dict[str, Decimal], pieces: Counter[str],
) -> None:
    """Consignment lots piece by piece: consigned apart; bought ones where they lie."""
    if not consigned:
        return
    where = dict(session.execute(
        select(Serial.id, Location.kind).join(Location, Location.id == Serial.location_id)
        .where(Serial.id.in_([p.serial_id for p in consigned]))).all())
    located = dict(session.execute(select(Serial.id, Serial.location_id).where(
        Serial.id.in_([p.serial_id for p in consigned]))).all())
    values = _piece_values(session, consigned)
    for piece in consigned:
        kind = where.get(piece.serial_id)
        if kind is None or kind in VIRTUAL_KINDS:
            continue  # sold or sent back
        if piece.state == PieceState.CONSIGNED:
            bucket = "consigned"
        else:
            bucket = _bucket(kind, partner_kind.get(located[piece.serial_id]))
        value[bucket] += values[piece.id]
        pieces[bucket] += 1

"""Finance documents: receipts, issues, transfers and adjustments with their values, for booking.

Every finance line is one ledger move (so a document's quantities are what the ledger holds)
valued by one rule:

- A piece's cost is its SKU and lot's cost: the quantity-weighted average of the purchase-order
  unit costs of the receipt lines that brought that SKU's lot in against an order (basis
  ``lot-cost``). A lot received without any order has no purchase cost, so its pieces are
  valued at the SKU's catalogue price (basis ``catalogue-price``), flagged for finance to see.
- Receipts: a receipt line against a purchase-order line at that line's unit cost
  (``po-cost``), otherwise at the lot's cost as above.
- Issues (shipments to customers) at cost, with the sale value (the order line's unit price
  times the quantity) beside; pieces carry their lot, so cost is the lot's (FIFO by lot). A
  piece sold off a memo has no order line: its sale value is at the SKU's catalogue price, the
  price the memo went out at.
- Transfers at cost: value moves between locations, net zero for the company.
- Adjustments (stock adjustments, count differences, scrapped returns) at cost, signed: a gain
  is positive, a loss negative.

A move belongs to the register of the outside location it crosses, whatever its document:
the supplier (receipts; a return to the supplier or a reversed receipt counts negative), the
customer (issues; a customer's return counts negative, its sale value too), the adjustment or
scrap location (adjustments). Transfers are the transfer documents' moves inside the warehouse
(putaways and picks move nothing finance books).

Consignment (``core.reports.finance_consigned``): pieces in on consignment are the supplier's
until bought, so their arrival and their send-back are left out of every register rather than
listed under a kind of their own: a receipt or issue register is then what the company bought
and sold, its totals are owned value with no memo lines to subtract, and a spreadsheet summing
the value column is right. What is consigned, and its memo value, is in the custody valuation
and the value per partner. Buying consigned pieces is a receipt (reason
``consignment-purchase``), dated at the purchase, naming the supplier and the consignment
document, at the unit cost recorded then (basis ``purchase-cost``); a bought piece leaving is
valued at that cost too, and one leaving before it is bought is flagged (basis ``consigned``,
at the catalogue price, its memo value) until the purchase is recorded. Pieces out on memo, at
a repairer or an assay lab stay ours: their moves cross no outside location and book nothing
until a memo piece is sold (an issue).

Money is :class:`~decimal.Decimal` rounded half-up to 2 places, in :data:`CURRENCY`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.documents.models import DocKind, Document, DocumentLine
from core.errors import NotFoundError, ValidationFailed
from core.ledger.models import MoveSerial, StockMove
from core.locations.models import VIRTUAL_KINDS, Location
from core.locations.models import Kind as LocationKind
from core.lots.models import Lot, Serial, Supplier
from core.orders.models import OrderLine
from core.purchasing.models import PurchaseOrderLine
from core.reports.finance_consigned import (
    CONSIGNMENT_PURCHASE,
    NOT_OWNED_SOURCES,
    bought_costs,
    consigned_lots,
    purchase_count,
    purchase_lines,
)

__all__ = [
    "CONSIGNMENT_PURCHASE",
    "CURRENCY",
    "MAX_DAYS",
    "MAX_LINES",
    "NOT_OWNED_SOURCES",
    "FinanceDocument",
    "FinanceKind",
    "FinanceLine",
    "Register",
    "finance_document",
    "money",
    "register",
]

#: The currency of every value: the catalogue's prices and purchase costs carry none, and the
#: business books in renminbi.
CURRENCY = "CNY"
#: The longest period one register covers (a year, leap day included).
MAX_DAYS = 366
#: The most lines one register answers; a busier period is asked for in parts.
MAX_LINES = 20_000
CENT = Decimal("0.01")


class FinanceKind(StrEnum):
    """The kinds of finance document and the warehouse documents each books."""

    RECEIPT = "receipt"
    ISSUE = "issue"
    TRANSFER = "transfer"
    ADJUSTMENT = "adjustment"


#: The outside location (virtual kind) whose moves each register books.
OUTSIDE: dict[FinanceKind, frozenset[str]] = {
    FinanceKind.RECEIPT: frozenset({LocationKind.SUPPLIER.value}),
    FinanceKind.ISSUE: frozenset({LocationKind.CUSTOMER.value}),
    FinanceKind.TRANSFER: frozenset(),
    FinanceKind.ADJUSTMENT: frozenset({LocationKind.ADJUSTMENT.value, LocationKind.SCRAP.value}),
}
KIND_OF_PLACE = {place: kind for kind, places in OUTSIDE.items() for place in places}
#: The register a document opened alone is shown in, by its kind (a correction or a return
#: follows the outside location its first move crosses).
PRIMARY = {
    DocKind.RECEIPT.value: FinanceKind.RECEIPT,
    DocKind.SHIPMENT.value: FinanceKind.ISSUE,
    DocKind.TRANSFER.value: FinanceKind.TRANSFER,
    DocKind.ADJUSTMENT.value: FinanceKind.ADJUSTMENT,
    DocKind.COUNT.value: FinanceKind.ADJUSTMENT,
}


def money(value: Decimal | float | int) -> Decimal:
    """An amount rounded half-up to cents (floats go through their shortest text first)."""
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FinanceLine:
    """One move, valued: quantity and value are signed for adjustments (gain +, loss -)."""

    line_no: int
    sku: str
    lot: str
    serials: tuple[str, ...]
    quantity: int
    unit_value: Decimal
    value: Decimal
    basis: str
    from_location: str
    to_location: str
    unit_price: Decimal | None = None
    sale_value: Decimal | None = None


@dataclass(frozen=True)
class FinanceDocument:
    """A warehouse document as finance books it: number, date, counterparty and valued lines."""

    number: str
    kind: FinanceKind
    source: str
    date: datetime
    counterparty: str
    reference: str | None
    reason: str | None
    lines: tuple[FinanceLine, ...]

    @property
    def quantity(self) -> int:
        """Pieces on the document (signed for adjustments)."""
        return sum(ln.quantity for ln in self.lines)

    @property
    def value(self) -> Decimal:
        """The document's value at cost (net for adjustments)."""
        return sum((ln.value for ln in self.lines), Decimal("0.00"))

    @property
    def sale_value(self) -> Decimal | None:
        """An issue's value at the orders' prices (lines without a price count nothing)."""
        if self.kind != FinanceKind.ISSUE:
            return None
        return sum((ln.sale_value or Decimal("0.00") for ln in self.lines), Decimal("0.00"))

    def totals(self) -> dict[str, Any]:
        """Lines, quantity and value (and sale value, gains and losses where they apply)."""
        return _totals(self.kind, [self])


@dataclass(frozen=True)
class Register:
    """Every document of one kind posted in a period, with totals."""

    kind: FinanceKind
    since: date
    until: date
    documents: tuple[FinanceDocument, ...]
    currency: str = CURRENCY

    def totals(self) -> dict[str, Any]:
        """Documents, lines, quantity and value over the period."""
        return _totals(self.kind, self.documents)


def _totals(kind: FinanceKind, docs: Sequence[FinanceDocument]) -> dict[str, Any]:
    lines = [ln for d in docs for ln in d.lines]
    out: dict[str, Any] = {
        "documents": len(docs),
        "lines": len(lines),
        "quantity": sum(ln.quantity for ln in lines),
        "value": sum((ln.value for ln in lines), Decimal("0.00")),
    }
    if kind == FinanceKind.ISSUE:
        out["sale_value"] = sum((ln.sale_value or Decimal("0.00") for ln in lines), Decimal("0.00"))
    if kind == FinanceKind.ADJUSTMENT:
        out["gains"] = sum((ln.value for ln in lines if ln.value > 0), Decimal("0.00"))
        out["losses"] = sum((ln.value for ln in lines if ln.value < 0), Decimal("0.00"))
    return out


def _period(since: date, until: date) -> tuple[datetime, datetime]:
    if since > until:
        raise ValidationFailed(
            f"The period starts ({since}) after it ends ({until}).", code="period-reversed"
        )
    if (until - since).days + 1 > MAX_DAYS:
        raise ValidationFailed(
            f"A register covers at most {MAX_DAYS} days; ask for a shorter period.",
            code="period-too-long",
        )
    start = datetime.combine(since, time.min, tzinfo=UTC)
    return start, datetime.combine(until, time.min, tzinfo=UTC) + timedelta(days=1)


def _moves(where: Sequence[Any]) -> Select[*tuple[Any, ...]]:
    return (
        select(
            StockMove.id,
            StockMove.created_at,
            StockMove.sku_id,
            StockMove.lot_id,
            StockMove.from_location_id,
            StockMove.to_location_id,
            StockMove.quantity,
            Document.id.label("doc_id"),
            Document.number,
            Document.kind,
            Document.reference,
            Document.reason,
            Document.data,
            DocumentLine.line_no,
            PurchaseOrderLine.unit_cost,
            OrderLine.unit_price,
        )
        .join(Document, Document.id == StockMove.document_id)
        .outerjoin(DocumentLine, DocumentLine.id == StockMove.document_line_id)
        .outerjoin(PurchaseOrderLine, PurchaseOrderLine.id == DocumentLine.purchase_line_id)
        .outerjoin(OrderLine, OrderLine.id == DocumentLine.order_line_id)
        .where(*where)
    )


def register(session: Session, *, kind: FinanceKind, since: date, until: date) -> Register:
    """Every ``kind`` document with moves posted from ``since`` to ``until`` (UTC days, both
    included), valued; refuses a reversed period, one over :data:`MAX_DAYS` days and one with
    more than :data:`MAX_LINES` moves (``period-too-large``)."""
    start, end = _period(since, until)
    where = [StockMove.created_at >= start, StockMove.created_at < end, _books(kind)]
    bought = (
        [Document.created_at >= start, Document.created_at < end]
        if kind == FinanceKind.RECEIPT
        else None
    )
    count = (
        session.scalar(
            select(func.count())
            .select_from(StockMove)
            .join(Document, Document.id == StockMove.document_id)
            .where(*where)
        )
        or 0
    ) + (purchase_count(session, bought) if bought is not None else 0)
    if count > MAX_LINES:
        raise ValidationFailed(
            f"{count} lines from {since} to {until}: over the {MAX_LINES} one register holds; "
            "ask for a shorter period.",
            code="period-too-large",
        )
    docs = _documents(session, where, only=kind, bought=bought)
    return Register(kind=kind, since=since, until=until, documents=tuple(docs))


def _books(kind: FinanceKind) -> Any:
    """The moves ``kind``'s register books: those crossing its outside location (transfers:
    the transfer documents' moves)."""
    if kind == FinanceKind.TRANSFER:
        return Document.kind == DocKind.TRANSFER.value
    places = select(Location.id).where(Location.kind.in_(sorted(OUTSIDE[kind])))
    return and_(
        Document.kind.not_in(sorted(NOT_OWNED_SOURCES)),
        or_(StockMove.from_location_id.in_(places), StockMove.to_location_id.in_(places)),
    )


def finance_document(
    session: Session, *, number: str, kind: FinanceKind | None = None
) -> FinanceDocument:
    """One document's moves in one register (``kind``; by default the register of its kind, or
    for a return or correction of the first outside location it crosses), valued."""
    code = number.strip().upper()
    doc_kind = session.scalar(select(Document.kind).where(Document.number == code))
    if doc_kind is None:
        raise NotFoundError(f"No document {code}.", code="document-not-found")
    if doc_kind in NOT_OWNED_SOURCES:
        raise NotFoundError(
            f"{code} ({doc_kind}) moves pieces that are the supplier's until bought; finance "
            "books their purchase, on the receipt it made.",
            code="not-a-finance-document",
        )
    kind = kind or PRIMARY.get(doc_kind) or _first_crossing(session, code)
    docs = (
        []
        if kind is None
        else _documents(
            session,
            [Document.number == code, _books(kind)],
            only=kind,
            bought=[Document.number == code] if kind == FinanceKind.RECEIPT else None,
        )
    )
    if not docs:
        raise NotFoundError(
            f"{code} ({doc_kind}) has no {kind or 'valued'} moves to book.",
            code="not-a-finance-document",
        )
    return docs[0]


def _first_crossing(session: Session, number: str) -> FinanceKind | None:
    outside = select(Location.id, Location.kind).where(Location.kind.in_(sorted(VIRTUAL_KINDS)))
    places = {loc_id: str(k) for loc_id, k in session.execute(outside)}
    for source, target in session.execute(
        select(StockMove.from_location_id, StockMove.to_location_id)
        .join(Document, Document.id == StockMove.document_id)
        .where(Document.number == number)
        .order_by(StockMove.id)
    ):
        place = places.get(source) or places.get(target)
        if place in KIND_OF_PLACE:
            return KIND_OF_PLACE[place]
    return None


@dataclass
class _Names:
    """Codes of the rows the moves name, each looked up once."""

    skus: dict[int, str] = field(default_factory=dict)
    prices: dict[int, Decimal] = field(default_factory=dict)
    lots: dict[int, str] = field(default_factory=dict)
    places: dict[int, tuple[str, str]] = field(default_factory=dict)
    serials: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    suppliers: dict[str, str] = field(default_factory=dict)
    bought: dict[str, Decimal] = field(default_factory=dict)
    consigned: set[int] = field(default_factory=set)


def _names(session: Session, rows: Sequence[Any], where: Sequence[Any]) -> _Names:
    names = _Names()
    skus = {r.sku_id for r in rows}
    for sku_id, code, price in session.execute(
        select(Sku.id, Sku.code, Sku.price).where(Sku.id.in_(skus))
    ):
        names.skus[sku_id], names.prices[sku_id] = code, money(price)
    names.lots = dict(
        session.execute(select(Lot.id, Lot.code).where(Lot.id.in_({r.lot_id for r in rows}))).all()
    )
    places = {r.from_location_id for r in rows} | {r.to_location_id for r in rows}
    for loc_id, code, kind in session.execute(
        select(Location.id, Location.code, Location.kind).where(Location.id.in_(places))
    ):
        names.places[loc_id] = (code, str(kind))
    for move_id, code in session.execute(
        select(MoveSerial.move_id, Serial.code)
        .join(Serial, Serial.id == MoveSerial.serial_id)
        .join(StockMove, StockMove.id == MoveSerial.move_id)
        .join(Document, Document.id == StockMove.document_id)
        .where(*where)
        .order_by(Serial.code)
    ):
        names.serials[move_id].append(code)
    codes = {str((r.data or {}).get("supplier")) for r in rows if (r.data or {}).get("supplier")}
    names.suppliers = dict(
        session.execute(select(Supplier.code, Supplier.name).where(Supplier.code.in_(codes))).all()
    )
    lots = {r.lot_id for r in rows if r.lot_id is not None}
    names.bought = bought_costs(session, lots)
    names.consigned = consigned_lots(session, lots)
    return names


def lot_costs(session: Session, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Decimal]:
    """Each (SKU id, lot id)'s purchase cost: the quantity-weighted average unit cost of the
    receipt lines that brought it in against an order; pairs never ordered are left out."""
    wanted = set(pairs)
    spent: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    pieces: dict[tuple[int, int], int] = defaultdict(int)
    if not wanted:
        return {}
    for sku_id, lot_id, quantity, cost in session.execute(
        select(
            DocumentLine.sku_id,
            DocumentLine.lot_id,
            DocumentLine.done_quantity,
            PurchaseOrderLine.unit_cost,
        )
        .join(Document, Document.id == DocumentLine.document_id)
        .join(PurchaseOrderLine, PurchaseOrderLine.id == DocumentLine.purchase_line_id)
        .where(
            Document.kind == DocKind.RECEIPT.value,
            DocumentLine.lot_id.in_({lot for _, lot in wanted}),
        )
    ):
        if lot_id is not None and (sku_id, lot_id) in wanted and quantity > 0:
            spent[sku_id, lot_id] += Decimal(cost) * quantity
            pieces[sku_id, lot_id] += quantity
    return {key: money(spent[key] / pieces[key]) for key in pieces}


def _documents(
    session: Session,
    where: Sequence[Any],
    *,
    only: FinanceKind,
    bought: Sequence[Any] | None = None,
) -> list[FinanceDocument]:
    """The documents of the moves ``where`` selects, and (``bought``: conditions on the
    documents) the receipts of consigned pieces bought, valued."""
    rows = session.execute(_moves(where).order_by(StockMove.document_id, StockMove.id)).all()
    purchases = purchase_lines(session, bought) if bought is not None else []
    if not rows and not purchases:
        return []
    names = _names(session, [*rows, *purchases], where)
    costs = lot_costs(session, {(r.sku_id, r.lot_id) for r in rows})
    docs = [
        _document(
            moves, [_line(r, no, names, costs, only) for no, r in enumerate(moves, 1)], names, only
        )
        for moves in _by_document(rows)
    ]
    docs += [
        _document(lines, [_bought_line(r, names) for r in lines], names, only)
        for lines in _by_document(purchases)
    ]
    docs = [d for d in docs if d.lines]
    docs.sort(key=lambda d: (d.date, d.number))
    return docs


def _by_document(rows: Sequence[Any]) -> list[list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.doc_id].append(row)
    return list(grouped.values())


def _sign(row: Any, names: _Names, kind: FinanceKind) -> int:
    """+1 for a move ``kind`` books as it is (into the warehouse from the supplier or from
    adjustment, out to the customer, any transfer), -1 for its reverse, 0 for a move it does
    not book."""
    if kind == FinanceKind.TRANSFER:
        return 1
    outside = OUTSIDE[kind]
    into = names.places[row.from_location_id][1] in outside
    out = names.places[row.to_location_id][1] in outside
    if into == out:
        return 0
    return (1 if out else -1) if kind == FinanceKind.ISSUE else (1 if into else -1)


def _unit(row: Any, names: _Names, costs: dict[tuple[int, int], Decimal]) -> tuple[Decimal, str]:
    """A move's unit cost and its basis: the order's, the purchase of the consigned pieces it
    carries, the memo value of consigned pieces nobody has bought yet, the lot's, else the
    catalogue price."""
    serials = names.serials.get(row.id, ())
    if row.unit_cost is not None:
        return money(row.unit_cost), "po-cost"
    if serials and len(serials) == row.quantity and all(s in names.bought for s in serials):
        return money(sum(names.bought[s] for s in serials) / len(serials)), "purchase-cost"
    if row.lot_id in names.consigned:
        return names.prices[row.sku_id], "consigned"
    if (row.sku_id, row.lot_id) in costs:
        return costs[row.sku_id, row.lot_id], "lot-cost"
    return names.prices[row.sku_id], "catalogue-price"


def _price(row: Any, names: _Names, kind: FinanceKind) -> Decimal | None:
    """An issue's unit sale price: the order line's, or for a memo sale the catalogue price."""
    if row.unit_price is not None:
        return money(row.unit_price)
    if kind == FinanceKind.ISSUE and (row.data or {}).get("custody"):
        return names.prices[row.sku_id]
    return None


def _line(
    row: Any, no: int, names: _Names, costs: dict[tuple[int, int], Decimal], kind: FinanceKind
) -> FinanceLine | None:
    sign = _sign(row, names, kind)
    if sign == 0:  # (a count's piece found in another bin: nothing crosses the boundary)
        return None
    unit, basis = _unit(row, names, costs)
    price = _price(row, names, kind)
    quantity = sign * row.quantity
    return FinanceLine(
        line_no=row.line_no or no,
        sku=names.skus[row.sku_id],
        lot=names.lots[row.lot_id],
        serials=tuple(names.serials.get(row.id, ())),
        quantity=quantity,
        unit_value=unit,
        value=money(unit * quantity),
        basis=basis,
        from_location=names.places[row.from_location_id][0],
        to_location=names.places[row.to_location_id][0],
        unit_price=price,
        sale_value=money(price * quantity) if price is not None else None,
    )


def _bought_line(row: Any, names: _Names) -> FinanceLine:
    """A line of a consignment purchase: the piece at the unit cost recorded when bought."""
    data: dict[str, Any] = row.line_data or {}
    unit = money(Decimal(str(data.get("unit_cost", "0"))))
    serial = data.get("serial")
    return FinanceLine(
        line_no=row.line_no,
        sku=names.skus[row.sku_id],
        lot=names.lots[row.lot_id],
        serials=(str(serial),) if serial else (),
        quantity=row.quantity,
        unit_value=unit,
        value=money(unit * row.quantity),
        basis="purchase-cost",
        from_location=names.places[row.from_location_id][0],
        to_location=names.places[row.to_location_id][0],
    )


def _document(
    moves: list[Any], built: Sequence[FinanceLine | None], names: _Names, kind: FinanceKind
) -> FinanceDocument:
    first = moves[0]
    lines = tuple(ln for ln in built if ln is not None)
    return FinanceDocument(
        number=first.number,
        kind=kind,
        source=first.kind,
        date=min(_utc(r.created_at) for r in moves),
        counterparty=_counterparty(first, lines, names),
        reference=first.reference,
        reason=first.reason,
        lines=lines,
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _counterparty(first: Any, lines: Sequence[FinanceLine], names: _Names) -> str:
    data: dict[str, Any] = first.data or {}
    if data.get("supplier"):  # receipts and returns to the supplier
        code = str(data["supplier"])
        who = f"{code} {names.suppliers.get(code, '')}".strip()
        also = data.get("purchase_order") or data.get("custody") or data.get("lot")
        return f"{who} / {also}" if also else who
    if data.get("custody"):  # a memo sale: the partner who kept the pieces, and the memo
        return f"{data.get('partner') or '?'} / {data['custody']}"
    if data.get("channel"):  # shipments (the order is the reference) and customers' returns
        parts = (data["channel"], data.get("order") or first.reference, data.get("customer"))
        return " / ".join(str(p) for p in parts if p)
    if first.kind == DocKind.TRANSFER:
        sources = sorted({ln.from_location for ln in lines})
        targets = sorted({ln.to_location for ln in lines})
        return f"{', '.join(sources)} -> {', '.join(targets)}"
    if first.kind == DocKind.COUNT:
        return "count difference"
    if first.kind == DocKind.CORRECTION:
        return f"correction: {first.reason or ''}".strip()
    return str(first.reason or "adjustment")

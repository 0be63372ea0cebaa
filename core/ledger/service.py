"""Reading balances and verifying them against the ledger (the move journal with its documents
is :mod:`core.documents.journal`; corrections are :mod:`core.documents.corrections`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku, Style
from core.fields import Lookup
from core.ledger.models import Balance, StockMove
from core.ledger.posting import ledger_totals
from core.locations.models import VIRTUAL_KINDS, Location
from core.lots.models import Lot


@dataclass
class LedgerReport:
    """What `facet ledger verify` found."""

    moves: int
    balances: int
    differences: list[dict[str, int]] = field(default_factory=list)
    unbalanced_skus: list[int] = field(default_factory=list)
    negative_internal: list[dict[str, int]] = field(default_factory=list)
    #: Filled by :func:`core.orders.integrity.verify_stock`, which knows the reservations.
    reserved_mismatches: list[dict[str, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when balances equal the fold of the ledger and every rule holds."""
        return not (
            self.differences
            or self.unbalanced_skus
            or self.negative_internal
            or self.reserved_mismatches
        )


def verify_ledger(session: Session) -> LedgerReport:
    """Rebuild balances from the ledger in memory and compare with the stored ones.

    Reserved quantities are checked against the reservations that hold them where those live:
    :func:`core.orders.integrity.verify_stock` runs this and that cross-check.
    """
    totals = ledger_totals(session)
    stored = {
        (r.sku_id, r.location_id, r.lot_id): (r.on_hand, r.reserved)
        for r in session.execute(select(Balance)).scalars().all()
    }
    report = LedgerReport(
        moves=session.scalar(select(func.count(StockMove.id))) or 0, balances=len(stored)
    )
    for key in set(totals) | set(stored):
        expected, actual = totals.get(key, 0), stored.get(key, (0, 0))[0]
        if expected != actual:
            report.differences.append(_key(key, ledger=expected, balance=actual))
    sums: dict[int, int] = {}
    for (sku_id, _loc, _lot), qty in totals.items():
        sums[sku_id] = sums.get(sku_id, 0) + qty
    report.unbalanced_skus = sorted(s for s, total in sums.items() if total != 0)
    virtual = set(
        session.scalars(
            select(Location.id).where(Location.kind.in_([str(k) for k in VIRTUAL_KINDS]))
        )
    )
    for key, (on_hand, reserved) in stored.items():
        if key[1] not in virtual and (on_hand < 0 or reserved < 0 or reserved > on_hand):
            report.negative_internal.append(_key(key, on_hand=on_hand, reserved=reserved))
    return report


def _key(key: tuple[int, int, int], **values: int) -> dict[str, int]:
    return {"sku_id": key[0], "location_id": key[1], "lot_id": key[2], **values}


@dataclass(frozen=True)
class StockFilter:
    """Filters for balance queries; codes as people type them."""

    sku: Lookup | None = None
    style: Lookup | None = None
    lot: Lookup | None = None
    location: Lookup | None = None
    metal: Lookup | None = None
    purity: Lookup | None = None
    size: Lookup | None = None
    include_virtual: bool = False


def stock_query(f: StockFilter) -> Select[Balance, Sku, Lot, Location]:
    """Balances joined with SKU, lot and location, filtered; non-zero only."""
    stmt = (
        select(Balance, Sku, Lot, Location)
        .join(Sku, Sku.id == Balance.sku_id)
        .join(Lot, Lot.id == Balance.lot_id)
        .join(Location, Location.id == Balance.location_id)
        .where(Balance.on_hand != 0)
    )
    if not f.include_virtual:
        stmt = stmt.where(Location.kind.not_in([str(k) for k in VIRTUAL_KINDS]))
    if f.sku:
        stmt = stmt.where(Sku.code == f.sku)
    if f.style:
        stmt = stmt.join(Style, Style.id == Sku.style_id).where(Style.code == f.style)
    if f.lot:
        stmt = stmt.where(Lot.code == f.lot.upper())
    if f.location:
        stmt = stmt.where(Location.code == f.location)
    if f.metal:
        stmt = stmt.where(Sku.metal == f.metal)
    if f.purity:
        stmt = stmt.where(Sku.purity == f.purity)
    if f.size:
        stmt = stmt.where(Sku.size == f.size)
    return stmt.order_by(Location.code, Sku.code, Lot.code)


def list_stock(
    session: Session, *, filters: StockFilter, limit: int, offset: int,
    hidden: Collection[int] = (),
) -> tuple[list[dict[str, object]], int]:
    """A page of balances as rows, and the total number of rows (bins in ``hidden`` left out)."""
    stmt = stock_query(filters)
    if hidden:
        stmt = stmt.where(Location.id.not_in(list(hidden)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = [
        {
            "sku": sku.code,
            "lot": lot.code,
            "lot_status": lot.status,
            "location": loc.code,
            "location_kind": loc.kind,
            "on_hand": bal.on_hand,
            "reserved": bal.reserved,
            "available": bal.on_hand - bal.reserved,
        }
        for bal, sku, lot, loc in session.execute(stmt.limit(limit).offset(offset))
    ]
    return rows, total


def occupancy(
    session: Session, *, location_prefix: str | None = None, hidden: Collection[int] = ()
) -> list[dict[str, object]]:
    """Units on hand and reserved per internal location holding stock, summed in SQL (bins in
    ``hidden`` left out)."""
    stmt = (
        select(Location.code, Location.kind, func.sum(Balance.on_hand), func.sum(Balance.reserved),
               func.count(func.distinct(Balance.sku_id)))
        .join(Location, Location.id == Balance.location_id)
        .where(Balance.on_hand > 0, Location.kind.not_in([str(k) for k in VIRTUAL_KINDS]))
        .group_by(Location.code, Location.kind)
        .order_by(Location.code)
    )
    if location_prefix:
        stmt = stmt.where(Location.code.startswith(location_prefix, autoescape=True))
    if hidden:
        stmt = stmt.where(Location.id.not_in(list(hidden)))
    return [
        {"location": code, "kind": kind, "on_hand": int(on_hand), "reserved": int(reserved),
         "skus": int(skus)}
        for code, kind, on_hand, reserved, skus in session.execute(stmt)
    ]

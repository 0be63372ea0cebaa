"""Stock analytics with the common filters: best sellers, slow movers, dead stock, ageing by lot
receipt date, and turnover days per category.

A sale is a move into the customer location, valued at the order line's unit price (the SKU's
list price when the line has none); stock is valued at list price.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from core.catalogue.models import Sku, Style
from core.clock import as_utc
from core.documents.models import Document, DocumentLine
from core.ledger.models import Balance, StockMove
from core.locations.models import Kind, Location
from core.lots.models import Lot
from core.orders.models import OrderLine
from core.reports.filters import VIRTUAL, ReportFilter

__all__ = ["AGE_BUCKETS", "ageing", "dead_stock", "sales_ranking", "turnover"]

AGE_BUCKETS = ((30, "0-30 days"), (90, "31-90 days"), (180, "91-180 days"),
               (365, "181-365 days"), (None, "over a year"))


def _sales(f: ReportFilter) -> Select[*tuple[Any, ...]]:
    """Units, revenue, orders and last sale per SKU in the period, filtered."""
    since, until = f.period()
    customer = aliased(Location)
    price = func.coalesce(OrderLine.unit_price, Sku.price)
    stmt = (
        select(StockMove.sku_id.label("sku_id"), func.sum(StockMove.quantity).label("quantity"),
               func.sum(StockMove.quantity * price).label("revenue"),
               func.count(func.distinct(Document.order_id)).label("orders"))
        .join(customer, customer.id == StockMove.to_location_id)
        .join(Sku, Sku.id == StockMove.sku_id)
        .join(Document, Document.id == StockMove.document_id)
        .outerjoin(DocumentLine, DocumentLine.id == StockMove.document_line_id)
        .outerjoin(OrderLine, OrderLine.id == DocumentLine.order_line_id)
        .where(customer.kind == Kind.CUSTOMER.value, StockMove.created_at >= since,
               StockMove.created_at < until)
        .group_by(StockMove.sku_id)
    )
    return f.stock(stmt, sku=StockMove.sku_id, lot=StockMove.lot_id,
                   location=StockMove.from_location_id)


def _on_hand(f: ReportFilter) -> Select[*tuple[Any, ...]]:
    stmt = (
        select(Balance.sku_id.label("sku_id"), func.sum(Balance.on_hand).label("on_hand"))
        .join(Location, Location.id == Balance.location_id)
        .where(Location.kind.not_in(VIRTUAL), Balance.on_hand > 0)
        .group_by(Balance.sku_id)
    )
    return f.stock(stmt, sku=Balance.sku_id, lot=Balance.lot_id, location=Balance.location_id)


def sales_ranking(
    session: Session, f: ReportFilter, *, slow: bool = False, limit: int = 50
) -> list[dict[str, object]]:
    """Best sellers (most units sold first), or slow movers: SKUs in stock that sold least."""
    sales, stock = _sales(f).subquery(), _on_hand(f).subquery()
    sold = func.coalesce(sales.c.quantity, 0)
    stmt = (
        select(Sku.code, Style.name, Style.category, Sku.metal, Sku.purity, sold,
               func.coalesce(sales.c.revenue, 0), func.coalesce(sales.c.orders, 0),
               func.coalesce(stock.c.on_hand, 0), Sku.price)
        .join(Style, Style.id == Sku.style_id)
    )
    if slow:
        stmt = stmt.join(stock, stock.c.sku_id == Sku.id).outerjoin(
            sales, sales.c.sku_id == Sku.id).order_by(sold, stock.c.on_hand.desc(), Sku.code)
    else:
        stmt = stmt.join(sales, sales.c.sku_id == Sku.id).outerjoin(
            stock, stock.c.sku_id == Sku.id).order_by(
            sales.c.quantity.desc(), sales.c.revenue.desc(), Sku.code)
    return [
        {"rank": n, "sku": sku, "style": style, "category": cat, "metal": metal,
         "purity": purity, "sold": int(qty), "revenue": round(float(revenue), 2),
         "orders": int(orders), "on_hand": int(on_hand),
         "stock_value": round(int(on_hand) * float(price), 2)}
        for n, (sku, style, cat, metal, purity, qty, revenue, orders, on_hand, price)
        in enumerate(session.execute(stmt.limit(limit)), start=1)
    ]


def _last_moves() -> Any:
    """The latest move touching each SKU x lot x location (either side of the move)."""
    ins = select(StockMove.sku_id, StockMove.lot_id,
                 StockMove.to_location_id.label("location_id"), StockMove.created_at)
    outs = select(StockMove.sku_id, StockMove.lot_id,
                  StockMove.from_location_id.label("location_id"), StockMove.created_at)
    both = union_all(ins, outs).subquery()
    return (
        select(both.c.sku_id, both.c.lot_id, both.c.location_id,
               func.max(both.c.created_at).label("at"))
        .group_by(both.c.sku_id, both.c.lot_id, both.c.location_id)
        .subquery()
    )


def dead_stock(
    session: Session, f: ReportFilter, *, days: int = 180, limit: int = 500
) -> list[dict[str, object]]:
    """Stock with no move in ``days`` days before the end of the period, most value first."""
    _, until = f.period()
    last = _last_moves()
    value = Balance.on_hand * Sku.price
    stmt = (
        select(Sku.code, Style.category, Lot.code, Location.code, Balance.on_hand, last.c.at,
               value)
        .join(Sku, Sku.id == Balance.sku_id)
        .join(Style, Style.id == Sku.style_id)
        .join(Lot, Lot.id == Balance.lot_id)
        .join(Location, Location.id == Balance.location_id)
        .join(last, and_(last.c.sku_id == Balance.sku_id, last.c.lot_id == Balance.lot_id,
                         last.c.location_id == Balance.location_id))
        .where(Balance.on_hand > 0, Location.kind.not_in(VIRTUAL))
    )
    stmt = f.stock(stmt, sku=Balance.sku_id, lot=Balance.lot_id, location=Balance.location_id)
    rows = []
    for sku, cat, lot, loc, on_hand, at, val in session.execute(stmt):
        idle = (until - as_utc(at)).days
        if idle >= days:
            rows.append({"sku": sku, "category": cat, "lot": lot, "location": loc,
                         "on_hand": int(on_hand), "last_move_at": as_utc(at), "idle_days": idle,
                         "value": round(float(val), 2)})
    rows.sort(key=lambda r: (-float(r["value"]), str(r["sku"]), str(r["location"])))
    return rows[:limit]


def _bucket_of(age: int) -> str:
    for upper, label in AGE_BUCKETS:
        if upper is None or age <= upper:
            return label
    return AGE_BUCKETS[-1][1]


def ageing(session: Session, f: ReportFilter) -> list[dict[str, object]]:
    """Stock on hand by age of its lot (from the lot's receipt) at the end of the period."""
    _, until = f.period()
    stmt = (
        select(Lot.id, Lot.received_at, func.sum(Balance.on_hand),
               func.sum(Balance.on_hand * Sku.price))
        .join(Lot, Lot.id == Balance.lot_id)
        .join(Sku, Sku.id == Balance.sku_id)
        .join(Location, Location.id == Balance.location_id)
        .where(Balance.on_hand > 0, Location.kind.not_in(VIRTUAL))
        .group_by(Lot.id, Lot.received_at)
    )
    stmt = f.stock(stmt, sku=Balance.sku_id, lot=Balance.lot_id, location=Balance.location_id)
    totals = {label: [0, 0, 0.0, 0] for _, label in AGE_BUCKETS}
    for _lot, received, units, value in session.execute(stmt):
        age = max(0, (until - as_utc(received)).days)
        cell = totals[_bucket_of(age)]
        cell[0] += 1
        cell[1] += int(units)
        cell[2] += float(value)
        cell[3] += int(units) * age
    grand = sum(c[2] for c in totals.values()) or 1.0
    return [
        {"age": label, "lots": lots, "units": units, "value": round(value, 2),
         "value_share": round(value / grand, 4),
         "average_age_days": round(weighted / units, 1) if units else None}
        for label, (lots, units, value, weighted) in totals.items()
    ]


def _net_inflow_after(f: ReportFilter, moment: datetime) -> Select[*tuple[Any, ...]]:
    """Units that entered internal locations at or after ``moment`` minus units that left."""
    src, dst = aliased(Location), aliased(Location)
    inside_to, inside_from = dst.kind.not_in(VIRTUAL), src.kind.not_in(VIRTUAL)
    signed = case((and_(inside_to, ~inside_from), StockMove.quantity),
                  (and_(inside_from, ~inside_to), -StockMove.quantity), else_=literal(0))
    stmt = (
        select(Style.category, func.sum(signed))
        .select_from(StockMove)
        .join(src, src.id == StockMove.from_location_id)
        .join(dst, dst.id == StockMove.to_location_id)
        .join(Sku, Sku.id == StockMove.sku_id)
        .join(Style, Style.id == Sku.style_id)
        .where(StockMove.created_at >= moment)
        .group_by(Style.category)
    )
    return f.stock(stmt, sku=StockMove.sku_id, lot=StockMove.lot_id,
                   locations=(StockMove.from_location_id, StockMove.to_location_id))


def turnover(session: Session, f: ReportFilter) -> list[dict[str, object]]:
    """Days of stock per category: average units on hand (start and end of the period, rebuilt
    from the ledger) over units sold per day; the last row, ``all``, is the whole selection."""
    since, until = f.period()
    on_hand = _on_hand(f).subquery()
    now_by = {str(c): int(q) for c, q in session.execute(
        select(Style.category, func.sum(on_hand.c.on_hand)).join(Sku, Sku.style_id == Style.id)
        .join(on_hand, on_hand.c.sku_id == Sku.id).group_by(Style.category))}
    after_start = {str(c): int(q or 0) for c, q in session.execute(_net_inflow_after(f, since))}
    after_end = {str(c): int(q or 0) for c, q in session.execute(_net_inflow_after(f, until))}
    sales = _sales(f).subquery()
    sold = {str(c): int(q) for c, q in session.execute(
        select(Style.category, func.sum(sales.c.quantity)).join(Sku, Sku.style_id == Style.id)
        .join(sales, sales.c.sku_id == Sku.id).group_by(Style.category))}
    days = (until - since).total_seconds() / 86400
    rows, total = [], [0, 0, 0]
    for cat in sorted(set(now_by) | set(sold) | set(after_start)):
        start = max(0, now_by.get(cat, 0) - after_start.get(cat, 0))
        end = max(0, now_by.get(cat, 0) - after_end.get(cat, 0))
        rows.append(_turnover_row(cat, start, end, sold.get(cat, 0), days))
        total = [total[0] + start, total[1] + end, total[2] + sold.get(cat, 0)]
    rows.append(_turnover_row("all", total[0], total[1], total[2], days))
    return rows


def _turnover_row(cat: str, start: int, end: int, sold: int, days: float) -> dict[str, object]:
    average, per_day = (start + end) / 2, sold / days
    return {"category": cat, "on_hand_start": start, "on_hand_end": end,
            "average_on_hand": round(average, 1), "sold": sold,
            "sold_per_day": round(per_day, 3),
            "turnover_days": round(average / per_day, 1) if per_day > 0 else None}

"""Sales reports from the ledger: best sellers, slow movers and stock turnover over a period.

A sale is a stock move into the customer location; its price is the order line's unit price
(the SKU's list price when the line has none). Periods are half-open: ``since <= at < until``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, select
from sqlalchemy.orm import Session, aliased

from core.catalogue.models import Sku, Style
from core.clock import as_utc
from core.documents.models import Document, DocumentLine
from core.errors import ValidationFailed
from core.ledger.models import Balance, StockMove
from core.locations.models import VIRTUAL_KINDS, Kind, Location
from core.orders.models import OrderLine, SalesOrder

__all__ = ["best_sellers", "slow_movers", "stock_turnover"]

_VIRTUAL = [str(k) for k in VIRTUAL_KINDS]


def _check_period(since: datetime, until: datetime) -> None:
    if until <= since:
        raise ValidationFailed("A period must end after it starts.", code="bad-period")


def _sales(
    since: datetime, until: datetime, category: str | None, channel: str | None
) -> Select[*tuple[Any, ...]]:
    """Shipped quantity and revenue per SKU in the period, as a statement."""
    customer = aliased(Location)
    price = func.coalesce(OrderLine.unit_price, Sku.price)
    stmt = (
        select(
            StockMove.sku_id.label("sku_id"),
            func.sum(StockMove.quantity).label("quantity"),
            func.sum(StockMove.quantity * price).label("revenue"),
            func.count(func.distinct(Document.order_id)).label("orders"),
            func.max(StockMove.created_at).label("last_sold_at"),
        )
        .join(customer, customer.id == StockMove.to_location_id)
        .join(Sku, Sku.id == StockMove.sku_id)
        .join(Style, Style.id == Sku.style_id)
        .join(Document, Document.id == StockMove.document_id)
        .outerjoin(DocumentLine, DocumentLine.id == StockMove.document_line_id)
        .outerjoin(OrderLine, OrderLine.id == DocumentLine.order_line_id)
        .where(
            customer.kind == Kind.CUSTOMER.value,
            StockMove.created_at >= since,
            StockMove.created_at < until,
        )
        .group_by(StockMove.sku_id)
    )
    if category:
        stmt = stmt.where(Style.category == category)
    if channel:
        stmt = stmt.join(SalesOrder, SalesOrder.id == Document.order_id).where(
            SalesOrder.channel == channel
        )
    return stmt


def best_sellers(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    limit: int = 10,
    category: str | None = None,
    channel: str | None = None,
) -> list[dict[str, object]]:
    """The SKUs that sold the most units in the period, with revenue and order count."""
    _check_period(since, until)
    sales = _sales(since, until, category, channel).subquery()
    stmt = (
        select(Sku.code, Style.name, Style.category, Sku.metal, Sku.metal_colour, Sku.purity,
               Sku.size, sales.c.quantity, sales.c.revenue, sales.c.orders)
        .join(sales, sales.c.sku_id == Sku.id)
        .join(Style, Style.id == Sku.style_id)
        .order_by(sales.c.quantity.desc(), sales.c.revenue.desc(), Sku.code)
        .limit(limit)
    )
    return [
        {"rank": n, "sku": sku, "style": name, "category": cat, "metal": metal,
         "colour": colour, "purity": purity, "size": size, "quantity": int(qty),
         "revenue": round(float(revenue or 0), 2), "orders": int(orders)}
        for n, (sku, name, cat, metal, colour, purity, size, qty, revenue, orders)
        in enumerate(session.execute(stmt), start=1)
    ]


def slow_movers(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    limit: int = 10,
    category: str | None = None,
) -> list[dict[str, object]]:
    """SKUs in stock that sold least in the period (none first), most stock first."""
    _check_period(since, until)
    sales = _sales(since, until, category, None).subquery()
    stock = (
        select(Balance.sku_id, func.sum(Balance.on_hand).label("on_hand"))
        .join(Location, Location.id == Balance.location_id)
        .where(Location.kind.not_in(_VIRTUAL), Balance.on_hand > 0)
        .group_by(Balance.sku_id)
        .subquery()
    )
    last_sale = (
        select(StockMove.sku_id, func.max(StockMove.created_at).label("at"))
        .join(Location, Location.id == StockMove.to_location_id)
        .where(Location.kind == Kind.CUSTOMER.value)
        .group_by(StockMove.sku_id)
        .subquery()
    )
    sold = func.coalesce(sales.c.quantity, 0)
    stmt = (
        select(Sku.code, Style.name, Style.category, stock.c.on_hand, sold, last_sale.c.at)
        .join(stock, stock.c.sku_id == Sku.id)
        .join(Style, Style.id == Sku.style_id)
        .outerjoin(sales, sales.c.sku_id == Sku.id)
        .outerjoin(last_sale, last_sale.c.sku_id == Sku.id)
        .order_by(sold, stock.c.on_hand.desc(), Sku.code)
        .limit(limit)
    )
    if category:
        stmt = stmt.where(Style.category == category)
    rows = []
    for n, (sku, name, cat, on_hand, qty, last) in enumerate(session.execute(stmt), start=1):
        idle = (as_utc(until) - as_utc(last)).days if last is not None else None
        rows.append({"rank": n, "sku": sku, "style": name, "category": cat,
                     "on_hand": int(on_hand), "sold": int(qty), "last_sold_at": last,
                     "days_since_last_sale": idle})
    return rows


def _net_inflow_since(since: datetime, by: Any) -> Select[*tuple[Any, ...]]:
    """Units that came into internal locations at or after ``since``, minus units that left."""
    src, dst = aliased(Location), aliased(Location)
    inside_to = dst.kind.not_in(_VIRTUAL)
    inside_from = src.kind.not_in(_VIRTUAL)
    signed = case(
        (and_(inside_to, ~inside_from), StockMove.quantity),
        (and_(inside_from, ~inside_to), -StockMove.quantity),
        else_=literal(0),
    )
    return (
        select(by.label("key"), func.sum(signed).label("net"))
        .select_from(StockMove)
        .join(src, src.id == StockMove.from_location_id)
        .join(dst, dst.id == StockMove.to_location_id)
        .join(Sku, Sku.id == StockMove.sku_id)
        .join(Style, Style.id == Sku.style_id)
        .where(StockMove.created_at >= since)
        .group_by(by)
    )


def _on_hand_by(session: Session, by: Any) -> dict[str, int]:
    stmt = (
        select(by, func.sum(Balance.on_hand))
        .join(Location, Location.id == Balance.location_id)
        .join(Sku, Sku.id == Balance.sku_id)
        .join(Style, Style.id == Sku.style_id)
        .where(Location.kind.not_in(_VIRTUAL))
        .group_by(by)
    )
    return {str(k): int(v or 0) for k, v in session.execute(stmt)}


def stock_turnover(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    category: str | None = None,
) -> list[dict[str, object]]:
    """Days of stock per category: average units on hand over units sold per day.

    The average is of the stock at the start and at the end of the period, both rebuilt from
    the ledger; the last row (category ``all``) is the whole warehouse.
    """
    _check_period(since, until)
    by = Style.category
    now_on_hand = _on_hand_by(session, by)
    after_start = {str(k): int(v or 0) for k, v in session.execute(_net_inflow_since(since, by))}
    after_end = {str(k): int(v or 0) for k, v in session.execute(_net_inflow_since(until, by))}
    sales = _sales(since, until, None, None).subquery()
    sold = {
        str(cat): int(qty)
        for cat, qty in session.execute(
            select(Style.category, func.sum(sales.c.quantity))
            .join(Sku, Sku.style_id == Style.id)
            .join(sales, sales.c.sku_id == Sku.id)
            .group_by(Style.category)
        )
    }
    days = max((until - since).total_seconds() / 86400, 1e-9)
    keys = sorted(set(now_on_hand) | set(sold) | set(after_start))
    if category:
        keys = [k for k in keys if k == category]
    rows = []
    totals = {"start": 0, "end": 0, "sold": 0}
    for key in keys:
        # Clamped at zero: imported history can post a sale before its receipt's timestamp.
        start = max(0, now_on_hand.get(key, 0) - after_start.get(key, 0))
        end = max(0, now_on_hand.get(key, 0) - after_end.get(key, 0))
        rows.append(_turnover_row(key, start, end, sold.get(key, 0), days))
        totals = {"start": totals["start"] + start, "end": totals["end"] + end,
                  "sold": totals["sold"] + sold.get(key, 0)}
    if not category:
        rows.append(_turnover_row("all", totals["start"], totals["end"], totals["sold"], days))
    return rows


def _turnover_row(key: str, start: int, end: int, sold: int, days: float) -> dict[str, object]:
    average = (start + end) / 2
    per_day = sold / days
    return {
        "category": key,
        "on_hand_start": start,
        "on_hand_end": end,
        "average_on_hand": round(average, 1),
        "sold": sold,
        "sold_per_day": round(per_day, 2),
        "turnover_days": round(average / per_day, 1) if per_day > 0 else None,
    }

"""Demand forecasts for intermittent sellers (Croston and its Syntetos-Boylan correction), a
rolling-origin backtest, and reorder advice in words.

Jewellery sells in ones and twos with many empty weeks between, which is what Croston's method
was made for: it smooths the size of the non-zero demands and the interval between them apart,
and forecasts their ratio. SBA multiplies that by ``1 - alpha/2`` to remove Croston's bias.

The advice compares the reorder point with the inventory position: stock available in storage,
plus pieces received and waiting in quarantine, plus what open purchase orders still bring.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from typing import Any, Literal, overload

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, aliased

from core.catalogue.models import Sku
from core.clock import now
from core.errors import ValidationFailed
from core.ledger.models import Balance, StockMove
from core.locations.models import Kind, Location
from core.lots.models import Lot, LotStatus, Supplier
from core.purchasing.models import ON_ORDER, PurchaseOrder, PurchaseOrderLine
from core.reports._sql import bucket
from core.reports.filters import VIRTUAL, ReportFilter

__all__ = ["Backtest", "backtest", "croston", "reorder_advice"]

Variant = Literal["croston", "sba"]


def croston(demand: Sequence[float], *, alpha: float = 0.1,
            variant: Variant = "sba") -> list[float]:
    """One-step-ahead forecasts: item ``t`` is the rate per period forecast from ``demand[:t]``;
    the last item (index ``len(demand)``) is the forecast for the next period.

    >>> croston([0, 0, 0, 4, 0, 0, 0, 4], variant="croston")[-1]
    1.0
    """
    if not 0 < alpha <= 1:
        raise ValidationFailed("alpha must lie in (0, 1].", code="bad-alpha")
    factor = 1 - alpha / 2 if variant == "sba" else 1.0
    size = interval = None
    since_last = 1
    out = []
    for value in demand:
        out.append(0.0 if size is None else factor * size / interval)  # type: ignore[operator]
        if value > 0:
            if size is None:
                size, interval = float(value), float(since_last)
            else:
                size += alpha * (value - size)
                interval += alpha * (since_last - interval)  # type: ignore[operator]
            since_last = 1
        else:
            since_last += 1
    out.append(0.0 if size is None else factor * size / interval)  # type: ignore[operator]
    return out


@dataclass(frozen=True)
class Backtest:
    """Errors of one-step-ahead forecasts over the last ``periods`` periods of a series."""

    periods: int
    mae: float
    rmse: float
    bias: float
    naive_mae: float

    @property
    def relative_mae(self) -> float | None:
        """MAE over the MAE of the naive forecast (the mean of all earlier periods)."""
        return self.mae / self.naive_mae if self.naive_mae > 0 else None


def backtest(demand: Sequence[float], *, holdout: int, alpha: float = 0.1,
             variant: Variant = "sba") -> Backtest:
    """Forecast each of the last ``holdout`` periods from the periods before it and score it."""
    if not 0 < holdout < len(demand):
        raise ValidationFailed("The holdout must be shorter than the series.", code="bad-holdout")
    fitted = croston(demand, alpha=alpha, variant=variant)
    start = len(demand) - holdout
    errors = [fitted[t] - demand[t] for t in range(start, len(demand))]
    naive = [statistics.fmean(demand[:t]) - demand[t] for t in range(start, len(demand))]
    return Backtest(periods=holdout, mae=statistics.fmean(abs(e) for e in errors),
                    rmse=math.sqrt(statistics.fmean(e * e for e in errors)),
                    bias=statistics.fmean(errors),
                    naive_mae=statistics.fmean(abs(e) for e in naive))


@overload
def _weekly_sales(session: Session, f: ReportFilter, weeks: int, end: date
                  ) -> dict[str, list[int]]: ...
@overload
def _weekly_sales(session: Session, f: ReportFilter, weeks: int, end: date, *,
                  by_supplier: Literal[True]) -> dict[tuple[str | None, str], list[int]]: ...
def _weekly_sales(session: Session, f: ReportFilter, weeks: int, end: date, *,
                  by_supplier: bool = False) -> dict[Any, list[int]]:
    """Units sold per SKU in each of the ``weeks`` weeks before ``end``, oldest first; with
    ``by_supplier``, per (supplier code of the lot sold or None, SKU)."""
    start = end - timedelta(weeks=weeks)
    since, until = f.period()
    day = bucket(session, StockMove.created_at, "day")
    owner = aliased(Supplier)
    by = [owner.code] if by_supplier else []
    stmt = (
        select(Sku.code, day, func.sum(StockMove.quantity), *by)
        .join(Sku, Sku.id == StockMove.sku_id)
        .join(Location, Location.id == StockMove.to_location_id)
        .where(Location.kind == Kind.CUSTOMER.value, StockMove.created_at >= since,
               StockMove.created_at < until)
        .group_by(Sku.code, day, *by)
    )
    if by_supplier:  # the supplier of the lot sold (None without one)
        sold = aliased(Lot)
        stmt = stmt.outerjoin(sold, sold.id == StockMove.lot_id).outerjoin(
            owner, owner.id == sold.supplier_id)
    stmt = f.stock(stmt, sku=StockMove.sku_id, lot=StockMove.lot_id,
                   location=StockMove.from_location_id)
    series: dict[Any, list[int]] = defaultdict(lambda: [0] * weeks)
    for sku, d, qty, *code in session.execute(stmt):
        week = (date.fromisoformat(str(d)) - start).days // 7
        if 0 <= week < weeks:
            series[(code[0], str(sku)) if by_supplier else str(sku)][week] += int(qty)
    return series


@dataclass(frozen=True)
class _Position:
    """Where a SKU's stock stands: in storage, on its way to storage, and still to arrive."""

    on_hand: int = 0
    available: int = 0
    in_quarantine: int = 0
    on_order: int = 0
    next_due: date | None = None

    @property
    def total(self) -> int:
        """The inventory position the advice compares with the reorder point."""
        return self.available + self.in_quarantine + self.on_order


@overload
def _positions(session: Session, f: ReportFilter) -> dict[str, _Position]: ...
@overload
def _positions(session: Session, f: ReportFilter, *, by_supplier: Literal[True]
               ) -> dict[tuple[str | None, str], _Position]: ...
def _positions(session: Session, f: ReportFilter, *, by_supplier: bool = False
               ) -> dict[Any, _Position]:
    """Stock in storage (on hand, available = on hand - reserved) and pieces received into
    quarantine whose lot awaits or passed QC (held and recalled lots will not be stored); with
    ``by_supplier``, per (supplier code of the lot, or of the purchase order, SKU)."""
    stored = Location.kind != Kind.QUARANTINE.value
    incoming = (Location.kind == Kind.QUARANTINE.value) & Lot.status.in_(
        [LotStatus.QUARANTINED.value, LotStatus.APPROVED.value])
    owner = aliased(Supplier)
    by = [owner.code] if by_supplier else []
    stmt = (
        select(Sku.code, func.sum(case((stored, Balance.on_hand), else_=0)),
               func.sum(case((stored, Balance.on_hand - Balance.reserved), else_=0)),
               func.sum(case((incoming, Balance.on_hand), else_=0)), *by)
        .join(Sku, Sku.id == Balance.sku_id)
        .join(Lot, Lot.id == Balance.lot_id)
        .join(Location, Location.id == Balance.location_id)
        .where(Location.kind.not_in(VIRTUAL))
        .group_by(Sku.code, *by)
    )
    if by_supplier:
        stmt = stmt.outerjoin(owner, owner.id == Lot.supplier_id)
    stmt = f.stock(stmt, sku=Balance.sku_id, lot=Balance.lot_id, location=Balance.location_id)
    out: dict[Any, _Position] = {
        (code[0], str(sku)) if by_supplier else str(sku): _Position(int(h or 0), int(a or 0),
                                                                    int(q or 0))
        for sku, h, a, q, *code in session.execute(stmt)}
    for sku, left, due, *code in session.execute(_on_order(f, by_supplier=by_supplier)):
        key = (code[0], str(sku)) if by_supplier else str(sku)
        out[key] = replace(out.get(key, _Position()), on_order=int(left), next_due=due)
    return out


def _on_order(f: ReportFilter, *, by_supplier: bool = False) -> Select[*tuple[Any, ...]]:
    """Pieces still to arrive per SKU on open and partly received purchase orders, with the
    earliest expected date; filtered by SKU and by the order's supplier (not by location);
    with ``by_supplier``, per the order's supplier code too."""
    left = PurchaseOrderLine.quantity - PurchaseOrderLine.received_quantity
    owner = aliased(Supplier)
    by = [owner.code] if by_supplier else []
    stmt = (
        select(Sku.code, func.sum(left), func.min(PurchaseOrder.expected_on), *by)
        .join(Sku, Sku.id == PurchaseOrderLine.sku_id)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(PurchaseOrder.status.in_([str(s) for s in ON_ORDER]), left > 0)
        .group_by(Sku.code, *by)
    )
    if by_supplier:
        stmt = stmt.outerjoin(owner, owner.id == PurchaseOrder.supplier_id)
    return f.suppliers(PurchaseOrder.supplier_id, f.skus(PurchaseOrderLine.sku_id, stmt))


def reorder_advice(
    session: Session, f: ReportFilter, *, lead_time_weeks: float = 2.0,
    review_weeks: float = 1.0, service_level: float = 0.95, alpha: float = 0.1,
    holdout_weeks: int = 12, limit: int = 200,
) -> list[dict[str, object]]:
    """Per SKU sold in the period: weekly SBA forecast, its backtest error, stock on hand,
    available, in quarantine and on order, reorder point, order-up-to level and the quantity
    to buy now (net of what is on order), with the reasoning in a sentence."""
    weeks, holdout, last_day, z = _setting(f, service_level, holdout_weeks)
    series = _weekly_sales(session, f, weeks, last_day)
    positions = _positions(session, f)
    return _rows(series, positions, z=z, alpha=alpha, holdout=holdout, lead=lead_time_weeks,
                 review=review_weeks, service=service_level, limit=limit)


def reorder_advice_by_supplier(
    session: Session, f: ReportFilter, *, lead_time_weeks: float = 2.0,
    review_weeks: float = 1.0, service_level: float = 0.95, alpha: float = 0.1,
    holdout_weeks: int = 12, limit: int = 200,
) -> tuple[list[dict[str, object]], dict[str, list[dict[str, object]]]]:
    """:func:`reorder_advice` over every supplier's stock, and each supplier's own (what it gives
    with ``f``'s supplier set to that supplier's code), from one read of sales, stock and open
    purchase orders grouped by supplier (``f.supplier`` itself is not applied)."""
    f = replace(f, supplier=None)
    weeks, holdout, last_day, z = _setting(f, service_level, holdout_weeks)
    series = _weekly_sales(session, f, weeks, last_day, by_supplier=True)
    positions = _positions(session, f, by_supplier=True)
    params: dict[str, Any] = {"z": z, "alpha": alpha, "holdout": holdout,
                              "lead": lead_time_weeks, "review": review_weeks,
                              "service": service_level, "limit": limit}
    whole: dict[str, list[int]] = {}
    for (_, sku), demand in series.items():
        whole[sku] = [a + b for a, b in zip(whole.get(sku, [0] * weeks), demand, strict=True)]
    held: dict[str, _Position] = {}
    for (_, sku), p in positions.items():
        held[sku] = _added(held.get(sku, _Position()), p)
    suppliers = sorted({code for code, _ in [*series, *positions] if code is not None})
    own = {code: _rows({sku: d for (c, sku), d in series.items() if c == code},
                       {sku: p for (c, sku), p in positions.items() if c == code}, **params)
           for code in suppliers}
    return _rows(whole, held, **params), own


def _setting(f: ReportFilter, service_level: float, holdout_weeks: int
             ) -> tuple[int, int, date, float]:
    """The advice's weeks, holdout, last day and service factor z for the filter's period."""
    if not 0.5 <= service_level < 1:
        raise ValidationFailed("The service level lies in [0.5, 1).", code="bad-service-level")
    since, until = f.period()
    weeks = max(2, (until - since).days // 7)
    holdout = max(1, min(holdout_weeks, weeks // 2))
    # Weeks end with the period's last (possibly partial) day, so today's sales count.
    last_day = until.date() if until.time() == time.min else until.date() + timedelta(days=1)
    return weeks, holdout, last_day, statistics.NormalDist().inv_cdf(service_level)


def _rows(series: dict[str, list[int]], positions: dict[str, _Position], *, z: float,
          alpha: float, holdout: int, lead: float, review: float, service: float,
          limit: int) -> list[dict[str, object]]:
    """The advice rows of every SKU sold, most to buy first."""
    rows: list[dict[str, Any]] = [
        _advice(sku, demand, positions.get(sku, _Position()), z=z, alpha=alpha, holdout=holdout,
                lead=lead, review=review, service=service)
        for sku, demand in series.items()]
    rows.sort(key=lambda r: (-int(r["suggested_quantity"]), -float(r["forecast_per_week"]),
                             str(r["sku"])))
    return rows[:limit]


def _added(a: _Position, b: _Position) -> _Position:
    """Two positions of one SKU together (the earlier next due date)."""
    dues = [d for d in (a.next_due, b.next_due) if d is not None]
    return _Position(a.on_hand + b.on_hand, a.available + b.available,
                     a.in_quarantine + b.in_quarantine, a.on_order + b.on_order,
                     min(dues) if dues else None)


def _stock_words(p: _Position) -> str:
    """'4 available, 2 received and in quarantine and 6 on order (next due 2026-12-03), 12 in
    all': the stock the advice counts, in words."""
    parts = [f"{p.available} available"]
    if p.in_quarantine:
        parts.append(f"{p.in_quarantine} received and in quarantine")
    if p.on_order:
        late = ", overdue" if p.next_due and p.next_due < now().date() else ""
        parts.append(f"{p.on_order} on order (next due {p.next_due}{late})")
    if len(parts) == 1:
        return parts[0]
    return f"{', '.join(parts[:-1])} and {parts[-1]}, {p.total} in all"


def _advice(sku: str, demand: list[int], position: _Position, *, z: float, alpha: float,
            holdout: int, lead: float, review: float, service: float) -> dict[str, object]:
    rate = croston(demand, alpha=alpha)[-1]
    test = backtest(demand, holdout=holdout, alpha=alpha)
    sigma = 1.25 * test.mae  # MAE to standard deviation for roughly normal errors
    reorder = rate * lead + z * sigma * math.sqrt(lead)
    up_to = rate * (lead + review) + z * sigma * math.sqrt(lead + review)
    # Stock on its way (in quarantine, on order) counts, or every open order is bought twice.
    have = position.total
    buy = max(0, math.ceil(up_to - have)) if have <= reorder else 0
    plural = "" if review == 1 else "s"
    why = (f"Sells about {rate:.2f} a week (SBA over {len(demand)} weeks; backtest error "
           f"{test.mae:.2f} a week over the last {holdout}). To cover {lead:g} weeks of lead "
           f"time at {service:.0%} service the reorder point is {reorder:.1f}, and stock should "
           f"reach {up_to:.1f} to last until the next review in {review:g} week{plural}. "
           + (f"{_stock_words(position)}, so order {buy}." if buy
              else f"{_stock_words(position)}, above the reorder point: nothing to order."))
    return {"sku": sku, "weeks": len(demand), "sold": sum(demand),
            "weeks_with_sales": sum(1 for d in demand if d), "forecast_per_week": round(rate, 3),
            "backtest_mae": round(test.mae, 3), "backtest_bias": round(test.bias, 3),
            "naive_mae": round(test.naive_mae, 3), "on_hand": position.on_hand,
            "available": position.available, "in_quarantine": position.in_quarantine,
            "on_order": position.on_order,
            "next_due": position.next_due.isoformat() if position.next_due else None,
            "position": have, "reorder_point": round(reorder, 1), "order_up_to": round(up_to, 1),
            "suggested_quantity": buy, "explanation": why}

"""Demand forecasts for intermittent sellers (Croston and its Syntetos-Boylan correction), a
rolling-origin backtest, and reorder advice in words.

Jewellery sells in ones and twos with many empty weeks between, which is what Croston's method
was made for: it smooths the size of the non-zero demands and the interval between them apart,
and forecasts their ratio. SBA multiplies that by ``1 - alpha/2`` to remove Croston's bias.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.errors import ValidationFailed
from core.ledger.models import Balance, StockMove
from core.locations.models import Kind, Location
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


def _weekly_sales(session: Session, f: ReportFilter, weeks: int, end: date) -> dict[str, list[int]]:
    """Units sold per SKU in each of the ``weeks`` weeks before ``end``, oldest first."""
    start = end - timedelta(weeks=weeks)
    since, until = f.period()
    day = bucket(session, StockMove.created_at, "day")
    stmt = (
        select(Sku.code, day, func.sum(StockMove.quantity))
        .join(Sku, Sku.id == StockMove.sku_id)
        .join(Location, Location.id == StockMove.to_location_id)
        .where(Location.kind == Kind.CUSTOMER.value, StockMove.created_at >= since,
               StockMove.created_at < until)
        .group_by(Sku.code, day)
    )
    stmt = f.stock(stmt, sku=StockMove.sku_id, lot=StockMove.lot_id,
                   location=StockMove.from_location_id)
    series: dict[str, list[int]] = defaultdict(lambda: [0] * weeks)
    for sku, d, qty in session.execute(stmt):
        week = (date.fromisoformat(str(d)) - start).days // 7
        if 0 <= week < weeks:
            series[str(sku)][week] += int(qty)
    return series


def _available(session: Session, f: ReportFilter) -> dict[str, int]:
    stmt = (
        select(Sku.code, func.sum(Balance.on_hand - Balance.reserved))
        .join(Sku, Sku.id == Balance.sku_id)
        .join(Location, Location.id == Balance.location_id)
        .where(Location.kind.not_in(VIRTUAL), Location.kind != Kind.QUARANTINE.value)
        .group_by(Sku.code)
    )
    stmt = f.stock(stmt, sku=Balance.sku_id, lot=Balance.lot_id, location=Balance.location_id)
    return {str(s): int(q or 0) for s, q in session.execute(stmt)}


def reorder_advice(
    session: Session, f: ReportFilter, *, lead_time_weeks: float = 2.0,
    review_weeks: float = 1.0, service_level: float = 0.95, alpha: float = 0.1,
    holdout_weeks: int = 12, limit: int = 200,
) -> list[dict[str, object]]:
    """Per SKU sold in the period: weekly SBA forecast, its backtest error, reorder point,
    order-up-to level and the quantity to buy now, with the reasoning in a sentence."""
    if not 0.5 <= service_level < 1:
        raise ValidationFailed("The service level lies in [0.5, 1).", code="bad-service-level")
    since, until = f.period()
    weeks = max(2, (until - since).days // 7)
    holdout = max(1, min(holdout_weeks, weeks // 2))
    # Weeks end with the period's last (possibly partial) day, so today's sales count.
    last_day = until.date() if until.time() == time.min else until.date() + timedelta(days=1)
    series = _weekly_sales(session, f, weeks, last_day)
    available = _available(session, f)
    z = statistics.NormalDist().inv_cdf(service_level)
    rows = []
    for sku, demand in series.items():
        rows.append(_advice(sku, demand, available.get(sku, 0), z=z, alpha=alpha,
                            holdout=holdout, lead=lead_time_weeks, review=review_weeks,
                            service=service_level))
    rows.sort(key=lambda r: (-int(r["suggested_quantity"]), -float(r["forecast_per_week"]),
                             str(r["sku"])))
    return rows[:limit]


def _advice(sku: str, demand: list[int], available: int, *, z: float, alpha: float,
            holdout: int, lead: float, review: float, service: float) -> dict[str, object]:
    rate = croston(demand, alpha=alpha)[-1]
    test = backtest(demand, holdout=holdout, alpha=alpha)
    sigma = 1.25 * test.mae  # MAE to standard deviation for roughly normal errors
    reorder = rate * lead + z * sigma * math.sqrt(lead)
    up_to = rate * (lead + review) + z * sigma * math.sqrt(lead + review)
    buy = max(0, math.ceil(up_to - available)) if available <= reorder else 0
    plural = "" if review == 1 else "s"
    why = (f"Sells about {rate:.2f} a week (SBA over {len(demand)} weeks; backtest error "
           f"{test.mae:.2f} a week over the last {holdout}). To cover {lead:g} weeks of lead "
           f"time at {service:.0%} service the reorder point is {reorder:.1f}, and stock should "
           f"reach {up_to:.1f} to last until the next review in {review:g} week{plural}. "
           + (f"{available} available, so order {buy}." if buy
              else f"{available} available, above the reorder point: nothing to order."))
    return {"sku": sku, "weeks": len(demand), "sold": sum(demand),
            "weeks_with_sales": sum(1 for d in demand if d), "forecast_per_week": round(rate, 3),
            "backtest_mae": round(test.mae, 3), "backtest_bias": round(test.bias, 3),
            "naive_mae": round(test.naive_mae, 3), "available": available,
            "reorder_point": round(reorder, 1), "order_up_to": round(up_to, 1),
            "suggested_quantity": buy, "explanation": why}

"""The analytics reports by name: what each is called, what it takes, and how it is charted."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from core.errors import NotFoundError, ValidationFailed
from core.reports.anomalies import anomalies
from core.reports.filters import ReportFilter
from core.reports.forecast import reorder_advice
from core.reports.inventory import ageing, dead_stock, sales_ranking, turnover
from core.reports.people import staff_performance
from core.reports.quality import order_flow, supplier_quality
from core.reports.shrinkage import SHRINKAGE_GROUPS, shrinkage
from core.reports.slotting_advice import Distance, slotting_advice
from core.reports.traced import TRACE_DAYS, variance_trace

__all__ = ["REPORTS", "ReportOptions", "ReportSpec", "run_report"]


@dataclass(frozen=True)
class ReportOptions:
    """Options some reports take besides the filters."""

    limit: int = 200
    days: int = 180
    by: str = "move"
    by_day: bool = False
    lead_time_weeks: float = 2.0
    review_weeks: float = 1.0
    service_level: float = 0.95
    idle_days: int = 90
    vault_price_threshold: float = 5000.0
    trace_days: int = TRACE_DAYS

    def __post_init__(self) -> None:
        """Reject a value outside its range (NaN, negative, absurd): each would fail deep inside
        a report (an overflowing date, a NaN forecast) or scan every year of the ledger."""
        for name, (low, high, unit) in _OPTION_RANGES.items():
            value = getattr(self, name)
            if not (math.isfinite(value) and low <= value <= high):
                raise ValidationFailed(
                    f"{name} must be {low:g} to {high:g} {unit}, not {value}.", code="bad-option")


# Each option's allowed range: (lowest, highest, unit).
_OPTION_RANGES: dict[str, tuple[float, float, str]] = {
    "limit": (1, 10_000, "rows"),
    "days": (1, 36_500, "days"),
    "lead_time_weeks": (0, 520, "weeks"),
    "review_weeks": (0, 520, "weeks"),
    "service_level": (0.5, 0.9999, "(a probability)"),
    "idle_days": (1, 36_500, "days"),
    "vault_price_threshold": (0, 1e12, "(a price)"),
    "trace_days": (1, 365, "days"),
}


@dataclass(frozen=True)
class ReportSpec:
    """A report: its title, a sentence on what it shows, how to run it, and its chart."""

    title: str
    description: str
    run: Callable[[Session, ReportFilter, ReportOptions], list[dict[str, Any]]]
    chart: dict[str, str] = field(default_factory=dict)
    # Reports that weigh walking distance take it here instead of ``run``.
    run_with_distance: Callable[
        [Session, ReportFilter, ReportOptions, Distance | None], list[dict[str, Any]]
    ] | None = None


def _shrinkage(s: Session, f: ReportFilter, o: ReportOptions) -> list[dict[str, Any]]:
    if o.by not in SHRINKAGE_GROUPS:
        raise ValidationFailed(f"Group shrinkage by one of {', '.join(SHRINKAGE_GROUPS)}.",
                               code="bad-group")
    return shrinkage(s, f, by=o.by)  # type: ignore[arg-type]


def _slotting(s: Session, f: ReportFilter, o: ReportOptions,
              d: Distance | None) -> list[dict[str, Any]]:
    return slotting_advice(s, f, distance=d, vault_price_threshold=o.vault_price_threshold,
                           limit=o.limit)


REPORTS: dict[str, ReportSpec] = {
    "best-sellers": ReportSpec(
        "Best sellers", "SKUs that sold the most units in the period, with revenue.",
        lambda s, f, o: sales_ranking(s, f, limit=o.limit), {"x": "sku", "y": "sold"}),
    "slow-movers": ReportSpec(
        "Slow movers", "SKUs in stock that sold least in the period, most stock first.",
        lambda s, f, o: sales_ranking(s, f, slow=True, limit=o.limit),
        {"x": "sku", "y": "on_hand"}),
    "dead-stock": ReportSpec(
        "Dead stock", "Stock with no move for `days` days before the period's end, by value.",
        lambda s, f, o: dead_stock(s, f, days=o.days, limit=o.limit),
        {"x": "sku", "y": "value"}),
    "ageing": ReportSpec(
        "Stock ageing", "Stock on hand by age of its lot since receipt.",
        lambda s, f, o: ageing(s, f), {"x": "age", "y": "value"}),
    "turnover": ReportSpec(
        "Stock turnover", "Days of stock per category: average on hand over daily sales.",
        lambda s, f, o: turnover(s, f), {"x": "category", "y": "turnover_days"}),
    "shrinkage": ReportSpec(
        "Shrinkage", "Adjustments and count variances by move, reason, location, person or SKU.",
        _shrinkage, {"x": "reason", "y": "value"}),
    "staff-performance": ReportSpec(
        "Staff performance", "Pick lines, pieces, picks per hour and accuracy (short lines, "
        "wrong picks caught, variances traced to picks within `trace_days`) by person and shift.",
        lambda s, f, o: staff_performance(s, f, by_day=o.by_day, trace_days=o.trace_days),
        {"x": "person", "y": "picks_per_hour", "colour": "shift"}),
    "traced-variances": ReportSpec(
        "Variances traced to picks", "Count and adjustment variances (found, lost, data error) "
        "with the last pick of that SKU and lot from that bin within `trace_days` before.",
        lambda s, f, o: variance_trace(s, f, window_days=o.trace_days),
        {"x": "location", "y": "variance", "colour": "suggests"}),
    "supplier-quality": ReportSpec(
        "Supplier quality", "QC pass rate and purity and weight deviations per supplier "
        "(impossible stored weights left out and counted in weights_skipped).",
        lambda s, f, o: supplier_quality(s, f), {"x": "supplier", "y": "pass_rate"}),
    "order-flow": ReportSpec(
        "Order flow", "Lead time from order to shipment, fill rate and late orders per channel.",
        lambda s, f, o: order_flow(s, f), {"x": "channel", "y": "lead_time_median_h"}),
    "reorder": ReportSpec(
        "Reorder advice", "Weekly demand forecast (Croston/SBA) with its backtest error, "
        "stock on hand and on order, reorder point and quantity to buy, explained.",
        lambda s, f, o: reorder_advice(s, f, lead_time_weeks=o.lead_time_weeks,
                                       review_weeks=o.review_weeks,
                                       service_level=o.service_level, limit=o.limit),
        {"x": "sku", "y": "suggested_quantity"}),
    "anomalies": ReportSpec(
        "Anomalies", "Unusual adjustments, people adjusting far more than their peers, and "
        "pieces idle for `idle_days` days while their style sells; each says why.",
        lambda s, f, o: anomalies(s, f, idle_days=o.idle_days, limit=o.limit),
        {"x": "subject", "y": "value", "colour": "kind"}),
    "slotting-advice": ReportSpec(
        "Slotting advice", "Fast movers to move into free bins nearer the packing desk, with "
        "the metres of walking saved in the period.",
        lambda s, f, o: _slotting(s, f, o, None), {"x": "sku", "y": "saving_m"},
        run_with_distance=lambda s, f, o, d: _slotting(s, f, o, d)),
}


def run_report(session: Session, name: str, f: ReportFilter,
               options: ReportOptions | None = None, *,
               distance: Distance | None = None) -> list[dict[str, Any]]:
    """The rows of report ``name``; ``distance`` (from-bin, to-bin code) is walking distance
    for the reports that weigh it (euclidean when left out)."""
    spec = REPORTS.get(name)
    if spec is None:
        raise NotFoundError(f"No report {name}; try one of {', '.join(REPORTS)}.",
                            code="unknown-report")
    if spec.run_with_distance is not None:
        return spec.run_with_distance(session, f, options or ReportOptions(), distance)
    return spec.run(session, f, options or ReportOptions())

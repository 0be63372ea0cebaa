"""Read-only reports: sales, turnover, stock counts, orders and picking, QC by supplier, the
overview, and the analytics reports (with their filters, exports and demand forecasts)."""

from core.reports.anomalies import anomalies
from core.reports.export import to_csv, to_xlsx
from core.reports.filters import ReportFilter
from core.reports.forecast import (
    Backtest,
    backtest,
    croston,
    reorder_advice,
    reorder_advice_by_supplier,
)
from core.reports.inventory import ageing, dead_stock, sales_ranking, turnover
from core.reports.operations import (
    order_timing,
    pending_orders,
    pick_progress,
    picker_performance,
    qc_failures_by_supplier,
    who_picked,
)
from core.reports.overview import overview
from core.reports.people import staff_performance
from core.reports.pick_history import PickedUnit, picked_units
from core.reports.quality import order_flow, supplier_quality
from core.reports.registry import REPORTS, ReportOptions, run_report
from core.reports.sales import best_sellers, slow_movers, stock_turnover
from core.reports.shrinkage import shrinkage
from core.reports.slotting_advice import slotting_advice
from core.reports.stock import (
    CatalogueVersion,
    catalogue_version,
    open_reservations,
    stock_summary,
    vocabulary,
)
from core.reports.traced import traced_variances, variance_trace

__all__ = [
    "REPORTS",
    "Backtest",
    "CatalogueVersion",
    "PickedUnit",
    "ReportFilter",
    "ReportOptions",
    "ageing",
    "anomalies",
    "backtest",
    "best_sellers",
    "catalogue_version",
    "croston",
    "dead_stock",
    "open_reservations",
    "order_flow",
    "order_timing",
    "overview",
    "pending_orders",
    "pick_progress",
    "picked_units",
    "picker_performance",
    "qc_failures_by_supplier",
    "reorder_advice",
    "reorder_advice_by_supplier",
    "run_report",
    "sales_ranking",
    "shrinkage",
    "slotting_advice",
    "slow_movers",
    "staff_performance",
    "stock_summary",
    "stock_turnover",
    "supplier_quality",
    "to_csv",
    "to_xlsx",
    "traced_variances",
    "turnover",
    "variance_trace",
    "vocabulary",
    "who_picked",
]

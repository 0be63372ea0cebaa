"""Read-only reports: sales, turnover, stock counts, orders and picking, QC by supplier, the
overview, and the analytics reports (with their filters, exports and demand forecasts).

Names load from their modules on first use, like :mod:`core.orders`, so importing the package
stays cheap and free of import cycles.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.reports.anomalies import anomalies
    from core.reports.export import to_csv, to_xlsx
    from core.reports.filters import ReportFilter
    from core.reports.forecast import Backtest, backtest, croston, reorder_advice
    from core.reports.inventory import ageing, dead_stock, sales_ranking, turnover
    from core.reports.operations import (
        pending_orders,
        pick_progress,
        picker_performance,
        qc_failures_by_supplier,
        who_picked,
    )
    from core.reports.overview import overview
    from core.reports.people import staff_performance
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

_EXPORTS = {
    "pending_orders": "operations", "pick_progress": "operations",
    "picker_performance": "operations", "qc_failures_by_supplier": "operations",
    "who_picked": "operations",
    "best_sellers": "sales", "slow_movers": "sales", "stock_turnover": "sales",
    "CatalogueVersion": "stock", "catalogue_version": "stock", "open_reservations": "stock",
    "stock_summary": "stock", "vocabulary": "stock",
    "to_csv": "export", "to_xlsx": "export", "ReportFilter": "filters",
    "Backtest": "forecast", "backtest": "forecast", "croston": "forecast",
    "reorder_advice": "forecast", "ageing": "inventory", "dead_stock": "inventory",
    "sales_ranking": "inventory", "turnover": "inventory", "overview": "overview",
    "staff_performance": "people", "order_flow": "quality", "supplier_quality": "quality",
    "REPORTS": "registry", "ReportOptions": "registry", "run_report": "registry",
    "shrinkage": "shrinkage", "anomalies": "anomalies", "slotting_advice": "slotting_advice",
    "traced_variances": "traced", "variance_trace": "traced",
}
__all__ = [
    "REPORTS",
    "Backtest",
    "CatalogueVersion",
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
    "overview",
    "pending_orders",
    "pick_progress",
    "picker_performance",
    "qc_failures_by_supplier",
    "reorder_advice",
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


def __getattr__(name: str) -> Any:
    """Load an exported name from its module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'core.reports' has no attribute {name!r}")
    return getattr(importlib.import_module(f"core.reports.{module}"), name)

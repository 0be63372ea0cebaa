"""Read-only reports: sales, turnover, stock counts, orders and picking, QC by supplier.

Names load from their modules on first use, like :mod:`core.orders`, so importing the package
stays cheap and free of import cycles.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.reports.operations import (
        pending_orders,
        pick_progress,
        picker_performance,
        qc_failures_by_supplier,
        who_picked,
    )
    from core.reports.sales import best_sellers, slow_movers, stock_turnover
    from core.reports.stock import (
        CatalogueVersion,
        catalogue_version,
        open_reservations,
        stock_summary,
        vocabulary,
    )

_EXPORTS = {
    "pending_orders": "operations", "pick_progress": "operations",
    "picker_performance": "operations", "qc_failures_by_supplier": "operations",
    "who_picked": "operations",
    "best_sellers": "sales", "slow_movers": "sales", "stock_turnover": "sales",
    "CatalogueVersion": "stock", "catalogue_version": "stock", "open_reservations": "stock",
    "stock_summary": "stock", "vocabulary": "stock",
}
__all__ = [
    "CatalogueVersion",
    "best_sellers",
    "catalogue_version",
    "open_reservations",
    "pending_orders",
    "pick_progress",
    "picker_performance",
    "qc_failures_by_supplier",
    "slow_movers",
    "stock_summary",
    "stock_turnover",
    "vocabulary",
    "who_picked",
]


def __getattr__(name: str) -> Any:
    """Load an exported name from its module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'core.reports' has no attribute {name!r}")
    return getattr(importlib.import_module(f"core.reports.{module}"), name)

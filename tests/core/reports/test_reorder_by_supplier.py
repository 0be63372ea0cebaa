"""Reorder advice over every supplier's stock and each supplier's own, read once, is what
reorder_advice gives unfiltered and filtered to each supplier (the chat's one-SKU draft PO
picks its supplier from it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from core import Database
from core.lots.models import Supplier
from core.reports import ReportFilter, reorder_advice, reorder_advice_by_supplier


@pytest.mark.parametrize("f", [
    ReportFilter(until=datetime(2026, 12, 5, tzinfo=UTC)),
    ReportFilter(until=datetime(2026, 12, 5, tzinfo=UTC), category="ring"),
    ReportFilter(until=datetime(2026, 12, 5, tzinfo=UTC), sku="ST0007-S925W"),
    # a supplier in the filter is not applied: every supplier's advice is given
    ReportFilter(until=datetime(2026, 12, 5, tzinfo=UTC), supplier="VALENZA"),
])
def test_advice_by_supplier_is_the_advice_filtered_to_each(demo: Database,
                                                           f: ReportFilter) -> None:
    with demo.read() as session:
        whole, own = reorder_advice_by_supplier(session, f)
        assert whole == reorder_advice(session, replace(f, supplier=None))
        codes = sorted(session.scalars(Supplier.__table__.select().with_only_columns(
            Supplier.code)))
        for code in codes:
            assert own.get(code, []) == reorder_advice(session, replace(f, supplier=code)), code
    assert whole and any(own.values())

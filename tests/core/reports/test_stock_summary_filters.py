"""stock_summary's place and supplier filters: a location prefix (a zone or aisle, as the
reports take it), the stock outside a place, and the lots of one supplier."""

from __future__ import annotations

import pytest
from sqlalchemy import ColumnElement, func, select

from core import Database
from core.catalogue.models import Sku
from core.errors import NotFoundError
from core.ledger.models import Balance
from core.locations.models import VIRTUAL_KINDS, Location
from core.lots.models import Lot, Supplier
from core.reports import stock_summary
from core.trace import locate


def _on_hand(db: Database, *conditions: ColumnElement[bool]) -> int:
    """Units on hand in real locations where ``conditions`` hold, summed from the balances."""
    with db.read() as session:
        stmt = (select(func.coalesce(func.sum(Balance.on_hand), 0))
                .join(Location, Location.id == Balance.location_id)
                .join(Lot, Lot.id == Balance.lot_id)
                .join(Supplier, Supplier.id == Lot.supplier_id)
                .where(Balance.on_hand > 0,
                       Location.kind.not_in([str(k) for k in VIRTUAL_KINDS]), *conditions))
        return int(session.scalar(stmt) or 0)


def test_a_location_prefix_counts_every_bin_under_it(demo: Database) -> None:
    with demo.read() as session:
        vault = session.scalar(select(Location.code).where(Location.kind == "vault")
                               .order_by(Location.code))
        assert vault is not None
        zone = vault.split("-")[0]  # the aisle every vault bin's code starts with
        rows, totals = stock_summary(session, by="location", location=zone, limit=10_000)
        _, everything = stock_summary(session, limit=10_000)
        _, outside = stock_summary(session, outside=zone, limit=10_000)
    assert totals["on_hand"] == _on_hand(demo, Location.code.startswith(zone)) > 0
    assert rows and all(str(r["location"]).startswith(zone) for r in rows)
    assert outside["on_hand"] == everything["on_hand"] - totals["on_hand"] > 0


def test_supplier_filter_counts_that_suppliers_lots(demo: Database) -> None:
    with demo.read() as session:
        suppliers = list(session.scalars(select(Supplier.code).order_by(Supplier.code)))
        counts = {code: stock_summary(session, supplier=code, limit=10_000)[1]["on_hand"]
                  for code in suppliers}
        _, everything = stock_summary(session, limit=10_000)
    for code, on_hand in counts.items():
        assert on_hand == _on_hand(demo, Supplier.code == code)
    assert sum(counts.values()) == everything["on_hand"]
    assert sum(1 for n in counts.values() if n > 0) >= 2


def test_a_report_filtered_to_one_lot_keeps_that_lots_stock(demo: Database) -> None:
    from core.reports import ReportFilter, run_report

    with demo.read() as session:
        lot = session.scalar(select(Lot.code).join(Balance, Balance.lot_id == Lot.id)
                             .where(Balance.on_hand > 0).order_by(Lot.code))
        assert lot is not None
        _, totals = stock_summary(session, lot=lot, limit=10_000)
        rows = run_report(session, "ageing", ReportFilter(lot=lot.lower()))
        everything = run_report(session, "ageing", ReportFilter())
    assert sum(int(r["units"]) for r in rows) == totals["on_hand"] > 0
    assert sum(int(r["lots"]) for r in rows) == 1
    assert sum(int(r["units"]) for r in everything) > totals["on_hand"]


def _sku_family(db: Database) -> tuple[str, list[str]]:
    """The start of several SKUs cut at their last dash ('ST0003-Au750Y' of its sizes) with
    stock, and those SKUs."""
    with db.read() as session:
        codes = list(session.scalars(select(Sku.code).join(Balance, Balance.sku_id == Sku.id)
                                     .where(Balance.on_hand > 0).distinct().order_by(Sku.code)))
    starts = {c.rsplit("-", 1)[0] for c in codes if c.count("-") >= 2}
    start = next(s for s in sorted(starts) if sum(c.startswith(f"{s}-") for c in codes) >= 2)
    return start, [c for c in codes if c.startswith(f"{start}-")]


def test_the_start_of_several_skus_counts_all_of_them(demo: Database) -> None:
    start, skus = _sku_family(demo)
    with demo.read() as session:
        rows, totals = stock_summary(session, sku=start, limit=10_000)
        each = [stock_summary(session, sku=sku, limit=10_000)[1]["on_hand"] for sku in skus]
        _, cut_mid_word = stock_summary(session, sku=start[:-1], limit=10_000)
    assert {r["sku"] for r in rows} == set(skus)
    assert totals["on_hand"] == sum(each) > each[0] > 0
    assert cut_mid_word["on_hand"] == 0  # only a start cut at a dash names SKUs


def test_locate_finds_the_start_of_several_skus(demo: Database) -> None:
    start, skus = _sku_family(demo)
    with demo.read() as session:
        found = locate(session, q=start)
        with pytest.raises(NotFoundError):
            locate(session, q=start[:-1])
    assert found.kind == "sku" and found.label == start
    assert {r["sku"] for r in found.rows} == set(skus)

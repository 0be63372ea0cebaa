"""Supplier quality (QC pass rate, purity and weight deviations) and order flow (lead time from
order to shipment, fill rate, late orders)."""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.clock import as_utc
from core.documents.models import DocKind, Document
from core.fields import MAX_GRAMS
from core.lots.models import Lot, Serial, Supplier
from core.orders.models import OrderLine, OrderStatus, SalesOrder
from core.reports.filters import ReportFilter

__all__ = ["order_flow", "per_mille", "supplier_quality"]


def per_mille(purity: str | None) -> float | None:
    """A purity code as parts per thousand: ``Au750`` -> 750, ``S925`` -> 925, ``18K`` -> 750."""
    if not purity:
        return None
    karat = re.fullmatch(r"\s*(\d{1,2})\s*[kK]\w*\s*", purity)
    if karat:
        return round(int(karat.group(1)) * 1000 / 24, 1)
    digits = re.search(r"\d{3,4}", purity)
    return float(digits.group()) if digits else None


def _inspections(session: Session, f: ReportFilter) -> list[tuple[str, str, int, str]]:
    since, until = f.period()
    stmt = (
        select(Supplier.code, Supplier.name, Lot.id, Document.reason)
        .join(Lot, Lot.id == Document.lot_id)
        .join(Supplier, Supplier.id == Lot.supplier_id)
        .where(Document.kind == DocKind.QC.value, Document.created_at >= since,
               Document.created_at < until)
    )
    stmt = f.lots(Lot.id, stmt)
    if f.goods:
        stmt = stmt.where(Lot.id.in_(f.skus(Serial.sku_id, select(Serial.lot_id))))
    return [(str(c), str(n), int(i), str(r)) for c, n, i, r in session.execute(stmt)]


def _purity_deviation(session: Session, lot_ids: set[int]) -> dict[int, float]:
    """Assay minus declared purity per lot (the lot's SKU purity when none was declared)."""
    declared: dict[int, tuple[float | None, float | None]] = {
        i: (a, per_mille(d)) for i, a, d in session.execute(
            select(Lot.id, Lot.assay_purity, Lot.declared_purity).where(Lot.id.in_(lot_ids)))}
    usual: dict[int, Counter[str]] = defaultdict(Counter)
    for lot_id, purity, n in session.execute(
            select(Serial.lot_id, Sku.purity, func.count(Serial.id))
            .join(Sku, Sku.id == Serial.sku_id).where(Serial.lot_id.in_(lot_ids))
            .group_by(Serial.lot_id, Sku.purity)):
        usual[lot_id][purity] += int(n)
    out = {}
    for lot_id, (assay, stated) in declared.items():
        if stated is None and usual[lot_id]:
            stated = per_mille(usual[lot_id].most_common(1)[0][0])
        if assay is not None and stated is not None and math.isfinite(float(assay)):
            out[lot_id] = float(assay) - stated
    return out


def _worst(deviations: list[float]) -> float:
    """The deviation farthest from zero (the lower one of a tie)."""
    return min(deviations, key=lambda d: (-abs(d), d))


def _plausible_grams(value: float) -> bool:
    """A weight a piece can have: finite, above zero, at most :data:`MAX_GRAMS`."""
    return math.isfinite(value) and 0 < value <= MAX_GRAMS


def _weight_deviation(
    session: Session, f: ReportFilter, lot_ids: set[int]
) -> tuple[dict[int, list[float]], Counter[int]]:
    """Per lot: each weighed piece's deviation from its SKU's net weight, in percent; and how
    many pieces per lot were left out for an impossible weight (NaN, infinite, 1e308 g...:
    stored before receipts checked weights), so one bad record cannot break the report."""
    stmt = (
        select(Serial.lot_id, Serial.weight_g, Sku.net_weight_g)
        .join(Sku, Sku.id == Serial.sku_id)
        .where(Serial.lot_id.in_(lot_ids), Serial.weight_g.is_not(None), Sku.net_weight_g > 0)
    )
    out: dict[int, list[float]] = defaultdict(list)
    skipped: Counter[int] = Counter()
    for lot_id, weight, net in session.execute(f.skus(Serial.sku_id, stmt)):
        assert weight is not None and net is not None  # the WHERE clause leaves no NULL here
        if not (_plausible_grams(float(weight)) and _plausible_grams(float(net))):
            skipped[lot_id] += 1
            continue
        out[lot_id].append(100 * (float(weight) - float(net)) / float(net))
    return out, skipped


def supplier_quality(session: Session, f: ReportFilter) -> list[dict[str, object]]:
    """Per supplier, over lots inspected in the period: QC pass rate, assay minus declared
    purity (per mille) and pieces' weight against their SKU's net weight (percent)."""
    inspections = _inspections(session, f)
    lots = {lot for _, _, lot, _ in inspections}
    purity = _purity_deviation(session, lots)
    weights, skipped = _weight_deviation(session, f, lots)
    by: dict[str, dict[str, Any]] = {}
    for code, name, lot, result in inspections:
        s = by.setdefault(code, {"name": name, "lots": set(), "n": 0, "passed": 0})
        s["lots"].add(lot)
        s["n"] += 1
        s["passed"] += result == "pass"
    rows = []
    for code, s in sorted(by.items()):
        devs = [purity[lot] for lot in s["lots"] if lot in purity]
        pieces = [w for lot in s["lots"] for w in weights.get(lot, [])]
        rows.append({
            "supplier": code, "name": s["name"], "lots": len(s["lots"]), "inspections": s["n"],
            "passed": s["passed"], "failed": s["n"] - s["passed"],
            "pass_rate": round(s["passed"] / s["n"], 4),
            "purity_lots": len(devs),
            "mean_purity_deviation": round(statistics.fmean(devs), 2) if devs else None,
            "worst_purity_deviation": round(_worst(devs), 2)
            if devs else None,
            "pieces_weighed": len(pieces),
            "mean_weight_deviation_pct": round(statistics.fmean(pieces), 2) if pieces else None,
            "max_abs_weight_deviation_pct": round(max(abs(p) for p in pieces), 2)
            if pieces else None,
            "weights_skipped": sum(skipped[lot] for lot in s["lots"]),
        })
    rows.sort(key=lambda r: (r["pass_rate"], r["supplier"]))
    return rows


def _orders(session: Session, f: ReportFilter) -> list[tuple[Any, ...]]:
    since, until = f.period()
    full = func.count(OrderLine.id).filter(OrderLine.shipped_quantity >= OrderLine.quantity)
    stmt = (
        select(SalesOrder.channel, SalesOrder.status, SalesOrder.created_at, SalesOrder.due_at,
               SalesOrder.shipped_at, func.count(OrderLine.id), full,
               func.sum(OrderLine.quantity), func.sum(OrderLine.shipped_quantity))
        .join(OrderLine, OrderLine.order_id == SalesOrder.id)
        .where(SalesOrder.created_at >= since, SalesOrder.created_at < until)
        .group_by(SalesOrder.id)
    )
    if f.goods or f.supplier or f.lot:
        lines = f.lots(OrderLine.lot_id, f.skus(OrderLine.sku_id, select(OrderLine.order_id)))
        stmt = stmt.where(SalesOrder.id.in_(lines))
    return list(session.execute(stmt))


def order_flow(session: Session, f: ReportFilter) -> list[dict[str, object]]:
    """Per channel and overall, orders created in the period: shipped, cancelled, still open,
    lead time order to shipment (hours), unit and line fill rate, and late orders."""
    _, until = f.period()
    groups: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in _orders(session, f):
        groups[str(row[0])].append(row)
        groups["all"].append(row)
    return [_flow_row(ch, rows, until) for ch, rows in sorted(
        groups.items(), key=lambda kv: (kv[0] == "all", kv[0]))]


def _flow_row(channel: str, rows: list[tuple[Any, ...]], until: datetime) -> dict[str, object]:
    cancelled = OrderStatus.CANCELLED.value
    live = [r for r in rows if r[1] != cancelled]
    shipped = [r for r in live if r[4] is not None]
    leads = sorted((as_utc(r[4]) - as_utc(r[2])).total_seconds() / 3600 for r in shipped)
    late = sum(1 for r in live if r[3] is not None and (
        (r[4] is not None and as_utc(r[4]) > as_utc(r[3]))
        or (r[4] is None and as_utc(r[3]) < until)))
    units, done = sum(int(r[7] or 0) for r in live), sum(int(r[8] or 0) for r in live)
    lines, full = sum(int(r[5]) for r in live), sum(int(r[6]) for r in live)
    with_due = sum(1 for r in live if r[3] is not None)
    return {
        "channel": channel, "orders": len(rows), "shipped": len(shipped),
        "cancelled": len(rows) - len(live), "open": len(live) - len(shipped),
        "lead_time_mean_h": round(statistics.fmean(leads), 2) if leads else None,
        "lead_time_median_h": round(statistics.median(leads), 2) if leads else None,
        "lead_time_p90_h": round(leads[min(len(leads) - 1, int(0.9 * len(leads)))], 2)
        if leads else None,
        "unit_fill_rate": round(done / units, 4) if units else None,
        "line_fill_rate": round(full / lines, 4) if lines else None,
        "with_due_date": with_due, "late": late,
        "late_rate": round(late / with_due, 4) if with_due else None,
    }

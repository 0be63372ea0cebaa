"""Shrinkage: stock lost or found through adjustments and count variances, by reason, location,
person and value; each row names the move and the document behind it.

When cameras have raised alerts, each move row also lists (``alerts``) the ids of alerts raised
within :data:`ALERT_WINDOW` of the move in the zone holding the move's location.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from core.alerts.models import Alert
from core.catalogue.models import Sku
from core.clock import as_utc
from core.documents.models import Document
from core.ledger.models import StockMove
from core.locations.models import Location, Tier
from core.lots.models import Lot
from core.people.models import User
from core.reports.filters import VIRTUAL, ReportFilter

__all__ = ["SHRINKAGE_GROUPS", "shrinkage"]

SHRINKAGE_GROUPS = ("move", "reason", "location", "person", "sku")
COUNT_REASON = "count variance"
ALERT_WINDOW = timedelta(hours=2)


def _moves(session: Session, f: ReportFilter) -> list[dict[str, Any]]:
    """Every adjustment and count-variance move in the period, signed from the stock's side."""
    since, until = f.period()
    src, dst = aliased(Location), aliased(Location)
    stmt = (
        select(StockMove.id, StockMove.created_at, StockMove.reason, StockMove.quantity,
               Document.number, Document.kind, Document.reason, Sku.code, Sku.price, Lot.code,
               src.code, src.kind, dst.code, User.username)
        .join(Document, Document.id == StockMove.document_id)
        .join(Sku, Sku.id == StockMove.sku_id)
        .join(Lot, Lot.id == StockMove.lot_id)
        .join(src, src.id == StockMove.from_location_id)
        .join(dst, dst.id == StockMove.to_location_id)
        .join(User, User.id == StockMove.actor_id)
        .where(or_(StockMove.reason.startswith("adjustment:"), StockMove.reason == COUNT_REASON),
               StockMove.created_at >= since, StockMove.created_at < until)
        .order_by(StockMove.id)
    )
    stmt = f.stock(stmt, sku=StockMove.sku_id, lot=StockMove.lot_id,
                   locations=(StockMove.from_location_id, StockMove.to_location_id))
    rows = []
    for (move_id, at, move_reason, qty, number, kind, doc_reason, sku, price, lot, a, a_kind, b,
         who) in session.execute(stmt):
        lost = a_kind not in VIRTUAL  # stock left a real place for the adjustment location
        delta = -int(qty) if lost else int(qty)
        reason = COUNT_REASON if move_reason == COUNT_REASON else (doc_reason or move_reason)
        rows.append({"move_id": move_id, "at": as_utc(at), "document": number,
                     "document_kind": kind, "reason": reason, "sku": sku, "lot": lot,
                     "location": a if lost else b, "person": who, "quantity": delta,
                     "value": round(delta * float(price), 2)})
    return rows


def shrinkage(
    session: Session, f: ReportFilter,
    *, by: Literal["move", "reason", "location", "person", "sku"] = "move",
) -> list[dict[str, object]]:
    """Adjustments and count variances: one row per move, or totals per reason, location,
    person or SKU (units and value lost, found and net, and the moves counted)."""
    moves = _moves(session, f)
    if by == "move":
        _link_alerts(session, moves, *f.period())
        return moves
    groups: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"moves": 0, "units_lost": 0, "units_found": 0, "net_units": 0,
                 "value_lost": 0.0, "net_value": 0.0, "move_ids": []})
    for m in moves:
        g = groups[str(m[by])]
        g["moves"] += 1
        g["units_lost"] += max(0, -m["quantity"])
        g["units_found"] += max(0, m["quantity"])
        g["net_units"] += m["quantity"]
        g["value_lost"] += max(0.0, -m["value"])
        g["net_value"] += m["value"]
        g["move_ids"].append(m["move_id"])
    rows = [{by: key, **g, "value_lost": round(g["value_lost"], 2),
             "net_value": round(g["net_value"], 2)} for key, g in groups.items()]
    rows.sort(key=lambda r: (r["net_value"], str(r[by])))
    return rows




def _link_alerts(session: Session, moves: list[dict[str, Any]], since: datetime,
                 until: datetime) -> None:
    """Add ``alerts`` to each move: ids of alerts near its time in its location's zone.

    One query: a recursive walk from the moves' locations up to their zones, joined to the
    alerts of the period widened by the window. Rows gain the column only if it finds any.
    """
    codes = sorted({m["location"] for m in moves})
    if not codes:
        return
    parent = aliased(Location)
    walk = (select(Location.code.label("origin"), Location.parent_id, Location.tier,
                   Location.code).where(Location.code.in_(codes)).cte("walk", recursive=True))
    walk = walk.union_all(
        select(walk.c.origin, parent.parent_id, parent.tier, parent.code)
        .join(parent, parent.id == walk.c.parent_id).where(walk.c.tier != Tier.ZONE.value))
    found: dict[str, list[tuple[int, datetime]]] = defaultdict(list)
    for origin, alert_id, raised in session.execute(
        select(walk.c.origin, Alert.id, Alert.raised_at)
        .join(Alert, Alert.zone == walk.c.code)
        .where(walk.c.tier == Tier.ZONE.value, Alert.raised_at >= since - ALERT_WINDOW,
               Alert.raised_at <= until + ALERT_WINDOW)
        .order_by(Alert.id)
    ):
        found[origin].append((alert_id, as_utc(raised)))
    if not found:
        return
    for m in moves:
        m["alerts"] = [i for i, raised in found.get(m["location"], [])
                       if abs(raised - m["at"]) <= ALERT_WINDOW]

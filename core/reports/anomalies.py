"""Anomalies: what stands out in the period, each row saying in words why.

Three kinds, all judged by one robust rule: a value is unusual when it lies beyond
``median + 3 * MAD`` of its group (MAD: the median absolute deviation from the median), and the
group has at least :data:`MIN_GROUP` members.

- ``adjustment``: an adjustment or count-variance move whose units or value lie far above the
  usual for its reason, or for its location;
- ``person``: someone whose share of moves that are adjustments or count variances lies far
  above their peers' (everyone who moved stock in the period);
- ``idle-piece``: a serialised piece in stock that has not moved for ``idle_days`` days before
  the period's end, while its style sold in the period.
"""

from __future__ import annotations

from collections import defaultdict
from statistics import median
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.clock import as_utc
from core.ledger.models import MoveSerial, StockMove
from core.locations.models import Kind, Location
from core.lots.models import Serial
from core.people.models import User
from core.reports.filters import VIRTUAL, ReportFilter
from core.reports.shrinkage import COUNT_REASON, _moves

__all__ = ["MIN_GROUP", "anomalies", "robust_threshold"]

MIN_GROUP = 3
KEYS = ("kind", "subject", "sku", "location", "person", "at", "measure", "value", "usual",
        "threshold", "why")


def robust_threshold(values: list[float]) -> tuple[float, float] | None:
    """``(median, median + 3 * MAD)`` of ``values``, or None for fewer than :data:`MIN_GROUP`.

    >>> robust_threshold([1, 1, 1, 8])
    (1.0, 1.0)
    """
    if len(values) < MIN_GROUP:
        return None
    mid = float(median(values))
    mad = float(median(abs(v - mid) for v in values))
    return mid, mid + 3 * mad


def _row(**values: Any) -> dict[str, Any]:
    return {key: values.get(key) for key in KEYS}


def _adjustments(session: Session, f: ReportFilter) -> list[dict[str, Any]]:
    moves = _moves(session, f)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for m in moves:
        groups[("reason", m["reason"])].append(m)
        groups[("location", m["location"])].append(m)
    limits = {}
    for key, members in groups.items():
        units = robust_threshold([abs(m["quantity"]) for m in members])
        value = robust_threshold([abs(m["value"]) for m in members])
        if units and value:
            limits[key] = (units, value)
    rows = []
    for m in moves:
        units, value, grounds = abs(m["quantity"]), abs(m["value"]), []
        usual = threshold = None
        for key in (("reason", m["reason"]), ("location", m["location"])):
            if key not in limits:
                continue
            (u_mid, u_max), (v_mid, v_max) = limits[key]
            label = f"{key[0]} '{key[1]}' ({len(groups[key])} moves)"
            if units > u_max:
                grounds.append(f"{units} units is above {u_max:g} (median {u_mid:g} + 3·MAD) "
                               f"for {label}")
                if usual is None:
                    usual, threshold = u_mid, u_max
            if value > v_max:
                grounds.append(f"value {value:.2f} is above {v_max:.2f} (median {v_mid:.2f} "
                               f"+ 3·MAD) for {label}")
        if grounds:
            side = "lost" if m["quantity"] < 0 else "found"
            rows.append(_row(
                kind="adjustment", subject=f"move {m['move_id']}", sku=m["sku"],
                location=m["location"], person=m["person"], at=m["at"], measure="units",
                value=units, usual=usual, threshold=threshold,
                why=f"{units} × {m['sku']} {side} ({m['reason']}, {m['document']}) by "
                    f"{m['person']}: " + "; ".join(grounds) + "."))
    return rows


def _people(session: Session, f: ReportFilter) -> list[dict[str, Any]]:
    since, until = f.period()
    adjusting = or_(StockMove.reason.startswith("adjustment:"), StockMove.reason == COUNT_REASON)
    stmt = (
        select(User.username, func.count(StockMove.id),
               func.count(StockMove.id).filter(adjusting))
        .join(User, User.id == StockMove.actor_id)
        .where(StockMove.created_at >= since, StockMove.created_at < until)
        .group_by(User.username)
        .order_by(User.username)
    )
    stmt = f.stock(stmt, sku=StockMove.sku_id, lot=StockMove.lot_id,
                   locations=(StockMove.from_location_id, StockMove.to_location_id))
    counts = [(str(who), int(n), int(adj)) for who, n, adj in session.execute(stmt)]
    limit = robust_threshold([adj / n for _, n, adj in counts])
    if limit is None:
        return []
    mid, top = limit
    return [
        _row(kind="person", subject=who, person=who, measure="adjustment rate",
             value=round(adj / n, 4), usual=round(mid, 4), threshold=round(top, 4),
             why=f"{who}: {adj} of {n} moves were adjustments or count variances "
                 f"({adj / n:.0%}), above {top:.0%} (median {mid:.0%} + 3·MAD) over "
                 f"{len(counts)} people.")
        for who, n, adj in counts if adj / n > top
    ]


def _idle_pieces(session: Session, f: ReportFilter, idle_days: int) -> list[dict[str, Any]]:
    since, until = f.period()
    customer = select(Location.id).where(Location.kind == Kind.CUSTOMER.value)
    sold_styles = (
        select(Sku.style_id).join(StockMove, StockMove.sku_id == Sku.id)
        .where(StockMove.to_location_id.in_(customer), StockMove.created_at >= since,
               StockMove.created_at < until)
    )
    sold_styles = f.stock(sold_styles, sku=StockMove.sku_id, lot=StockMove.lot_id)
    last = (
        select(MoveSerial.serial_id, func.max(StockMove.created_at).label("at"))
        .join(StockMove, StockMove.id == MoveSerial.move_id)
        .where(StockMove.created_at < until)
        .group_by(MoveSerial.serial_id).subquery()
    )
    stmt = (
        select(Serial.code, Sku.code, Location.code, last.c.at)
        .join(Sku, Sku.id == Serial.sku_id)
        .join(Location, Location.id == Serial.location_id)
        .join(last, last.c.serial_id == Serial.id)
        .where(Location.kind.not_in(VIRTUAL), Sku.style_id.in_(sold_styles))
        .order_by(last.c.at, Serial.code)
    )
    stmt = f.stock(stmt, sku=Serial.sku_id, lot=Serial.lot_id, location=Serial.location_id)
    rows = []
    for serial, sku, loc, at in session.execute(stmt):
        idle = (until - as_utc(at)).days
        if idle >= idle_days:
            rows.append(_row(
                kind="idle-piece", subject=serial, sku=sku, location=loc, at=as_utc(at),
                measure="idle days", value=idle, threshold=idle_days,
                why=f"piece {serial} ({sku}) has sat in {loc} for {idle} days (limit "
                    f"{idle_days}) while its style sold in the period."))
    return rows


def anomalies(session: Session, f: ReportFilter, *, idle_days: int = 90,
              limit: int = 500) -> list[dict[str, object]]:
    """Unusual adjustments, people with unusual adjustment rates and idle pieces whose style
    sells, in that order; each row's ``why`` says in words why it is flagged."""
    rows = (_adjustments(session, f) + _people(session, f)
            + _idle_pieces(session, f, idle_days))
    return rows[:limit]

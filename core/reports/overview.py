"""The overview page in one query set: today's receipts and picks, orders waiting, pick
accuracy, open alerts, and moves per hour of the day and per day of the last two weeks."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.alerts.models import Alert
from core.documents.models import DocKind, Document, DocumentLine, LineStatus
from core.ledger.models import StockMove
from core.orders.models import OrderStatus, SalesOrder
from core.reports._sql import bucket, day_start

__all__ = ["WAITING", "overview"]

WAITING = (OrderStatus.OPEN, OrderStatus.PARTIALLY_ALLOCATED, OrderStatus.ALLOCATED,
           OrderStatus.PICKING, OrderStatus.PICKED)
SEVERITIES = ("info", "warning", "high", "critical")
RECENT_PICK_LISTS = 200


def _moves_by(
    session: Session, unit: str, since: date, until: date
) -> dict[tuple[str, str], list[int]]:
    """``(bucket, reason) -> [moves, units]`` for moves in ``[since, until)``."""
    key = bucket(session, StockMove.created_at, unit)  # type: ignore[arg-type]
    stmt = (
        select(key, StockMove.reason, func.count(StockMove.id), func.sum(StockMove.quantity))
        .where(StockMove.created_at >= day_start(since), StockMove.created_at < day_start(until))
        .group_by(key, StockMove.reason)
    )
    return {(str(b), str(r)): [int(n), int(q or 0)] for b, r, n, q in session.execute(stmt)}


def _pick_accuracy(session: Session) -> tuple[float | None, int]:
    """Share of closed lines of the latest pick lists that were taken in full."""
    recent = (
        select(Document.id).where(Document.kind == DocKind.PICK.value)
        .order_by(Document.id.desc()).limit(RECENT_PICK_LISTS).subquery()
    )
    closed, full = session.execute(
        select(func.count(DocumentLine.id),
               func.count(DocumentLine.id).filter(DocumentLine.status == LineStatus.DONE.value))
        .where(DocumentLine.document_id.in_(select(recent.c.id)),
               DocumentLine.status != LineStatus.OPEN.value)
    ).one()
    return (int(full) / int(closed) if closed else None), int(closed)


def _alerts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Alert.severity, func.count(Alert.id))
        .where(Alert.acknowledged_at.is_(None)).group_by(Alert.severity)
    )
    found = {str(s): int(n) for s, n in rows}
    return {s: found.get(s, 0) for s in (*SEVERITIES, *sorted(set(found) - set(SEVERITIES)))}


def overview(
    session: Session, *, day: date, window_days: int = 14, include_alerts: bool = True
) -> dict[str, object]:
    """Everything the overview page shows for ``day`` (UTC), each figure one aggregate query."""
    since = day - timedelta(days=window_days)
    tomorrow = day + timedelta(days=1)
    hourly = _moves_by(session, "hour", day, tomorrow)
    daily = _moves_by(session, "day", since, tomorrow)
    today = {reason: v for (b, reason), v in daily.items() if b == day.isoformat()}
    orders: dict[str, int] = dict.fromkeys(WAITING, 0)
    orders.update({str(s): int(n) for s, n in session.execute(
        select(SalesOrder.status, func.count(SalesOrder.id))
        .where(SalesOrder.status.in_(WAITING)).group_by(SalesOrder.status))})
    accuracy, lines_seen = _pick_accuracy(session)
    alerts = _alerts(session) if include_alerts else None
    reasons = sorted({r for _, r in daily})
    days = [(since + timedelta(days=n)).isoformat() for n in range(window_days + 1)]
    hours = [f"{h:02d}" for h in range(24)]
    return {
        "day": day.isoformat(),
        "received_today": today.get("receipt", [0, 0])[1],
        "picked_today": today.get("pick", [0, 0])[1],
        "pick_lines_today": today.get("pick", [0, 0])[0],
        "orders_waiting": sum(orders.values()),
        "orders_by_status": orders,
        "pick_accuracy": None if accuracy is None else round(accuracy, 4),
        "pick_lines_seen": lines_seen,
        "open_alerts": None if alerts is None else sum(alerts.values()),
        "alerts_by_severity": alerts,
        "daily": {"days": days, "moves": {r: [daily.get((d, r), [0, 0])[0] for d in days]
                                          for r in reasons}},
        "hourly": {"hours": hours, "units": {r: [hourly.get((h, r), [0, 0])[1] for h in hours]
                                             for r in sorted({r for _, r in hourly})}},
    }

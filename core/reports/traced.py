"""Stock variances traced to the pick that most likely caused them.

The rule. A *variance* is what a cycle count (``count variance`` moves) or an adjustment for
``found``, ``lost`` or ``data_error`` changed at one bin for one SKU and lot, netted per
document. It is *traced* to the last pick of that SKU and lot from that bin before the variance
was posted, when that pick lies within ``window_days`` (default :data:`TRACE_DAYS`) before it;
picks later undone do not count. The pick's person is held to account for it:

- more stock found than the books held (``variance > 0``) suggests an **under-pick**: the
  picker booked more pieces than they took;
- less stock (``variance < 0``) suggests an **over-pick** (more taken than booked, or the
  wrong piece taken);
- serialised pieces swapped with the count at zero net suggest a **wrong piece**.

Damage, theft, samples and scrap are not picking errors and are left out, and so is any
variance with no pick of its SKU and lot from its bin in the window. It is a lead for a
supervisor, not proof: a mis-put-away piece looks the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, exists, or_, select
from sqlalchemy.orm import Session, aliased

from core.catalogue.models import Sku
from core.clock import as_utc
from core.documents.models import Document
from core.errors import ValidationFailed
from core.ledger.models import StockMove
from core.locations.models import Location
from core.lots.models import Lot
from core.people.models import User
from core.reports.filters import VIRTUAL, ReportFilter

__all__ = ["TRACE_DAYS", "TRACED_REASONS", "TracedVariance", "traced_variances",
           "variance_trace"]

TRACE_DAYS = 30
COUNT_REASON = "count variance"
#: Adjustment reasons that can hide a picking error (the others are damage, theft...).
TRACED_REASONS = ("found", "lost", "data_error")
PICK_REASON = "pick"


@dataclass
class TracedVariance:
    """A variance at a bin, and the pick it is traced to (``pick_move_id`` None if none)."""

    document: str
    reason: str
    found_at: datetime
    location: str
    sku: str
    lot: str
    variance: int
    pick_move_id: int | None = None
    picker: str | None = None
    picker_name: str | None = None
    picked_at: datetime | None = None
    pick_line_id: int | None = None
    pick_list: str | None = None
    picked_quantity: int | None = None

    @property
    def suggests(self) -> str | None:
        """under-pick, over-pick or wrong-piece, when traced."""
        if self.pick_move_id is None:
            return None
        return "under-pick" if self.variance > 0 else ("over-pick" if self.variance < 0
                                                       else "wrong-piece")


def _variance_moves(session: Session, f: ReportFilter, since: datetime,
                    until: datetime) -> list[Any]:
    """Variance moves in ``[since, until)`` with their bin and the last pick before each."""
    src, pick, undo = aliased(Location), aliased(StockMove), aliased(StockMove)
    bin_id = case((src.kind.in_(VIRTUAL), StockMove.to_location_id),
                  else_=StockMove.from_location_id)
    last_pick = (
        select(pick.id)
        .where(pick.reason == PICK_REASON, pick.sku_id == StockMove.sku_id,
               pick.lot_id == StockMove.lot_id, pick.from_location_id == bin_id,
               pick.created_at <= StockMove.created_at, pick.id < StockMove.id,
               ~exists().where(undo.reverses_move_id == pick.id))
        .order_by(pick.created_at.desc(), pick.id.desc()).limit(1)
        .correlate(StockMove, src).scalar_subquery()
    )
    reasons = [f"adjustment: {r}" for r in TRACED_REASONS]
    stmt = (
        select(StockMove.id, StockMove.document_id, StockMove.created_at, StockMove.quantity,
               StockMove.reason, src.kind.in_(VIRTUAL).label("inbound"), bin_id.label("bin"),
               StockMove.sku_id, StockMove.lot_id, last_pick.label("pick_id"))
        .join(src, src.id == StockMove.from_location_id)
        .where(or_(StockMove.reason == COUNT_REASON, StockMove.reason.in_(reasons)),
               StockMove.created_at >= since, StockMove.created_at < until)
        .order_by(StockMove.id)
    )
    stmt = f.stock(stmt, sku=StockMove.sku_id, lot=StockMove.lot_id,
                   locations=(StockMove.from_location_id, StockMove.to_location_id))
    return list(session.execute(stmt))


def _names(session: Session, rows: list[Any]) -> dict[str, dict[int, Any]]:
    ids = {k: {getattr(r, k) for r in rows} for k in ("document_id", "bin", "sku_id", "lot_id")}
    return {
        "document_id": dict(session.execute(select(Document.id, Document.number)
                                            .where(Document.id.in_(ids["document_id"]))).all()),
        "bin": dict(session.execute(select(Location.id, Location.code)
                                    .where(Location.id.in_(ids["bin"]))).all()),
        "sku_id": dict(session.execute(select(Sku.id, Sku.code)
                                       .where(Sku.id.in_(ids["sku_id"]))).all()),
        "lot_id": dict(session.execute(select(Lot.id, Lot.code)
                                       .where(Lot.id.in_(ids["lot_id"]))).all()),
    }


def _attach_picks(session: Session, found: list[TracedVariance], window: timedelta) -> None:
    """Fill in who picked, when and which line; drop picks older than ``window``."""
    wanted = {v.pick_move_id for v in found if v.pick_move_id is not None}
    if not wanted:
        return
    picks = {row.id: row for row in session.execute(
        select(StockMove.id, StockMove.created_at, StockMove.quantity,
               StockMove.document_line_id, User.username, User.full_name, Document.number)
        .join(User, User.id == StockMove.actor_id)
        .join(Document, Document.id == StockMove.document_id)
        .where(StockMove.id.in_(wanted)))}
    for v in found:
        p = picks.get(v.pick_move_id) if v.pick_move_id is not None else None
        if p is None or v.found_at - as_utc(p.created_at) > window:
            v.pick_move_id = None
            continue
        v.picker, v.picker_name, v.picked_at = p.username, p.full_name, as_utc(p.created_at)
        v.pick_line_id, v.pick_list, v.picked_quantity = (p.document_line_id, p.number,
                                                          int(p.quantity))


def trace_variances(session: Session, f: ReportFilter, *, since: datetime, until: datetime,
                    window_days: int = TRACE_DAYS) -> list[TracedVariance]:
    """Variances posted in ``[since, until)``, each with the pick it traces to, if any."""
    if window_days < 1:
        raise ValidationFailed("Trace variances over at least one day.", code="bad-trace-days")
    rows = _variance_moves(session, f, since, until)
    names = _names(session, rows) if rows else {}
    found: dict[tuple[int, int, int, int], TracedVariance] = {}
    for r in rows:
        key = (r.document_id, r.bin, r.sku_id, r.lot_id)
        v = found.get(key)
        if v is None:  # the first move of the group: its time and pick stand for the group
            v = found[key] = TracedVariance(
                document=names["document_id"][r.document_id],
                reason=COUNT_REASON if r.reason == COUNT_REASON else r.reason.split(": ")[-1],
                found_at=as_utc(r.created_at), location=names["bin"][r.bin],
                sku=names["sku_id"][r.sku_id], lot=names["lot_id"][r.lot_id], variance=0,
                pick_move_id=r.pick_id)
        v.variance += int(r.quantity) if r.inbound else -int(r.quantity)
    result = list(found.values())
    _attach_picks(session, result, timedelta(days=window_days))
    return result


def traced_variances(session: Session, f: ReportFilter, *,
                     window_days: int = TRACE_DAYS) -> list[TracedVariance]:
    """Variances whose pick falls in the report's period (found up to the window after it)."""
    since, until = f.period()
    found = trace_variances(session, f, since=since, until=until + timedelta(days=window_days),
                            window_days=window_days)
    return [v for v in found if v.picked_at is not None and since <= v.picked_at < until]


def variance_trace(session: Session, f: ReportFilter, *,
                   window_days: int = TRACE_DAYS) -> list[dict[str, Any]]:
    """The variances found in the period, one row each, with the pick each is traced to."""
    since, until = f.period()
    return [{"found_at": v.found_at, "document": v.document, "reason": v.reason,
             "location": v.location, "sku": v.sku, "lot": v.lot, "variance": v.variance,
             "suggests": v.suggests, "picker": v.picker, "picked_at": v.picked_at,
             "pick_list": v.pick_list, "pick_line_id": v.pick_line_id,
             "picked_quantity": v.picked_quantity,
             "days_before": None if v.picked_at is None
             else round((v.found_at - v.picked_at).total_seconds() / 86400, 1)}
            for v in trace_variances(session, f, since=since, until=until,
                                     window_days=window_days)]

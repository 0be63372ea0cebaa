"""Slotting advice: which SKUs to move to which free bins to cut picking travel.

SKUs are ranked by picks in the period (closed pick lines, per bin they were picked from). A
SKU still held in a bin far from the packing desk is proposed for the nearest free bin (a
storage bin holding nothing) that is nearer, following the slotting rules of
:mod:`core.slotting`: pieces priced at or above the vault threshold go only to secure bins and
never leave the vault for an ordinary one; vault space is kept for valuables; large pieces
avoid small bins. The busiest SKUs choose first. The saving is the walking saved per period:
``picks * (distance now - distance after) * 2`` (there and back).

Distance is euclidean on the bins' x/y by default; the composition root may pass the twin's
walking distance as ``distance(from_code, to_code)`` (``math.inf`` for no route).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.documents.models import DocKind, Document, DocumentLine, LineStatus
from core.ledger.models import Balance
from core.locations.models import Kind, Location, Tier
from core.reports.filters import ReportFilter
from core.slotting.service import HIGH_SECURITY, LARGE_MIN_CAPACITY, STORAGE_KINDS

__all__ = ["Distance", "slotting_advice"]

Distance = Callable[[str, str], float]
_STORAGE = [str(k) for k in STORAGE_KINDS]


def _secure(loc: Location) -> bool:
    return loc.kind == Kind.VAULT or loc.security_level >= HIGH_SECURITY


def _allowed(sku: Sku, high_value: bool, here: Location, there: Location, units: int) -> bool:
    """The slotting rules for moving ``units`` of ``sku`` from ``here`` to ``there``."""
    if high_value and not _secure(there):
        return False
    if high_value and here.kind == Kind.VAULT and there.kind != Kind.VAULT:
        return False  # valuables in the vault stay in the vault
    if not high_value and there.kind == Kind.VAULT:
        return False  # vault space is kept for valuables
    cap = there.capacity
    if cap is not None and (cap < units or (sku.size_class == "large"
                                             and cap < LARGE_MIN_CAPACITY)):
        return False
    return True


def _picks(session: Session, f: ReportFilter) -> list[tuple[int, int, int]]:
    """``(sku id, bin id, picks)`` of closed pick lines in the period, most picks first."""
    since, until = f.period()
    picks = func.count(DocumentLine.id)
    stmt = (
        select(DocumentLine.sku_id, DocumentLine.from_location_id, picks)
        .join(Document, Document.id == DocumentLine.document_id)
        .where(Document.kind == DocKind.PICK.value, DocumentLine.status == LineStatus.DONE.value,
               DocumentLine.from_location_id.is_not(None),
               DocumentLine.done_at >= since, DocumentLine.done_at < until)
        .group_by(DocumentLine.sku_id, DocumentLine.from_location_id)
        .order_by(picks.desc(), DocumentLine.sku_id, DocumentLine.from_location_id)
    )
    stmt = f.stock(stmt, sku=DocumentLine.sku_id, lot=DocumentLine.lot_id,
                   location=DocumentLine.from_location_id)
    out = []
    for s, b, n in session.execute(stmt):
        assert b is not None  # the WHERE clause keeps lines picked from a bin
        out.append((int(s), int(b), int(n)))
    return out


def slotting_advice(
    session: Session, f: ReportFilter, *, distance: Distance | None = None,
    vault_price_threshold: float = 5000.0, limit: int = 200,
) -> list[dict[str, object]]:
    """Moves of fast movers into nearer free bins, busiest first, with metres saved."""
    bins = {loc.id: loc for loc in session.scalars(
        select(Location).where(Location.tier == Tier.BIN, Location.active.is_(True),
                               Location.kind.in_(_STORAGE + [Kind.PACKING.value]))
        .order_by(Location.code))}
    packing = next((b for b in bins.values() if b.kind == Kind.PACKING), None)
    held = {(int(s), int(b)): int(q) for s, b, q in session.execute(
        select(Balance.sku_id, Balance.location_id, func.sum(Balance.on_hand))
        .where(Balance.location_id.in_(list(bins)))
        .group_by(Balance.sku_id, Balance.location_id).having(func.sum(Balance.on_hand) > 0))}
    busy = {b for _, b in held}
    free = [b for b in bins.values() if b.kind != Kind.PACKING and b.id not in busy]

    def to_packing(loc: Location) -> float:
        if distance is not None and packing is not None:
            return float(distance(loc.code, packing.code))
        px, py = (packing.x, packing.y) if packing else (0.0, 0.0)
        return math.hypot(loc.x - px, loc.y - py)

    near = {b.id: to_packing(b) for b in free}
    free.sort(key=lambda b: (near[b.id], b.code))
    threshold = Decimal(str(vault_price_threshold))
    skus: dict[int, Sku] = {}
    rows: list[dict[str, Any]] = []
    for rank, (sku_id, bin_id, picks) in enumerate(_picks(session, f), start=1):
        units = held.get((sku_id, bin_id), 0)
        here = bins.get(bin_id)
        if not units or here is None or here.kind == Kind.PACKING:
            continue  # no longer there: nothing to move
        sku = skus.get(sku_id) or skus.setdefault(sku_id, session.get_one(Sku, sku_id))
        high_value = sku.price >= threshold
        now_m = to_packing(here)
        target = next((b for b in free if near[b.id] < now_m
                       and _allowed(sku, high_value, here, b, units)), None)
        if target is None:
            continue
        free.remove(target)
        saving = picks * (now_m - near[target.id]) * 2
        rows.append({
            "rank": rank, "sku": sku.code, "picks": picks, "units": units,
            "from_location": here.code, "from_distance_m": round(now_m, 2),
            "to_location": target.code, "to_distance_m": round(near[target.id], 2),
            "saving_m": round(saving, 2),
            "why": f"{sku.code} was picked {picks} times from {here.code}, {now_m:.1f} m from "
                   f"packing; free {target.kind} bin {target.code} is {near[target.id]:.1f} m "
                   f"away, saving {saving:.1f} m of walking (there and back)"
                   + (" — a valuable, so only a secure bin" if high_value else "") + ".",
        })
        if len(rows) >= limit:
            break
    return rows

"""Slotting: rank bins for a putaway, and classify SKUs by how fast they ship (ABC).

A putaway candidate is scored on what a slotting clerk weighs: high-value pieces belong in a
secure bin; fast movers (class A) near the packing desk and slow ones further off; the bin
must have room; large pieces avoid small bins; and a bin already holding the SKU keeps it
together. Every score comes with the reasons behind it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.audit import service as audit
from core.catalogue.models import Sku
from core.catalogue.service import sku_by_code
from core.clock import now
from core.errors import NotFoundError, ValidationFailed
from core.ledger.models import Balance, StockMove
from core.locations.models import Kind, Location, Tier
from core.people.security import Actor

__all__ = ["PutawayCandidate", "best_putaway_bin", "classify_velocity", "suggest_putaway"]

STORAGE_KINDS = (Kind.PICK_FACE, Kind.RESERVE, Kind.VAULT)
HIGH_SECURITY = 2  # security_level from which an ordinary bin counts as secure
LARGE_MIN_CAPACITY = 20  # bins holding fewer pieces than this are too small for large pieces
MEDIUM_MIN_CAPACITY = 10
# How much nearness to the packing desk is worth, per velocity class (negative: keep away).
_NEARNESS = {"A": 50.0, "B": 20.0, "C": -10.0, None: -5.0}
_KIND_BONUS = {"A": {Kind.PICK_FACE: 30.0}, "B": {Kind.PICK_FACE: 15.0},
               "C": {Kind.RESERVE: 20.0}, None: {Kind.RESERVE: 10.0}}


@dataclass(frozen=True)
class PutawayCandidate:
    """A bin suggested for a putaway, its score (higher is better) and why."""

    location: str
    kind: str
    score: float
    free_capacity: int | None
    distance_to_packing: float
    reasons: tuple[str, ...]


@dataclass
class _Scored:
    loc: Location
    free: int | None
    distance: float
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: float, reason: str) -> None:
        self.score += points
        self.reasons.append(reason)


def _packing_xy(session: Session) -> tuple[float, float]:
    row = session.execute(
        select(Location.x, Location.y).where(Location.kind == Kind.PACKING,
                                             Location.tier == Tier.BIN, Location.active.is_(True))
        .order_by(Location.code).limit(1)
    ).first()
    return (row.x, row.y) if row else (0.0, 0.0)


def _bins(session: Session, sku_id: int) -> tuple[list[Location], dict[int, int], set[int]]:
    bins = list(session.scalars(
        select(Location).where(Location.tier == Tier.BIN, Location.active.is_(True),
                               Location.kind.in_([str(k) for k in STORAGE_KINDS]))
    ))
    ids = [b.id for b in bins]
    on_hand = {loc: int(q) for loc, q in session.execute(
        select(Balance.location_id, func.sum(Balance.on_hand))
        .where(Balance.location_id.in_(ids)).group_by(Balance.location_id))}
    holding = set(session.scalars(select(Balance.location_id).where(
        Balance.sku_id == sku_id, Balance.on_hand > 0, Balance.location_id.in_(ids))))
    return bins, on_hand, holding


def _secure(loc: Location) -> bool:
    return loc.kind == Kind.VAULT or loc.security_level >= HIGH_SECURITY


def _fits(sku: Sku, c: _Scored, quantity: int, high_value: bool) -> bool:
    """Hard rules: a secure bin for valuables (and only for them), room, size."""
    if high_value and not _secure(c.loc):
        return False  # valuables never go on an open shelf
    if not high_value and c.loc.kind == Kind.VAULT:
        return False  # vault space is kept for valuables
    if c.free is not None and c.free < quantity:
        return False
    cap = c.loc.capacity
    if cap is not None and sku.size_class == "large" and cap < LARGE_MIN_CAPACITY:
        return False
    return True


def _score(sku: Sku, c: _Scored, quantity: int, high_value: bool, holding: set[int],
           far: float) -> None:
    velocity = sku.velocity_class if sku.velocity_class in ("A", "B", "C") else None
    if high_value:
        c.add(40.0, "high value: secure bin")
    near = 1.0 - c.distance / far if far else 1.0
    weight = _NEARNESS[velocity]
    label = f"velocity {velocity}" if velocity else "no velocity class yet"
    c.add(weight * near if weight > 0 else -weight * (1.0 - near),
          f"{label}: {c.distance:.1f} m from packing")
    if (bonus := _KIND_BONUS[velocity].get(Kind(c.loc.kind))) is not None:
        c.add(bonus, f"{label} suits a {c.loc.kind} bin")
    if c.loc.id in holding:
        c.add(15.0, f"already holds {sku.code}: keeps the SKU together")
    if c.free is None:
        c.add(10.0, "no capacity limit")
    else:
        c.add(10.0 * (1.0 - quantity / c.free), f"room for {c.free} ({quantity} needed)")
    if sku.size_class == "medium" and c.loc.capacity is not None \
            and c.loc.capacity < MEDIUM_MIN_CAPACITY:
        c.add(-10.0, "small bin for a medium piece")


def suggest_putaway(
    session: Session, *, sku_code: str, quantity: int, vault_price_threshold: float = 5000.0,
    limit: int = 5,
) -> list[PutawayCandidate]:
    """Bins for ``quantity`` pieces of a SKU, best first, each with its reasons."""
    if quantity <= 0:
        raise ValidationFailed("Quantity must be positive.", code="invalid-quantity")
    sku = sku_by_code(session, sku_code)
    high_value = sku.price >= Decimal(str(vault_price_threshold))
    px, py = _packing_xy(session)
    bins, on_hand, holding = _bins(session, sku.id)
    scored = [
        _Scored(loc, None if loc.capacity is None else loc.capacity - on_hand.get(loc.id, 0),
                math.hypot(loc.x - px, loc.y - py))
        for loc in bins
    ]
    fitting = [c for c in scored if _fits(sku, c, quantity, high_value)]
    far = max((c.distance for c in fitting), default=0.0)
    for c in fitting:
        _score(sku, c, quantity, high_value, holding, far)
    fitting.sort(key=lambda c: (-c.score, c.loc.code))
    return [
        PutawayCandidate(c.loc.code, c.loc.kind, round(c.score, 2), c.free,
                         round(c.distance, 2), tuple(c.reasons))
        for c in fitting[:limit]
    ]


def best_putaway_bin(
    session: Session, *, sku_code: str, quantity: int, vault_price_threshold: float = 5000.0
) -> str:
    """The code of the best bin for a putaway line without a destination."""
    ranked = suggest_putaway(session, sku_code=sku_code, quantity=quantity,
                             vault_price_threshold=vault_price_threshold, limit=1)
    if not ranked:
        raise NotFoundError(f"No bin with room (and the right security) for {quantity} of "
                            f"{sku_code}.", code="no-putaway-bin")
    return ranked[0].location


def _abc(shipped: list[tuple[int, int]], a_share: float, b_share: float) -> dict[int, str]:
    total = sum(q for _, q in shipped) or 1
    classes, running = {}, 0
    for sku_id, qty in shipped:
        before = running / total  # the SKU that crosses a threshold still belongs below it
        classes[sku_id] = "A" if before < a_share else ("B" if before < b_share else "C")
        running += qty
    return classes


def classify_velocity(
    session: Session, *, actor: Actor, days: int = 90, a_share: float = 0.8,
    b_share: float = 0.95,
) -> dict[str, str]:
    """ABC classes from pieces shipped in the last ``days``; writes Sku.velocity_class.

    A: the SKUs making up the first ``a_share`` of shipped pieces; B: up to ``b_share``; C:
    the rest, including SKUs that did not ship. Returns the class of every SKU by code.
    """
    if not 0 < a_share < b_share <= 1:
        raise ValidationFailed("Need 0 < a_share < b_share <= 1.", code="invalid-shares")
    shipped = [(sku_id, int(q)) for sku_id, q in session.execute(
        select(StockMove.sku_id, func.sum(StockMove.quantity))
        .join(Location, Location.id == StockMove.to_location_id)
        .where(Location.kind == Kind.CUSTOMER, StockMove.created_at >= now() - timedelta(days))
        .group_by(StockMove.sku_id)
        .order_by(func.sum(StockMove.quantity).desc(), StockMove.sku_id)
    )]
    classes = _abc(shipped, a_share, b_share)
    current = session.execute(select(Sku.id, Sku.code, Sku.velocity_class)).all()
    changed = {code: classes.get(sku_id, "C") for sku_id, code, cls in current
               if classes.get(sku_id, "C") != cls}
    ids = {code: sku_id for sku_id, code, _ in current}
    if changed:
        session.execute(update(Sku), [{"id": ids[c], "velocity_class": v}
                                      for c, v in changed.items()])
    counts = {k: sum(1 for _, code, _ in current if classes.get(ids[code], "C") == k)
              for k in "ABC"}
    audit.record(session, actor=actor.username, action="sku.velocity", entity="catalogue",
                 detail={"days": days, "counts": counts, "changed": changed})
    return {code: classes.get(sku_id, "C") for sku_id, code, _ in current}

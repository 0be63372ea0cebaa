"""Read-only views of the derived balances for callers outside the core (twin, cameras)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.ledger.models import Balance
from core.locations.models import Location

__all__ = ["BinBalance", "bin_on_hand", "positive_balances"]


@dataclass(frozen=True)
class BinBalance:
    """How many pieces of one SKU a location holds (all lots together or one lot's row)."""

    location: str
    sku: str
    on_hand: int


def positive_balances(
    session: Session, *, locations: Collection[str] | None = None
) -> list[BinBalance]:
    """Every balance row with stock on hand, one per SKU x location x lot.

    ``locations`` keeps only those location codes (filtered here rather than in SQL: the
    twin passes every bin of the warehouse, far more than a sensible IN list).
    """
    rows = session.execute(
        select(Location.code, Sku.code, Balance.on_hand)
        .join(Location, Location.id == Balance.location_id)
        .join(Sku, Sku.id == Balance.sku_id)
        .where(Balance.on_hand > 0)
    )
    return [
        BinBalance(loc, sku, int(qty))
        for loc, sku, qty in rows
        if locations is None or loc in locations
    ]


def bin_on_hand(session: Session, *, code: str) -> int | None:
    """Pieces on hand at the location ``code`` over every SKU and lot; None if it is unknown."""
    loc_id = session.scalar(select(Location.id).where(Location.code == code))
    if loc_id is None:
        return None
    held = session.scalar(
        select(func.coalesce(func.sum(Balance.on_hand), 0)).where(Balance.location_id == loc_id)
    )
    return int(held or 0)

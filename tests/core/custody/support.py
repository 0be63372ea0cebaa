"""A small shop with pieces of known weight and custody partners (for the custody tests)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.custody import PartnerCreate, create_partner
from core.ledger.models import Balance, StockMove
from core.locations.models import Location
from core.lots.models import Serial
from core.weighing import set_piece_weights
from tests.builders import Builder

#: Every test piece weighs this (a pendant: tolerance 0.02 g either way).
WEIGHT_G = 3.2


@dataclass
class Shop:
    """The builder, its bins and the ten pendants in the first bin."""

    b: Builder
    bins: list[str]
    pieces: list[str]


def shop(session: Session, pieces: int = 10) -> Shop:
    """PEND-1 x ``pieces`` (weighed 3.2 g each) in the first bin; partners SHOP1 (shop),
    FIXIT (repairer), CONSIGN (supplier SUP1)."""
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    b.sku("PEND-1")
    codes = b.stock("PEND-1", "L-1", pieces, bins[0])
    for code in codes:
        set_piece_weights(session, actor=b.actor, serial=code, gross_g=WEIGHT_G)
    for code, name, kind, supplier in (
        ("SHOP1", "Shop on the corner", "shop", None),
        ("FIXIT", "Fix-it repairs", "repairer", None),
        ("CONSIGN", "Consigning supplier", "supplier", "SUP1"),
    ):
        create_partner(session, actor=b.actor, data=PartnerCreate(
            code=code, name=name, kind=kind, supplier=supplier))
    return Shop(b, bins, codes)


def moves(session: Session) -> int:
    """How many stock moves the ledger holds."""
    return session.scalar(select(func.count(StockMove.id))) or 0


def on_hand(session: Session, location: str) -> int:
    """Units on hand at a location (all SKUs and lots)."""
    return session.scalar(
        select(func.coalesce(func.sum(Balance.on_hand), 0))
        .join(Location, Location.id == Balance.location_id)
        .where(Location.code == location)
    ) or 0


def where(session: Session, serial: str) -> str:
    """The code of the location a piece is at."""
    return session.scalar(
        select(Location.code).join(Serial, Serial.location_id == Location.id)
        .where(Serial.code == serial)
    ) or "?"

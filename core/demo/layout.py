"""The demo building: pick aisles, reserve aisles, a vault, quarantine, packing and dock."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.locations.models import Kind, Tier
from core.locations.schemas import LocationCreate
from core.locations.service import create_location
from core.people.security import Actor

AISLE_PITCH_M = 3.0  # rack depth x2 + aisle width
BAY_WIDTH_M = 1.0
LEVEL_HEIGHT_M = 0.4


@dataclass(frozen=True)
class DemoLayout:
    """Codes of the bins the history generator uses."""

    pick_bins: list[str]
    reserve_bins: list[str]
    vault_bins: list[str]
    quarantine: str
    packing: str


def _add(session: Session, actor: Actor, **fields: object) -> None:
    create_location(session, actor=actor, data=LocationCreate(**fields))


def _zone_aisles(
    session: Session,
    actor: Actor,
    rng: random.Random,
    *,
    zone: str,
    prefix: str,
    first_aisle: int,
    aisles: int,
    bays: int,
    levels: int,
    kind: Kind,
    security: int,
) -> list[str]:
    bins: list[str] = []
    for a in range(first_aisle, first_aisle + aisles):
        aisle = f"{prefix}{a:02d}"
        x = 2.0 + a * AISLE_PITCH_M
        _add(session, actor, code=aisle, tier=Tier.AISLE, parent=zone, aisle=str(a), x=x)
        for b in range(1, bays + 1):
            bay, y = f"{aisle}-{b:02d}", 3.0 + (b - 0.5) * BAY_WIDTH_M
            _add(
                session,
                actor,
                code=bay,
                tier=Tier.BAY,
                parent=aisle,
                aisle=str(a),
                bay=str(b),
                x=x,
                y=y,
            )
            for lv in range(1, levels + 1):
                level, z = f"{bay}-{lv}", (lv - 0.5) * LEVEL_HEIGHT_M
                _add(
                    session,
                    actor,
                    code=level,
                    tier=Tier.LEVEL,
                    parent=bay,
                    aisle=str(a),
                    bay=str(b),
                    level=str(lv),
                    x=x,
                    y=y,
                    z=z,
                )
                for side, dx in (("L", -0.75), ("R", 0.75)):
                    code = f"{level}{side}"
                    _add(
                        session,
                        actor,
                        code=code,
                        tier=Tier.BIN,
                        kind=kind,
                        parent=level,
                        aisle=str(a),
                        bay=str(b),
                        level=str(lv),
                        x=x + dx,
                        y=y,
                        z=z,
                        capacity=60,
                        check_digits=f"{rng.randint(10, 99)}",
                        security_level=security,
                    )
                    bins.append(code)
    return bins


def build_layout(session: Session, actor: Actor, rng: random.Random, *, full: bool) -> DemoLayout:
    """Create the location tree; about 1,500 bins at full scale."""
    _add(session, actor, code="WH1", name="Facet demo warehouse", tier=Tier.WAREHOUSE)
    for zone, name in (
        ("PICK", "Pick faces"),
        ("RES", "Reserve"),
        ("VLT", "Vault"),
        ("OPS", "Goods in and out"),
    ):
        _add(session, actor, code=zone, name=name, tier=Tier.ZONE, parent="WH1")
    aisles, bays = (8, 15) if full else (2, 4)
    pick = _zone_aisles(
        session,
        actor,
        rng,
        zone="PICK",
        prefix="A",
        first_aisle=1,
        aisles=aisles,
        bays=bays,
        levels=5,
        kind=Kind.PICK_FACE,
        security=1,
    )
    reserve = _zone_aisles(
        session,
        actor,
        rng,
        zone="RES",
        prefix="R",
        first_aisle=aisles + 1,
        aisles=2 if full else 1,
        bays=bays,
        levels=5,
        kind=Kind.RESERVE,
        security=1,
    )
    vault = _zone_aisles(
        session,
        actor,
        rng,
        zone="VLT",
        prefix="V",
        first_aisle=aisles + (3 if full else 2),
        aisles=1,
        bays=6 if full else 2,
        levels=4,
        kind=Kind.VAULT,
        security=3,
    )
    for code, kind, x, y in (
        ("QC-01", Kind.QUARANTINE, 1.0, 22.0),
        ("PACK-01", Kind.PACKING, 1.0, 1.0),
        ("DOCK-01", Kind.DOCK, 0.5, 24.0),
    ):
        _add(
            session,
            actor,
            code=code,
            name=kind.value.title(),
            tier=Tier.BIN,
            kind=kind,
            parent="OPS",
            x=x,
            y=y,
            check_digits=f"{rng.randint(10, 99)}",
            security_level=2 if kind == Kind.QUARANTINE else 1,
        )
    return DemoLayout(pick, reserve, vault, "QC-01", "PACK-01")

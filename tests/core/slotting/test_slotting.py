"""Slotting: putaway suggestions (vault, velocity, capacity, size) and ABC classification."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit.models import AuditEntry
from core.catalogue.models import Sku
from core.catalogue.schemas import SkuUpdate
from core.catalogue.service import update_sku
from core.errors import NotFoundError
from core.locations.models import Kind, Tier
from core.locations.schemas import LocationCreate, LocationUpdate
from core.locations.service import create_location, update_location
from core.orders.allocation import allocate_order
from core.orders.picking import create_pick_list
from core.orders.picks import confirm_pick
from core.orders.shipping import ship_order
from core.slotting.service import best_putaway_bin, classify_velocity, suggest_putaway
from tests.builders import Builder, label_digits
from tests.core.orders.support import order, stock_lot


@pytest.fixture
def b(session: Session) -> Builder:
    builder = Builder(session)
    builder.warehouse()
    builder.supplier()
    create_location(
        session,
        actor=builder.actor,
        data=LocationCreate(
            code="R-FAR",
            tier=Tier.BIN,
            kind=Kind.RESERVE,
            parent="Z1",
            x=40.0,
            y=30.0,
            check_digits="71",
        ),
    )
    create_location(
        session,
        actor=builder.actor,
        data=LocationCreate(
            code="R-TINY",
            tier=Tier.BIN,
            kind=Kind.RESERVE,
            parent="Z1",
            x=2.0,
            y=2.0,
            capacity=3,
            check_digits="72",
        ),
    )
    return builder


def test_high_value_pieces_go_to_the_vault(session: Session, b: Builder) -> None:
    sku = b.sku("DIAMOND-1", price="12500.00")
    ranked = suggest_putaway(session, sku_code=sku, quantity=1)
    assert [c.location for c in ranked] == ["VAULT-01"]
    assert "high value: secure bin" in ranked[0].reasons
    cheap = b.sku("SILVER-1", price="45.00")
    assert "VAULT-01" not in {
        c.location for c in suggest_putaway(session, sku_code=cheap, quantity=1, limit=20)
    }
    assert (
        best_putaway_bin(session, sku_code=sku, quantity=1, vault_price_threshold=20000)
        != "VAULT-01"
    )


def test_velocity_decides_near_or_far(session: Session, b: Builder) -> None:
    fast, slow = b.sku("FAST-1"), b.sku("SLOW-1")
    stock_lot(session, b.actor, sku=fast, lot="L-F", qty=3, location="A01-01-1-04")
    stock_lot(session, b.actor, sku=slow, lot="L-S", qty=1, location="A01-01-1-03")
    o = order(session, b.actor, "V-1", (fast, 3))
    allocate_order(session, actor=b.actor, order_id=o.id)
    doc = create_pick_list(session, actor=b.actor, order_ids=[o.id])
    serials = [f"{fast}-L-F-{i:04d}" for i in range(3)]
    confirm_pick(session, actor=b.actor, line_id=doc.lines[0].id, quantity=3, serials=serials,
                 check_digits=label_digits(session, doc.lines[0].id))
    ship_order(session, actor=b.actor, order_id=o.id)
    classes = classify_velocity(session, actor=b.actor, days=90)
    assert classes[fast] == "A" and classes[slow] == "C"
    assert session.scalar(select(Sku.velocity_class).where(Sku.code == fast)) == "A"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "sku.velocity"))
    assert entry is not None and '"FAST-1":"A"' in entry.detail
    near = suggest_putaway(session, sku_code=fast, quantity=1)
    assert near[0].location == "A01-01-1-01" and near[0].kind == Kind.PICK_FACE
    assert any("velocity A" in r for r in near[0].reasons)
    far = suggest_putaway(session, sku_code=slow, quantity=1)
    assert far[0].location == "R-FAR"


def test_capacity_and_size(session: Session, b: Builder) -> None:
    sku = b.sku("BANGLE-1")
    stock_lot(session, b.actor, sku=sku, lot="L-T", qty=2, location="R-TINY")
    codes = {c.location: c for c in suggest_putaway(session, sku_code=sku, quantity=1, limit=20)}
    assert codes["R-TINY"].free_capacity == 1
    assert any("already holds" in r for r in codes["R-TINY"].reasons)
    assert "R-TINY" not in {
        c.location for c in suggest_putaway(session, sku_code=sku, quantity=2, limit=20)
    }
    update_sku(session, actor=b.actor, code=sku, data=SkuUpdate(size_class="large"))
    assert "R-TINY" not in {
        c.location for c in suggest_putaway(session, sku_code=sku, quantity=1, limit=20)
    }


def test_no_secure_bin_means_no_suggestion(session: Session, b: Builder) -> None:
    sku = b.sku("CROWN-1", price="99999.00")
    assert best_putaway_bin(session, sku_code=sku, quantity=1) == "VAULT-01"
    update_location(session, actor=b.actor, code="VAULT-01", data=LocationUpdate(active=False))
    with pytest.raises(NotFoundError) as err:
        best_putaway_bin(session, sku_code=sku, quantity=1)
    assert err.value.code == "no-putaway-bin"


def test_putaway_without_destination_follows_slotting(session: Session) -> None:
    from core.documents.schemas import MoveLineIn, PutawayCreate
    from core.ledger.service import StockFilter, list_stock
    from core.purchasing import receiving
    from tests.builders import Builder

    b = Builder(session)
    b.warehouse()
    b.supplier()
    sku = b.sku(price="25000.00")
    serials = b.receive(sku, "G-77", 2)
    b.approve("G-77")
    receiving.putaway(
        session,
        actor=b.actor,
        data=PutawayCreate(
            lines=[
                MoveLineIn(sku=sku, lot="G-77", quantity=2, from_location="QUAR", serials=serials)
            ]
        ),
    )
    rows, _ = list_stock(session, filters=StockFilter(sku=sku), limit=10, offset=0)
    assert [(r["location"], r["on_hand"]) for r in rows] == [("VAULT-01", 2)]

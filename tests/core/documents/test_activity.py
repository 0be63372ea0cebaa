"""Open work at a bin: an open pick line takes from its bin and brings to the packing desk."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.documents.activity import open_activity_at
from core.documents.models import DocKind
from core.orders import allocate_order, confirm_pick, create_pick_list
from tests.builders import Builder
from tests.core.orders.support import order


def test_open_pick_lines_are_activity_at_both_ends_until_picked(session: Session) -> None:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    ring = b.sku("RING-1", serialised=False)
    b.stock(ring, "L-R1", 5, bins[0], serialised=False)
    # Putaways post at once: their lines are done, so stocking a bin leaves no activity.
    assert not open_activity_at(session, code=bins[0])

    sales = order(session, b.actor, "7001", (ring, 2))
    allocate_order(session, actor=b.actor, order_id=sales.id)
    doc = create_pick_list(session, actor=b.actor, order_ids=[sales.id])
    assert open_activity_at(session, code=bins[0])
    assert open_activity_at(session, code="PACK")
    assert not open_activity_at(session, code=bins[1])
    assert not open_activity_at(session, code=bins[0], kinds={DocKind.COUNT})
    assert not open_activity_at(session, code="NO-SUCH-BIN")

    confirm_pick(session, actor=b.actor, line_id=doc.lines[0].id, quantity=2, check_digits="17")
    assert not open_activity_at(session, code=bins[0])
    assert not open_activity_at(session, code="PACK")

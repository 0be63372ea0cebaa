"""Holding and releasing a lot: a refusal says the real reason."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from core.errors import ConflictError
from core.lots.service import set_hold
from tests.builders import Builder


def test_releasing_a_lot_not_on_hold_says_so(session: Session) -> None:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    b.stock(b.sku("RING"), "L-OK", 2, bins[0])
    with pytest.raises(ConflictError) as refused:
        set_hold(session, actor=b.actor, code="L-OK", hold=False, reason="check")
    assert refused.value.code == "lot-not-releasable"
    assert "not on hold" in refused.value.message and "QC" not in refused.value.message


def test_a_held_lot_is_released_and_a_quarantined_one_cannot_be_held(session: Session) -> None:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    ring = b.sku("RING")
    b.stock(ring, "L-OK", 2, bins[0])
    b.receive(ring, "L-QC", 1)
    assert set_hold(session, actor=b.actor, code="L-OK", hold=True, reason="assay").status == \
        "on_hold"
    assert set_hold(session, actor=b.actor, code="L-OK", hold=False, reason="fine").status == \
        "approved"
    with pytest.raises(ConflictError) as refused:
        set_hold(session, actor=b.actor, code="L-QC", hold=True, reason="assay")
    assert refused.value.code == "lot-not-holdable"

"""Balances as the twin and the cameras read them: positive rows per bin, pieces at one bin."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.ledger.balances import BinBalance, bin_on_hand, positive_balances
from tests.builders import Builder


def test_positive_balances_and_pieces_at_a_bin(session: Session) -> None:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    ring, pendant = b.sku("RING-1", serialised=False), b.sku("PEND-1")
    b.stock(ring, "L-R1", 5, bins[0], serialised=False)
    b.stock(ring, "L-R2", 2, bins[0], serialised=False)
    b.stock(pendant, "L-P1", 3, bins[1])
    b.stock(pendant, "L-P2", 1, "VAULT-01")

    every = positive_balances(session)
    assert sorted(every, key=lambda r: (r.location, r.on_hand)) == [
        BinBalance(bins[0], ring, 2),
        BinBalance(bins[0], ring, 5),
        BinBalance(bins[1], pendant, 3),
        BinBalance("VAULT-01", pendant, 1),
    ]
    # Quarantine held every lot on the way in and holds none now: zero rows are left out.
    assert all(row.location != "QUAR" for row in every)
    only = positive_balances(session, locations={bins[1], "VAULT-01", "NO-SUCH-BIN"})
    assert sorted(only, key=lambda r: r.location) == [
        BinBalance(bins[1], pendant, 3), BinBalance("VAULT-01", pendant, 1)]

    assert bin_on_hand(session, code=bins[0]) == 7
    assert bin_on_hand(session, code=bins[1]) == 3
    assert bin_on_hand(session, code=bins[2]) == 0
    assert bin_on_hand(session, code="QUAR") == 0
    assert bin_on_hand(session, code="NO-SUCH-BIN") is None

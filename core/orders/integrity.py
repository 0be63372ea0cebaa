"""The stock check of `facet ledger verify`: the ledger's own rules, plus the cross-check that
each balance's reserved quantity is what the open reservations hold.

The cross-check lives here, beside the reservations, so the ledger knows nothing of orders.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.ledger.models import Balance
from core.ledger.service import LedgerReport, verify_ledger
from core.orders.models import Reservation, ReservationStatus

__all__ = ["reservation_mismatches", "verify_stock"]


def reservation_mismatches(session: Session) -> list[dict[str, int]]:
    """Balances whose reserved quantity differs from the sum of their open reservations."""
    held = {
        (sku, location, lot): int(quantity)
        for sku, location, lot, quantity in session.execute(
            select(
                Reservation.sku_id,
                Reservation.location_id,
                Reservation.lot_id,
                func.sum(Reservation.open_quantity),
            )
            .where(Reservation.status == ReservationStatus.OPEN)
            .group_by(Reservation.sku_id, Reservation.location_id, Reservation.lot_id)
        )
    }
    stored = {
        (r.sku_id, r.location_id, r.lot_id): r.reserved
        for r in session.execute(select(Balance)).scalars().all()
    }
    return [
        {
            "sku_id": key[0],
            "location_id": key[1],
            "lot_id": key[2],
            "reservations": held.get(key, 0),
            "balance": stored.get(key, 0),
        }
        for key in set(held) | {k for k, reserved in stored.items() if reserved}
        if held.get(key, 0) != stored.get(key, 0)
    ]


def verify_stock(session: Session) -> LedgerReport:
    """:func:`~core.ledger.service.verify_ledger`, with the reservations cross-checked."""
    report = verify_ledger(session)
    report.reserved_mismatches = reservation_mismatches(session)
    return report

"""Purchase orders the buyer placed in the last fortnight from the reorder advice.

Most are open, some are partly delivered (one delivery stored, one waiting for QC), and one is
still a draft, so the reorder report shows stock on order next to what is still to buy.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from core.catalogue.service import sku_by_code
from core.clock import use_clock
from core.db import Database
from core.demo.catalogue import DemoSku
from core.demo.layout import DemoLayout
from core.demo.stock import bin_for, lot_code, piece_in
from core.documents.schemas import (
    LotIn,
    MoveLineIn,
    PutawayCreate,
    QCCreate,
    ReceiptCreate,
    ReceiptLineIn,
)
from core.people.service import actor_for, user_by_name
from core.purchasing import receiving
from core.purchasing.models import POStatus, PurchaseOrder
from core.purchasing.schemas import PurchaseOrderCreate, PurchaseOrderLineIn
from core.purchasing.service import create_purchase_order
from core.reports.filters import ReportFilter
from core.reports.forecast import reorder_advice

# Share of the advice each line orders: suppliers confirm part of some, and buyers round up.
COVER = (0.3, 0.5, 0.8, 1.0, 1.0, 1.2)


def _wanted(db: Database, count: int, now: datetime) -> list[tuple[str, int]]:
    """(SKU, quantity) to order: what the advice says, or three weeks of sales."""
    with db.read() as session:
        rows = reorder_advice(session, ReportFilter(until=now), limit=count * 6)
    out = []
    for row in rows:
        suggested, rate = int(str(row["suggested_quantity"])), float(str(row["forecast_per_week"]))
        out.append((str(row["sku"]), suggested or max(2, math.ceil(3 * rate))))
    return out


def _receive(
    session: Session,
    rng: random.Random,
    supplier: str,
    number: str,
    lines: list[tuple[DemoSku, int]],
    *,
    at: datetime,
    lot: str,
    store: bool,
    layout: DemoLayout,
    serial_seq: Callable[[], str],
) -> None:
    """A delivery against order ``number`` into quarantine; inspected and stored if ``store``."""
    clerk, qc = (actor_for(user_by_name(session, n)) for n in ("clerk", "qc"))
    serials = {s.code: [serial_seq() for _ in range(q)] if s.serialised else [] for s, q in lines}
    with use_clock(lambda: at):
        receiving.receive(
            session,
            actor=clerk,
            data=ReceiptCreate(
                supplier=supplier,
                reference=f"DN-{lot}",
                purchase_order=number,
                to_location=layout.quarantine,
                lots=[LotIn(code=lot, purchase_date=(at - timedelta(days=2)).date())],
                lines=[
                    ReceiptLineIn(
                        sku=s.code,
                        lot=lot,
                        quantity=q,
                        serials=[
                            piece_in(c, sku_by_code(session, s.code), rng.uniform(-1, 1))
                            for c in serials[s.code]
                        ],
                    )
                    for s, q in lines
                ],
            ),
        )
    if not store:
        return
    with use_clock(lambda: at + timedelta(hours=3)):
        receiving.inspect_lot(
            session,
            actor=qc,
            data=QCCreate(lot=lot, result="pass", measured_purity=round(rng.gauss(750.4, 0.6), 1)),
        )
    with use_clock(lambda: at + timedelta(hours=5)):
        receiving.putaway(
            session,
            actor=clerk,
            data=PutawayCreate(
                lines=[
                    MoveLineIn(
                        sku=s.code,
                        lot=lot,
                        quantity=q,
                        from_location=layout.quarantine,
                        to_location=bin_for(s, layout, rng),
                        serials=serials[s.code],
                    )
                    for s, q in lines
                ]
            ),
        )


def _order(
    session: Session,
    rng: random.Random,
    take: list[tuple[str, int]],
    *,
    supplier: str,
    placed: datetime,
    draft: bool,
    prices: dict[str, float],
) -> PurchaseOrder:
    """One order placed by the manager, covering 30-120% of each quantity wanted."""
    with use_clock(lambda: placed):
        return create_purchase_order(
            session,
            actor=actor_for(user_by_name(session, "manager")),
            data=PurchaseOrderCreate(
                supplier=supplier,
                expected_on=placed.date() + timedelta(days=rng.randint(10, 28)),
                reference=f"OC-{rng.randint(10000, 99999)}",
                status=POStatus.DRAFT if draft else POStatus.OPEN,
                lines=[
                    PurchaseOrderLineIn(
                        sku=code,
                        quantity=max(1, round(qty * rng.choice(COVER))),
                        unit_cost=Decimal(str(round(prices[code] * 0.42, 2))),
                    )
                    for code, qty in take
                ],
            ),
        )


def place_purchase_orders(
    db: Database,
    rng: random.Random,
    *,
    skus: list[DemoSku],
    suppliers: list[str],
    layout: DemoLayout,
    count: int,
    now: datetime,
    serial_seq: Callable[[], str],
    used_lots: set[str],
) -> dict[str, int]:
    """``count`` purchase orders of 3-6 SKUs the advice suggests; the first two are partly
    delivered (one delivery stored, one awaiting QC), the last is a draft.

    Returns how many orders ended in each status.
    """
    wanted = _wanted(db, count, now)
    rng.shuffle(wanted)
    by_code = {s.code: s for s in skus}
    prices = {s.code: s.price for s in skus}
    statuses: dict[str, int] = {}
    for n in range(count):
        size = rng.randint(3, 6)
        take, wanted = wanted[:size], wanted[size:]
        if not take:
            break
        placed = now - timedelta(days=rng.randint(3, 14), hours=rng.randint(0, 6))
        supplier = rng.choice(suppliers)
        with db.write() as session:
            po = _order(
                session,
                rng,
                take,
                supplier=supplier,
                placed=placed,
                draft=n == count - 1,
                prices=prices,
            )
            if n < 2 and po.status == POStatus.OPEN:
                arrived = [
                    (by_code[code], max(1, ln.quantity // 2))
                    for (code, _q), ln in zip(take[:2], po.lines, strict=False)
                ]
                _receive(
                    session,
                    rng,
                    supplier,
                    po.number,
                    arrived,
                    at=now - timedelta(days=2 - n, hours=4),
                    lot=lot_code(rng, arrived[0][0].metal_letter, used_lots),
                    store=n == 0,
                    layout=layout,
                    serial_seq=serial_seq,
                )
            statuses[str(po.status)] = statuses.get(str(po.status), 0) + 1
    return statuses

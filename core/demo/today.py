"""The present day: what a manager finds waiting on the demo's last afternoon.

The last step of :func:`core.demo.load_demo`, through the real services, with its own generator
(``random.Random(f"{seed}:today")``) so the year of history before it (every lot code, order
number and serial) is the same with or without it. It adds:

- **rings on hand**: one lot of ring SKUs (two at full scale) received a few working days ago,
  passed by QC and put away, spread over sizes and purities, with at least three pieces of an
  18K (Au750) rose-gold ring in size 7 when the catalogue has one (the full one does), else of
  the nearest: an Au750 ring in size 7;
- **a lot on hold that can be released**: a lot of bracelets, necklaces or other clasped pieces,
  passed by QC and put away, then held by the manager ("customer complaint: clasp check");
- **three orders placed this afternoon, not yet allocated**, whose lines the new rings cover:
  two of two pieces each (so "reserve 2 for order ..." succeeds) and one of three.

With the pinned day of the benches and tests (``now=datetime(2026, 11, 25, 17, 0, tzinfo=UTC)``)
and seed 7, the small demo's are:

- ring lot ``G-3509``: 34 rings of ST0003 (Thea signet ring, 18K yellow and white gold, sizes
  5-9, 2-4 of each); the small catalogue has no rose-gold ring, so the showcase's nearest is
  ST0003-Au750W-7 (18K white gold, size 7: 3 pieces; ST0003-Au750Y-7: 4);
- held lot ``G-9106``: 15 pieces of ST0015 (Celeste eternity necklace,
  Au750 yellow, Pt950, S925; 40 and 45 cm), held "customer complaint: clasp check";
- open orders ``WEB-261125-03524`` (ST0003-Au750W-7 + ST0003-Au750W-8: 2 pieces),
  ``BOU-261125-35830`` (2 x ST0003-Au750W-6) and ``WHO-261125-90672`` (ST0003-Au750Y-7,
  -Au750W-9, -Au750Y-9: 3 pieces).

At full scale with the same day and seed: ring lots ``G-3605`` and ``G-5427`` (74 rings, with
ST0015-Au750R-7, an 18K rose-gold ring in size 7), held lot ``G-5820``, open orders
``WEB-261125-92981``, ``BOU-261125-73690`` and ``WHO-261125-23998``.

:func:`play_today` returns them (``summary["today"]``); a test checks this list.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from core.catalogue.models import Sku, Style
from core.clock import use_clock
from core.db import Database
from core.demo.catalogue import DemoSku
from core.demo.history import CUSTOMERS, order_number, promised
from core.demo.layout import DemoLayout
from core.demo.stock import lot_code, receive_lot
from core.lots.service import set_hold
from core.orders.models import SalesOrder
from core.orders.schemas import OrderCreate, OrderLineIn
from core.orders.service import create_order
from core.people.service import actor_for, system_actor, user_by_name

__all__ = ["HOLD_REASON", "play_today"]

HOLD_REASON = "customer complaint: clasp check"
CLASPED = ("bracelet", "necklace", "chain", "anklet", "bangle")  # by preference
SHOWCASE = ("Au750", "rose", "7")  # "how many 18K rose-gold rings in size 7?"


@dataclass(frozen=True)
class _Ring:
    code: str
    style: str
    purity: str
    colour: str | None
    size: str | None


def _rings(db: Database) -> list[_Ring]:
    """The catalogue's ring SKUs, in code order."""
    with db.read() as session:
        rows = session.execute(
            select(Sku.code, Style.code, Sku.purity, Sku.metal_colour, Sku.size)
            .join(Style, Style.id == Sku.style_id)
            .where(Style.category == "ring")
            .order_by(Sku.code)
        ).all()
    return [_Ring(*row) for row in rows]


def _showcase_rank(ring: _Ring) -> int:
    """How close a ring is to the showcase question's (0 is exactly it)."""
    purity, colour, size = SHOWCASE
    return (ring.size != size) * 4 + (ring.purity != purity) * 2 + (ring.colour != colour)


def _ring_lots(rings: list[_Ring], rng: random.Random) -> list[list[_Ring]]:
    """One or two lots' SKUs: the style of the ring nearest the showcase's, then another ring
    style (with other purities when one has them)."""
    if not rings:
        return []
    best = min(rings, key=_showcase_rank)
    first = [r for r in rings if r.style == best.style]
    purities = {r.purity for r in first}
    others = sorted({r.style for r in rings} - {best.style})
    rng.shuffle(others)
    others.sort(key=lambda style: all(r.purity in purities for r in rings if r.style == style))
    return [first] + ([[r for r in rings if r.style == others[0]]] if others else [])


def _stopped_at(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def _working_day_before(moment: datetime, days: int) -> datetime:
    day = moment - timedelta(days=days)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day.replace(hour=9, minute=30, second=0, microsecond=0)


def play_today(
    db: Database,
    seed: int,
    *,
    skus: list[DemoSku],
    suppliers: list[str],
    layout: DemoLayout,
    now: datetime,
    last_day: datetime,
    serial_seq: Callable[[], str],
    used_lots: set[str],
) -> dict[str, Any]:
    """Receive rings, hold a releasable lot and take three unallocated orders (module doc).

    ``last_day`` is the history's last day (its orders are being picked); the new orders are
    placed on it, before ``now``. Returns the new lots' codes and the orders' numbers."""
    rng = random.Random(f"{seed}:today")
    by_code = {s.code: s for s in skus}
    rings = _rings(db)
    best = min(rings, key=_showcase_rank) if rings else None
    lots: list[str] = []
    on_hand: dict[str, int] = {}
    for n, group in enumerate(_ring_lots(rings, rng)[:2 if len(skus) > 200 else 1]):
        counts = {r.code: rng.randint(2, 4) for r in group}
        if best is not None and best.code in counts:
            counts[best.code] = max(counts[best.code], 3)
        lots.append(_receive(db, rng, by_code, counts, suppliers, layout, used_lots,
                             at=_working_day_before(now, 5 - n), serial_seq=serial_seq))
        on_hand.update(counts)
    held = _held_lot(db, rng, skus, suppliers, layout, used_lots, now=now,
                     serial_seq=serial_seq)
    orders = _orders(db, rng, by_code, on_hand, best, last_day=last_day, now=now)
    return {"ring_lots": lots, "rings_received": sum(on_hand.values()),
            "showcase_ring": best.code if best else None,
            "held_lot": held, "held_reason": HOLD_REASON, "open_orders": orders}


def _receive(
    db: Database,
    rng: random.Random,
    by_code: dict[str, DemoSku],
    counts: dict[str, int],
    suppliers: list[str],
    layout: DemoLayout,
    used_lots: set[str],
    *,
    at: datetime,
    serial_seq: Callable[[], str],
) -> str:
    """Receive, pass and put away a lot of exactly ``counts``; its code."""
    skus = [by_code[code] for code in counts]
    code = lot_code(rng, skus[0].metal_letter, used_lots)
    with db.write() as session:
        receive_lot(session, system_actor(session), rng, code=code,
                    supplier=rng.choice(suppliers), skus=skus, pieces=sum(counts.values()),
                    layout=layout, at=at, serial_seq=serial_seq, fail_qc=False, counts=counts)
    return code


def _held_lot(
    db: Database,
    rng: random.Random,
    skus: list[DemoSku],
    suppliers: list[str],
    layout: DemoLayout,
    used_lots: set[str],
    *,
    now: datetime,
    serial_seq: Callable[[], str],
) -> str:
    """A lot of clasped pieces, passed and put away, then held after a customer's complaint."""
    with db.read() as session:
        category: dict[str, str] = dict(session.execute(
            select(Sku.code, Style.category).join(Style, Style.id == Sku.style_id)).all())
    found = [c for c in CLASPED if c in category.values()]
    pool = [s for s in skus if category[s.code] == found[0]] if found else skus
    style = rng.choice(sorted({s.style for s in pool}))
    chosen = [s for s in pool if s.style == style]
    counts = {s.code: rng.randint(2, 4) for s in chosen}
    code = _receive(db, rng, {s.code: s for s in chosen}, counts, suppliers, layout, used_lots,
                    at=_working_day_before(now, 6), serial_seq=serial_seq)
    with db.write() as session, use_clock(lambda: now - timedelta(hours=3)):
        set_hold(session, actor=actor_for(user_by_name(session, "manager")), code=code,
                 hold=True, reason=HOLD_REASON)
    return code


def _orders(
    db: Database,
    rng: random.Random,
    by_code: dict[str, DemoSku],
    on_hand: dict[str, int],
    best: _Ring | None,
    *,
    last_day: datetime,
    now: datetime,
) -> list[str]:
    """Three orders placed this afternoon from the new rings, none allocated: two of two
    pieces (the showcase ring and another; two of one ring) and one of three, all covered by
    the new rings together (each SKU has at least two, the ones ordered twice three)."""
    codes = sorted(on_hand)
    if not codes:
        return []
    first = best.code if best is not None else codes[0]
    others = [c for c in codes if c != first]
    neighbour = rng.choice(others) if others else first
    spare = [c for c in others if c != neighbour and on_hand[c] >= 3] or [first]
    second = rng.choice(spare)
    rest = [c for c in others if c not in (neighbour, second)] or codes
    third = rng.sample(rest, k=min(3, len(rest)))
    baskets: list[tuple[str, dict[str, int]]] = [
        ("webshop", {first: 1, neighbour: 1} if neighbour != first else {first: 2}),
        ("boutique", {second: 2}),
        ("wholesale", dict.fromkeys(third, 1)),
    ]
    out: list[str] = []
    start = min(last_day.replace(hour=16, minute=0), now - timedelta(hours=1))
    with db.write() as session:
        clerk = actor_for(user_by_name(session, "clerk"))
        taken = set(session.scalars(select(SalesOrder.external_id)))  # the history's numbers
        for n, (channel, basket) in enumerate(baskets):
            at = start + timedelta(minutes=15 * n + rng.randint(0, 10))
            number = order_number(rng, channel, at, taken)
            with use_clock(_stopped_at(at)):
                create_order(session, actor=clerk, data=OrderCreate(
                    channel=channel, external_id=number, customer_name=rng.choice(CUSTOMERS),
                    due_at=promised(channel, at),
                    lines=[OrderLineIn(sku=c, quantity=q, unit_price=by_code[c].price)
                           for c, q in basket.items()]))
            out.append(number)
    return out

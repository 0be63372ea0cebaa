"""A year of sales: orders from channels, allocated, picked, shipped through the services."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.clock import use_clock
from core.db import Database
from core.demo.catalogue import DemoSku
from core.demo.floor import FloorLife
from core.demo.layout import DemoLayout
from core.documents.models import DocumentLine
from core.errors import InsufficientStockError
from core.ledger.models import Balance
from core.locations.models import Location
from core.lots.models import Lot, LotStatus, Serial
from core.orders.allocation import allocate_order, cancel_order
from core.orders.picking import create_pick_list
from core.orders.picks import confirm_pick
from core.orders.schemas import OrderCreate, OrderLineIn
from core.orders.service import create_order
from core.orders.shipping import ship_order
from core.people.service import actor_for, user_by_name

PICK_PACE = timedelta(seconds=75)  # one line confirmed every 75 s
CHANNELS = [("webshop", 0.55), ("boutique", 0.25), ("marketplace", 0.15), ("wholesale", 0.05)]
# When each channel promises dispatch: the webshop by noon the next working day, boutiques
# restocked the next working day, wholesale within three; marketplaces the same day by 18:00
# when ordered before noon (the next working day otherwise), which the demo's one evening
# pick wave often misses, so the order-flow report has late orders to show.
PROMISES = {"webshop": (1, 12), "boutique": (1, 17), "wholesale": (3, 17)}


def _stopped_at(moment: datetime) -> Callable[[], datetime]:
    """A clock that always reads ``moment``."""
    return lambda: moment


def promised(channel: str, at: datetime) -> datetime:
    """The dispatch time ``channel`` promises for an order placed at ``at``."""
    working_days, hour = PROMISES.get(channel, (1, 17))
    if channel == "marketplace":
        working_days, hour = (0 if at.hour < 12 else 1), 18
    day = at
    for _ in range(working_days):
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


CUSTOMERS = [
    "A. Rossi",
    "B. Chen",
    "C. Müller",
    "D. Okafor",
    "E. Dubois",
    "F. Tanaka",
    "G. Silva",
    "H. Novak",
    "I. Haddad",
    "J. Smith",
    "K. Larsen",
    "L. García",
]


def _pick_everything(session: Session, pick_doc_id: int, picker: Any, start: datetime) -> datetime:
    """Confirm every line, one every :data:`PICK_PACE`, from ``start``; returns when done."""
    lines = session.scalars(select(DocumentLine).where(DocumentLine.document_id == pick_doc_id)
                            .order_by(DocumentLine.line_no))
    at = start
    for line in list(lines):
        at += PICK_PACE
        serials: list[str] = []
        if line.data is not None and line.from_location_id is not None:
            serials = list(
                session.scalars(
                    select(Serial.code)
                    .where(
                        Serial.location_id == line.from_location_id,
                        Serial.sku_id == line.sku_id,
                        Serial.lot_id == line.lot_id,
                    )
                    .limit(line.quantity)
                )
            )
        # The picker reads the bin's check digits off its label, as every confirmation needs.
        digits = session.scalar(
            select(Location.check_digits).where(Location.id == line.from_location_id)
        )
        with use_clock(_stopped_at(at)):
            confirm_pick(
                session,
                actor=picker,
                line_id=line.id,
                quantity=line.quantity,
                serials=serials if len(serials) == line.quantity else (),
                check_digits=digits,
            )
    return at


def _skus_in_stock(session: Session) -> set[str]:
    """Codes of SKUs with free stock of an approved lot in a pickable bin."""
    rows = session.execute(
        select(Sku.code)
        .join(Balance, Balance.sku_id == Sku.id)
        .join(Location, Location.id == Balance.location_id)
        .join(Lot, Lot.id == Balance.lot_id)
        .where(
            Location.kind.in_(["pick_face", "reserve", "vault"]),
            Lot.status == LotStatus.APPROVED,
            Balance.on_hand - Balance.reserved > 0,
        )
        .distinct()
    )
    return set(rows.scalars())


def order_number(rng: random.Random, channel: str, at: datetime, used: set[str]) -> str:
    """The channel's order number for an order placed at ``at`` (``WEB-261125-04213``), drawn
    again if this day already has it: at full scale a day's few hundred orders drew the same
    five digits now and then, and the second order was refused as a conflicting repeat."""
    while True:
        code = f"{channel[:3].upper()}-{at:%y%m%d}-{rng.randint(0, 99999):05d}"
        if code not in used:
            used.add(code)
            return code


def _one_day(
    session: Session,
    rng: random.Random,
    day: date,
    skus: list[DemoSku],
    weights: list[float],
    count: int,
    pickers: list[Any],
    clerk: Any,
    *,
    finish: bool,
    floor: FloorLife | None = None,
) -> int:
    placed = []
    # Shoppers buy what the shop shows: styles in stock, popular ones more often.
    in_stock = _skus_in_stock(session)
    offer = [(s, w) for s, w in zip(skus, weights, strict=True) if s.code in in_stock and w > 0]
    if not offer:
        return 0
    offered, offered_weights = [s for s, _w in offer], [w for _s, w in offer]
    used: set[str] = set()
    for _n in range(count):
        at = datetime(
            day.year, day.month, day.day, rng.randint(7, 16), rng.randint(0, 59), tzinfo=UTC
        )
        picks = rng.choices(offered, weights=offered_weights, k=rng.choice([1, 1, 2, 3]))
        chosen = {s.code: s for s in picks}
        channel = rng.choices([c for c, _w in CHANNELS], [w for _c, w in CHANNELS])[0]
        with use_clock(_stopped_at(at)):
            order, _created = create_order(
                session,
                actor=clerk,
                data=OrderCreate(
                    channel=channel,
                    external_id=order_number(rng, channel, at, used),
                    customer_name=rng.choice(CUSTOMERS),
                    due_at=promised(channel, at),
                    lines=[
                        OrderLineIn(
                            sku=code,
                            quantity=1 if s.serialised else rng.randint(1, 3),
                            unit_price=s.price,
                        )
                        for code, s in chosen.items()
                    ],
                ),
            )
            try:
                complete = allocate_order(session, actor=clerk, order_id=order.id).complete
            except InsufficientStockError:  # nothing of it in stock yet: the shop cancels
                complete = False
            if not complete:
                cancel_order(session, actor=clerk, order_id=order.id)
                continue
        placed.append((order.id, at))
    if not placed:
        return 0
    # The evening wave goes out between 16:40 and 17:10 (by the day, not the generator, so the
    # rest of the demo stays the same), or 20 minutes after the last order if that is later.
    evening = datetime(day.year, day.month, day.day, 16, 40, tzinfo=UTC) + timedelta(
        minutes=10 * (day.toordinal() % 4)
    )
    wave_at = max(max(at for _o, at in placed) + timedelta(minutes=20), evening)
    # The last day's list waits for `picker` (operator 1001), who signs on first in a demo.
    picker = rng.choice(pickers) if finish else pickers[0]
    with use_clock(lambda: wave_at):
        doc = create_pick_list(
            session, actor=clerk, order_ids=[o for o, _a in placed], picker=picker.username
        )
    if finish:
        start = wave_at + timedelta(minutes=35)
        done = _pick_everything(session, doc.id, picker, start)
        if floor is not None:
            floor.rejected_scans(session, picker, doc.id, start,
                                 (done - start).total_seconds() / 60)
        with use_clock(lambda: max(done + timedelta(minutes=15),
                                   wave_at + timedelta(hours=1, minutes=10))):
            for order_id, _at in placed:
                ship_order(session, actor=clerk, order_id=order_id)
    return len(placed)


def play_history(
    db: Database,
    rng: random.Random,
    *,
    skus: list[DemoSku],
    layout: DemoLayout,
    start: date,
    days: int,
    orders_per_day: int,
    before_day: Callable[[date], None] = lambda _day: None,
) -> dict[str, Any]:
    """Orders on working days over the period; the last day's orders are left to pick.

    ``before_day`` runs first each day (the demo receives the goods that arrived by then).
    """
    weights = [s.popularity if rng.random() > 0.12 else 0.0 for s in skus]  # some never sell
    with db.read() as session:
        pickers = [actor_for(user_by_name(session, n)) for n in ("picker", "picker2")]
        clerk = actor_for(user_by_name(session, "clerk"))
        manager = actor_for(user_by_name(session, "manager"))
    # Its own generator, seeded from the main one's state without drawing from it (a str seed
    # is hashed with SHA-512, so the same seed makes the same floor in every process).
    floor = FloorLife(random.Random(repr(rng.getstate()[1])), clerk, manager, layout.pick_bins)
    shipped_days, orders = 0, 0
    for offset in range(10, days + 1):
        day = start + timedelta(days=offset)
        # No shipping at weekends, but today's orders are always there, open (web orders come
        # in every day): a demo loaded on a Saturday has work to pick like any other.
        if day.weekday() >= 5 and offset < days:
            continue
        before_day(day)
        count = max(1, int(rng.gauss(orders_per_day, orders_per_day / 4)))
        with db.write() as session:
            orders += _one_day(
                session, rng, day, skus, weights, count, pickers, clerk, finish=offset < days,
                floor=floor,
            )
            if offset < days:
                floor.end_of_day(session, day, floor.rng.choice(pickers))
        shipped_days += 1
    return {"orders": orders, "order_days": shipped_days, **dict(sorted(floor.done.items()))}

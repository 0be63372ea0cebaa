"""`facet demo load`: a realistic jewellery warehouse with a year of history.

Everything is made through the real services, so the ledger, audit chain and balances of the
demo are as trustworthy as production data. The same seed gives the same warehouse.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from core.catalogue.models import Style
from core.db import Database
from core.demo.catalogue import build_catalogue
from core.demo.certificates import file_marks
from core.demo.history import play_history
from core.demo.layout import build_layout
from core.demo.purchasing import place_purchase_orders
from core.demo.stock import create_suppliers, lot_code, receipt_dates, receive_lot
from core.demo.today import play_today
from core.people.service import DEMO_PASSWORD, create_user, system_actor

__all__ = ["DEMO_USERS", "SCALES", "Scale", "load_demo"]

DEMO_USERS = [
    # username, role, full name, operator id (spoken by pickers to sign on)
    ("admin", "admin", "Ada Admin", None),
    ("manager", "manager", "Mara Manager", None),
    ("clerk", "clerk", "Colin Clerk", None),
    ("picker", "picker", "Pia Picker", "1001"),
    ("picker2", "picker", "Paul Picker", "1002"),
    ("qc", "qc_inspector", "Quinn Inspector", None),
    ("auditor", "finance_auditor", "Fiona Auditor", None),
    ("security", "security", "Sam Security", None),
]


@dataclass(frozen=True)
class Scale:
    """How big the demo is."""

    skus: int
    lots: int
    pieces_per_lot: int
    suppliers: int
    days: int
    orders_per_day: int
    full: bool
    purchase_orders: int


SCALES = {
    "full": Scale(
        skus=2000,
        lots=300,
        pieces_per_lot=128,
        suppliers=12,
        days=365,
        orders_per_day=24,
        full=True,
        purchase_orders=8,
    ),
    "small": Scale(
        skus=60,
        lots=12,
        pieces_per_lot=40,
        suppliers=4,
        days=60,
        orders_per_day=6,
        full=False,
        purchase_orders=3,
    ),
}


def load_demo(
    db: Database,
    *,
    scale: str = "full",
    seed: int = 7,
    now: datetime | None = None,
    force_password_change: bool = False,
) -> dict[str, Any]:
    """Load the demo into an empty database; a database with a catalogue is left alone.

    The demo users get the published :data:`DEMO_PASSWORD`; ``force_password_change`` (what
    `facet demo load` does outside demo mode) makes each change it at first sign-in.

    The history ends today at 18:00 UTC; ``now`` moves "today" (a benchmark pins it, so order
    numbers, which carry their date, are the same on every day it runs).
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}")
    size, rng, started = SCALES[scale], random.Random(seed), time.perf_counter()
    with db.read() as session:
        if session.scalar(select(func.count(Style.id))):
            return {"loaded": False, "reason": "the database already has a catalogue"}
    with db.write() as session:
        actor = system_actor(session)
        for username, role, full_name, operator in DEMO_USERS:
            create_user(
                session,
                actor=actor,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                full_name=full_name,
                operator_id=operator,
                must_change_password=force_password_change,
            )
        suppliers = create_suppliers(session, actor, size.suppliers)
        layout = build_layout(session, actor, rng, full=size.full)
        skus = build_catalogue(session, actor, rng, target_skus=size.skus)
    summary: dict[str, Any] = {"loaded": True, "scale": scale, "skus": len(skus)}
    now = now or datetime.now(UTC)
    end = now.replace(hour=18, minute=0, second=0, microsecond=0)
    start = (end - timedelta(days=size.days)).date()
    serial_counter = iter(range(1, 10**9))
    used: set[str] = set()
    by_style: dict[str, list[Any]] = {}
    for sku in skus:
        by_style.setdefault(sku.style, []).append(sku)
    styles = list(by_style)
    lots: list[Any] = []
    schedule = list(enumerate(receipt_dates(start, size.days - 7, size.lots, rng)))

    def receive_until(moment: datetime) -> None:
        """Receive (and put away) every scheduled lot that arrived before ``moment``."""
        while schedule and schedule[0][1] < moment:
            n, at = schedule.pop(0)
            style_skus = by_style[styles[n % len(styles)]] + by_style[rng.choice(styles)]
            code = "G-2311" if n == 0 else lot_code(rng, style_skus[0].metal_letter, used)
            used.add(code)
            with db.write() as session:
                lots.append(
                    receive_lot(
                        session,
                        system_actor(session),
                        rng,
                        code=code,
                        supplier=rng.choice(suppliers),
                        skus=style_skus,
                        pieces=max(4, int(rng.gauss(size.pieces_per_lot, size.pieces_per_lot / 4))),
                        layout=layout,
                        at=at,
                        serial_seq=lambda: f"FC{next(serial_counter):07d}",
                        fail_qc=n > 0 and rng.random() < 0.05,
                    )
                )

    # Goods arrive day by day, so nothing is sold before it was received and put away.
    summary.update(
        play_history(
            db,
            rng,
            skus=skus,
            layout=layout,
            start=start,
            days=size.days,
            orders_per_day=size.orders_per_day,
            before_day=lambda day: receive_until(
                datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(days=2)
            ),
        )
    )
    receive_until(datetime.max.replace(tzinfo=UTC))
    summary["purchase_orders"] = place_purchase_orders(
        db,
        rng,
        skus=skus,
        suppliers=suppliers,
        layout=layout,
        count=size.purchase_orders,
        now=now,
        serial_seq=lambda: f"FC{next(serial_counter):07d}",
        used_lots=used,
    )
    summary.update(file_marks(db, seed=seed))
    # The present day last, with its own generator: everything above stays as it was.
    summary["today"] = play_today(
        db,
        seed,
        skus=skus,
        suppliers=suppliers,
        layout=layout,
        now=now,
        last_day=end,
        serial_seq=lambda: f"FC{next(serial_counter):07d}",
        used_lots=used,
    )
    summary["lots"] = len(lots)
    summary["pieces_received"] = sum(q for lot in lots for _s, q, _b, _c in lot.lines)
    summary["users"] = {u[0]: u[1] for u in DEMO_USERS}
    summary["password"] = DEMO_PASSWORD
    summary["must_change_password"] = force_password_change
    summary["seconds"] = round(time.perf_counter() - started, 1)
    return summary

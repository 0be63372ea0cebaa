"""Pick-confirmation and locate benchmarks used by bench/core.py."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core import Database
from core.documents.models import DocumentLine
from core.lots.models import Serial
from core.orders import allocate_order, confirm_pick, create_order, create_pick_list
from core.orders.schemas import OrderCreate, OrderLineIn
from tests.builders import Builder

SKU = "RING-18K-7"


@dataclass(frozen=True)
class PickJob:
    """One open pick line and the serial to confirm it with."""

    line_id: int
    serial: str


def prepare_picks(db: Database, count: int, *, bins: int = 8) -> list[PickJob]:
    """``count`` single-piece orders allocated and listed, ready to confirm."""
    with db.write() as session:
        b = Builder(session)
        codes = b.warehouse(bins=bins)
        b.supplier()
        b.sku(SKU)
        per_bin = -(-count // bins)
        for i, code in enumerate(codes):
            b.stock(SKU, f"G-{i + 1}", per_bin, code)
    with db.write() as session:
        actor = Builder(session).actor
        ids = []
        for n in range(count):
            order, _ = create_order(
                session,
                actor=actor,
                data=OrderCreate(
                    channel="bench",
                    external_id=f"B{n}",
                    customer_name="Bench",
                    lines=[OrderLineIn(sku=SKU, quantity=1)],
                ),
            )
            allocate_order(session, actor=actor, order_id=order.id)
            ids.append(order.id)
        doc = create_pick_list(session, actor=actor, order_ids=ids)
        lines = session.scalars(
            select(DocumentLine).where(DocumentLine.document_id == doc.id)
        ).all()
        jobs, taken = [], set()
        for line in lines:
            serial = session.scalar(
                select(Serial.code)
                .where(
                    Serial.location_id == line.from_location_id,
                    Serial.lot_id == line.lot_id,
                    Serial.code.not_in(taken) if taken else Serial.id > 0,
                )
                .limit(1)
            )
            taken.add(serial)
            jobs.append(PickJob(line.id, serial))
    return jobs


def bench_picks(workdir: Path, *, quick: bool) -> dict[str, Any]:
    """Single-line confirmations per second through the service layer, one transaction each."""
    from bench.core import fresh_db

    count = 500 if quick else 2000
    rates = []
    for run in range(1 if quick else 3):
        db = fresh_db(workdir, f"picks{run}")
        jobs = prepare_picks(db, count)
        with db.read() as session:
            actor = Builder.__new__(Builder)  # the system actor, read without writing
        with db.write() as session:
            actor = Builder(session).actor
        start = time.perf_counter()
        for job in jobs:
            with db.write() as session:
                confirm_pick(
                    session, actor=actor, line_id=job.line_id, quantity=1, serials=[job.serial]
                )
        rates.append(count / (time.perf_counter() - start))
        db.dispose()
    return {
        "confirmations": count,
        "median_per_s": round(statistics.median(rates)),
        "runs_per_s": [round(r) for r in rates],
        "target_per_s": 2000,
    }

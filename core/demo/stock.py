"""A year of goods in: lots received into quarantine, inspected, and put away."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.catalogue.service import sku_by_code
from core.clock import use_clock
from core.demo.catalogue import DemoSku
from core.demo.layout import DemoLayout
from core.documents.schemas import (
    LotIn,
    MoveLineIn,
    PutawayCreate,
    QCCreate,
    ReceiptCreate,
    ReceiptLineIn,
    SerialIn,
)
from core.lots.schemas import SupplierCreate
from core.lots.service import create_supplier
from core.people.security import Actor
from core.purchasing import receiving

SUPPLIERS = [
    ("VALENZA", "Valenza Orafi", "IT"),
    ("AREZZO", "Arezzo Gold Works", "IT"),
    ("ANTWERP", "Antwerp Diamond House", "BE"),
    ("JAIPUR", "Jaipur Gem Atelier", "IN"),
    ("SHENZHEN", "Shenzhen Shuibei Jewellery", "CN"),
    ("BANGKOK", "Bangkok Fine Settings", "TH"),
    ("PFORZHEIM", "Pforzheim Schmuck", "DE"),
    ("BIRMINGHAM", "Birmingham Quarter Works", "GB"),
    ("ISTANBUL", "Istanbul Grand Bazaar Gold", "TR"),
    ("DUBAI", "Dubai Gold Souk Trading", "AE"),
    ("HONGKONG", "Hong Kong Pearl Co", "HK"),
    ("TAXCO", "Taxco Plateros", "MX"),
]
LABS = ["GIA", "IGI", "HRD", "Assay Office London", "NCJQ"]


@dataclass
class ReceivedLot:
    """A received lot and where its stock went."""

    code: str
    received: datetime
    approved: bool
    lines: list[tuple[str, int, str, list[str]]]  # sku, qty, bin, serials


def create_suppliers(session: Session, actor: Actor, count: int) -> list[str]:
    """The demo suppliers."""
    for code, name, country in SUPPLIERS[:count]:
        create_supplier(
            session, actor=actor, data=SupplierCreate(code=code, name=name, country=country)
        )
    return [s[0] for s in SUPPLIERS[:count]]


def piece_in(code: str, sku: Sku, spread: float) -> SerialIn:
    """A piece as the receiving scale weighs it: its metal within 2.5 % of the SKU's (castings
    differ; ``spread`` in -1..1), its stones exactly as the SKU's. ``weight_g`` (on the label,
    and what the supplier-quality report compares with the SKU's net weight) is the metal's."""
    net = round(sku.net_weight_g * (1 + 0.025 * spread), 2)
    gross = round(net + (sku.gross_weight_g - sku.net_weight_g), 2)
    return SerialIn(code=code, weight_g=net, gross_weight_g=gross, net_weight_g=net)


def bin_for(sku: DemoSku, layout: DemoLayout, rng: random.Random) -> str:
    """Where a received piece of ``sku`` is put away: the vault, a pick face or reserve."""
    if sku.price >= 5000 and layout.vault_bins:
        return rng.choice(layout.vault_bins)
    if sku.popularity > 3 or rng.random() < 0.8:
        return rng.choice(layout.pick_bins)
    return rng.choice(layout.reserve_bins)


def receive_lot(
    session: Session,
    actor: Actor,
    rng: random.Random,
    *,
    code: str,
    supplier: str,
    skus: list[DemoSku],
    pieces: int,
    layout: DemoLayout,
    at: datetime,
    serial_seq: Callable[[], str],
    fail_qc: bool,
    counts: dict[str, int] | None = None,
) -> ReceivedLot:
    """Receive one lot, inspect it, and (if it passed) put it away.

    ``counts`` (pieces by SKU code) fixes what the lot holds; otherwise ``pieces`` are drawn
    from ``skus``."""
    lines: list[ReceiptLineIn] = []
    by_code = {s.code: s for s in skus}
    if counts is None:
        counts = {}
        for s in rng.choices(skus, k=pieces):
            counts[s.code] = counts.get(s.code, 0) + 1
    received = ReceivedLot(code, at, not fail_qc, [])
    for sku_code, qty in counts.items():
        serials = [serial_seq() for _ in range(qty)] if by_code[sku_code].serialised else []
        sku_row = sku_by_code(session, sku_code) if serials else None
        lines.append(
            ReceiptLineIn(
                sku=sku_code,
                lot=code,
                quantity=qty,
                serials=[piece_in(c, sku_row, rng.uniform(-1, 1)) for c in serials]
                if sku_row is not None else [],
            )
        )
        received.lines.append((sku_code, qty, bin_for(by_code[sku_code], layout, rng), serials))
    with use_clock(lambda: at):
        receiving.receive(
            session,
            actor=actor,
            data=ReceiptCreate(
                supplier=supplier,
                reference=f"DN-{code}",
                to_location=layout.quarantine,
                lots=[
                    LotIn(
                        code=code,
                        purchase_date=(at - timedelta(days=rng.randint(3, 20))).date(),
                        declared_purity=None,
                        certificate_lab=rng.choice(LABS),
                        certificate_no=f"{rng.randint(10**8, 10**9 - 1)}",
                        packaging=rng.choice(["tray", "pouch", "box", "blister"]),
                    )
                ],
                lines=lines,
            ),
        )
    with use_clock(lambda: at + timedelta(hours=20)):
        receiving.inspect_lot(
            session,
            actor=actor,
            data=QCCreate(
                lot=code,
                result="fail" if fail_qc else "pass",
                measured_purity=round(rng.gauss(748.5 if fail_qc else 750.4, 0.6), 1),
                measured_weight_g=None,
                notes="assay below declared" if fail_qc else "",
            ),
        )
    if not fail_qc:
        with use_clock(lambda: at + timedelta(days=1, hours=2)):
            receiving.putaway(
                session,
                actor=actor,
                data=PutawayCreate(
                    lines=[
                        MoveLineIn(
                            sku=sku,
                            lot=code,
                            quantity=qty,
                            from_location=layout.quarantine,
                            to_location=bin_code,
                            serials=serials,
                        )
                        for sku, qty, bin_code, serials in received.lines
                    ]
                ),
            )
    return received


def lot_code(rng: random.Random, letter: str, used: set[str]) -> str:
    """A fresh lot code such as G-2311."""
    while True:
        code = f"{letter}-{rng.randint(1000, 9999)}"
        if code not in used:
            used.add(code)
            return code


def receipt_dates(start: date, days: int, count: int, rng: random.Random) -> list[datetime]:
    """``count`` working-day receipt times spread over ``days`` from ``start``."""
    out = []
    for _ in range(count):
        day = start + timedelta(days=rng.randrange(days))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        out.append(
            datetime(
                day.year, day.month, day.day, rng.randint(8, 11), rng.randint(0, 59), tzinfo=UTC
            )
        )
    return sorted(out)

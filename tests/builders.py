"""Test data made through the real services (never raw inserts)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from core import Database
from core.catalogue.schemas import SkuCreate, StyleCreate
from core.catalogue.service import create_sku, create_style
from core.clock import use_clock
from core.documents.schemas import (
    LotIn,
    MoveLineIn,
    PutawayCreate,
    QCCreate,
    ReceiptCreate,
    ReceiptLineIn,
    SerialIn,
)
from core.locations.models import Kind, Tier
from core.locations.schemas import LocationCreate
from core.locations.service import create_location
from core.lots.schemas import SupplierCreate
from core.lots.service import create_supplier
from core.people.security import Actor
from core.people.service import create_user, system_actor
from core.purchasing import receiving

PASSWORD = "correct-horse-battery"


@dataclass
class Builder:
    """Builds a small warehouse: one zone, bins, a quarantine bin and a packing desk."""

    session: Session
    actor: Actor = field(init=False)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.actor = system_actor(self.session)

    def warehouse(self, bins: int = 4) -> list[str]:
        """A warehouse WH > zone Z1 > aisle A01 > bay 01 > level 1 > bins, plus QUAR and PACK."""
        s, a = self.session, self.actor
        create_location(s, actor=a, data=LocationCreate(code="WH", tier=Tier.WAREHOUSE))
        create_location(s, actor=a, data=LocationCreate(code="Z1", tier=Tier.ZONE, parent="WH"))
        create_location(s, actor=a, data=LocationCreate(code="A01", tier=Tier.AISLE, parent="Z1"))
        create_location(s, actor=a, data=LocationCreate(code="A01-01", tier=Tier.BAY, parent="A01"))
        create_location(
            s, actor=a, data=LocationCreate(code="A01-01-1", tier=Tier.LEVEL, parent="A01-01")
        )
        codes = []
        for i in range(1, bins + 1):
            code = f"A01-01-1-{i:02d}"
            create_location(
                s,
                actor=a,
                data=LocationCreate(
                    code=code,
                    tier=Tier.BIN,
                    kind=Kind.PICK_FACE,
                    parent="A01-01-1",
                    aisle="1",
                    bay=str(i),
                    level="1",
                    x=2.0,
                    y=float(i),
                    check_digits=f"{10 + i * 7 % 90:02d}",
                ),
            )
            codes.append(code)
        for code, kind in (
            ("QUAR", Kind.QUARANTINE),
            ("PACK", Kind.PACKING),
            ("VAULT-01", Kind.VAULT),
        ):
            create_location(
                s,
                actor=a,
                data=LocationCreate(
                    code=code, tier=Tier.BIN, kind=kind, parent="Z1", check_digits="55"
                ),
            )
        return codes

    def supplier(self, code: str = "SUP1") -> str:
        """A supplier."""
        create_supplier(
            self.session,
            actor=self.actor,
            data=SupplierCreate(code=code, name=f"Supplier {code}", country="IT"),
        )
        return code

    def sku(
        self,
        code: str | None = None,
        *,
        serialised: bool = True,
        price: str = "950.00",
        size: str | None = "7",
        metal: str = "gold",
        purity: str = "Au750",
    ) -> str:
        """A style with one SKU."""
        n = next(self._ids)
        code = code or f"SKU-{n:04d}"
        style = f"ST-{n:04d}"
        create_style(
            self.session,
            actor=self.actor,
            data=StyleCreate(code=style, name=f"Heart pendant {n}", category="pendant"),
        )
        create_sku(
            self.session,
            actor=self.actor,
            data=SkuCreate(
                code=code,
                style=style,
                metal=metal,
                metal_colour="rose",
                purity=purity,
                size=size,
                gross_weight_g=3.2,
                net_weight_g=2.9,
                price=Decimal(price),
                serialised=serialised,
            ),
        )
        return code

    def receive(
        self,
        sku: str,
        lot: str,
        qty: int,
        *,
        supplier: str = "SUP1",
        serialised: bool = True,
        prefix: str | None = None,
    ) -> list[str]:
        """Receive ``qty`` pieces into quarantine; returns the serial codes."""
        prefix = prefix or f"{sku}-{lot}"
        serials = [f"{prefix}-{i:05d}" for i in range(qty)] if serialised else []
        receiving.receive(
            self.session,
            actor=self.actor,
            data=ReceiptCreate(
                supplier=supplier,
                lots=[LotIn(code=lot, purchase_date=date(2026, 1, 5), declared_purity="Au750")],
                lines=[
                    ReceiptLineIn(
                        sku=sku, lot=lot, quantity=qty, serials=[SerialIn(code=c) for c in serials]
                    )
                ],
            ),
        )
        return serials

    def approve(self, lot: str) -> None:
        """Pass QC for a lot."""
        receiving.inspect_lot(
            self.session,
            actor=self.actor,
            data=QCCreate(lot=lot, result="pass", measured_purity=750.1),
        )

    def stock(
        self, sku: str, lot: str, qty: int, location: str, *, serialised: bool = True
    ) -> list[str]:
        """Receive, approve and put away ``qty`` pieces at ``location``."""
        serials = self.receive(sku, lot, qty, serialised=serialised)
        self.approve(lot)
        receiving.putaway(
            self.session,
            actor=self.actor,
            data=PutawayCreate(
                lines=[
                    MoveLineIn(
                        sku=sku,
                        lot=lot,
                        quantity=qty,
                        from_location="QUAR",
                        to_location=location,
                        serials=serials,
                    )
                ]
            ),
        )
        return serials

    def user(self, username: str, role: str, operator_id: str | None = None) -> Actor:
        """A person with ``role`` (password :data:`PASSWORD`)."""
        user = create_user(
            self.session,
            actor=self.actor,
            username=username,
            password=PASSWORD,
            role=role,
            operator_id=operator_id,
        )
        return Actor(id=user.id, username=user.username, role=user.role)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment in 2026, UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """Services called inside see ``moment`` as now."""
    with use_clock(lambda: moment):
        yield


def label_digits(session: Session, line_id: int) -> str | None:
    """The check digits on the label of a pick line's bin, as a picker standing there reads
    them (confirmations must carry them)."""
    from sqlalchemy import select

    from core.documents.models import DocumentLine
    from core.locations.models import Location

    return session.scalar(
        select(Location.check_digits)
        .join(DocumentLine, DocumentLine.from_location_id == Location.id)
        .where(DocumentLine.id == line_id)
    )


def ok_answer(_session: Session) -> str:
    """The answer an idempotent request stores (its content does not matter to retention)."""
    return '{"ok": true}'


def store_answer(db: Database, key: str, moment: datetime) -> None:
    """Store user 1's idempotency answer under ``key`` as if at ``moment``."""
    from core.audit.idempotency import run_once

    with use_clock(lambda: moment):
        run_once(db, user_id=1, key=key, fingerprint="f", write=ok_answer)


def answer_keys(db: Database) -> set[str]:
    """The idempotency keys whose answers are stored."""
    from sqlalchemy import select

    from core.audit.models import IdempotencyRecord

    with db.read() as session:
        return set(session.scalars(select(IdempotencyRecord.key)))

"""A warehouse whose pieces carry RFID tags, and an HTTP client on the real app."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from core import Database
from core.documents.models import DocKind, Document
from core.documents.schemas import (
    LotIn,
    MoveLineIn,
    PutawayCreate,
    QCCreate,
    ReceiptCreate,
    ReceiptLineIn,
    SerialIn,
)
from core.ledger.models import StockMove
from core.purchasing import receiving
from tests.builders import Builder

USERS = {"mia": "manager", "cleo": "clerk", "pia": "picker"}
#: Tags as an RFID reader reports them (lower case: the books keep them upper case).
EPCS = [f"e2801160600002{i:02x}a1b2c3d4" for i in range(4)]
PIECES = [f"RING-1-T-{i}" for i in range(4)]


def seed(db: Database) -> list[str]:
    """Bins of a warehouse with RING-1 (serialised) and CHAIN-1; four tagged pieces of lot T-1
    at the first bin and 10 chains of lot L-2 at the second; a manager, clerk and picker."""
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        b.sku("RING-1")
        b.sku("CHAIN-1", serialised=False)
        receiving.receive(session, actor=b.actor, data=ReceiptCreate(
            supplier="SUP1", lots=[LotIn(code="T-1", purchase_date=date(2026, 1, 5))],
            lines=[ReceiptLineIn(sku="RING-1", lot="T-1", quantity=4, serials=[
                SerialIn(code=c, epc=e) for c, e in zip(PIECES, EPCS, strict=True)])]))
        receiving.inspect_lot(session, actor=b.actor, data=QCCreate(lot="T-1", result="pass"))
        receiving.putaway(session, actor=b.actor, data=PutawayCreate(lines=[MoveLineIn(
            sku="RING-1", lot="T-1", quantity=4, from_location="QUAR", to_location=bins[0],
            serials=PIECES)]))
        b.stock("CHAIN-1", "L-2", 10, bins[1], serialised=False)
        for name, role in USERS.items():
            b.user(name, role)
    return bins








def moves_of(db: Database, kind: DocKind) -> int:
    """How many stock moves documents of ``kind`` have posted."""
    with db.read() as session:
        return session.scalar(
            select(func.count(StockMove.id))
            .join(Document, Document.id == StockMove.document_id)
            .where(Document.kind == kind.value)
        ) or 0


def documents_of(db: Database, kind: DocKind) -> int:
    """How many documents of ``kind`` exist."""
    with db.read() as session:
        return session.scalar(
            select(func.count(Document.id)).where(Document.kind == kind.value)
        ) or 0

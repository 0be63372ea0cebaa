"""Helpers of the inbox tests: a warehouse with one SKU in stock, channels, and messages."""

from __future__ import annotations

from sqlalchemy import func, select

from core import Database
from core.channels import ensure_channel, receive
from core.channels.schemas import ChannelLine, ChannelOrderMessage
from core.ledger.models import Balance
from core.orders.models import SalesOrder
from tests.builders import Builder
from tests.core.orders.support import stock_lot

SKU = "BEAD-1"


def shop(db: Database, *, qty: int = 5, channels: tuple[str, ...] = ("tmall",)) -> None:
    """A warehouse with ``qty`` pieces of BEAD-1 (not serialised) and the channels."""
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        b.sku(SKU, serialised=False)
        stock_lot(session, b.actor, sku=SKU, lot="L-1", qty=qty, location=bins[0], serialised=False)
        for code in channels:
            ensure_channel(session, code=code, kind="generic", name=f"Shop {code}")


def message(
    kind: str,
    order: str,
    key: str | None = None,
    *,
    lines: tuple[tuple[str, int], ...] = (),
    refund_ref: str | None = None,
) -> ChannelOrderMessage:
    """A channel message about ``order`` (its key defaults to kind:order)."""
    return ChannelOrderMessage(
        kind=kind,
        message_key=key or f"{kind}:{order}",
        external_order_id=order,
        customer_name="Lin Mei",
        refund_ref=refund_ref,
        lines=[ChannelLine(external_sku=sku, quantity=q) for sku, q in lines],
    )


def deliver(db: Database, channel: str, *messages: ChannelOrderMessage) -> list[int]:
    """Store a delivery (committed) and return the ids of the new messages."""
    with db.write() as session:
        got = receive(session, channel=channel, messages=list(messages), raw="{}")
    return [r.message_id for r in got if r.new]


def reserved(db: Database) -> int:
    """Pieces reserved over every balance."""
    with db.read() as session:
        return int(session.scalar(select(func.coalesce(func.sum(Balance.reserved), 0))) or 0)


def order_of(db: Database, channel: str, external_id: str) -> SalesOrder | None:
    """The order a channel sent under ``external_id``."""
    with db.read() as session:
        order = session.scalar(
            select(SalesOrder).where(
                SalesOrder.channel == channel, SalesOrder.external_id == external_id
            )
        )
        if order is not None:
            session.expunge(order)  # readable after the session's rollback
        return order

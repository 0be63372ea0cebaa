"""Available-to-promise: what each channel may sell of each listing, from the same ledger.

Free stock of a SKU is ``on_hand - reserved`` summed over the balances orders can be allocated
from (active bins of kind pick_face, reserve or vault, approved lots), so stock in quarantine,
lots not yet approved, held or recalled, and pieces already reserved for any channel's order
are never promised. A channel may sell ``floor(free * share_pct / 100) - buffer`` (never below
0), the buffer being the listing's own or the channel's safety buffer. Because every channel's
orders reserve against the same balances, two channels can never both keep the last piece: the
second reservation is refused and every channel's next push shows 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.channels.models import Channel, ChannelSku, ChannelStock
from core.channels.schemas import ChannelStockPage, ChannelStockRead
from core.clock import as_utc
from core.errors import NotFoundError
from core.ledger.models import Balance
from core.locations.models import STOCK_KINDS, Location, Tier
from core.lots.models import Lot, LotStatus, Serial
from core.orders.allocation import ALLOCATABLE_KINDS
from core.weighing.models import WeightHold

__all__ = [
    "ListingLevel",
    "SkuStock",
    "available",
    "channel_by_code",
    "count_listings",
    "listing_levels",
    "sku_stock",
    "stock_page",
]

# Expanding IN lists are cut in chunks this size (SQLite's bound-parameter limit, plan size).
_CHUNK = 1000
_ALLOCATABLE = and_(
    Location.kind.in_([str(k) for k in ALLOCATABLE_KINDS]),
    Location.tier == Tier.BIN,
    Location.active.is_(True),
    Lot.status == LotStatus.APPROVED,
)


@dataclass(frozen=True)
class SkuStock:
    """One SKU's stock in the warehouse's bins, and how much of it is free to promise."""

    on_hand: int = 0
    reserved: int = 0
    free: int = 0


@dataclass(frozen=True)
class ListingLevel:
    """A listing's available-to-promise and what its channel was last told."""

    sku_id: int
    sku: str
    external_sku: str
    stock: SkuStock
    available: int
    pushed_quantity: int | None
    pushed_at: datetime | None

    @property
    def behind(self) -> bool:
        """True when the channel was never told, or was told something else."""
        return self.pushed_quantity != self.available


def available(free: int, *, share_pct: int, buffer: int) -> int:
    """What a channel may sell: its share of ``free``, less the buffer, never below 0.

    >>> available(10, share_pct=50, buffer=2)
    3
    """
    return max(0, free * share_pct // 100 - buffer)


_BY_CODE = select(Channel).where(Channel.code == bindparam("code"))


def channel_by_code(session: Session, code: str) -> Channel:
    """The channel ``code`` names; NotFoundError ``unknown-channel`` when there is none."""
    channel = session.scalar(_BY_CODE, {"code": code})
    if channel is None:
        raise NotFoundError(f"No sales channel with code '{code}'.", code="unknown-channel")
    return channel


def _stock_query() -> Select[int, int, int, Any]:
    free = case((_ALLOCATABLE, Balance.on_hand - Balance.reserved), else_=0)
    return (
        select(
            Balance.sku_id,
            func.sum(Balance.on_hand),
            func.sum(Balance.reserved),
            func.sum(free),
        )
        .join(Location, Location.id == Balance.location_id)
        .join(Lot, Lot.id == Balance.lot_id)
        .where(
            Location.kind.in_([str(k) for k in STOCK_KINDS]),
            Location.tier == Tier.BIN,
            or_(Balance.on_hand != 0, Balance.reserved != 0),
        )
        .group_by(Balance.sku_id)
    )


def sku_stock(session: Session, sku_ids: Iterable[int]) -> dict[int, SkuStock]:
    """On hand, reserved and free stock per SKU (one grouped query per 1,000 SKUs); SKUs with
    no stock are left out (read them as ``SkuStock()``)."""
    ids = sorted(set(sku_ids))
    found: dict[int, SkuStock] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        stmt = _stock_query().where(Balance.sku_id.in_(chunk))
        held_rows = session.execute(_held_query().where(Serial.sku_id.in_(chunk)))
        held: dict[int, int] = {int(sku): int(n) for sku, n in held_rows}
        for sku_id, on_hand, reserved, free in session.execute(stmt):
            free_now = max(0, int(free or 0) - int(held.get(sku_id, 0)))
            found[sku_id] = SkuStock(int(on_hand or 0), int(reserved or 0), free_now)
    return found


def _held_query() -> Select[int, int]:
    """Pieces on an open weight hold in allocatable bins, per SKU: on hand but not promisable."""
    return (
        select(Serial.sku_id, func.count())
        .join(WeightHold, WeightHold.serial_id == Serial.id)
        .join(Location, Location.id == Serial.location_id)
        .join(Lot, Lot.id == Serial.lot_id)
        .where(WeightHold.released_at.is_(None), _ALLOCATABLE)
        .group_by(Serial.sku_id)
    )


def _listings(
    channel_id: int, *, sku_ids: Iterable[int] | None, search: str | None
) -> Select[int, str, str, int | None, int | None, datetime | None]:
    stmt = (
        select(
            ChannelSku.sku_id,
            Sku.code,
            ChannelSku.external_sku,
            ChannelSku.buffer,
            ChannelStock.pushed_quantity,
            ChannelStock.pushed_at,
        )
        .join(Sku, Sku.id == ChannelSku.sku_id)
        .outerjoin(
            ChannelStock,
            and_(
                ChannelStock.channel_id == ChannelSku.channel_id,
                ChannelStock.sku_id == ChannelSku.sku_id,
            ),
        )
        .where(ChannelSku.channel_id == channel_id)
    )
    if sku_ids is not None:
        stmt = stmt.where(ChannelSku.sku_id.in_(sorted(set(sku_ids))))
    if search:
        pattern = f"%{search.strip()}%"
        stmt = stmt.where(
            or_(
                Sku.code.ilike(pattern, escape="\\"),
                ChannelSku.external_sku.ilike(pattern, escape="\\"),
            )
        )
    return stmt.order_by(ChannelSku.external_sku)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def listing_levels(
    session: Session,
    channel: Channel,
    *,
    sku_ids: Iterable[int] | None = None,
    search: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[ListingLevel]:
    """Available-to-promise of ``channel``'s listings (all, those of ``sku_ids``, or those
    whose SKU or channel SKU contains ``search``), by channel SKU; two queries in all."""
    stmt = _listings(channel.id, sku_ids=sku_ids, search=_escape(search) if search else None)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    rows = session.execute(stmt).all()
    stock = sku_stock(session, (row[0] for row in rows))
    empty = SkuStock()
    levels = []
    for sku_id, code, external, buffer, pushed, pushed_at in rows:
        have = stock.get(sku_id, empty)
        own = channel.safety_buffer if buffer is None else buffer
        levels.append(
            ListingLevel(
                sku_id=sku_id,
                sku=code,
                external_sku=external,
                stock=have,
                available=available(have.free, share_pct=channel.share_pct, buffer=own),
                pushed_quantity=pushed,
                pushed_at=as_utc(pushed_at) if pushed_at is not None else None,
            )
        )
    return levels


def count_listings(session: Session, channel: Channel, *, search: str | None = None) -> int:
    """How many listings :func:`listing_levels` would give without a limit."""
    inner = _listings(channel.id, sku_ids=None, search=_escape(search) if search else None)
    return int(session.scalar(select(func.count()).select_from(inner.subquery())) or 0)


def stock_page(
    session: Session, *, channel: str, search: str | None, limit: int, offset: int
) -> ChannelStockPage:
    """A page of ``channel``'s listings with their available-to-promise (by channel SKU)."""
    found = channel_by_code(session, channel)
    levels = listing_levels(session, found, search=search, limit=limit, offset=offset)
    items = [
        ChannelStockRead(
            external_sku=lv.external_sku,
            sku=lv.sku,
            on_hand=lv.stock.on_hand,
            reserved=lv.stock.reserved,
            free=lv.stock.free,
            available=lv.available,
            pushed_quantity=lv.pushed_quantity,
            pushed_at=lv.pushed_at,
        )
        for lv in levels
    ]
    return ChannelStockPage(items=items, total=count_listings(session, found, search=search))

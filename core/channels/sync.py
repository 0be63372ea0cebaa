"""Stock sync out: which listings a channel must be told again, and what it was told.

A listing is behind when what its channel may sell now (:mod:`core.channels.atp`) differs from
``channel_stock.pushed_quantity``, or when it was never pushed. The pusher
(``web/adapters/channel_sync.py``) asks :func:`pending_levels`, sends them through the channel's
connector and records the outcome: :func:`record_pushed` on success, :func:`record_push_failed`
otherwise (nothing counts as pushed then, so the latest level goes on the next try).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, select
from sqlalchemy.orm import Session

from core.channels.atp import (
    SkuStock,
    available,
    channel_by_code,
    listing_levels,
    sku_stock,
)
from core.channels.models import Channel, ChannelSku, ChannelStock
from core.channels.schemas import StockLevel
from core.clock import as_utc, now
from core.events import touch_skus
from core.orm import insert_for

__all__ = [
    "PUSH_ERROR_PREFIX",
    "behind_counts",
    "pending_levels",
    "record_push_failed",
    "record_pushed",
    "resync",
]

#: How a failed push is told apart from the inbox's errors in ``channel.last_error``: a good
#: push clears only its own kind.
PUSH_ERROR_PREFIX = "stock push failed: "
#: How long before a push round's read a resync still voids what the round pushed.
RESYNC_MARGIN = timedelta(milliseconds=100)
#: Up to this many SKUs are looked up by id; more, and every listing is read and filtered.
_NARROW = 500


def pending_levels(
    session: Session,
    *,
    channel: str,
    limit: int | None = None,
    sku_ids: Iterable[int] | None = None,
) -> list[tuple[int, StockLevel]]:
    """The listings of ``channel`` (all, or those of ``sku_ids``) whose level must be pushed:
    (Facet SKU id, level) pairs, at most ``limit``. An inactive channel has none."""
    found = channel_by_code(session, channel)
    if not found.active:
        return []
    wanted = None if sku_ids is None else set(sku_ids)
    # Many SKUs (a long outage, a big count): read every listing rather than a huge IN list.
    narrow = wanted if wanted is not None and len(wanted) <= _NARROW else None
    levels = [
        lv
        for lv in listing_levels(session, found, sku_ids=narrow)
        if lv.behind and (wanted is None or lv.sku_id in wanted)
    ]
    return [
        (lv.sku_id, StockLevel(external_sku=lv.external_sku, quantity=lv.available))
        for lv in levels[:limit]
    ]


def _upsert(session: Session, rows: list[dict[str, object]], set_: dict[str, object]) -> None:
    if not rows:
        return
    stmt = insert_for(session)(ChannelStock).values(rows)
    session.execute(stmt.on_conflict_do_update(index_elements=["channel_id", "sku_id"], set_=set_))


def record_pushed(
    session: Session,
    *,
    channel: str,
    levels: Sequence[tuple[int, int]],
    read_at: datetime | None = None,
) -> None:
    """Note that ``channel`` took these (SKU id, quantity) levels now; a push error it showed
    is cleared. Levels read at ``read_at`` are not noted when the channel was resynced since
    (or just before: a margin for the resync's own transaction), so they all go again."""
    found = channel_by_code(session, channel)
    at = now()
    if (
        read_at is not None
        and found.resync_at is not None
        and as_utc(found.resync_at) >= read_at - RESYNC_MARGIN
    ):
        return
    rows: list[dict[str, object]] = [
        {
            "channel_id": found.id,
            "sku_id": sku_id,
            "pushed_quantity": qty,
            "pushed_at": at,
            "attempts": 0,
            "last_error": None,
        }
        for sku_id, qty in levels
    ]
    excluded = insert_for(session)(ChannelStock).excluded
    _upsert(
        session,
        rows,
        {
            "pushed_quantity": excluded.pushed_quantity,
            "pushed_at": at,
            "attempts": 0,
            "last_error": None,
        },
    )
    found.last_push_at = at
    if found.last_error is not None and found.last_error.startswith(PUSH_ERROR_PREFIX):
        found.last_error = None
        found.last_error_at = None
    session.flush()


def record_push_failed(
    session: Session, *, channel: str, sku_ids: Iterable[int], error: str
) -> None:
    """Note that a push of these SKUs' levels to ``channel`` failed (what was pushed before
    stays; the channel shows the error until a push goes through)."""
    found = channel_by_code(session, channel)
    text = error[:400]
    rows: list[dict[str, object]] = [
        {
            "channel_id": found.id,
            "sku_id": sku_id,
            "pushed_quantity": None,
            "attempts": 1,
            "last_error": text,
        }
        for sku_id in sorted(set(sku_ids))
    ]
    _upsert(session, rows, {"attempts": ChannelStock.attempts + 1, "last_error": text})
    found.last_error = (PUSH_ERROR_PREFIX + text)[:512]
    found.last_error_at = now()
    session.flush()


def behind_counts(session: Session) -> dict[int, int]:
    """Per active channel id: how many listings its channel was not told the current level of
    (three queries for every channel together)."""
    channels = {c.id: c for c in session.scalars(select(Channel).where(Channel.active.is_(True)))}
    if not channels:
        return {}
    rows = session.execute(
        select(
            ChannelSku.channel_id,
            ChannelSku.sku_id,
            ChannelSku.buffer,
            ChannelStock.pushed_quantity,
        )
        .outerjoin(
            ChannelStock,
            and_(
                ChannelStock.channel_id == ChannelSku.channel_id,
                ChannelStock.sku_id == ChannelSku.sku_id,
            ),
        )
        .where(ChannelSku.channel_id.in_(list(channels)))
    ).all()
    stock = sku_stock(session, (row[1] for row in rows))
    counts = dict.fromkeys(channels, 0)
    empty = SkuStock()
    for channel_id, sku_id, buffer, pushed in rows:
        channel = channels[channel_id]
        own = channel.safety_buffer if buffer is None else buffer
        level = available(stock.get(sku_id, empty).free, share_pct=channel.share_pct, buffer=own)
        counts[channel_id] += int(pushed != level)
    return counts


def resync(session: Session, *, channel: str) -> int:
    """Forget what ``channel`` was told, so every listing is pushed again (the pusher is woken
    at commit); returns how many listings will go."""
    found = channel_by_code(session, channel)
    found.resync_at = now()
    session.execute(delete(ChannelStock).where(ChannelStock.channel_id == found.id))
    sku_ids = list(
        session.scalars(select(ChannelSku.sku_id).where(ChannelSku.channel_id == found.id))
    )
    touch_skus(session, sku_ids)
    return len(sku_ids)

"""Channel verbs: the registry of sales channels and their listings (the channel's SKU ids for
Facet's SKUs), and how each channel is doing (waiting and dead messages, lag)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from core.audit import service as audit
from core.catalogue.models import Sku
from core.channels import sync
from core.channels.atp import channel_by_code
from core.channels.models import Channel, ChannelMessage, ChannelSku, MessageStatus
from core.channels.schemas import (
    ChannelCreate,
    ChannelRead,
    ChannelSkuIn,
    ChannelSkuRead,
    ChannelUpdate,
)
from core.clock import as_utc, now
from core.db import pairs
from core.errors import ConflictError, NotFoundError
from core.events import touch_skus
from core.people.security import Actor
from core.people.service import SYSTEM_USERNAME
from core.prepared import Prepared

__all__ = [
    "channel_reads",
    "create_channel",
    "ensure_channel",
    "get_channel",
    "list_channels",
    "list_listings",
    "remove_listing",
    "set_listing",
    "listed_skus",
    "sku_codes_for_external",
    "sku_for_external",
    "skus_for_external",
    "update_channel",
]


# Built once: every webhook and every applied message looks its channel and listings up.
_LISTED_CODES = (
    select(ChannelSku.external_sku, Sku.code, Sku.id)
    .join(Sku, Sku.id == ChannelSku.sku_id)
    .where(
        ChannelSku.channel_id == bindparam("channel_id"),
        ChannelSku.external_sku.in_(bindparam("wanted", expanding=True)),
    )
)
_SKU_CODES = select(Sku.code, Sku.id).where(Sku.code.in_(bindparam("wanted", expanding=True)))
# One channel SKU (most orders' one line): prepared once, run on the raw cursor.
_P_LISTED_CODE = Prepared(
    select(Sku.__table__.c.code, Sku.__table__.c.id)
    .select_from(ChannelSku.__table__.join(Sku.__table__,
                                           Sku.__table__.c.id == ChannelSku.__table__.c.sku_id))
    .where(ChannelSku.__table__.c.channel_id == bindparam("channel_id"),
           ChannelSku.__table__.c.external_sku == bindparam("wanted"))
)  # fmt: skip
_P_SKU_CODE = Prepared(
    select(Sku.__table__.c.code, Sku.__table__.c.id).where(
        Sku.__table__.c.code == bindparam("wanted")
    )
)


def get_channel(session: Session, *, code: str) -> Channel:
    """The channel with ``code``; NotFoundError ``unknown-channel`` otherwise."""
    return channel_by_code(session, code)


def ensure_channel(
    session: Session,
    *,
    code: str,
    kind: str,
    name: str,
    safety_buffer: int = 0,
    share_pct: int = 100,
) -> Channel:
    """The channel ``code``, created if missing (with the buffers given), its kind and name
    brought up to date; buffers a person set since are kept (the channels file seeds them)."""
    channel = session.scalar(select(Channel).where(Channel.code == code))
    name = name or code
    if channel is None:
        channel = Channel(
            code=code,
            kind=kind,
            name=name,
            active=True,
            safety_buffer=safety_buffer,
            share_pct=share_pct,
        )
        session.add(channel)
        session.flush()
        audit.record(
            session,
            actor=SYSTEM_USERNAME,
            action="channel.create",
            entity=code,
            detail={
                "kind": kind,
                "name": name,
                "safety_buffer": safety_buffer,
                "share_pct": share_pct,
            },
        )
    elif (channel.kind, channel.name) != (kind, name):
        channel.kind, channel.name = kind, name
        session.flush()
    return channel


def create_channel(session: Session, *, actor: Actor, data: ChannelCreate) -> Channel:
    """A new channel; ConflictError ``channel-exists`` when its code is taken."""
    if session.scalar(select(Channel.id).where(Channel.code == data.code)) is not None:
        raise ConflictError(f"A channel with code '{data.code}' exists.", code="channel-exists")
    channel = Channel(active=True, **data.model_dump())
    session.add(channel)
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="channel.create",
        entity=data.code,
        detail=data.model_dump(mode="json"),
    )
    return channel


def _utc(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def update_channel(session: Session, *, actor: Actor, code: str, data: ChannelUpdate) -> Channel:
    """Change a channel's name, activity or buffers (only the fields given)."""
    channel = get_channel(session, code=code)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    for field, value in changes.items():
        setattr(channel, field, value)
    session.flush()
    if changes.keys() & {"active", "safety_buffer", "share_pct"}:  # the pusher goes at once
        touch_skus(
            session,
            session.scalars(select(ChannelSku.sku_id).where(ChannelSku.channel_id == channel.id)),
        )
    if changes:
        audit.record(
            session, actor=actor.username, action="channel.update", entity=code, detail=changes
        )
    return channel


def list_channels(
    session: Session, *, limit: int = 50, offset: int = 0
) -> tuple[list[Channel], int]:
    """A page of channels by code, and how many there are."""
    total = session.scalar(select(func.count(Channel.id))) or 0
    items = session.scalars(select(Channel).order_by(Channel.code).limit(limit).offset(offset))
    return list(items), total


def _message_counts(
    session: Session, ids: list[int]
) -> dict[int, tuple[int, int, datetime | None]]:
    pending = ChannelMessage.status == MessageStatus.PENDING
    rows = session.execute(
        select(
            ChannelMessage.channel_id,
            func.count(case((pending, 1))),
            func.count(case((ChannelMessage.status == MessageStatus.DEAD, 1))),
            func.min(case((pending, ChannelMessage.received_at))),
        )
        .where(
            ChannelMessage.channel_id.in_(ids),
            ChannelMessage.status.in_([MessageStatus.PENDING, MessageStatus.DEAD]),
        )
        .group_by(ChannelMessage.channel_id)
    )
    return {cid: (int(p), int(d), oldest) for cid, p, d, oldest in rows}


def channel_reads(session: Session, channels: Sequence[Channel]) -> list[ChannelRead]:
    """API views of channels: messages waiting and dead, lag, listings whose push is behind."""
    counts = _message_counts(session, [c.id for c in channels])
    behind = sync.behind_counts(session)
    at = now()
    reads = []
    for c in channels:
        pending, dead, oldest = counts.get(c.id, (0, 0, None))
        lag = max((at - as_utc(oldest)).total_seconds(), 0.0) if oldest is not None else 0.0
        reads.append(
            ChannelRead(
                code=c.code,
                kind=c.kind,
                name=c.name,
                active=c.active,
                safety_buffer=c.safety_buffer,
                share_pct=c.share_pct,
                last_message_at=_utc(c.last_message_at),
                last_push_at=_utc(c.last_push_at),
                last_error=c.last_error,
                last_error_at=_utc(c.last_error_at),
                pending=pending,
                dead=dead,
                lag_s=round(lag, 3),
                stock_behind=behind.get(c.id, 0),
            )
        )
    return reads


def set_listing(session: Session, *, actor: Actor, code: str, data: ChannelSkuIn) -> ChannelSku:
    """Map the channel's ``external_sku`` to a Facet SKU (replacing its earlier mapping).

    NotFoundError ``unknown-sku`` for a SKU code Facet does not know; ConflictError
    ``sku-already-listed`` when the SKU is listed under another of the channel's ids.
    """
    channel = get_channel(session, code=code)
    sku_id = session.scalar(select(Sku.id).where(Sku.code == data.sku))
    if sku_id is None:
        raise NotFoundError(f"No SKU with code '{data.sku}'.", code="unknown-sku")
    other = session.scalar(
        select(ChannelSku.external_sku).where(
            ChannelSku.channel_id == channel.id,
            ChannelSku.sku_id == sku_id,
            ChannelSku.external_sku != data.external_sku,
        )
    )
    if other is not None:
        raise ConflictError(
            f"{data.sku} is already listed on {code} as '{other}'.", code="sku-already-listed"
        )
    listing = session.scalar(
        select(ChannelSku).where(
            ChannelSku.channel_id == channel.id, ChannelSku.external_sku == data.external_sku
        )
    )
    if listing is None:
        listing = ChannelSku(channel_id=channel.id, external_sku=data.external_sku)
        session.add(listing)
    listing.sku_id, listing.buffer = sku_id, data.buffer
    session.flush()
    touch_skus(session, [sku_id])  # its level goes to the channel now, not at the next check
    audit.record(
        session,
        actor=actor.username,
        action="channel.listing.set",
        entity=code,
        detail=data.model_dump(mode="json"),
    )
    return listing


def remove_listing(
    session: Session, *, actor: Actor, code: str, external_sku: str
) -> ChannelSkuRead:
    """Drop a listing and return it; NotFoundError ``unknown-listing`` when there is none."""
    channel = get_channel(session, code=code)
    listing = session.scalar(
        select(ChannelSku).where(
            ChannelSku.channel_id == channel.id, ChannelSku.external_sku == external_sku
        )
    )
    if listing is None:
        raise NotFoundError(f"{code} lists no SKU '{external_sku}'.", code="unknown-listing")
    gone = ChannelSkuRead(
        external_sku=listing.external_sku,
        sku=session.scalar(select(Sku.code).where(Sku.id == listing.sku_id)) or "",
        buffer=listing.buffer,
    )
    session.delete(listing)
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="channel.listing.remove",
        entity=code,
        detail={"external_sku": external_sku},
    )
    return gone


def list_listings(
    session: Session, *, code: str, search: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[ChannelSkuRead], int]:
    """A page of a channel's listings by external id (``search`` in either id), and the total."""
    channel = get_channel(session, code=code)
    stmt = (
        select(ChannelSku.external_sku, Sku.code, ChannelSku.buffer)
        .join(Sku, Sku.id == ChannelSku.sku_id)
        .where(ChannelSku.channel_id == channel.id)
    )
    if search:
        escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        stmt = stmt.where(
            or_(
                func.lower(ChannelSku.external_sku).like(pattern, escape="\\"),
                func.lower(Sku.code).like(pattern, escape="\\"),
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(ChannelSku.external_sku).limit(limit).offset(offset))
    items = [ChannelSkuRead(external_sku=ext, sku=sku, buffer=buf) for ext, sku, buf in rows]
    return items, total


def skus_for_external(
    session: Session, channel_id: int, external_skus: Iterable[str]
) -> dict[str, int]:
    """Facet SKU ids of the channel's SKU ids (those unmapped fall back to a Facet SKU with
    that very code; ids matching neither are left out). Two queries, whatever the count."""
    wanted = set(external_skus)
    found = pairs(
        session,
        select(ChannelSku.external_sku, ChannelSku.sku_id).where(
            ChannelSku.channel_id == channel_id, ChannelSku.external_sku.in_(wanted)
        ),
    )
    if rest := wanted - set(found):
        found.update(pairs(session, select(Sku.code, Sku.id).where(Sku.code.in_(rest))))
    return found


def sku_for_external(session: Session, channel_id: int, external_sku: str) -> int | None:
    """The Facet SKU id a channel's SKU id stands for (falling back to a SKU with that code)."""
    return skus_for_external(session, channel_id, [external_sku]).get(external_sku)


def sku_codes_for_external(
    session: Session, channel_id: int, external_skus: Iterable[str]
) -> dict[str, str]:
    """Facet SKU codes of the channel's SKU ids, as :func:`skus_for_external` maps them."""
    return {ext: code for ext, (code, _) in listed_skus(session, channel_id, external_skus).items()}


def listed_skus(
    session: Session, channel_id: int, external_skus: Iterable[str]
) -> dict[str, tuple[str, int]]:
    """Facet SKU code and id of each of the channel's SKU ids, as :func:`skus_for_external`
    maps them (ids matching nothing are left out)."""
    wanted = sorted(set(external_skus))
    if len(wanted) == 1:
        return _listed_sku(session, channel_id, wanted[0])
    rows = session.execute(_LISTED_CODES, {"channel_id": channel_id, "wanted": wanted}).all()
    found = {ext: (code, sku_id) for ext, code, sku_id in rows}
    if rest := sorted(set(wanted) - set(found)):
        found.update((c, (c, i)) for c, i in session.execute(_SKU_CODES, {"wanted": rest}))
    return found


def _listed_sku(session: Session, channel_id: int, wanted: str) -> dict[str, tuple[str, int]]:
    """:func:`listed_skus` of one channel SKU, on prepared statements."""
    if session.autoflush:  # as session.execute would: what the session holds goes first
        session.flush()
    found = _P_LISTED_CODE.first(session, {"channel_id": channel_id, "wanted": wanted})
    if found is None:
        found = _P_SKU_CODE.first(session, {"wanted": wanted})
    return {wanted: (found[0], found[1])} if found is not None else {}

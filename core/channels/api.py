"""Sales channels over HTTP (thin routes): the registry, listings and the inbox's messages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from core.api_deps import Page, Writer, allow, database, page, read_session, writer
from core.channels import inbox, service
from core.channels.schemas import (
    ChannelCreate,
    ChannelMessagePage,
    ChannelMessageRead,
    ChannelPage,
    ChannelRead,
    ChannelSkuIn,
    ChannelSkuPage,
    ChannelSkuRead,
    ChannelUpdate,
)
from core.db import Database
from core.fields import DbId, Lookup
from core.people.security import Actor

router = APIRouter(tags=["channels"])
Reader = Annotated[Actor, Depends(allow("channels:read"))]
Editor = Annotated[Actor, Depends(allow("channels:write"))]
DB = Annotated[Session, Depends(read_session)]
Channels = Annotated[Writer, Depends(writer("channels:write"))]
Paging = Annotated[Page, Depends(page)]


@router.get("/channels", response_model=ChannelPage)
def list_channels(_: Reader, session: DB, p: Paging) -> ChannelPage:
    """Channels by code, each with its messages waiting and dead, lag and errors."""
    items, total = service.list_channels(session, limit=p.limit, offset=p.offset)
    return ChannelPage(items=service.channel_reads(session, items), total=total)


@router.post("/channels", response_model=ChannelRead, status_code=201)
def create_channel(body: ChannelCreate, w: Channels) -> object:
    """Add a channel (``channel-exists`` when the code is taken)."""
    return w.run(
        lambda s: service.channel_reads(s, [service.create_channel(s, actor=w.actor, data=body)])[
            0
        ],
        status_code=201,
    )


@router.get("/channels/{code}", response_model=ChannelRead)
def get_channel(code: Lookup, _: Reader, session: DB) -> ChannelRead:
    """One channel and how it is doing."""
    return service.channel_reads(session, [service.get_channel(session, code=code)])[0]


@router.patch("/channels/{code}", response_model=ChannelRead)
def update_channel(code: Lookup, body: ChannelUpdate, w: Channels) -> object:
    """Change a channel's name, buffers or activity (only the fields given)."""
    return w.run(
        lambda s: service.channel_reads(
            s, [service.update_channel(s, actor=w.actor, code=code, data=body)]
        )[0]
    )


@router.get("/channels/{code}/skus", response_model=ChannelSkuPage)
def list_listings(
    code: Lookup, _: Reader, session: DB, p: Paging, q: Lookup | None = None
) -> ChannelSkuPage:
    """The channel's listings by its SKU id, ``q`` in either id."""
    items, total = service.list_listings(
        session, code=code, search=q, limit=p.limit, offset=p.offset
    )
    return ChannelSkuPage(items=items, total=total)


@router.put("/channels/{code}/skus", response_model=ChannelSkuRead)
def set_listing(code: Lookup, body: ChannelSkuIn, w: Channels) -> object:
    """Map one of the channel's SKU ids to a Facet SKU (replacing its mapping)."""

    def write(s: Session) -> ChannelSkuRead:
        service.set_listing(s, actor=w.actor, code=code, data=body)
        return ChannelSkuRead(external_sku=body.external_sku, sku=body.sku, buffer=body.buffer)

    return w.run(write)


@router.delete("/channels/{code}/skus/{external_sku}", response_model=ChannelSkuRead)
def remove_listing(code: Lookup, external_sku: Lookup, w: Channels) -> object:
    """Drop a listing; answers with what was removed."""
    return w.run(
        lambda s: service.remove_listing(s, actor=w.actor, code=code, external_sku=external_sku)
    )


@router.get("/channels/{code}/messages", response_model=ChannelMessagePage)
def list_messages(
    code: Lookup,
    _: Reader,
    session: DB,
    p: Paging,
    status: Lookup | None = None,
    kind: Lookup | None = None,
    search: Lookup | None = None,
) -> ChannelMessagePage:
    """The channel's received messages, newest first, by status (pending, done, dead) and kind,
    ``search`` in the order id, message key or error code."""
    items, total = inbox.list_messages(
        session, channel=code, status=status, kind=kind, search=search, limit=p.limit,
        offset=p.offset,
    )  # fmt: skip
    return ChannelMessagePage(items=items, total=total)


@router.post("/channels/{code}/messages/{message_id}/retry", response_model=ChannelMessageRead)
def retry_message(
    code: Lookup,
    message_id: DbId,
    actor: Editor,
    db: Annotated[Database, Depends(database)],
) -> ChannelMessageRead:
    """Try a message again now (a dead letter once its SKU is mapped); says what became of it."""
    return inbox.retry_message(db, channel=code, message_id=message_id, actor=actor)

"""A channel's available-to-promise over HTTP, and a resync of everything it was told."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy.orm import Session

from core.api_deps import Page, Writer, allow, page, read_session, writer
from core.channels import atp, sync
from core.channels.schemas import ChannelStockPage
from core.fields import Lookup
from core.people.security import Actor

router = APIRouter(tags=["channels"])
Reader = Annotated[Actor, Depends(allow("channels:read"))]
Changer = Annotated[Writer, Depends(writer("channels:write"))]
DB = Annotated[Session, Depends(read_session)]
Paging = Annotated[Page, Depends(page)]


class StockResync(BaseModel):
    """A resync: every listing of the channel is pushed again."""

    channel: str
    listings: int


@router.get("/channels/{code}/stock", response_model=ChannelStockPage)
def channel_stock(
    code: Lookup, _: Reader, session: DB, p: Paging, search: Lookup | None = None
) -> ChannelStockPage:
    """What the channel may sell of each listing (``search`` in the SKU or the channel's SKU id),
    with on hand, reserved, free stock and what it was last told."""
    return atp.stock_page(session, channel=code, search=search, limit=p.limit, offset=p.offset)


@router.post("/channels/{code}/stock/resync", response_model=StockResync, status_code=202)
def resync(code: Lookup, w: Changer) -> object:
    """Forget what the channel was told: the pusher sends every listing's level again."""
    return w.run(
        lambda s: StockResync(channel=code, listings=sync.resync(s, channel=code)),
        status_code=202,
    )

"""Styles and SKUs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy.orm import Session

from core.api_deps import Page, Writer, allow, page, read_session, writer
from core.catalogue import service
from core.catalogue.schemas import (
    SizeRunCreate,
    SkuCreate,
    SkuRead,
    SkuUpdate,
    StyleCreate,
    StyleRead,
    StyleUpdate,
)
from core.catalogue.service import SkuFilter, sku_by_code
from core.fields import Lookup
from core.people.security import Actor

router = APIRouter(tags=["catalogue"])
Reader = Annotated[Actor, Depends(allow("read"))]
DB = Annotated[Session, Depends(read_session)]
Catalogue = Annotated[Writer, Depends(writer("catalogue:write"))]


class StylePage(BaseModel):
    """A page of styles."""

    items: list[StyleRead]
    total: int


class SkuPage(BaseModel):
    """A page of SKUs."""

    items: list[SkuRead]
    total: int


@router.get("/styles", response_model=StylePage)
def list_styles(
    _: Reader,
    session: DB,
    p: Annotated[Page, Depends(page)],
    q: Lookup | None = None,
    category: Lookup | None = None,
) -> StylePage:
    """Styles, filtered by name fragment and category."""
    items, total = service.list_styles(
        session, q=q, category=category, limit=p.limit, offset=p.offset
    )
    return StylePage(items=[StyleRead.model_validate(s) for s in items], total=total)


@router.post("/styles", response_model=StyleRead, status_code=201)
def create_style(body: StyleCreate, w: Catalogue) -> object:
    """Add a style."""
    return w.run(
        lambda s: StyleRead.model_validate(service.create_style(s, actor=w.actor, data=body)),
        status_code=201,
    )


@router.get("/styles/{code}", response_model=StyleRead)
def get_style(code: Lookup, _: Reader, session: DB) -> StyleRead:
    """One style."""
    return StyleRead.model_validate(service.style_by_code(session, code))


@router.patch("/styles/{code}", response_model=StyleRead)
def update_style(code: Lookup, body: StyleUpdate, w: Catalogue) -> object:
    """Change a style."""
    return w.run(
        lambda s: StyleRead.model_validate(
            service.update_style(s, actor=w.actor, code=code, data=body)
        )
    )


@router.post("/styles/{code}/size-run", response_model=SkuPage, status_code=201)
def create_size_run(code: Lookup, body: SizeRunCreate, w: Catalogue) -> object:
    """Add one SKU per size to a style in one go (all or none); codes are ``<prefix>-<size>``."""

    def run(session: Session) -> SkuPage:
        skus = service.create_size_run(session, actor=w.actor, style=code, data=body)
        return SkuPage(items=[service.sku_read(s) for s in skus], total=len(skus))

    return w.run(run, status_code=201)


@router.get("/catalogue/attributes", response_model=dict[str, list[str]])
def attribute_values(_: Reader, session: DB) -> dict[str, list[str]]:
    """The values in use of each attribute SKUs filter on (category, metal, colour...)."""
    return service.attribute_values(session)


@router.get("/skus", response_model=SkuPage)
def list_skus(
    _: Reader,
    session: DB,
    p: Annotated[Page, Depends(page)],
    q: Lookup | None = None,
    style: Lookup | None = None,
    metal: Lookup | None = None,
    purity: Lookup | None = None,
    size: Lookup | None = None,
    colour: Lookup | None = None,
    stone: Lookup | None = None,
    category: Lookup | None = None,
    collection: Lookup | None = None,
    active: bool | None = None,
) -> SkuPage:
    """SKUs with attribute filters (exact values; ``q`` matches code or style name)."""
    more = SkuFilter(metal_colour=colour, stone_type=stone, category=category,
                     collection=collection, active=active)
    items, total = service.list_skus(
        session,
        q=q,
        style=style,
        metal=metal,
        purity=purity,
        size=size,
        filters=more,
        limit=p.limit,
        offset=p.offset,
    )
    return SkuPage(items=[service.sku_read(s) for s in items], total=total)


@router.post("/skus", response_model=SkuRead, status_code=201)
def create_sku(body: SkuCreate, w: Catalogue) -> object:
    """Add a SKU to a style."""
    return w.run(
        lambda s: service.sku_read(service.create_sku(s, actor=w.actor, data=body)), status_code=201
    )


@router.get("/skus/{code}", response_model=SkuRead)
def get_sku(code: Lookup, _: Reader, session: DB) -> SkuRead:
    """One SKU."""
    return service.sku_read(sku_by_code(session, code))


@router.patch("/skus/{code}", response_model=SkuRead)
def update_sku(code: Lookup, body: SkuUpdate, w: Catalogue) -> object:
    """Change a SKU's price, weights or active flag."""
    return w.run(
        lambda s: service.sku_read(service.update_sku(s, actor=w.actor, code=code, data=body))
    )

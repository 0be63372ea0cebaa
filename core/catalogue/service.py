"""Catalogue verbs: styles and SKUs."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from core.audit import service as audit
from core.catalogue.models import Sku, Style
from core.catalogue.schemas import SkuCreate, SkuRead, SkuUpdate, StyleCreate, StyleUpdate
from core.errors import ConflictError, NotFoundError
from core.people.security import Actor


def style_by_code(session: Session, code: str) -> Style:
    """The style with ``code``; NotFoundError otherwise."""
    style = session.scalar(select(Style).where(Style.code == code))
    if style is None:
        raise NotFoundError(f"No style with code '{code}'.", code="unknown-style")
    return style


def create_style(session: Session, *, actor: Actor, data: StyleCreate) -> Style:
    """Add a style; codes are unique."""
    if session.scalar(select(Style.id).where(Style.code == data.code)) is not None:
        raise ConflictError(f"Style {data.code} already exists.", code="style-exists")
    style = Style(**data.model_dump())
    session.add(style)
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="style.create",
        entity=style.code,
        detail=data.model_dump(),
    )
    return style


def update_style(session: Session, *, actor: Actor, code: str, data: StyleUpdate) -> Style:
    """Change a style's name, category, collection or description."""
    style = style_by_code(session, code)
    changes = data.model_dump(exclude_unset=True)
    for key, value in changes.items():
        setattr(style, key, value)
    session.flush()
    audit.record(session, actor=actor.username, action="style.update", entity=code, detail=changes)
    return style


def list_styles(
    session: Session, *, q: str | None, category: str | None, limit: int, offset: int
) -> tuple[list[Style], int]:
    """A page of styles matching a name fragment and category."""
    stmt = select(Style)
    if q:
        stmt = stmt.where(Style.name.ilike(f"%{q}%") | Style.code.ilike(f"%{q}%"))
    if category:
        stmt = stmt.where(Style.category == category)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    return list(session.scalars(stmt.order_by(Style.code).limit(limit).offset(offset))), total


def create_sku(session: Session, *, actor: Actor, data: SkuCreate) -> Sku:
    """Add a variant to a style."""
    style = style_by_code(session, data.style)
    if session.scalar(select(Sku.id).where(Sku.code == data.code)) is not None:
        raise ConflictError(f"SKU {data.code} already exists.", code="sku-exists")
    sku = Sku(**data.model_dump(exclude={"style"}), style_id=style.id)
    session.add(sku)
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="sku.create",
        entity=sku.code,
        detail=data.model_dump(mode="json"),
    )
    return sku


def update_sku(session: Session, *, actor: Actor, code: str, data: SkuUpdate) -> Sku:
    """Change a SKU's price, weights, size class or active flag."""
    sku = sku_by_code(session, code)
    changes = data.model_dump(exclude_unset=True)
    for key, value in changes.items():
        setattr(sku, key, value)
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="sku.update",
        entity=code,
        detail={k: str(v) for k, v in changes.items()},
    )
    return sku


def list_skus(
    session: Session,
    *,
    q: str | None = None,
    style: str | None = None,
    metal: str | None = None,
    purity: str | None = None,
    size: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Sku], int]:
    """A page of SKUs with attribute filters."""
    stmt = select(Sku).join(Style).options(joinedload(Sku.style))
    if q:
        stmt = stmt.where(Sku.code.ilike(f"%{q}%") | Style.name.ilike(f"%{q}%"))
    for column, value in (
        (Style.code, style),
        (Sku.metal, metal),
        (Sku.purity, purity),
        (Sku.size, size),
    ):
        if value:
            stmt = stmt.where(column == value)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    return list(session.scalars(stmt.order_by(Sku.code).limit(limit).offset(offset))), total


def sku_read(sku: Sku) -> SkuRead:
    """The API view of a SKU."""
    return SkuRead(
        id=sku.id,
        code=sku.code,
        style=sku.style.code,
        style_name=sku.style.name,
        description=sku.description,
        metal=sku.metal,
        metal_colour=sku.metal_colour,
        purity=sku.purity,
        size=sku.size,
        stone_type=sku.stone_type,
        carat=sku.carat,
        clarity=sku.clarity,
        colour_grade=sku.colour_grade,
        gross_weight_g=sku.gross_weight_g,
        net_weight_g=sku.net_weight_g,
        price=sku.price,
        serialised=sku.serialised,
        size_class=sku.size_class,
        velocity_class=sku.velocity_class,
        active=sku.active,
    )


def sku_by_code(session: Session, code: str) -> Sku:
    """The SKU with ``code``; NotFoundError (code ``unknown-sku``) otherwise."""
    sku = session.scalar(select(Sku).where(Sku.code == code))
    if sku is None:
        raise NotFoundError(f"No SKU with code '{code}'.", code="unknown-sku")
    return sku

"""Catalogue verbs: styles and SKUs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from core.audit import service as audit
from core.catalogue.models import Sku, Style
from core.catalogue.schemas import (
    SizeRunCreate,
    SkuAttributes,
    SkuCreate,
    SkuRead,
    SkuUpdate,
    StyleCreate,
    StyleUpdate,
)
from core.errors import ConflictError, NotFoundError, ValidationFailed
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
    # null leaves a required field as it is (only the collection may be cleared)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items()
               if v is not None or k == "collection"}
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
    _check_weights(data.gross_weight_g, data.net_weight_g)
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


def create_size_run(
    session: Session, *, actor: Actor, style: str, data: SizeRunCreate
) -> list[Sku]:
    """One SKU per size of ``style``, codes ``<prefix>-<size>``: all of them or none."""
    owner = style_by_code(session, style)
    _check_weights(data.gross_weight_g, data.net_weight_g)
    if len({size.upper() for size in data.sizes}) != len(data.sizes):
        raise ValidationFailed("A size is listed twice; list each size once.",
                               code="duplicate-size")
    codes = [f"{data.code_prefix}-{size}" for size in data.sizes]
    if too_long := [c for c in codes if len(c) > 48]:
        raise ValidationFailed(f"SKU code {too_long[0]} is longer than 48 characters; use a "
                               "shorter prefix.", code="sku-code-too-long")
    if taken := list(session.scalars(select(Sku.code).where(Sku.code.in_(codes)))):
        raise ConflictError(f"These SKUs already exist: {', '.join(sorted(taken))}.",
                            code="sku-exists")
    attributes = data.model_dump(include=set(SkuAttributes.model_fields))
    skus = [Sku(**attributes, code=code, size=size, style_id=owner.id)
            for code, size in zip(codes, data.sizes, strict=True)]
    session.add_all(skus)
    session.flush()
    audit.record(session, actor=actor.username, action="sku.size_run", entity=owner.code,
                 detail=data.model_dump(mode="json"))
    return skus


def _check_weights(gross: float, net: float) -> None:
    """The metal (net) weight of a piece cannot exceed its whole (gross) weight."""
    if net > gross:
        raise ValidationFailed(f"Net weight {net} g exceeds gross weight {gross} g; the net "
                               "weight is the metal alone.", code="net-over-gross")


def update_sku(session: Session, *, actor: Actor, code: str, data: SkuUpdate) -> Sku:
    """Change a SKU's price, weights, size class or active flag."""
    sku = sku_by_code(session, code)
    # every field here is required on the row: null leaves it as it is
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    _check_weights(changes.get("gross_weight_g", sku.gross_weight_g),
                   changes.get("net_weight_g", sku.net_weight_g))
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


@dataclass(frozen=True)
class SkuFilter:
    """Further attribute filters of :func:`list_skus` (None: any)."""

    metal_colour: str | None = None
    stone_type: str | None = None
    category: str | None = None
    collection: str | None = None
    active: bool | None = None


def list_skus(
    session: Session,
    *,
    q: str | None = None,
    style: str | None = None,
    metal: str | None = None,
    purity: str | None = None,
    size: str | None = None,
    filters: SkuFilter | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Sku], int]:
    """A page of SKUs with attribute filters."""
    more = filters or SkuFilter()
    stmt = select(Sku).join(Style).options(joinedload(Sku.style))
    if q:
        stmt = stmt.where(Sku.code.ilike(f"%{q}%") | Style.name.ilike(f"%{q}%"))
    for column, value in (
        (Style.code, style),
        (Sku.metal, metal),
        (Sku.purity, purity),
        (Sku.size, size),
        (Sku.metal_colour, more.metal_colour),
        (Sku.stone_type, more.stone_type),
        (Style.category, more.category),
        (Style.collection, more.collection),
    ):
        if value:
            stmt = stmt.where(column == value)
    if more.active is not None:
        stmt = stmt.where(Sku.active.is_(more.active))
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


#: The attributes a catalogue search filters on, and their columns.
ATTRIBUTES = {
    "category": Style.category,
    "collection": Style.collection,
    "metal": Sku.metal,
    "colour": Sku.metal_colour,
    "purity": Sku.purity,
    "stone": Sku.stone_type,
    "size": Sku.size,
}


def attribute_values(session: Session) -> dict[str, list[str]]:
    """Every value in use of each filterable attribute, sorted (for the search's pick lists)."""
    values: dict[str, list[str]] = {}
    for name, column in ATTRIBUTES.items():
        stmt = select(column).distinct().where(column.is_not(None))
        if column.class_ is Sku:
            stmt = stmt.select_from(Sku)
        values[name] = sorted((str(v) for v in session.scalars(stmt)), key=_natural)
    return values


def _natural(value: str) -> tuple[bool, float, str]:
    """Sizes in numeric order (5, 7.5, 10), then words in alphabetical order."""
    try:
        return False, float(value), value
    except ValueError:
        return True, 0.0, value

"""Stock reports: counts by attribute, a lot's open reservations, and the chat's vocabulary."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku, Style
from core.errors import NotFoundError
from core.ledger.models import Balance
from core.locations.models import VIRTUAL_KINDS, Location, Tier
from core.lots.models import Lot, Supplier
from core.orders.models import OrderLine, Reservation, ReservationStatus, SalesOrder
from core.people.models import User

__all__ = [
    "CatalogueVersion",
    "catalogue_version",
    "open_reservations",
    "stock_summary",
    "vocabulary",
]

_VIRTUAL = [str(k) for k in VIRTUAL_KINDS]


def stock_summary(
    session: Session,
    *,
    by: Literal["sku", "location"] = "sku",
    metal: str | None = None,
    colour: str | None = None,
    purity: str | None = None,
    size: str | None = None,
    category: str | None = None,
    styles: Sequence[str] = (),
    sku: str | None = None,
    lot: str | None = None,
    location: str | None = None,
    supplier: str | None = None,
    outside: str | None = None,
    limit: int = 200,
    hidden: Collection[int] = (),
) -> tuple[list[dict[str, object]], dict[str, int]]:
    """Units on hand, reserved and available inside, grouped by SKU or by location, filtered.

    ``sku`` is a SKU code or the start of several cut at a dash ('ST0003-Au750Y' for its
    sizes); ``location`` is a location code or the start of one (a zone, aisle or bay prefix, as the
    reports take it); ``outside`` leaves out the locations under such a code ('not in the
    vault'); ``supplier`` is a supplier's code (the lots it delivered). Returns the rows
    (largest first, at most ``limit``) and the totals over every row; stock at the locations
    in ``hidden`` (bins under the reader's blind count) is left out.
    """
    key = Sku.code if by == "sku" else Location.code
    stmt = (
        select(key, func.sum(Balance.on_hand), func.sum(Balance.reserved),
               func.count(func.distinct(Lot.id)), func.min(Style.name))
        .join(Sku, Sku.id == Balance.sku_id)
        .join(Style, Style.id == Sku.style_id)
        .join(Lot, Lot.id == Balance.lot_id)
        .join(Location, Location.id == Balance.location_id)
        .where(Balance.on_hand > 0, Location.kind.not_in(_VIRTUAL))
    )
    for column, value in ((Sku.metal, metal), (Sku.metal_colour, colour), (Sku.purity, purity),
                          (Sku.size, size), (Style.category, category), (Lot.code, lot)):
        if value:
            stmt = stmt.where(column == value)
    if sku:  # a SKU, or the start of several cut at a dash: 'ST0003-Au750Y' of its sizes
        stmt = stmt.where(or_(Sku.code == sku, Sku.code.startswith(f"{sku}-", autoescape=True)))
    if location:
        stmt = stmt.where(Location.code.startswith(location, autoescape=True))
    if outside:
        stmt = stmt.where(~Location.code.startswith(outside, autoescape=True))
    if supplier:
        stmt = stmt.where(Lot.supplier_id.in_(select(Supplier.id).where(Supplier.code == supplier)))
    if styles:
        stmt = stmt.where(Style.code.in_(list(styles)))
    if hidden:
        stmt = stmt.where(Location.id.not_in(list(hidden)))
    grouped = stmt.group_by(key)
    rows = [
        {by: code, "style": style, "on_hand": int(on_hand), "reserved": int(reserved),
         "available": int(on_hand) - int(reserved), "lots": int(lots)}
        for code, on_hand, reserved, lots, style in session.execute(
            grouped.order_by(func.sum(Balance.on_hand).desc(), key).limit(limit))
    ]
    return rows, _totals(session, stmt)


def _totals(session: Session, stmt: Select[*tuple[Any, ...]]) -> dict[str, int]:
    sub = stmt.with_only_columns(
        Balance.on_hand, Balance.reserved, Balance.sku_id, Balance.location_id
    ).subquery()
    on_hand, reserved, skus, locations = session.execute(
        select(func.coalesce(func.sum(sub.c.on_hand), 0),
               func.coalesce(func.sum(sub.c.reserved), 0),
               func.count(func.distinct(sub.c.sku_id)),
               func.count(func.distinct(sub.c.location_id)))
    ).one()
    return {"on_hand": int(on_hand), "reserved": int(reserved),
            "available": int(on_hand) - int(reserved), "skus": int(skus),
            "locations": int(locations)}


def open_reservations(session: Session, *, lot: str) -> list[dict[str, object]]:
    """Open reservations holding stock of a lot: order, customer, SKU, bin and quantity."""
    found = session.scalar(select(Lot.id).where(Lot.code == lot.strip().upper()))
    if found is None:
        raise NotFoundError(f"No lot {lot}.", code="unknown-lot")
    stmt = (
        select(SalesOrder.external_id, SalesOrder.channel, SalesOrder.customer_name,
               SalesOrder.status, Sku.code, Location.code, Reservation.open_quantity)
        .join(OrderLine, OrderLine.id == Reservation.order_line_id)
        .join(SalesOrder, SalesOrder.id == OrderLine.order_id)
        .join(Sku, Sku.id == Reservation.sku_id)
        .join(Location, Location.id == Reservation.location_id)
        .where(Reservation.lot_id == found, Reservation.status == ReservationStatus.OPEN.value)
        .order_by(SalesOrder.external_id, Sku.code)
    )
    return [
        {"order": ext, "channel": ch, "customer": cust, "order_status": status, "sku": sku,
         "location": loc, "quantity": int(qty)}
        for ext, ch, cust, status, sku, loc, qty in session.execute(stmt)
    ]


@dataclass(frozen=True)
class CatalogueVersion:
    """Counts and highest ids of what the chat's vocabulary is built from."""

    values: tuple[int, ...]


def catalogue_version(session: Session) -> CatalogueVersion:
    """A cheap fingerprint that changes when styles, SKUs, lots, bins, people or suppliers do."""
    parts = []
    for model in (Style, Sku, Lot, Location, User, Supplier):
        parts.append(select(func.count(model.id)).scalar_subquery())
        parts.append(select(func.coalesce(func.max(model.id), 0)).scalar_subquery())
    parts.append(select(func.count(func.distinct(SalesOrder.channel))).scalar_subquery())
    return CatalogueVersion(tuple(int(v) for v in session.execute(select(*parts)).one()))


def _locations(session: Session) -> list[dict[str, object]]:
    """Bins, aisles and zones: code, kind, and the code of the zone they lie in (their own for
    a zone; None outside every zone)."""
    rows = {i: (parent, code, kind, tier) for i, parent, code, kind, tier in session.execute(
        select(Location.id, Location.parent_id, Location.code, Location.kind, Location.tier))}

    def zone(at: int | None) -> str | None:
        for _ in range(len(rows)):  # (a cycle cannot loop forever)
            if at is None or at not in rows:
                return None
            parent, code, _kind, tier = rows[at]
            if tier == Tier.ZONE.value:
                return str(code)
            at = parent
        return None

    wanted = (Tier.BIN.value, Tier.ZONE.value, Tier.AISLE.value)
    return [{"code": code, "kind": kind, "zone": zone(i)}
            for i, (_parent, code, kind, tier) in rows.items() if tier in wanted]


def vocabulary(session: Session) -> dict[str, list[dict[str, object]]]:
    """Everything a question may name: styles, SKUs, lots, bins, people, suppliers, channels."""
    return {
        "styles": [
            {"code": c, "name": n, "category": cat, "collection": col, "description": d}
            for c, n, cat, col, d in session.execute(
                select(Style.code, Style.name, Style.category, Style.collection,
                       Style.description).order_by(Style.id))
        ],
        "skus": [
            {"code": c, "style": st, "metal": m, "colour": col, "purity": p, "size": s,
             "stone": stone}
            for c, st, m, col, p, s, stone in session.execute(
                select(Sku.code, Style.code, Sku.metal, Sku.metal_colour, Sku.purity, Sku.size,
                       Sku.stone_type).join(Style, Style.id == Sku.style_id).order_by(Sku.id))
        ],
        "lots": [{"code": c, "supplier": s} for c, s in session.execute(
            select(Lot.code, Supplier.code).join(Supplier, Supplier.id == Lot.supplier_id))],
        "locations": _locations(session),
        "people": [{"username": u, "full_name": f, "role": r} for u, f, r in session.execute(
            select(User.username, User.full_name, User.role).where(User.active.is_(True)))],
        "suppliers": [{"code": c, "name": n} for c, n in session.execute(
            select(Supplier.code, Supplier.name))],
        "channels": [{"code": c} for (c,) in session.execute(
            select(SalesOrder.channel).distinct().order_by(SalesOrder.channel))],
    }

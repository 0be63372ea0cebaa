"""The demo's sales channels: a webshop, Tmall, JD and a Douyin shop, each listing a dozen of the
demo's SKUs in stock under its own ids, and a fake marketplace that plays them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.ledger.models import Balance
from core.locations.models import Kind, Location

__all__ = ["DEMO_CHANNELS", "demo_channels_document"]

#: code -> (connector type, name, safety buffer, share of free stock in %)
DEMO_CHANNELS: dict[str, tuple[str, str, int, int]] = {
    "webshop": ("generic", "Webshop", 0, 100),
    "tmall": ("taobao", "Tmall flagship store", 1, 100),
    "jd": ("jd", "JD store", 0, 50),
    "douyin": ("douyin", "Douyin shop", 1, 50),
}


def _stocked_skus(session: Session, count: int) -> list[str]:
    """Codes of the ``count`` active SKUs with the most free pieces in stock bins."""
    free = func.sum(Balance.on_hand - Balance.reserved)
    rows = session.execute(
        select(Sku.code, free)
        .join(Balance, Balance.sku_id == Sku.id)
        .join(Location, Location.id == Balance.location_id)
        .where(Sku.active.is_(True), Location.kind.in_([Kind.PICK_FACE, Kind.RESERVE, Kind.VAULT]))
        .group_by(Sku.code)
        .having(free > 0)
        .order_by(free.desc(), Sku.code)
        .limit(count)
    )
    return sorted(code for code, _ in rows)


def _external(code: str, n: int, sku: str) -> str:
    """The channel's own id for the demo's n-th listed SKU."""
    kind = DEMO_CHANNELS[code][0]
    if kind == "taobao":
        return f"{600100 + n}:{5001000 + n}"  # item id : SKU id
    if kind == "jd":
        return str(100012000 + n)
    if kind == "douyin":
        return str(3555000 + n)
    return sku  # the webshop uses Facet's codes


def demo_channels_document(
    session: Session, *, fake_port: int = 8799, count: int = 12, orders_per_minute: float = 6
) -> dict[str, Any]:
    """The demo's channels file (as YAML data): channels, listings and the fake marketplace."""
    skus = _stocked_skus(session, count)
    channels = [
        {
            "code": code,
            "type": kind,
            "name": name,
            "app_key": f"demo-{code}",
            "secret": f"demo-{code}-secret-not-for-production",
            "base_url": f"http://127.0.0.1:{fake_port}/{code}",
            "push_debounce_ms": 500,
            "safety_buffer": buffer,
            "share_pct": share,
        }
        for code, (kind, name, buffer, share) in DEMO_CHANNELS.items()
    ]
    listings = {
        code: {_external(code, n, sku): sku for n, sku in enumerate(skus)} for code in DEMO_CHANNELS
    }
    return {
        "channels": channels,
        "listings": listings,
        "fake_marketplace": {"port": fake_port, "orders_per_minute": orders_per_minute},
    }

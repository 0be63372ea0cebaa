"""Orders, SKU catalogues and slotting plans used by the simulation and the what-ifs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from twin.errors import OrderError
from twin.graph import location_node
from twin.layout import Layout
from twin.routing.tsp import distances_from

__all__ = [
    "OrderLine",
    "Order",
    "Catalogue",
    "OrderStream",
    "make_catalogue",
    "catalogue_from_orders",
    "generate_orders",
    "orders_from_data",
    "slot_random",
    "slot_by_popularity",
    "check_slotting",
    "ARRIVALS",
]

ARRIVALS = ("poisson", "wave")


@dataclass(frozen=True)
class OrderLine:
    """One SKU and how many units of it an order needs."""

    sku: str
    quantity: int = 1


@dataclass(frozen=True)
class Order:
    """A customer order released to the floor at ``release_s`` seconds into the shift."""

    id: str
    release_s: float
    lines: tuple[OrderLine, ...]


@dataclass(frozen=True)
class Catalogue:
    """SKUs with their share of order lines (``popularity`` sums to one)."""

    skus: tuple[str, ...]
    popularity: tuple[float, ...]


@dataclass(frozen=True)
class OrderStream:
    """Parameters for generating an order stream from a catalogue with a seeded generator."""

    catalogue: Catalogue
    n_orders: int = 300
    mean_lines: float = 2.0
    max_quantity: int = 3
    arrival: str = "poisson"


def make_catalogue(n_skus: int, *, skew: float = 1.0, prefix: str = "SKU") -> Catalogue:
    """A catalogue whose popularity follows a Zipf law with exponent ``skew``.

    Examples
    --------
    >>> cat = make_catalogue(3)
    >>> cat.skus, [round(p, 3) for p in cat.popularity]
    (('SKU0001', 'SKU0002', 'SKU0003'), [0.545, 0.273, 0.182])
    """
    if not isinstance(n_skus, int) or n_skus < 1:
        raise OrderError("a catalogue needs at least one SKU")
    if skew < 0:
        raise OrderError("skew must not be negative")
    weights = 1.0 / np.arange(1, n_skus + 1) ** skew
    weights /= weights.sum()
    return Catalogue(
        tuple(f"{prefix}{i + 1:04d}" for i in range(n_skus)), tuple(float(w) for w in weights)
    )


def catalogue_from_orders(orders: Iterable[Order]) -> Catalogue:
    """A catalogue of the SKUs in ``orders``, popularity being their share of order lines.

    Examples
    --------
    >>> o = [Order("1", 0, (OrderLine("a"), OrderLine("b"))), Order("2", 0, (OrderLine("a"),))]
    >>> catalogue_from_orders(o)
    Catalogue(skus=('a', 'b'), popularity=(0.6666666666666666, 0.3333333333333333))
    """
    counts: dict[str, int] = {}
    for order in orders:
        for line in order.lines:
            counts[line.sku] = counts.get(line.sku, 0) + 1
    if not counts:
        raise OrderError("no order lines to build a catalogue from")
    total = sum(counts.values())
    ranked = sorted(counts, key=lambda s: (-counts[s], s))
    return Catalogue(tuple(ranked), tuple(counts[s] / total for s in ranked))


def generate_orders(
    stream: OrderStream, rng: np.random.Generator, *, horizon_s: float
) -> list[Order]:
    """Draw an order stream: Poisson arrivals over the horizon (or a wave at time zero).

    Examples
    --------
    >>> stream = OrderStream(make_catalogue(50), n_orders=3)
    >>> orders = generate_orders(stream, np.random.default_rng(7), horizon_s=3600)
    >>> [o.id for o in orders], all(o.lines for o in orders)
    (['O00001', 'O00002', 'O00003'], True)
    """
    _check_stream(stream, horizon_s)
    cat = stream.catalogue
    if stream.arrival == "wave":
        releases = np.zeros(stream.n_orders)
    else:
        releases = np.sort(rng.uniform(0.0, horizon_s, size=stream.n_orders))
    sizes = 1 + rng.poisson(stream.mean_lines - 1.0, size=stream.n_orders)
    sizes = np.minimum(sizes, len(cat.skus))
    p = np.asarray(cat.popularity)
    orders = []
    for i in range(stream.n_orders):
        picked = rng.choice(len(cat.skus), size=int(sizes[i]), replace=False, p=p)
        qty = rng.integers(1, stream.max_quantity + 1, size=len(picked))
        lines = tuple(OrderLine(cat.skus[s], int(q)) for s, q in zip(picked, qty, strict=True))
        orders.append(Order(f"O{i + 1:05d}", float(releases[i]), lines))
    return orders


def _check_stream(stream: OrderStream, horizon_s: float) -> None:
    if stream.n_orders < 1:
        raise OrderError("n_orders must be at least one")
    if stream.mean_lines < 1:
        raise OrderError("mean_lines must be at least one")
    if stream.max_quantity < 1:
        raise OrderError("max_quantity must be at least one")
    if stream.arrival not in ARRIVALS:
        raise OrderError(f"arrival must be one of {ARRIVALS}")
    if not horizon_s > 0:
        raise OrderError("the horizon must be positive")


def orders_from_data(data: Iterable[Mapping[str, Any]]) -> list[Order]:
    """Build orders from plain data: ``{"id", "release_s", "lines": [{"sku", "quantity"}]}``.

    Examples
    --------
    >>> orders_from_data([{"id": "A", "lines": [{"sku": "X", "quantity": 2}]}])[0].lines
    (OrderLine(sku='X', quantity=2),)
    """
    orders, ids = [], set()
    for item in data:
        try:
            lines = tuple(
                OrderLine(str(ln["sku"]), int(ln.get("quantity", 1))) for ln in item["lines"]
            )
            order = Order(str(item["id"]), float(item.get("release_s", 0.0)), lines)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise OrderError(f"malformed order data: {exc!r}") from exc
        if not order.lines or any(ln.quantity < 1 for ln in order.lines):
            raise OrderError(f"order {order.id} needs lines with positive quantities")
        if order.release_s < 0 or order.id in ids:
            raise OrderError(f"order {order.id} is duplicated or released before the shift")
        ids.add(order.id)
        orders.append(order)
    return orders


def _slots(layout: Layout, catalogue: Catalogue) -> list[str]:
    codes = [loc.code for loc in layout.locations]
    if len(catalogue.skus) > len(codes):
        raise OrderError(f"{len(catalogue.skus)} SKUs do not fit in {len(codes)} locations")
    return codes


def slot_random(layout: Layout, catalogue: Catalogue, rng: np.random.Generator) -> dict[str, str]:
    """Put every SKU in a different location drawn at random."""
    codes = _slots(layout, catalogue)
    chosen = rng.choice(len(codes), size=len(catalogue.skus), replace=False)
    return {sku: codes[int(i)] for sku, i in zip(catalogue.skus, chosen, strict=True)}


def slot_by_popularity(layout: Layout, catalogue: Catalogue) -> dict[str, str]:
    """Fast movers nearest the depot (walking distance), then on the lowest levels.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> layout = generate_layout(aisles=3, bays=5, levels=2)
    >>> slot_by_popularity(layout, make_catalogue(2))
    {'SKU0001': 'A01-L01-1', 'SKU0002': 'A01-R01-1'}
    """
    codes = _slots(layout, catalogue)
    from_depot = distances_from(layout, ("depot",))
    ranked = sorted(
        codes, key=lambda c: (from_depot[location_node(layout, c)], layout.location(c).level, c)
    )
    by_rank = sorted(range(len(catalogue.skus)), key=lambda i: -catalogue.popularity[i])
    return {catalogue.skus[i]: ranked[r] for r, i in enumerate(by_rank)}


def check_slotting(layout: Layout, slotting: Mapping[str, str], orders: Iterable[Order]) -> None:
    """Raise :class:`OrderError` unless every ordered SKU has a location in ``layout``."""
    for order in orders:
        for line in order.lines:
            code = slotting.get(line.sku)
            if code is None:
                raise OrderError(f"SKU {line.sku} of order {order.id} has no location")
            if code not in layout.location_by_code:
                raise OrderError(f"SKU {line.sku} is slotted in unknown location {code}")

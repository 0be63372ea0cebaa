"""The warehouse's real order history as a what-if workload: one picked day per replication.

:func:`history_from_picks` turns pick records (as ``twin.sources.pick_records`` reads them
from the ledger) into an :class:`OrderHistory`: orders grouped by the day they were picked,
each released at the moment it was placed, counted from the day's first order. A replication
of a what-if replays one of these days (drawn with its own seeded generator), so both
scenarios walk the same real orders.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time
from typing import Any

from twin.errors import OrderError
from twin.orders import Order, OrderLine

__all__ = ["OrderHistory", "PickRecordData", "history_from_picks", "last_bins"]


@dataclass(frozen=True)
class PickRecordData:
    """One picked quantity: the order it served, the SKU, the bin it left, and when."""

    order_id: int
    order: str
    ordered_at: datetime
    sku: str
    location: str
    quantity: int
    picked_at: datetime


@dataclass(frozen=True)
class OrderHistory:
    """Real orders grouped by the day they were picked (``labels``: each day's ISO date).

    ``left_out`` counts order lines dropped by :meth:`within` (their SKU had no bin).
    """

    days: tuple[tuple[Order, ...], ...]
    labels: tuple[str, ...]
    left_out: int = 0

    @property
    def orders(self) -> list[Order]:
        """Every order of every day."""
        return [order for day in self.days for order in day]

    @property
    def n_lines(self) -> int:
        """Order lines over the whole history."""
        return sum(len(order.lines) for order in self.orders)

    @property
    def n_units(self) -> int:
        """Units picked over the whole history."""
        return sum(line.quantity for order in self.orders for line in order.lines)

    def within(self, skus: Collection[str]) -> OrderHistory:
        """The history without the lines of SKUs outside ``skus`` (empty orders and days go).

        Examples
        --------
        >>> h = OrderHistory(((Order("1", 0.0, (OrderLine("a"), OrderLine("b"))),),), ("d",))
        >>> kept = h.within({"a"})
        >>> kept.n_lines, kept.left_out
        (1, 1)
        """
        days, labels, dropped = [], [], 0
        for day, label in zip(self.days, self.labels, strict=True):
            kept = []
            for order in day:
                lines = tuple(line for line in order.lines if line.sku in skus)
                dropped += len(order.lines) - len(lines)
                if lines:
                    kept.append(replace(order, lines=lines))
            if kept:
                days.append(tuple(kept))
                labels.append(label)
        return OrderHistory(tuple(days), tuple(labels), self.left_out + dropped)


def _record(raw: Any) -> PickRecordData:
    # Any: the values are checked by the conversions and isinstance tests below.
    get: Callable[[str], Any] = (
        raw.get if isinstance(raw, Mapping) else (lambda k: getattr(raw, k, None))
    )
    try:
        record = PickRecordData(int(get("order_id")), str(get("order")), get("ordered_at"),
                                str(get("sku")), str(get("location")), int(get("quantity")),
                                get("picked_at"))
    except (TypeError, ValueError) as exc:
        raise OrderError(f"malformed pick record {raw!r}: {exc}") from exc
    if not isinstance(record.ordered_at, datetime) or not isinstance(record.picked_at, datetime):
        raise OrderError(f"pick record {raw!r} needs datetimes ordered_at and picked_at")
    if record.quantity < 1:
        raise OrderError(f"pick record {raw!r} has no quantity")
    return record


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def history_from_picks(picks: Iterable[Any]) -> OrderHistory:
    """Orders rebuilt from pick records (objects or mappings), grouped by their first pick's day.

    An order's lines are its SKUs in the order first picked, quantities summed; it is released
    when it was placed (or as its pick day opens, when placed on an earlier day), in seconds
    since the day's first release.

    Examples
    --------
    >>> at = lambda h, m=0: datetime(2026, 3, 2, h, m, tzinfo=UTC)
    >>> picks = [{"order_id": 1, "order": "W-1", "ordered_at": at(9), "sku": "R1",
    ...           "location": "A-1", "quantity": 1, "picked_at": at(17)},
    ...          {"order_id": 2, "order": "W-2", "ordered_at": at(9, 30), "sku": "R1",
    ...           "location": "A-1", "quantity": 2, "picked_at": at(17, 5)}]
    >>> h = history_from_picks(picks)
    >>> h.labels, [(o.id, o.release_s, o.lines[0].quantity) for o in h.days[0]]
    (('2026-03-02',), [('W-1', 0.0, 1), ('W-2', 1800.0, 2)])
    """
    by_order: dict[int, list[PickRecordData]] = {}
    for record in sorted((_record(p) for p in picks), key=lambda r: (_utc(r.picked_at), r.sku)):
        by_order.setdefault(record.order_id, []).append(record)
    by_day: dict[str, list[tuple[datetime, str, tuple[OrderLine, ...]]]] = {}
    names: set[str] = set()
    for order_id, records in by_order.items():
        day = _utc(records[0].picked_at).date()
        opens = datetime.combine(day, time(), tzinfo=UTC)
        units: dict[str, int] = {}
        for r in records:
            units[r.sku] = units.get(r.sku, 0) + r.quantity
        name = records[0].order
        name = f"{name}#{order_id}" if name in names else name  # numbers repeat across channels
        names.add(name)
        lines = tuple(OrderLine(sku, qty) for sku, qty in units.items())
        by_day.setdefault(day.isoformat(), []).append(
            (max(_utc(records[0].ordered_at), opens), name, lines))
    days = []
    for label in sorted(by_day):
        placed = sorted(by_day[label])
        first = placed[0][0]
        days.append(tuple(Order(name, (at - first).total_seconds(), lines)
                          for at, name, lines in placed))
    return OrderHistory(tuple(days), tuple(sorted(by_day)))


def last_bins(picks: Iterable[Any]) -> dict[str, str]:
    """Each SKU's bin of its latest pick (where it was kept, for SKUs no longer in stock).

    Examples
    --------
    >>> at = datetime(2026, 3, 2, tzinfo=UTC)
    >>> last_bins([{"order_id": 1, "order": "1", "ordered_at": at, "sku": "R1",
    ...             "location": "A-1", "quantity": 1, "picked_at": at}])
    {'R1': 'A-1'}
    """
    bins: dict[str, tuple[datetime, str]] = {}
    for record in map(_record, picks):
        at = _utc(record.picked_at)
        if record.sku not in bins or at >= bins[record.sku][0]:
            bins[record.sku] = (at, record.location)
    return {sku: code for sku, (_at, code) in sorted(bins.items())}

"""A live mirror of the floor: stock per location and where each picker last picked.

The mirror consumes plain event records (:class:`LocationEvent` or a mapping with the same
keys). The web layer subscribes it to the core's events; the twin never imports the core.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from twin.errors import MirrorError, NegativeOccupancyError
from twin.layout import Layout

__all__ = ["LocationEvent", "PickerPosition", "LiveMirror", "event_from_mapping"]


@dataclass(frozen=True)
class LocationEvent:
    """Stock at ``location`` changed by ``quantity_delta`` units of ``sku``.

    A negative delta with a ``picker_id`` is a confirmed pick by that picker.
    ``timestamp`` must be timezone-aware.
    """

    location: str
    sku: str
    quantity_delta: float
    timestamp: datetime
    picker_id: str | None = None


@dataclass(frozen=True)
class PickerPosition:
    """Where a picker last confirmed a pick."""

    picker_id: str
    location: str
    x: float
    y: float
    z: float
    timestamp: datetime


def event_from_mapping(data: Mapping[str, Any]) -> LocationEvent:
    """Build a :class:`LocationEvent` from a plain record (ISO 8601 timestamps accepted).

    Examples
    --------
    >>> e = event_from_mapping({"location": "A01-L01-1", "sku": "R1", "quantity_delta": -1,
    ...                         "picker_id": "p7", "timestamp": "2024-05-01T08:00:00Z"})
    >>> e.quantity_delta, e.timestamp.tzinfo is not None
    (-1.0, True)
    """
    try:
        stamp = data["timestamp"]
        if isinstance(stamp, str):
            stamp = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        picker = data.get("picker_id")
        return LocationEvent(
            str(data["location"]),
            str(data["sku"]),
            float(data["quantity_delta"]),
            stamp,
            None if picker is None else str(picker),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise MirrorError(f"malformed event record: {exc!r}") from exc


class LiveMirror:
    """Occupancy per location and pickers' last confirmed positions, fed by events.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from twin.generate import generate_layout
    >>> mirror = LiveMirror(generate_layout(aisles=2, bays=2, levels=1))
    >>> t = datetime(2024, 5, 1, 8, tzinfo=timezone.utc)
    >>> mirror.apply(LocationEvent("A01-L01-1", "R1", 3, t))
    >>> mirror.apply({"location": "A01-L01-1", "sku": "R1", "quantity_delta": -1,
    ...               "picker_id": "p7", "timestamp": t})
    >>> mirror.occupancy()["A01-L01-1"], mirror.picker_positions()["p7"].location
    (2.0, 'A01-L01-1')
    """

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self._stock: dict[str, dict[str, float]] = {}
        self._pickers: dict[str, PickerPosition] = {}
        self.events_applied = 0

    def load_snapshot(self, balances: Iterable[tuple[str, str, float]]) -> None:
        """Replace the stock with ``(location, sku, quantity)`` balances from the core."""
        stock: dict[str, dict[str, float]] = {}
        for code, sku, qty in balances:
            self.layout.location(code)
            if qty < 0:
                raise NegativeOccupancyError(f"snapshot has negative stock at {code}")
            if qty:
                skus = stock.setdefault(code, {})
                skus[sku] = skus.get(sku, 0.0) + qty
        self._stock = stock

    def apply(self, event: LocationEvent | Mapping[str, Any]) -> None:
        """Apply one event; an invalid one raises and leaves the mirror unchanged."""
        if not isinstance(event, LocationEvent):
            event = event_from_mapping(event)
        self._check(event)
        skus = self._stock.setdefault(event.location, {})
        new = skus.get(event.sku, 0.0) + event.quantity_delta
        if abs(new) < 1e-9:
            skus.pop(event.sku, None)
        else:
            skus[event.sku] = new
        if not skus:
            del self._stock[event.location]
        if event.picker_id is not None and event.quantity_delta < 0:
            self._move_picker(event)
        self.events_applied += 1

    def apply_all(self, events: Iterable[LocationEvent | Mapping[str, Any]]) -> None:
        """Apply events in order."""
        for event in events:
            self.apply(event)

    def _check(self, event: LocationEvent) -> None:
        self.layout.location(event.location)  # raises UnknownLocationError
        if event.timestamp.tzinfo is None:
            raise MirrorError("event timestamps must be timezone-aware")
        held = self._stock.get(event.location, {}).get(event.sku, 0.0)
        if held + event.quantity_delta < -1e-9:
            raise NegativeOccupancyError(
                f"{event.location} holds {held:g} of {event.sku}; cannot apply "
                f"{event.quantity_delta:g}"
            )

    def _move_picker(self, event: LocationEvent) -> None:
        assert event.picker_id is not None
        last = self._pickers.get(event.picker_id)
        if last is not None and last.timestamp > event.timestamp:
            return  # a late, older event must not move the picker back
        self._place(event.picker_id, event.location, event.timestamp)

    def _place(self, picker: str, code: str, stamp: datetime) -> None:
        """Put ``picker`` at location ``code`` (its coordinates from the layout) as of ``stamp``."""
        loc = self.layout.location(code)
        self._pickers[picker] = PickerPosition(
            picker, loc.code, loc.x, loc.y, loc.z, stamp.astimezone(UTC)
        )

    def occupancy(self) -> dict[str, float]:
        """Units held per location (locations holding nothing are left out)."""
        return {code: sum(skus.values()) for code, skus in sorted(self._stock.items())}

    def stock_at(self, code: str) -> dict[str, float]:
        """Units per SKU held at location ``code``."""
        self.layout.location(code)
        return dict(self._stock.get(code, {}))

    def picker_positions(self) -> dict[str, PickerPosition]:
        """Each picker's last confirmed pick position."""
        return dict(self._pickers)

    def restore_pickers(self, positions: Iterable[tuple[str, str, datetime]]) -> None:
        """Seed pickers' positions from ``(picker, location, timestamp)`` kept elsewhere.

        A position older than the one the mirror holds, or at a location the layout does not
        have (any more), is skipped; coordinates come from this mirror's layout.

        Examples
        --------
        >>> from datetime import datetime, timezone
        >>> from twin.generate import generate_layout
        >>> mirror = LiveMirror(generate_layout(aisles=2, bays=2, levels=1))
        >>> t = datetime(2024, 5, 1, 8, tzinfo=timezone.utc)
        >>> mirror.restore_pickers([("p7", "A01-L01-1", t), ("p8", "NOWHERE", t)])
        >>> sorted(mirror.picker_positions())
        ['p7']
        """
        codes = {loc.code for loc in self.layout.locations}
        for picker, code, stamp in positions:
            last = self._pickers.get(picker)
            if code not in codes or (last is not None and last.timestamp >= stamp):
                continue
            self._place(picker, code, stamp)

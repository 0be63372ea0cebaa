"""Build a twin layout from the warehouse's own locations, and read its order history.

This is the one twin module allowed to read the core: :func:`layout_from_core` reads the bins
through ``core.warehouse_bins``, :func:`pick_records` the ledger's pick moves of a period and
:func:`slotting_today` where each SKU is kept now. :func:`layout_from_locations` takes any
iterable of plain location records (objects or mappings with ``code``, ``kind``, ``aisle``, ``bay``,
``level``, ``x``, ``y``, ``z``) and infers aisles, blocks, cross aisles, the depot (the
packing location) and the vault zone.
Aisles must run along ``y``; the records' coordinates are metres.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from twin.errors import LayoutError
from twin.layout import Aisle, CrossAisle, Layout, Location, Point, Zone

__all__ = [
    "LocationRecord",
    "LocationRecordData",
    "layout_from_core",
    "layout_from_locations",
    "pick_records",
    "slotting_today",
    "PICKABLE_KINDS",
]

PICKABLE_KINDS = frozenset({"pick_face", "reserve", "vault"})


@runtime_checkable
class LocationRecord(Protocol):
    """What the twin needs to know about one warehouse location."""

    code: str
    kind: str
    aisle: str | None
    bay: int | None
    level: int | None
    x: float
    y: float
    z: float


@dataclass(frozen=True)
class LocationRecordData:
    """A plain :class:`LocationRecord`, for callers that do not have one of their own."""

    code: str
    kind: str
    aisle: str | None
    bay: int | None
    level: int | None
    x: float
    y: float
    z: float


def _record(raw: LocationRecord | Mapping[str, Any]) -> LocationRecordData:
    # Any: the values are checked by the conversions below (TypeError/ValueError).
    get: Callable[[str], Any] = (
        raw.get if isinstance(raw, Mapping) else (lambda k: getattr(raw, k, None))
    )
    try:
        aisle, bay, level = get("aisle"), get("bay"), get("level")
        return LocationRecordData(
            str(get("code")),
            str(get("kind")),
            None if aisle is None else str(aisle),
            None if bay is None else int(bay),
            None if level is None else int(level),
            float(get("x")),
            float(get("y")),
            float(get("z") or 0.0),
        )
    except (TypeError, ValueError) as exc:
        raise LayoutError(f"malformed location record {raw!r}: {exc}") from exc


def _median_step(values: Iterable[Iterable[float]], default: float) -> float:
    steps = []
    for group in values:
        ordered = sorted({round(v, 6) for v in group})
        steps += [b - a for a, b in zip(ordered, ordered[1:], strict=False) if b - a > 1e-6]
    return statistics.median(steps) if steps else default


def _rows(ys: list[float], gap: float) -> list[tuple[float, float]]:
    """Bands of ``y`` separated by more than ``gap`` (the blocks), as (min y, max y)."""
    ordered = sorted(ys)
    rows = [[ordered[0], ordered[0]]]
    for y in ordered[1:]:
        if y - rows[-1][1] > gap:
            rows.append([y, y])
        else:
            rows[-1][1] = y
    return [(lo, hi) for lo, hi in rows]


def layout_from_locations(
    records: Iterable[LocationRecord | Mapping[str, Any]],
    *,
    name: str = "warehouse",
    cross_aisle_width: float = 2.0,
    rack_depth: float = 0.6,
    aisle_width: float | None = None,
    narrow_below: float = 1.5,
) -> Layout:
    """Infer a layout from location records.

    Examples
    --------
    >>> recs = [{"code": "PACK", "kind": "packing", "aisle": None, "bay": None,
    ...          "level": None, "x": 1.0, "y": 0.0, "z": 0.0}]
    >>> recs += [{"code": f"{a}-{b}{s}", "kind": "pick_face", "aisle": a, "bay": b,
    ...           "level": 1, "x": x + s, "y": 1.5 + b, "z": 0.2}
    ...          for a, x in (("A", 1.0), ("B", 4.0)) for b in range(3) for s in (-1, 1)]
    >>> layout = layout_from_locations(recs)
    >>> [(a.id, a.x, a.narrow) for a in layout.aisles], layout.depot
    ([('A', 1.0, True), ('B', 4.0, True)], Point(x=1.0, y=0.0))
    """
    recs = [_record(r) for r in records]
    packing = [r for r in recs if r.kind == "packing"]
    if not packing:
        raise LayoutError("no packing location: the depot cannot be placed")
    picks = [r for r in recs if r.kind in PICKABLE_KINDS and r.aisle is not None]
    if not picks:
        raise LayoutError("no pickable location with an aisle")
    by_aisle: dict[str, list[LocationRecordData]] = {}
    for r in picks:
        by_aisle.setdefault(str(r.aisle), []).append(r)
    _check_orientation(by_aisle)
    bay_width = _median_step(([r.y for r in rs] for rs in by_aisle.values()), 1.0)
    level_height = _median_step(([r.z for r in rs] for rs in by_aisle.values()), 0.4)
    rows = _rows([r.y for r in picks], gap=2.5 * bay_width)
    cross_ys = _cross_ys(rows, bay_width, cross_aisle_width)
    depot = Point(statistics.fmean(r.x for r in packing), statistics.fmean(r.y for r in packing))
    aisles, locations = _aisles(by_aisle, rows, cross_ys, rack_depth, aisle_width, narrow_below)
    xs = [a.x for a in aisles] + [depot.x]
    cross = tuple(
        CrossAisle(k, y, min(xs), max(xs), cross_aisle_width) for k, y in enumerate(cross_ys)
    )
    return Layout(
        name=name,
        aisles=tuple(aisles),
        cross_aisles=cross,
        locations=tuple(locations),
        depot=depot,
        vault=_vault(picks, rack_depth),
        rack_depth=rack_depth,
        bay_width=bay_width,
        level_height=level_height,
        packing_desks=len(packing),
        metadata={"source": "locations"},
    )


def _check_orientation(by_aisle: Mapping[str, list[LocationRecordData]]) -> None:
    votes = 0
    for rs in by_aisle.values():
        span_x = max(r.x for r in rs) - min(r.x for r in rs)
        span_y = max(r.y for r in rs) - min(r.y for r in rs)
        votes += (span_y >= span_x) - (span_x > span_y)
    if votes < 0:
        raise LayoutError("aisles run along x; the twin expects aisles along y (swap x and y)")


def _cross_ys(rows: list[tuple[float, float]], bay_width: float, width: float) -> list[float]:
    half = bay_width / 2
    ys = [rows[0][0] - half - width / 2]
    ys += [(rows[r - 1][1] + rows[r][0]) / 2 for r in range(1, len(rows))]
    ys.append(rows[-1][1] + half + width / 2)
    return [round(y, 6) for y in ys]


def _aisles(
    by_aisle: Mapping[str, list[LocationRecordData]],
    rows: list[tuple[float, float]],
    cross_ys: list[float],
    rack_depth: float,
    aisle_width: float | None,
    narrow_below: float,
) -> tuple[list[Aisle], list[Location]]:
    aisles, locations = [], []
    for label, rs in sorted(by_aisle.items()):
        per_row: dict[int, list[LocationRecordData]] = {}
        for r in rs:
            row = next(i for i, (lo, hi) in enumerate(rows) if lo - 1e-9 <= r.y <= hi + 1e-9)
            per_row.setdefault(row, []).append(r)
        for row, group in sorted(per_row.items()):
            aisle_id = label if len(per_row) == 1 else f"{label}/{row + 1}"
            lo_x, hi_x = min(r.x for r in group), max(r.x for r in group)
            x = round((lo_x + hi_x) / 2, 6)
            width = (
                aisle_width
                if aisle_width is not None
                else (hi_x - lo_x - rack_depth if hi_x - lo_x > rack_depth else narrow_below)
            )
            aisles.append(
                Aisle(
                    aisle_id, row, x, cross_ys[row], cross_ys[row + 1], width, width < narrow_below
                )
            )
            locations += [
                Location(
                    r.code,
                    aisle_id,
                    r.x,
                    r.y,
                    r.z,
                    r.bay or 0,
                    r.level or 0,
                    "left" if r.x <= x else "right",
                    r.kind,
                )
                for r in group
            ]
    seen: set[tuple[int, int]] = set()
    for a in aisles:
        key = (a.block, round(a.x * 1000))
        if key in seen:
            raise LayoutError(f"two aisles of block {a.block} share x = {a.x} m")
        seen.add(key)
    return aisles, locations


def _vault(picks: list[LocationRecordData], rack_depth: float) -> Zone | None:
    vault = [r for r in picks if r.kind == "vault"]
    if not vault:
        return None
    pad = rack_depth / 2
    return Zone(
        "vault",
        min(r.x for r in vault) - pad,
        min(r.y for r in vault) - pad,
        max(r.x for r in vault) + pad,
        max(r.y for r in vault) + pad,
    )


def layout_from_core(db: Any, *, name: str = "warehouse") -> Layout:
    """The layout of the warehouse in the core database ``db`` (a ``core.Database``)."""
    from core import warehouse_bins

    return layout_from_locations(warehouse_bins(db), name=name)


def pick_records(db: Any, *, since: datetime, until: datetime) -> list[Any]:
    """The ledger's pick moves for sales orders in ``[since, until)`` (``core.reports``'
    ``PickedUnit`` rows: order, SKU, bin, quantity, when), for ``twin.history``."""
    from core.reports import picked_units

    with db.read() as session:
        return list(picked_units(session, since=since, until=until))


def slotting_today(db: Any, layout: Layout, fallback: Mapping[str, str]) -> dict[str, str]:
    """SKU -> the layout's bin holding most of it now; SKUs out of stock keep their bin in
    ``fallback`` (where they were last picked) when the layout has it."""
    from core.ledger import positive_balances

    codes = layout.location_by_code
    with db.read() as session:
        rows = positive_balances(session, locations=codes)
    units: dict[tuple[str, str], int] = {}
    for row in rows:  # one row per lot: a bin's lots are summed
        units[row.sku, row.location] = units.get((row.sku, row.location), 0) + row.on_hand
    best: dict[str, tuple[int, str]] = {}
    for (sku, code), qty in sorted(units.items()):  # ties: the first bin code wins
        if sku not in best or qty > best[sku][0]:
            best[sku] = (qty, code)
    slotting = {sku: code for sku, code in fallback.items() if code in codes}
    slotting.update({sku: code for sku, (_qty, code) in best.items()})
    return slotting

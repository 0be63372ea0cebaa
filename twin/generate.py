"""Generators for common layout shapes: one block, or several blocks split by cross aisles."""

from __future__ import annotations

from dataclasses import dataclass

from twin.errors import LayoutError
from twin.layout import Aisle, CrossAisle, Layout, Location, Point, Zone

__all__ = [
    "LayoutSpec",
    "generate_layout",
    "layout_from_spec",
    "named_layout",
    "NAMED_LAYOUTS",
    "DEPOT_POSITIONS",
]

DEPOT_POSITIONS = ("left", "centre", "right")


@dataclass(frozen=True)
class LayoutSpec:
    """Parameters of a generated layout; lengths in metres.

    ``bays`` is the number of bays on each side of an aisle in one block; ``narrow`` is
    decided by ``aisle_width < narrow_below`` unless forced with ``narrow``.
    """

    blocks: int = 1
    aisles: int = 10
    bays: int = 20
    levels: int = 4
    bay_width: float = 1.0
    aisle_width: float = 1.2
    rack_depth: float = 0.6
    level_height: float = 0.4
    cross_aisle_width: float = 2.0
    narrow_below: float = 1.5
    narrow: bool | None = None
    depot: str = "left"
    depot_offset: float = 0.0
    vault_aisles: int = 0
    packing_desks: int = 2
    name: str = "generated"


def generate_layout(**params: object) -> Layout:
    """Generate a layout from keyword parameters of :class:`LayoutSpec`.

    Examples
    --------
    >>> layout = generate_layout(blocks=2, aisles=4, bays=5, levels=3, depot="centre")
    >>> len(layout.aisles), len(layout.cross_aisles), len(layout.locations)
    (8, 3, 240)
    >>> layout.location("A01-L01-1").aisle
    'A01'
    """
    try:
        spec = LayoutSpec(**params)  # type: ignore[arg-type]
    except TypeError as exc:
        raise LayoutError(f"unknown layout parameter: {exc}") from exc
    return layout_from_spec(spec)


def layout_from_spec(spec: LayoutSpec) -> Layout:
    """Build the layout described by ``spec``; raise :class:`LayoutError` on bad parameters."""
    _check_spec(spec)
    pitch = spec.aisle_width + 2 * spec.rack_depth
    first_x = spec.rack_depth + spec.aisle_width / 2
    xs = [round(first_x + i * pitch, 6) for i in range(spec.aisles)]
    depot_x = round({"left": xs[0], "centre": (xs[0] + xs[-1]) / 2, "right": xs[-1]}[spec.depot], 6)
    block_len = spec.bays * spec.bay_width
    cross_ys = [
        round(spec.cross_aisle_width / 2 + k * (block_len + spec.cross_aisle_width), 6)
        for k in range(spec.blocks + 1)
    ]
    cross = tuple(
        CrossAisle(k, y, xs[0], xs[-1], spec.cross_aisle_width) for k, y in enumerate(cross_ys)
    )
    narrow = spec.aisle_width < spec.narrow_below if spec.narrow is None else spec.narrow
    vault = _vault_zone(spec, xs, cross_ys)
    aisles: list[Aisle] = []
    locations: list[Location] = []
    for block in range(spec.blocks):
        for i, x in enumerate(xs):
            aisle = Aisle(
                _aisle_id(block, i),
                block,
                x,
                cross_ys[block],
                cross_ys[block + 1],
                spec.aisle_width,
                narrow,
            )
            aisles.append(aisle)
            locations.extend(_aisle_locations(spec, aisle, vault))
    return Layout(
        name=spec.name,
        aisles=tuple(aisles),
        cross_aisles=cross,
        locations=tuple(locations),
        depot=Point(depot_x, cross_ys[0] - spec.depot_offset),
        vault=vault,
        rack_depth=spec.rack_depth,
        bay_width=spec.bay_width,
        level_height=spec.level_height,
        packing_desks=spec.packing_desks,
        metadata={"generator": "twin.generate", "spec": vars(spec).copy()},
    )


def _check_spec(spec: LayoutSpec) -> None:
    counts = {
        "blocks": spec.blocks,
        "aisles": spec.aisles,
        "bays": spec.bays,
        "levels": spec.levels,
        "packing_desks": spec.packing_desks,
    }
    for name, value in counts.items():
        if not isinstance(value, int) or value < 1:
            raise LayoutError(f"{name} must be a positive integer, got {value!r}")
    if spec.blocks > 26 or spec.aisles > 99 or spec.bays > 999:
        raise LayoutError("at most 26 blocks, 99 aisles per block and 999 bays per aisle")
    lengths = {
        "bay_width": spec.bay_width,
        "aisle_width": spec.aisle_width,
        "rack_depth": spec.rack_depth,
        "level_height": spec.level_height,
        "cross_aisle_width": spec.cross_aisle_width,
    }
    for name, length in lengths.items():
        if not length > 0:
            raise LayoutError(f"{name} must be positive, got {length!r}")
    if spec.depot not in DEPOT_POSITIONS:
        raise LayoutError(f"depot must be one of {DEPOT_POSITIONS}, got {spec.depot!r}")
    if spec.depot_offset < 0:
        raise LayoutError("depot_offset must not be negative")
    if not 0 <= spec.vault_aisles <= spec.aisles:
        raise LayoutError("vault_aisles must be between 0 and the number of aisles")


def _aisle_id(block: int, index: int) -> str:
    return f"{chr(ord('A') + block)}{index + 1:02d}"


def _vault_zone(spec: LayoutSpec, xs: list[float], cross_ys: list[float]) -> Zone | None:
    """The vault holds the right-most ``vault_aisles`` aisles of the back block."""
    if spec.vault_aisles == 0:
        return None
    half = spec.aisle_width / 2 + spec.rack_depth
    first = xs[len(xs) - spec.vault_aisles]
    return Zone("vault", first - half, cross_ys[-2], xs[-1] + half, cross_ys[-1])


def _aisle_locations(spec: LayoutSpec, aisle: Aisle, vault: Zone | None) -> list[Location]:
    """Two rack faces per aisle, ``bays`` bays deep and ``levels`` levels high."""
    offset = spec.aisle_width / 2 + spec.rack_depth / 2
    first_y = aisle.y_start + spec.cross_aisle_width / 2
    locations = []
    for side, sign in (("L", -1.0), ("R", 1.0)):
        for bay in range(spec.bays):
            y = first_y + (bay + 0.5) * spec.bay_width
            x = aisle.x + sign * offset
            in_vault = vault is not None and vault.contains(x, y)
            for level in range(spec.levels):
                locations.append(
                    Location(
                        code=f"{aisle.id}-{side}{bay + 1:02d}-{level + 1}",
                        aisle=aisle.id,
                        x=round(x, 6),
                        y=round(y, 6),
                        z=round((level + 0.5) * spec.level_height, 6),
                        bay=bay + 1,
                        level=level + 1,
                        side="left" if sign < 0 else "right",
                        kind="vault" if in_vault else "pick_face",
                    )
                )
    return locations


NAMED_LAYOUTS: dict[str, LayoutSpec] = {
    "small": LayoutSpec(aisles=4, bays=10, levels=3, name="small"),
    "single-block": LayoutSpec(aisles=10, bays=20, levels=4, name="single-block"),
    "wide-aisles": LayoutSpec(aisles=10, bays=20, levels=4, aisle_width=2.4, name="wide-aisles"),
    "two-blocks": LayoutSpec(blocks=2, aisles=10, bays=10, levels=4, name="two-blocks"),
    "three-blocks": LayoutSpec(
        blocks=3, aisles=10, bays=7, levels=4, depot="centre", name="three-blocks"
    ),
    "vault": LayoutSpec(aisles=8, bays=15, levels=5, vault_aisles=2, name="vault"),
}


def named_layout(name: str) -> Layout:
    """One of the ready-made :data:`NAMED_LAYOUTS`.

    Examples
    --------
    >>> named_layout("two-blocks").blocks
    2
    """
    spec = NAMED_LAYOUTS.get(name)
    if spec is None:
        raise LayoutError(f"unknown named layout {name!r}; choose from {sorted(NAMED_LAYOUTS)}")
    return layout_from_spec(spec)

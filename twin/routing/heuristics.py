"""Classic routing heuristics: S-shape, return, midpoint, largest gap and combined.

On a single-block layout they are the textbook methods (Hall 1993; Roodbergen and de Koster
2001): the picker sweeps the aisles that hold picks, starting from the end nearer the depot.
On multi-block layouts each block is routed the same way, seen from its cross aisle nearer
the depot, blocks from the farthest to the nearest, joined by shortest paths.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from twin.errors import RoutingMethodError
from twin.graph import junction
from twin.layout import Layout
from twin.routing.common import PickPoint, Route, Walk

__all__ = ["HEURISTICS", "heuristic_route"]

HEURISTICS = ("s-shape", "return", "midpoint", "largest-gap", "combined")


@dataclass(frozen=True)
class _Band:
    """One block seen from its depot-facing ("front") cross aisle."""

    front_k: int
    back_k: int
    front_y: float
    back_y: float

    @property
    def depth(self) -> float:
        return abs(self.back_y - self.front_y)

    def depth_of(self, point: PickPoint) -> float:
        return abs(point.y - self.front_y)


@dataclass(frozen=True)
class _Column:
    x: float
    picks: tuple[PickPoint, ...]  # sorted from the front side to the back side


def heuristic_route(layout: Layout, picks: Sequence[PickPoint], method: str) -> Route:
    """Route resolved ``picks`` with one of :data:`HEURISTICS`.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> from twin.routing.common import resolve_picks
    >>> layout = generate_layout(aisles=3, bays=10, levels=1)
    >>> picks = resolve_picks(layout, ["A01-L05-1", "A03-R02-1"])
    >>> round(heuristic_route(layout, picks, "s-shape").length, 6)
    33.6
    """
    plan = _PLANS.get(method)
    if plan is None:
        raise RoutingMethodError(f"unknown heuristic {method!r}; choose from {HEURISTICS}")
    walk = Walk(layout)
    for band, columns in _bands(layout, picks):
        here = walk.points[-1][0]
        if abs(columns[-1].x - here) < abs(columns[0].x - here):
            columns = columns[::-1]
        walk.travel(junction(band.front_k, columns[0].x))
        plan(walk, band, columns)
    return walk.finish(method)


def _bands(layout: Layout, picks: Sequence[PickPoint]) -> list[tuple[_Band, list[_Column]]]:
    """Blocks that hold picks, farthest from the depot first, with their pick columns."""
    k_depot = layout.depot_cross_aisle
    by_block: dict[int, dict[float, list[PickPoint]]] = {}
    for p in picks:
        by_block.setdefault(p.block, {}).setdefault(p.x, []).append(p)
    result = []
    for block, by_x in by_block.items():
        front_k, back_k = (block + 1, block) if block < k_depot else (block, block + 1)
        band = _Band(front_k, back_k, layout.cross_aisles[front_k].y, layout.cross_aisles[back_k].y)
        columns = [
            _Column(x, tuple(sorted(ps, key=band.depth_of))) for x, ps in sorted(by_x.items())
        ]
        result.append((abs(front_k - k_depot), block, band, columns))
    result.sort(key=lambda item: (-item[0], item[1]))
    return [(band, columns) for _, _, band, columns in result]


def _end(walk: Walk, band: _Band, col: _Column, front: bool) -> None:
    """Walk along the front or back cross aisle to the end of ``col``."""
    k, y = (band.front_k, band.front_y) if front else (band.back_k, band.back_y)
    walk.to(col.x, y, junction(k, col.x))


def _traverse(walk: Walk, band: _Band, col: _Column, from_front: bool) -> None:
    """Walk the whole aisle from one cross aisle to the other, picking on the way."""
    for p in col.picks if from_front else col.picks[::-1]:
        walk.pick(p)
    _end(walk, band, col, not from_front)


def _visit_and_return(
    walk: Walk, band: _Band, col: _Column, picks: Sequence[PickPoint], front: bool
) -> None:
    """Enter the aisle from one end, pick ``picks`` and come back out the same end."""
    for p in sorted(picks, key=band.depth_of, reverse=not front):
        walk.pick(p)
    _end(walk, band, col, front)


def _s_shape(walk: Walk, band: _Band, columns: list[_Column]) -> None:
    at_front = True
    for i, col in enumerate(columns):
        _end(walk, band, col, at_front)
        if i == len(columns) - 1 and at_front:
            _visit_and_return(walk, band, col, col.picks, front=True)
        else:
            _traverse(walk, band, col, from_front=at_front)
            at_front = not at_front


def _return(walk: Walk, band: _Band, columns: list[_Column]) -> None:
    for col in columns:
        _end(walk, band, col, True)
        _visit_and_return(walk, band, col, col.picks, front=True)


Split = Callable[[_Band, _Column], tuple[Sequence[PickPoint], Sequence[PickPoint]]]


def _split_route(walk: Walk, band: _Band, columns: list[_Column], split: Split) -> None:
    """First and last pick aisles traversed; the others entered from both cross aisles."""
    if len(columns) == 1:
        _return(walk, band, columns)
        return
    first, *middle, last = columns
    parts = [split(band, col) for col in middle]
    _end(walk, band, first, True)
    _traverse(walk, band, first, from_front=True)
    for col, (_, back) in zip(middle, parts, strict=True):
        if back:
            _end(walk, band, col, False)
            _visit_and_return(walk, band, col, back, front=False)
    _end(walk, band, last, False)
    _traverse(walk, band, last, from_front=False)
    for col, (front, _) in reversed(list(zip(middle, parts, strict=True))):
        if front:
            _end(walk, band, col, True)
            _visit_and_return(walk, band, col, front, front=True)


def _midpoint_split(band: _Band, col: _Column) -> tuple[list[PickPoint], list[PickPoint]]:
    half = band.depth / 2
    front = [p for p in col.picks if band.depth_of(p) <= half]
    return front, [p for p in col.picks if band.depth_of(p) > half]


def _largest_gap_split(band: _Band, col: _Column) -> tuple[list[PickPoint], list[PickPoint]]:
    depths = [0.0, *(band.depth_of(p) for p in col.picks), band.depth]
    gaps = [b - a for a, b in zip(depths, depths[1:], strict=False)]
    cut = max(range(len(gaps)), key=lambda i: (gaps[i], -i))
    return list(col.picks[:cut]), list(col.picks[cut:])


def _combined(walk: Walk, band: _Band, columns: list[_Column]) -> None:
    """Each pick aisle once, traversed or returned, decided by dynamic programming."""
    inf = float("inf")
    cost = [0.0, inf]  # index 0: at the front cross aisle, 1: at the back
    choices: list[list[tuple[int, bool]]] = []
    for col in columns:
        ret = [2 * band.depth_of(col.picks[-1]), 2 * (band.depth - band.depth_of(col.picks[0]))]
        new, choice = [inf, inf], [(0, False), (0, False)]
        for side in (0, 1):
            for traverse, end, step in ((False, side, ret[side]), (True, 1 - side, band.depth)):
                if cost[side] + step < new[end]:
                    new[end], choice[end] = cost[side] + step, (side, traverse)
        choices.append(choice)
        cost = new
    plan, state = [], 0
    for choice in reversed(choices):
        side, traverse = choice[state]
        plan.append((side, traverse))
        state = side
    for col, (side, traverse) in zip(columns, reversed(plan), strict=True):
        _end(walk, band, col, side == 0)
        if traverse:
            _traverse(walk, band, col, from_front=side == 0)
        else:
            _visit_and_return(walk, band, col, col.picks, front=side == 0)


_PLANS: dict[str, Callable[[Walk, _Band, list[_Column]], None]] = {
    "s-shape": _s_shape,
    "return": _return,
    "midpoint": lambda w, b, c: _split_route(w, b, c, _midpoint_split),
    "largest-gap": lambda w, b, c: _split_route(w, b, c, _largest_gap_split),
    "combined": _combined,
}

"""Shared pieces of routing: the route result, pick-list resolution and the walk builder."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from twin.errors import NoRouteError, UnknownLocationError
from twin.graph import DEPOT, Node, depot_attachment, location_node, network, path_points
from twin.graph import shortest_path as graph_shortest_path
from twin.layout import Layout

__all__ = ["Route", "PickPoint", "resolve_picks", "Walk", "validate_codes", "route_from_nodes"]

# Where a walk stands off the graph: ("@", x, y) after a straight step between centre lines.
_FreePoint = tuple[str, float, float]


@dataclass(frozen=True)
class Route:
    """A picking tour from the depot and back.

    ``path`` is the walked polyline (axis-parallel segments along aisle and cross-aisle
    centre lines); ``stops`` pairs an index into ``path`` with the codes picked there;
    ``exact`` is true when ``length`` is proven minimal.
    """

    method: str
    length: float
    order: tuple[str, ...]
    path: tuple[tuple[float, float], ...]
    stops: tuple[tuple[int, tuple[str, ...]], ...]
    exact: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: ``method``, ``length``, ``order``, ``path``, ``exact``."""
        return {
            "method": self.method,
            "length": round(self.length, 6),
            "order": list(self.order),
            "path": [[round(x, 6), round(y, 6)] for x, y in self.path],
            "exact": self.exact,
        }


@dataclass(frozen=True)
class PickPoint:
    """A place in an aisle where one or more locations of the pick list are picked."""

    node: Node
    aisle: str
    block: int
    x: float
    y: float
    codes: tuple[str, ...]


def validate_codes(picks: Iterable[str]) -> list[str]:
    """Return the pick list without duplicates, checking that every entry is a string."""
    if isinstance(picks, str | bytes):
        raise UnknownLocationError("a pick list must be a list of location codes, not a string")
    seen: dict[str, None] = {}
    for code in picks:
        if not isinstance(code, str):
            raise UnknownLocationError(f"location codes must be strings, got {code!r}")
        seen.setdefault(code, None)
    return list(seen)


def resolve_picks(layout: Layout, picks: Iterable[str]) -> list[PickPoint]:
    """Group the pick list by the aisle position each location is picked from.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> layout = generate_layout(aisles=2, bays=3, levels=2)
    >>> [p.codes for p in resolve_picks(layout, ["A01-L01-1", "A01-R01-2", "A02-L03-1"])]
    [('A01-L01-1', 'A01-R01-2'), ('A02-L03-1',)]
    """
    codes = validate_codes(picks)
    grouped: dict[Node, list[str]] = {}
    for code in codes:
        grouped.setdefault(location_node(layout, code), []).append(code)
    points = []
    for node, group in grouped.items():
        loc = layout.location(group[0])
        aisle = layout.aisle_by_id[loc.aisle]
        points.append(PickPoint(node, aisle.id, aisle.block, aisle.x, loc.y, tuple(group)))
    return points


class Walk:
    """Builds a route as a polyline, recording where each pick happens.

    Heuristics move it with :meth:`to` along one centre line at a time and use
    :meth:`travel` to let the graph find the way between blocks.
    """

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.points: list[tuple[float, float]] = [(layout.depot.x, layout.depot.y)]
        self.stops: list[tuple[int, tuple[str, ...]]] = []
        self.node: Node | _FreePoint = DEPOT
        self.length = 0.0

    def to(self, x: float, y: float, node: Node | None = None) -> None:
        """Walk straight to ``(x, y)``; the caller guarantees it is along a centre line."""
        px, py = self.points[-1]
        if (px, py) != (x, y):
            self.length += abs(x - px) + abs(y - py)
            self.points.append((x, y))
        self.node = node if node is not None else ("@", x, y)

    def pick(self, point: PickPoint) -> None:
        """Walk to ``point`` (same centre line) and pick its codes."""
        self.to(point.x, point.y, point.node)
        self.stops.append((len(self.points) - 1, point.codes))

    def travel(self, target: Node) -> None:
        """Walk the shortest way to ``target``; straight along a shared cross aisle if possible."""
        if target == self.node:
            return
        graph = network(self.layout)
        if self._same_cross_aisle(target):
            if self.node == DEPOT:
                self._leave_depot()
            tx, ty = graph.nodes[target]["pos"]
            if target == DEPOT:
                self._enter_depot()
            else:
                self.to(float(tx), float(ty), target)
            return
        if self.node[0] == "@":
            raise NoRouteError(f"cannot find a graph path from free point {self.node}")
        here = cast(Node, self.node)  # not a free point (checked above)
        for x, y in path_points(graph, graph_shortest_path(graph, here, target))[1:]:
            self.to(x, y)
        self.node = target

    def _same_cross_aisle(self, target: Node) -> bool:
        k_depot = self.layout.depot_cross_aisle
        here = k_depot if self.node == DEPOT else _cross_of(self.node)
        there = k_depot if target == DEPOT else _cross_of(target)
        return here is not None and here == there

    def _leave_depot(self) -> None:
        attach = depot_attachment(self.layout)
        self.to(self.layout.depot.x, attach.y)
        self.to(attach.x, attach.y)

    def _enter_depot(self) -> None:
        attach = depot_attachment(self.layout)
        self.to(attach.x, attach.y)
        self.to(self.layout.depot.x, attach.y)
        self.to(self.layout.depot.x, self.layout.depot.y, DEPOT)

    def finish(self, method: str, *, exact: bool = False) -> Route:
        """Return to the depot and freeze the walk into a :class:`Route`."""
        self.travel(DEPOT)
        order = tuple(code for _, codes in self.stops for code in codes)
        return Route(method, self.length, order, tuple(self.points), tuple(self.stops), exact)


def _cross_of(node: Node | _FreePoint) -> int | None:
    return int(node[1]) if node[0] == "j" else None


def route_from_nodes(
    layout: Layout, nodes: Sequence[Node], picks: Sequence[PickPoint], method: str, *, exact: bool
) -> Route:
    """Build a route that visits pick ``nodes`` in order, by shortest paths between them."""
    by_node = {p.node: p for p in picks}
    walk = Walk(layout)
    for node in nodes:
        walk.travel(node)
        walk.stops.append((len(walk.points) - 1, by_node[node].codes))
    return walk.finish(method, exact=exact)

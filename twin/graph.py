"""The walkable network of a layout (networkx) and the 3D geometry of its racks.

Nodes are tuples: ``("depot",)``, ``("j", k, x_mm)`` for the junction of an aisle end with
cross aisle ``k``, and ``("p", aisle_id, y_mm)`` for a pick face position in an aisle
(both sides and every level of a bay share one node). Edges carry their ``length`` in
metres and whether they run along an ``aisle`` or a ``cross`` aisle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from twin.errors import NoRouteError
from twin.layout import Layout, Location, Point

__all__ = [
    "Node",
    "DEPOT",
    "RackBox",
    "build_graph",
    "network",
    "junction",
    "pick_node",
    "location_node",
    "depot_attachment",
    "node_point",
    "path_points",
    "shortest_path",
    "rack_boxes",
    "location_positions",
]

Node = tuple[str | int, ...]
DEPOT: Node = ("depot",)


def _mm(value: float) -> int:
    return round(value * 1000)


def junction(cross_index: int, x: float) -> Node:
    """The node where an aisle at ``x`` meets cross aisle ``cross_index``."""
    return ("j", cross_index, _mm(x))


def pick_node(aisle_id: str, y: float) -> Node:
    """The node inside aisle ``aisle_id`` at height ``y``."""
    return ("p", aisle_id, _mm(y))


def depot_attachment(layout: Layout) -> Point:
    """Where the depot meets its cross aisle (the depot ``x`` clamped to the cross aisle)."""
    ca = layout.cross_aisles[layout.depot_cross_aisle]
    return Point(min(max(layout.depot.x, ca.x_start), ca.x_end), ca.y)


def location_node(layout: Layout, code: str) -> Node:
    """The graph node a picker stands on to pick location ``code``.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> layout = generate_layout(aisles=2, bays=3, levels=1, bay_width=1.0)
    >>> location_node(layout, "A01-L02-1")
    ('p', 'A01', 3500)
    """
    loc = layout.location(code)
    aisle = layout.aisle_by_id[loc.aisle]
    if abs(loc.y - aisle.y_start) < 1e-6:
        return junction(aisle.block, aisle.x)
    if abs(loc.y - aisle.y_end) < 1e-6:
        return junction(aisle.block + 1, aisle.x)
    return pick_node(aisle.id, loc.y)


def build_graph(layout: Layout) -> nx.Graph[Node]:
    """Build the walkable network of ``layout``.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> g = build_graph(generate_layout(aisles=2, bays=2, levels=1))
    >>> g.number_of_nodes(), round(nx.shortest_path_length(g, DEPOT, ("p", "A02", 2500),
    ...                                                     weight="length"), 2)
    (9, 3.9)
    """
    g: nx.Graph[Node] = nx.Graph(name=layout.name)
    g.add_node(DEPOT, pos=(layout.depot.x, layout.depot.y), kind="depot")
    on_cross: dict[int, set[float]] = {ca.index: set() for ca in layout.cross_aisles}
    ys_by_aisle: dict[str, set[float]] = {a.id: set() for a in layout.aisles}
    for loc in layout.locations:
        ys_by_aisle[loc.aisle].add(loc.y)
    for aisle in layout.aisles:
        on_cross[aisle.block].add(aisle.x)
        on_cross[aisle.block + 1].add(aisle.x)
        _add_aisle(
            g, aisle.id, aisle.block, aisle.x, aisle.y_start, aisle.y_end, ys_by_aisle[aisle.id]
        )
    attach = depot_attachment(layout)
    on_cross[layout.depot_cross_aisle].add(attach.x)
    for ca in layout.cross_aisles:
        xs = sorted({_mm(x): x for x in on_cross[ca.index]}.values())
        for x in xs:
            g.add_node(junction(ca.index, x), pos=(x, ca.y), kind="junction")
        for x0, x1 in zip(xs, xs[1:], strict=False):
            g.add_edge(
                junction(ca.index, x0),
                junction(ca.index, x1),
                length=x1 - x0,
                kind="cross",
                cross=ca.index,
            )
    depot_len = abs(layout.depot.x - attach.x) + abs(layout.depot.y - attach.y)
    g.add_edge(DEPOT, junction(layout.depot_cross_aisle, attach.x), length=depot_len, kind="depot")
    return g


def _add_aisle(
    g: nx.Graph[Node],
    aisle_id: str,
    block: int,
    x: float,
    y0: float,
    y1: float,
    ys: Iterable[float],
) -> None:
    chain = [(junction(block, x), y0)]
    for y in sorted(set(ys)):
        if y0 + 1e-6 < y < y1 - 1e-6:
            node = pick_node(aisle_id, y)
            g.add_node(node, pos=(x, y), kind="pick", aisle=aisle_id)
            chain.append((node, y))
    chain.append((junction(block + 1, x), y1))
    for (u, yu), (v, yv) in zip(chain, chain[1:], strict=False):
        g.add_edge(u, v, length=yv - yu, kind="aisle", aisle=aisle_id)


def network(layout: Layout) -> nx.Graph[Node]:
    """The graph of ``layout``, built once and memoised on the layout."""
    graph: nx.Graph[Node] | None = layout.cache.get("graph")
    if graph is None:
        graph = layout.cache["graph"] = build_graph(layout)
    return graph


def node_point(graph: nx.Graph[Node], node: Node) -> tuple[float, float]:
    """The ``(x, y)`` position of a node."""
    x, y = graph.nodes[node]["pos"]
    return (float(x), float(y))


def path_points(graph: nx.Graph[Node], nodes: Sequence[Node]) -> list[tuple[float, float]]:
    """The walked polyline of a node path; the depot leg is drawn as an L, never diagonal."""
    points: list[tuple[float, float]] = []
    prev: Node | None = None
    for node in nodes:
        p = node_point(graph, node)
        if points and DEPOT in (prev, node):
            q = points[-1]
            if q[0] != p[0] and q[1] != p[1]:
                points.append((q[0], p[1]) if prev == DEPOT else (p[0], q[1]))
        points.append(p)
        prev = node
    return points


def shortest_path(graph: nx.Graph[Node], source: Node, target: Node) -> list[Node]:
    """The shortest node path from ``source`` to ``target``; raise :class:`NoRouteError`."""
    try:
        return list(nx.shortest_path(graph, source, target, weight="length"))
    except (nx.NetworkXNoPath, nx.NodeNotFound) as exc:
        raise NoRouteError(f"no walkable path from {source} to {target}") from exc


@dataclass(frozen=True)
class RackBox:
    """One rack (one side of one aisle) as a box in metres, for 3D views."""

    aisle: str
    side: str
    x0: float
    x1: float
    y0: float
    y1: float
    z0: float
    z1: float
    levels: int


def rack_boxes(layout: Layout) -> list[RackBox]:
    """The rack boxes of a layout, one per aisle side that holds locations."""
    groups: dict[tuple[str, str], list[Location]] = {}
    for loc in layout.locations:
        groups.setdefault((loc.aisle, loc.side), []).append(loc)
    half_bay, half_z = layout.bay_width / 2, layout.level_height / 2
    boxes = []
    for (aisle_id, side), locs in sorted(groups.items()):
        xs = [loc.x for loc in locs]
        ys = [loc.y for loc in locs]
        levels = len({loc.level for loc in locs})
        boxes.append(
            RackBox(
                aisle_id,
                side,
                min(xs) - layout.rack_depth / 2,
                max(xs) + layout.rack_depth / 2,
                min(ys) - half_bay,
                max(ys) + half_bay,
                0.0,
                max(loc.z for loc in locs) + half_z,
                levels,
            )
        )
    return boxes


def location_positions(layout: Layout) -> dict[str, tuple[float, float, float]]:
    """The 3D centre ``(x, y, z)`` of every location, keyed by code."""
    return {loc.code: (loc.x, loc.y, loc.z) for loc in layout.locations}

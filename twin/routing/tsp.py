"""Tours on the shortest-path metric of any layout: Held-Karp (exact) and OR-Tools (large).

The distance matrix between the depot and the pick positions comes from networkx
(Dijkstra on the layout graph), so tours are valid for any number of blocks.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from twin.errors import NoRouteError, RoutingMethodError
from twin.graph import DEPOT, Node, network
from twin.layout import Layout
from twin.routing.common import PickPoint, Route, route_from_nodes

__all__ = [
    "distances_from",
    "distance_matrix",
    "held_karp",
    "ortools_tour",
    "exact_route",
    "solver_route",
    "EXACT_LIMIT",
]

EXACT_LIMIT = 12
_CACHE_SOURCES = 4096


def distances_from(layout: Layout, source: Node) -> dict[Node, float]:
    """Walking distance from ``source`` to every graph node (networkx Dijkstra, memoised)."""
    cache: dict[Node, dict[Node, float]] = layout.cache.setdefault("sssp", {})
    row = cache.get(source)
    if row is None:
        if len(cache) >= _CACHE_SOURCES:
            cache.clear()
        try:
            row = nx.single_source_dijkstra_path_length(network(layout), source, weight="length")
        except nx.NodeNotFound as exc:
            raise NoRouteError(f"node {source} is not in the layout graph") from exc
        cache[source] = row
    return row


def distance_matrix(layout: Layout, nodes: Sequence[Node]) -> np.ndarray:
    """Shortest walking distances (metres) between ``nodes``, from networkx Dijkstra.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> layout = generate_layout(aisles=2, bays=2, levels=1)
    >>> distance_matrix(layout, [DEPOT, ("p", "A02", 2500)]).round(2).tolist()
    [[0.0, 3.9], [3.9, 0.0]]
    """
    n = len(nodes)
    dist = np.zeros((n, n))
    for i, u in enumerate(nodes):
        row = distances_from(layout, u)
        for j, v in enumerate(nodes):
            if v not in row:
                raise NoRouteError(f"no walkable path from {u} to {v}")
            dist[i, j] = row[v]
    return dist


def held_karp(dist: np.ndarray) -> tuple[float, list[int]]:
    """Exact shortest closed tour from node 0 through all others (Held-Karp DP).

    Returns the length and the visiting order of nodes ``1..n-1``.

    Examples
    --------
    >>> d = np.array([[0, 1, 5, 1], [1, 0, 1, 5], [5, 1, 0, 1], [1, 5, 1, 0]], float)
    >>> length, order = held_karp(d)
    >>> length, order in ([1, 2, 3], [3, 2, 1])
    (4.0, True)
    """
    n = dist.shape[0]
    m = n - 1
    if m <= 0:
        return 0.0, []
    if m > 20:
        raise RoutingMethodError("Held-Karp is limited to 20 pick positions")
    size = 1 << m
    dp = np.full((size, m), np.inf)
    parent = np.full((size, m), -1, dtype=np.int64)
    picks = dist[1:, 1:]
    for j in range(m):
        dp[1 << j, j] = dist[0, j + 1]
    masks = np.arange(size)
    popcount = np.array([bin(x).count("1") for x in range(size)])
    for count in range(2, m + 1):
        layer = masks[popcount == count]
        for j in range(m):
            sel = layer[(layer >> j) & 1 == 1]
            candidates = dp[sel ^ (1 << j)] + picks[:, j]
            best = candidates.argmin(axis=1)
            dp[sel, j] = candidates[np.arange(len(sel)), best]
            parent[sel, j] = best
    full = size - 1
    closing = dp[full] + dist[1:, 0]
    last = int(closing.argmin())
    order, mask = [], full
    while last >= 0:
        order.append(last + 1)
        last, mask = int(parent[mask, last]), mask ^ (1 << last)
    return float(closing.min()), order[::-1]


def ortools_tour(
    dist: np.ndarray, *, time_limit_s: float = 1.0, solution_limit: int | None = None
) -> list[int]:
    """A near-optimal tour from node 0 by OR-Tools routing with guided local search.

    Returns the visiting order of nodes ``1..n-1``. With ``solution_limit`` the search is
    deterministic as long as the time limit is not reached first.
    """
    n = dist.shape[0]
    if n <= 2:
        return list(range(1, n))
    manager = pywrapcp.RoutingIndexManager(n, 1, 0)
    model = pywrapcp.RoutingModel(manager)
    matrix = np.rint(dist * 1000).astype(np.int64).tolist()
    model.SetArcCostEvaluatorOfAllVehicles(model.RegisterTransitMatrix(matrix))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    if solution_limit is not None:
        params.solution_limit = solution_limit
    solution = model.SolveWithParameters(params)
    if solution is None:
        raise NoRouteError("OR-Tools found no tour")
    order, index = [], solution.Value(model.NextVar(model.Start(0)))
    while not model.IsEnd(index):
        order.append(manager.IndexToNode(index))
        index = solution.Value(model.NextVar(index))
    return order


def exact_route(layout: Layout, picks: Sequence[PickPoint]) -> Route:
    """The optimal tour on any layout by Held-Karp; for up to :data:`EXACT_LIMIT` positions."""
    if len(picks) > EXACT_LIMIT:
        raise RoutingMethodError(f"exact routing is limited to {EXACT_LIMIT} pick positions")
    nodes = [DEPOT, *(p.node for p in picks)]
    _, order = held_karp(distance_matrix(layout, nodes))
    return route_from_nodes(layout, [nodes[i] for i in order], picks, "optimal", exact=True)


def solver_route(
    layout: Layout,
    picks: Sequence[PickPoint],
    *,
    time_limit_s: float = 2.0,
    solution_limit: int | None = 200,
) -> Route:
    """A near-optimal tour on any layout by OR-Tools on the networkx distance matrix."""
    nodes = [DEPOT, *(p.node for p in picks)]
    order = ortools_tour(
        distance_matrix(layout, nodes), time_limit_s=time_limit_s, solution_limit=solution_limit
    )
    return route_from_nodes(layout, [nodes[i] for i in order], picks, "optimal", exact=False)

"""Optimal single-block routing: Ratliff and Rosenthal's (1983) dynamic programme.

The warehouse is a sequence of columns (aisles, plus a virtual column at the depot when it
is not in front of an aisle). A tour is an even, connected multigraph over the aisle ends
``a_j`` (front) and ``b_j`` (back), the pick vertices and the depot. Going from left to
right the programme keeps, for each equivalence class of partial tour subgraphs, the
cheapest one. A class is ``(deg a_j, deg b_j, components)`` with degrees ``0`` (none),
``1`` (odd) or ``2`` (even, positive) and ``components`` the number of connected pieces,
each of which must still touch ``a_j`` or ``b_j`` unless the tour is already closed.
Columns alternate two steps: adding the column's vertical edges (six choices) and adding the
cross edges to the next column (0, 1 or 2 copies on each cross aisle, even in total).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import networkx as nx

from twin.errors import RoutingMethodError
from twin.graph import depot_attachment
from twin.layout import Layout
from twin.routing.common import PickPoint, Route, Walk

__all__ = ["ratliff_rosenthal_route", "ratliff_rosenthal_length"]

State = tuple[int, int, int]
_TourNode = tuple[str | int, ...]  # ("a", j), ("b", j) or ("v", j, i)
_START: State = (0, 0, 0)
_CLOSED: State = (0, 0, 1)
_CROSS_OPTIONS = ((0, 0), (1, 1), (2, 0), (0, 2), (2, 2))


@dataclass(frozen=True)
class _Col:
    x: float
    ys: tuple[float, ...]  # pick vertices (and the depot) sorted by y
    payload: tuple[PickPoint | None, ...]  # None marks the depot


@dataclass(frozen=True)
class _Vertical:
    name: str
    ea: int
    eb: int
    connect: bool
    cost: float
    split: int = -1


def _degree(cls: int, added: int) -> int:
    if added == 0:
        return cls
    odd = (cls == 1) != (added % 2 == 1)
    return 1 if odd else 2


@cache
def _vertical_step(state: State, ea: int, eb: int, connect: bool) -> State | None:
    """The class after adding a column's aisle edges, or None if it cannot become a tour."""
    da, db, nc = state
    if state == _CLOSED:
        return state if ea == eb == 0 else None
    la, lb = (0 if da else None, 0 if db else None) if nc < 2 else (0, 1)
    if ea and la is None:
        la = 2
    if eb and lb is None:
        lb = 3
    if connect:
        lb = la
    labels = {lab for lab in (la, lb) if lab is not None}
    return (_degree(da, ea), _degree(db, eb), len(labels))


@cache
def _cross_step(state: State, t: int, u: int) -> State | None:
    """The class after adding ``t`` front and ``u`` back cross edges to the next column."""
    da, db, nc = state
    if _degree(da, t) == 1 or _degree(db, u) == 1:
        return None  # a_j or b_j would keep an odd degree for ever
    if state == _CLOSED:
        return state if t == u == 0 else None
    la, lb = (0 if da else None, 0 if db else None) if nc < 2 else (0, 1)
    if t and la is None:
        la = 2
    if u and lb is None:
        lb = 3
    old = {lab for lab in (la, lb) if lab is not None}
    na, nb = (la if t else None), (lb if u else None)
    new = {lab for lab in (na, nb) if lab is not None}
    if old - new:
        return _CLOSED if len(old) == 1 and not new else None
    return (_degree(0, t), _degree(0, u), len(new))


def _vertical_options(col: _Col, y0: float, y1: float) -> list[_Vertical]:
    length = y1 - y0
    opts = [_Vertical("once", 1, 1, True, length), _Vertical("twice", 2, 2, True, 2 * length)]
    ys = col.ys
    if not ys:
        return [_Vertical("none", 0, 0, False, 0.0), *opts]
    m = len(ys)
    opts.append(_Vertical("split", 0, 2, False, 2 * (y1 - ys[0]), 0))
    opts.append(_Vertical("split", 2, 0, False, 2 * (ys[-1] - y0), m))
    if m >= 2:
        gap, i = max((ys[i] - ys[i - 1], i) for i in range(m - 1, 0, -1))
        opts.append(_Vertical("split", 2, 2, False, 2 * (length - gap), i))
    return opts


def _columns(layout: Layout, picks: Sequence[PickPoint]) -> tuple[list[_Col], int]:
    """Columns of the single block, with the depot as a pick vertex; return the depot column."""
    if layout.blocks != 1:
        raise RoutingMethodError("Ratliff-Rosenthal needs a single-block layout")
    attach = depot_attachment(layout)
    xs_by_mm = {round(a.x * 1000): a.x for a in layout.aisles}
    xs_by_mm.setdefault(round(attach.x * 1000), attach.x)
    keys = sorted(xs_by_mm)
    points: dict[int, list[tuple[float, PickPoint | None]]] = {k: [] for k in keys}
    for p in picks:
        points[round(p.x * 1000)].append((p.y, p))
    depot_key = round(attach.x * 1000)
    points[depot_key].append((attach.y, None))
    cols = []
    for key in keys:
        entries = sorted(points[key], key=lambda e: (e[0], e[1] is not None))
        cols.append(_Col(xs_by_mm[key], tuple(y for y, _ in entries), tuple(p for _, p in entries)))
    return cols, keys.index(depot_key)


def _solve(
    cols: list[_Col], y0: float, y1: float
) -> tuple[float, list[tuple[int, int]], list[_Vertical]]:
    """Run the programme; return the cost and the chosen cross and vertical options."""
    cur: dict[State, float] = {_START: 0.0}
    back: list[dict[State, tuple[State, object]]] = []
    for j, col in enumerate(cols):
        if j:
            dx = col.x - cols[j - 1].x
            cur = _relax(
                cur, back, [((t, u), (t + u) * dx, (t, u)) for t, u in _CROSS_OPTIONS], _cross_step
            )
        opts = _vertical_options(col, y0, y1)
        cur = _relax(
            cur, back, [((o.ea, o.eb, o.connect), o.cost, o) for o in opts], _vertical_step
        )
    finals = {s: c for s, c in cur.items() if s[2] == 1 and 1 not in s[:2]}
    if not finals:  # cannot happen for a connected block; kept as a guard
        raise RoutingMethodError("no tour found by the dynamic programme")
    state = min(finals, key=lambda s: (finals[s], s))
    cost = finals[state]
    chosen: list[object] = []
    for table in reversed(back):
        state, option = table[state]
        chosen.append(option)
    chosen.reverse()
    verticals = [o for o in chosen if isinstance(o, _Vertical)]
    crosses = [o for o in chosen if isinstance(o, tuple)]
    return cost, crosses, verticals


def _relax(
    cur: dict[State, float],
    back: list[dict[State, tuple[State, object]]],
    options: list[tuple[tuple[int, ...], float, object]],
    step: Callable[..., State | None],
) -> dict[State, float]:
    nxt: dict[State, float] = {}
    table: dict[State, tuple[State, object]] = {}
    for state, base in cur.items():
        for args, cost, option in options:
            new = step(state, *args)
            if new is None:
                continue
            total = base + cost
            if new not in nxt or total < nxt[new] - 1e-12:
                nxt[new], table[new] = total, (state, option)
    back.append(table)
    return nxt


def ratliff_rosenthal_length(layout: Layout, picks: Sequence[PickPoint]) -> float:
    """Length of the optimal tour through resolved ``picks`` on a single-block layout."""
    if not picks:
        return 0.0
    cols, _ = _columns(layout, picks)
    y0, y1 = layout.cross_aisles[0].y, layout.cross_aisles[1].y
    cost, _, _ = _solve(cols, y0, y1)
    attach = depot_attachment(layout)
    return cost + 2 * (abs(layout.depot.x - attach.x) + abs(layout.depot.y - attach.y))


def ratliff_rosenthal_route(layout: Layout, picks: Sequence[PickPoint]) -> Route:
    """The optimal tour through resolved ``picks`` on a single-block layout.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> from twin.routing.common import resolve_picks
    >>> layout = generate_layout(aisles=3, bays=10, levels=1)
    >>> picks = resolve_picks(layout, ["A01-L05-1", "A03-R02-1"])
    >>> round(ratliff_rosenthal_route(layout, picks).length, 6)
    25.6
    """
    walk = Walk(layout)
    if not picks:
        return walk.finish("optimal", exact=True)
    cols, depot_col = _columns(layout, picks)
    y0, y1 = layout.cross_aisles[0].y, layout.cross_aisles[1].y
    _, crosses, verticals = _solve(cols, y0, y1)
    graph = _tour_graph(cols, crosses, verticals, y0, y1)
    start = ("v", depot_col, cols[depot_col].payload.index(None))
    walk.travel(("j", layout.depot_cross_aisle, round(cols[depot_col].x * 1000)))
    seen: set[_TourNode] = set()
    for _, v in nx.eulerian_circuit(graph, source=start):
        x, y = graph.nodes[v]["pos"]
        walk.to(x, y)
        pick = graph.nodes[v].get("pick")
        if pick is not None and v not in seen:
            seen.add(v)
            walk.stops.append((len(walk.points) - 1, pick.codes))
    walk.node = ("j", layout.depot_cross_aisle, round(cols[depot_col].x * 1000))
    return walk.finish("optimal", exact=True)


def _tour_graph(
    cols: list[_Col],
    crosses: list[tuple[int, int]],
    verticals: list[_Vertical],
    y0: float,
    y1: float,
) -> nx.MultiGraph[_TourNode]:
    g: nx.MultiGraph[_TourNode] = nx.MultiGraph()
    for j, (col, opt) in enumerate(zip(cols, verticals, strict=True)):
        chain: list[tuple[_TourNode, float]] = [(("a", j), y0)]
        chain += [(("v", j, i), y) for i, y in enumerate(col.ys)]
        chain.append((("b", j), y1))
        for node, y in chain:
            pick = col.payload[int(node[2])] if node[0] == "v" else None
            g.add_node(node, pos=(col.x, y), pick=pick)
        pairs = list(zip(chain, chain[1:], strict=False))
        if opt.name in ("once", "twice"):
            edges = pairs * (1 if opt.name == "once" else 2)
        elif opt.name == "split":
            edges = [pr for i, pr in enumerate(pairs) if i != opt.split] * 2
        else:
            edges = []
        g.add_edges_from((u, v) for (u, _), (v, _) in edges)
    for j, (t, u) in enumerate(crosses):
        g.add_edges_from([(("a", j), ("a", j + 1))] * t + [(("b", j), ("b", j + 1))] * u)
    g.remove_nodes_from([n for n in list(g.nodes) if g.degree(n) == 0])
    return g

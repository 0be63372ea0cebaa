"""Vault rules for pick lists: the escort rule, opening windows, one visit to the vault.

A pick list with vault lines needs an escort (a second person) and is refused outside the
vault's opening windows; both are checked by :func:`check_vault`, a pure function of the
layout, the list, the :class:`VaultRules` and the moment (given by the caller, never read
from a clock). :func:`route_vault_once` routes the list so that the picker enters the vault
once: every vault pick in one visit, and no other leg walks through the vault.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import networkx as nx
import numpy as np

from twin.errors import NoRouteError, VaultRuleError, VaultWindowError
from twin.graph import DEPOT, Node, network, node_point, path_points
from twin.layout import Layout, Zone
from twin.routing.api import route
from twin.routing.common import PickPoint, Route, resolve_picks, validate_codes
from twin.routing.tsp import EXACT_LIMIT, held_karp

__all__ = [
    "VaultRules",
    "VaultCheck",
    "VaultRoute",
    "check_vault",
    "route_vault_once",
    "vault_entries",
]


@dataclass(frozen=True)
class VaultRules:
    """The vault's rules: people needed for a vault pick, and when the vault is open.

    ``windows`` are ``(start, end)`` site-local times on every day; an ``end`` before its
    ``start`` wraps past midnight. No windows: always open.

    Examples
    --------
    >>> rules = VaultRules(windows=((time(9), time(17)),))
    >>> rules.open_at(datetime(2026, 1, 5, 10)), rules.open_at(datetime(2026, 1, 5, 18))
    (True, False)
    """

    min_people: int = 2
    windows: tuple[tuple[time, time], ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.min_people, int) or not 1 <= self.min_people <= 10:
            raise VaultRuleError("min_people must be an integer from 1 to 10")
        for window in self.windows:
            if len(window) != 2 or not all(isinstance(t, time) for t in window):
                raise VaultRuleError(f"a vault window is (start, end) times, got {window!r}")
            if window[0] == window[1]:
                raise VaultRuleError(f"vault window {window[0]:%H:%M} opens and shuts at once")

    def open_at(self, moment: datetime) -> bool:
        """Whether the vault is open at a site-local moment."""
        if not self.windows:
            return True
        clock = moment.time().replace(tzinfo=None)
        return any(
            (start <= clock < end) if start < end else (clock >= start or clock < end)
            for start, end in self.windows
        )


@dataclass(frozen=True)
class VaultCheck:
    """What the vault rules say of a pick list: its vault lines and the rule that applies."""

    vault_codes: tuple[str, ...]
    escort_required: bool
    min_people: int
    rule: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "vault_codes": list(self.vault_codes),
            "escort_required": self.escort_required,
            "min_people": self.min_people,
            "rule": self.rule,
        }


def check_vault(
    layout: Layout, picks: Iterable[str], rules: VaultRules, *, at: datetime | None = None
) -> VaultCheck:
    """Check a pick list against the vault rules; refuse it outside the opening windows.

    ``at`` is the site-local moment of picking; with vault lines and windows it is required.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> layout = generate_layout(aisles=2, bays=3, levels=1, vault_aisles=1)
    >>> check_vault(layout, ["A02-L01-1", "A01-L01-1"], VaultRules()).rule
    'two-person'
    >>> check_vault(layout, ["A01-L01-1"], VaultRules()).escort_required
    False
    """
    codes = validate_codes(picks)
    vault = tuple(c for c in codes if layout.location(c).kind == "vault")
    if not vault:
        return VaultCheck((), False, 1, "none")
    if rules.windows:
        if at is None:
            raise VaultRuleError("vault picks need the moment of picking to check the windows")
        if not rules.open_at(at):
            spans = ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in rules.windows)
            raise VaultWindowError(
                f"the vault is shut at {at:%H:%M} (open {spans}); "
                f"{len(vault)} vault line(s) cannot be picked now"
            )
    escort = rules.min_people >= 2
    return VaultCheck(vault, escort, rules.min_people, "two-person" if escort else "single")


def _crosses(zone: Zone, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether the axis-parallel segment ``a``-``b`` touches the zone."""
    return not (
        max(a[0], b[0]) < zone.x_min
        or min(a[0], b[0]) > zone.x_max
        or max(a[1], b[1]) < zone.y_min
        or min(a[1], b[1]) > zone.y_max
    )


def _outside_graph(layout: Layout, zone: Zone) -> nx.Graph[Node]:
    """The walkable network without the edges that touch the vault."""
    graph = network(layout)
    keep = [
        (u, v)
        for u, v in graph.edges
        if not _crosses(zone, node_point(graph, u), node_point(graph, v))
    ]
    return graph.edge_subgraph(keep).copy()


def _length(graph: nx.Graph[Node], u: Node, v: Node) -> float:
    try:
        return float(nx.shortest_path_length(graph, u, v, weight="length"))
    except (nx.NetworkXNoPath, nx.NodeNotFound) as exc:
        raise NoRouteError(f"no walkable path from {u} to {v} that keeps out of the vault") from exc


def _vault_order(layout: Layout, points: Sequence[PickPoint]) -> list[PickPoint]:
    """The vault picks as the shortest open path through them (exact up to EXACT_LIMIT)."""
    if len(points) <= 2:
        return list(points)
    graph = network(layout)
    if len(points) > EXACT_LIMIT:
        return sorted(points, key=lambda p: (p.x, p.y))
    n = len(points)
    dist = np.zeros((n + 1, n + 1))  # node 0: a free start and end, so the tour is a path
    for i, a in enumerate(points):
        for j, b in enumerate(points):
            if i != j:
                dist[i + 1, j + 1] = _length(graph, a.node, b.node)
    _, order = held_karp(dist)
    return [points[i - 1] for i in order]


@dataclass(frozen=True)
class VaultRoute:
    """A route that keeps the vault to one visit, the vault check, and the entries walked."""

    route: Route
    check: VaultCheck
    entries: int

    def to_dict(self) -> dict[str, Any]:
        """The route's data with a ``vault`` part: the rule and how often the vault is entered."""
        return {**self.route.to_dict(), "vault": {**self.check.to_dict(), "entries": self.entries}}


def vault_entries(layout: Layout, walked: Route) -> int:
    """How many times a route's polyline walks into the layout's vault zone.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> layout = generate_layout(aisles=3, bays=4, levels=1, vault_aisles=1)
    >>> vault_entries(layout, route(layout, ["A01-L01-1"]))
    0
    """
    zone = layout.vault
    if zone is None:
        return 0
    flags = [_crosses(zone, a, b) for a, b in zip(walked.path, walked.path[1:], strict=False)]
    return sum(1 for i, f in enumerate(flags) if f and (i == 0 or not flags[i - 1]))


def route_vault_once(
    layout: Layout,
    picks: Iterable[str],
    method: str = "optimal",
    *,
    rules: VaultRules | None = None,
    at: datetime | None = None,
) -> VaultRoute:
    """Route a pick list entering the vault once: the vault picks in one visit.

    The picks outside the vault are routed with ``method``; the vault picks, in the shortest
    order through them, are inserted as one visit where it adds the least walking; legs
    between picks outside the vault keep out of it. The list is first checked with
    :func:`check_vault` (``rules`` default: two people, always open).

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> layout = generate_layout(aisles=4, bays=5, levels=1, vault_aisles=1)
    >>> out = route_vault_once(layout, ["A04-L01-1", "A01-L02-1", "A04-R05-1", "A02-L03-1"])
    >>> out.entries, out.check.escort_required, out.route.order[1:3]
    (1, True, ('A04-L01-1', 'A04-R05-1'))
    """
    codes = validate_codes(picks)
    check = check_vault(layout, codes, rules or VaultRules(), at=at)
    if not check.vault_codes or layout.vault is None:
        plain = route(layout, codes, method)
        return VaultRoute(plain, check, vault_entries(layout, plain))
    inside = set(check.vault_codes)
    outside = [c for c in codes if c not in inside]
    stops = _outside_stops(layout, outside, method)
    visit = _vault_order(layout, resolve_picks(layout, check.vault_codes))
    sequence = _insert_visit(layout, layout.vault, stops, visit)
    walked = _walk(layout, layout.vault, sequence, {id(p) for p in visit}, f"{method}+vault-once")
    return VaultRoute(walked, check, vault_entries(layout, walked))


def _outside_stops(layout: Layout, codes: list[str], method: str) -> list[PickPoint]:
    """The pick positions outside the vault in the order ``method`` visits them."""
    if not codes:
        return []
    by_code = {c: p for p in resolve_picks(layout, codes) for c in p.codes}
    ordered: dict[int, PickPoint] = {}
    for _index, stop_codes in route(layout, codes, method).stops:
        point = by_code[stop_codes[0]]
        ordered.setdefault(id(point), point)
    return list(ordered.values())


def _insert_visit(
    layout: Layout, zone: Zone, stops: list[PickPoint], visit: list[PickPoint]
) -> list[PickPoint | None]:
    """``stops`` with the vault visit inserted where it costs least (None marks the depot)."""
    full, out = network(layout), _outside_graph(layout, zone)
    seq: list[PickPoint | None] = [None, *stops, None]
    node = [DEPOT if p is None else p.node for p in seq]
    to_first = nx.single_source_dijkstra_path_length(full, visit[0].node, weight="length")
    to_last = nx.single_source_dijkstra_path_length(full, visit[-1].node, weight="length")
    best: tuple[float, int, bool] | None = None
    for i in range(len(seq) - 1):
        base = _length(out, node[i], node[i + 1])
        for reverse in (False, True):
            enter, leave = (to_last, to_first) if reverse else (to_first, to_last)
            if node[i] not in enter or node[i + 1] not in leave:
                continue
            cost = enter[node[i]] + leave[node[i + 1]] - base
            if best is None or cost < best[0] - 1e-9:
                best = (cost, i, reverse)
    if best is None:
        raise NoRouteError("the vault cannot be reached from the picks around it")
    _cost, i, reverse = best
    return [*seq[: i + 1], *(visit[::-1] if reverse else visit), *seq[i + 1 :]]


def _walk(
    layout: Layout, zone: Zone, seq: list[PickPoint | None], vault_ids: set[int], method: str
) -> Route:
    """Walk the sequence by shortest paths; legs between two outside stops avoid the vault."""
    full, out = network(layout), _outside_graph(layout, zone)
    points = [node_point(full, DEPOT)]
    stops: list[tuple[int, tuple[str, ...]]] = []
    length = 0.0
    for a, b in zip(seq, seq[1:], strict=False):
        touches_vault = (a is not None and id(a) in vault_ids) or (
            b is not None and id(b) in vault_ids
        )
        graph = full if touches_vault else out
        u, v = (DEPOT if p is None else p.node for p in (a, b))
        try:
            nodes = nx.shortest_path(graph, u, v, weight="length")
        except (nx.NetworkXNoPath, nx.NodeNotFound) as exc:
            raise NoRouteError(f"no walkable path from {u} to {v}") from exc
        length += float(nx.path_weight(graph, nodes, weight="length"))
        for point in path_points(full, nodes)[1:]:
            if point != points[-1]:
                points.append(point)
        if b is not None:
            stops.append((len(points) - 1, b.codes))
    order = tuple(code for _, codes in stops for code in codes)
    return Route(method, length, order, tuple(points), tuple(stops), exact=False)

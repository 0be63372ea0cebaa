"""Entry points for routing a pick list: :func:`route` and :func:`sequence_picks`."""

from __future__ import annotations

from collections.abc import Iterable

from twin.errors import RoutingMethodError
from twin.layout import Layout
from twin.routing.common import Route, Walk, resolve_picks
from twin.routing.heuristics import HEURISTICS, heuristic_route
from twin.routing.optimal import ratliff_rosenthal_route
from twin.routing.tsp import EXACT_LIMIT, exact_route, solver_route

__all__ = ["METHODS", "ALIASES", "route", "sequence_picks", "normalise_method"]

METHODS = (*HEURISTICS, "optimal")
ALIASES = {
    "traversal": "s-shape",
    "sshape": "s-shape",
    "s_shape": "s-shape",
    "largest_gap": "largest-gap",
    "largestgap": "largest-gap",
    "best": "optimal",
}


def normalise_method(method: str) -> str:
    """Map a method name or alias (``traversal``, ``largest_gap``...) to a name in METHODS."""
    name = ALIASES.get(method.strip().lower(), method.strip().lower())
    if name not in METHODS:
        raise RoutingMethodError(f"unknown routing method {method!r}; choose from {METHODS}")
    return name


def route(
    layout: Layout,
    picks: Iterable[str],
    method: str = "optimal",
    *,
    exact_limit: int = EXACT_LIMIT,
    time_limit_s: float = 2.0,
    solution_limit: int | None = 200,
) -> Route:
    """Route a pick list (location codes) from the depot and back with ``method``.

    ``optimal`` is Ratliff-Rosenthal on single-block layouts (exact for any list); on
    multi-block layouts it is Held-Karp up to ``exact_limit`` pick positions and OR-Tools
    with guided local search beyond (``Route.exact`` tells which).

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> layout = generate_layout(aisles=4, bays=10, levels=2)
    >>> r = route(layout, ["A02-L03-1", "A04-R08-2", "A01-L09-1"], "s-shape")
    >>> r.method, r.order, round(r.length, 2)
    ('s-shape', ('A01-L09-1', 'A02-L03-1', 'A04-R08-2'), 55.4)
    >>> best = route(layout, ["A02-L03-1", "A04-R08-2", "A01-L09-1"])
    >>> best.order, round(best.length, 2), best.exact
    (('A01-L09-1', 'A04-R08-2', 'A02-L03-1'), 45.4, True)
    """
    name = normalise_method(method)
    points = resolve_picks(layout, picks)
    if not points:
        return Walk(layout).finish(name, exact=True)
    if name != "optimal":
        return heuristic_route(layout, points, name)
    if layout.blocks == 1:
        return ratliff_rosenthal_route(layout, points)
    if len(points) <= exact_limit:
        return exact_route(layout, points)
    return solver_route(layout, points, time_limit_s=time_limit_s, solution_limit=solution_limit)


def sequence_picks(layout: Layout, picks: Iterable[str], *, time_limit_s: float = 2.0) -> Route:
    """Sequence a pick list by the best available method: the shortest route found.

    The optimal method decides when it is exact; otherwise the solver's tour is compared
    with every heuristic and the shortest wins.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> layout = generate_layout(blocks=2, aisles=3, bays=5, levels=1)
    >>> r = sequence_picks(layout, ["B03-L02-1", "A01-R05-1"])
    >>> r.exact, r.order
    (True, ('A01-R05-1', 'B03-L02-1'))
    """
    best = route(layout, picks, "optimal", time_limit_s=time_limit_s)
    if best.exact:
        return best
    for name in HEURISTICS:
        candidate = route(layout, picks, name)
        if candidate.length < best.length - 1e-9:
            best = candidate
    return best

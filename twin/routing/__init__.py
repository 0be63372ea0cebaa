"""Pick-tour routing: heuristics, exact single-block DP, exact and OR-Tools multi-block."""

from twin.routing.api import ALIASES, METHODS, normalise_method, route, sequence_picks
from twin.routing.common import PickPoint, Route, resolve_picks
from twin.routing.heuristics import HEURISTICS, heuristic_route
from twin.routing.optimal import ratliff_rosenthal_length, ratliff_rosenthal_route
from twin.routing.tsp import EXACT_LIMIT, distance_matrix, exact_route, held_karp, solver_route
from twin.routing.vault import (
    VaultCheck,
    VaultRoute,
    VaultRules,
    check_vault,
    route_vault_once,
    vault_entries,
)

__all__ = [
    "ALIASES",
    "EXACT_LIMIT",
    "HEURISTICS",
    "METHODS",
    "PickPoint",
    "Route",
    "VaultCheck",
    "VaultRoute",
    "VaultRules",
    "check_vault",
    "distance_matrix",
    "exact_route",
    "held_karp",
    "heuristic_route",
    "normalise_method",
    "ratliff_rosenthal_length",
    "ratliff_rosenthal_route",
    "resolve_picks",
    "route",
    "route_vault_once",
    "sequence_picks",
    "solver_route",
    "vault_entries",
]

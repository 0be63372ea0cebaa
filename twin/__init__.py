"""Facet twin: a networkx model of the racks for routing, congestion simulation and what-ifs.

The package is pure: functions take layouts, graphs and parameters and return values.
Only :mod:`twin.sources` may read the warehouse from the core.
"""

from twin.camera_zones import camera_zones
from twin.coverage import Coverage, coverage, coverage_delta
from twin.errors import (
    CameraError,
    LayoutError,
    MirrorError,
    NegativeOccupancyError,
    NoRouteError,
    OrderError,
    RoutingMethodError,
    SimulationError,
    TwinError,
    UnknownLocationError,
    VaultRuleError,
    VaultWindowError,
)
from twin.generate import LayoutSpec, generate_layout
from twin.graph import build_graph, network
from twin.history import OrderHistory, history_from_picks, last_bins
from twin.layout import (
    Camera,
    Layout,
    Location,
    camera_from_dict,
    layout_from_dict,
    layout_to_dict,
    load_layout,
    save_layout,
    with_cameras,
)
from twin.mirror import LiveMirror, LocationEvent, PickerPosition
from twin.orders import (
    Catalogue,
    Order,
    OrderLine,
    OrderStream,
    generate_orders,
    make_catalogue,
    orders_from_data,
)
from twin.routing import (
    METHODS,
    Route,
    VaultRules,
    check_vault,
    route,
    route_vault_once,
    sequence_picks,
)
from twin.scenarios import (
    Comparison,
    Scenario,
    add_camera,
    compare_coverage,
    compare_scenarios,
    make_scenario,
    move_camera,
    remove_camera,
    simulate,
)
from twin.simulation import ShiftResult, SimConfig, simulate_shift
from twin.stats import Estimate, confidence_interval

__all__ = [
    "METHODS",
    "Camera",
    "CameraError",
    "Catalogue",
    "Comparison",
    "Coverage",
    "Estimate",
    "Layout",
    "LayoutError",
    "LayoutSpec",
    "LiveMirror",
    "Location",
    "LocationEvent",
    "MirrorError",
    "NegativeOccupancyError",
    "NoRouteError",
    "Order",
    "OrderError",
    "OrderHistory",
    "OrderLine",
    "OrderStream",
    "PickerPosition",
    "Route",
    "RoutingMethodError",
    "Scenario",
    "ShiftResult",
    "SimConfig",
    "SimulationError",
    "TwinError",
    "UnknownLocationError",
    "VaultRuleError",
    "VaultRules",
    "VaultWindowError",
    "add_camera",
    "build_graph",
    "camera_from_dict",
    "camera_zones",
    "check_vault",
    "compare_coverage",
    "compare_scenarios",
    "confidence_interval",
    "coverage",
    "coverage_delta",
    "generate_layout",
    "generate_orders",
    "history_from_picks",
    "last_bins",
    "layout_from_dict",
    "layout_to_dict",
    "load_layout",
    "make_catalogue",
    "make_scenario",
    "move_camera",
    "network",
    "orders_from_data",
    "remove_camera",
    "route",
    "route_vault_once",
    "save_layout",
    "sequence_picks",
    "simulate",
    "simulate_shift",
    "with_cameras",
]

"""Facet twin: a networkx model of the racks for routing, congestion simulation and what-ifs.

The package is pure: functions take layouts, graphs and parameters and return values.
Only :mod:`twin.sources` may read the warehouse from the core.
"""

from twin.errors import (
    LayoutError,
    MirrorError,
    NegativeOccupancyError,
    NoRouteError,
    OrderError,
    RoutingMethodError,
    SimulationError,
    TwinError,
    UnknownLocationError,
)
from twin.generate import LayoutSpec, generate_layout
from twin.graph import build_graph, network
from twin.history import OrderHistory, history_from_picks, last_bins
from twin.layout import Layout, Location, layout_from_dict, layout_to_dict, load_layout, save_layout
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
from twin.routing import METHODS, Route, route, sequence_picks
from twin.scenarios import Comparison, Scenario, compare_scenarios, make_scenario, simulate
from twin.simulation import ShiftResult, SimConfig, simulate_shift
from twin.stats import Estimate, confidence_interval

__all__ = [
    "METHODS",
    "Catalogue",
    "Comparison",
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
    "build_graph",
    "compare_scenarios",
    "confidence_interval",
    "generate_layout",
    "generate_orders",
    "history_from_picks",
    "last_bins",
    "layout_from_dict",
    "layout_to_dict",
    "load_layout",
    "make_catalogue",
    "make_scenario",
    "network",
    "orders_from_data",
    "route",
    "save_layout",
    "sequence_picks",
    "simulate",
    "simulate_shift",
]

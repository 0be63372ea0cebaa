"""The networkx graph and 3D geometry of a layout."""

from __future__ import annotations

import networkx as nx

from twin.generate import generate_layout
from twin.graph import DEPOT, build_graph, junction, location_positions, network, rack_boxes


def test_graph_nodes_and_edge_lengths() -> None:
    layout = generate_layout(aisles=3, bays=4, levels=2)
    g = build_graph(layout)
    kinds = nx.get_node_attributes(g, "kind")
    assert sum(1 for k in kinds.values() if k == "pick") == 3 * 4
    assert sum(1 for k in kinds.values() if k == "junction") == 6
    assert kinds[DEPOT] == "depot"
    for u, v, data in g.edges(data=True):
        (x0, y0), (x1, y1) = g.nodes[u]["pos"], g.nodes[v]["pos"]
        if data["kind"] != "depot":
            assert abs(abs(x1 - x0) + abs(y1 - y0) - data["length"]) < 1e-9
    assert nx.is_connected(g)


def test_distances_follow_aisles() -> None:
    layout = generate_layout(aisles=3, bays=10, levels=1)
    g = network(layout)
    # From the front of A01 to the back of A03: up one aisle and across (12 + 4.8).
    d = nx.shortest_path_length(g, junction(0, 1.2), junction(1, 6.0), weight="length")
    assert abs(d - 16.8) < 1e-9
    assert network(layout) is g


def test_depot_offset_is_walked() -> None:
    layout = generate_layout(aisles=2, bays=2, levels=1, depot="centre", depot_offset=3.0)
    g = build_graph(layout)
    assert g.degree(DEPOT) == 1
    assert nx.shortest_path_length(g, DEPOT, junction(0, 2.4), weight="length") == 3.0


def test_rack_boxes_and_positions() -> None:
    layout = generate_layout(aisles=2, bays=3, levels=4, level_height=0.5)
    boxes = rack_boxes(layout)
    assert len(boxes) == 4
    assert all(abs(b.z1 - 2.0) < 1e-9 and b.levels == 4 for b in boxes)
    assert all(abs(b.y1 - b.y0 - 3.0) < 1e-9 for b in boxes)
    positions = location_positions(layout)
    assert len(positions) == len(layout.locations)
    assert positions["A01-L01-1"][2] == 0.25

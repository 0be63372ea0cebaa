"""Shared fixtures and helpers for the twin tests."""

from __future__ import annotations

import itertools
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import yaml

from twin.generate import generate_layout
from twin.graph import DEPOT, build_graph, location_node
from twin.layout import Layout


@pytest.fixture(scope="session")
def small() -> Layout:
    """Three aisles of 12 m, depot in front of the left aisle."""
    return generate_layout(aisles=3, bays=10, levels=2)


@pytest.fixture(scope="session")
def two_blocks() -> Layout:
    return generate_layout(blocks=2, aisles=4, bays=5, levels=1, depot="centre")


def brute_force_length(layout: Layout, codes: list[str]) -> float:
    """Shortest tour by trying every order of the pick positions (independent of twin.routing)."""
    g = build_graph(layout)
    nodes = [DEPOT, *dict.fromkeys(location_node(layout, c) for c in codes)]
    n = len(nodes)
    dist = np.array(
        [[nx.shortest_path_length(g, u, v, weight="length") for v in nodes] for u in nodes]
    )
    if n == 1:
        return 0.0
    perms = np.array(list(itertools.permutations(range(1, n))))
    total = dist[0, perms[:, 0]] + dist[perms[:, -1], 0]
    for i in range(n - 2):
        total = total + dist[perms[:, i], perms[:, i + 1]]
    return float(total.min())


def assert_walkable(layout: Layout, path: tuple[tuple[float, float], ...]) -> None:
    """Every segment runs along an aisle, a cross aisle or the depot leg: never through racks."""
    cross_ys = {ca.y for ca in layout.cross_aisles}
    for (x0, y0), (x1, y1) in itertools.pairwise(path):
        assert x0 == x1 or y0 == y1, "diagonal segment"
        if y0 == y1 and x0 != x1:
            assert y0 in cross_ys or y0 == layout.depot.y
        elif x0 == x1 and y0 != y1:
            lo, hi = min(y0, y1), max(y0, y1)
            in_aisle = any(
                abs(a.x - x0) < 1e-9 and a.y_start - 1e-9 <= lo and hi <= a.y_end + 1e-9
                for a in layout.aisles
            )
            depot_leg = abs(x0 - layout.depot.x) < 1e-9
            assert in_aisle or depot_leg, f"segment at x={x0} is not in an aisle"


@pytest.fixture(scope="session")
def demo_layout(sqlite_template, tmp_path_factory) -> Layout:  # type: ignore[no-untyped-def]
    """The full demo building (`facet demo load --scale full`'s bins) as the twin sees it."""
    import random
    import shutil

    from core import Database
    from core.demo.layout import build_layout
    from core.people.service import system_actor
    from twin.sources import layout_from_core

    path = tmp_path_factory.mktemp("demo-layout") / "facet.db"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    try:
        with db.write() as session:
            build_layout(session, system_actor(session), random.Random(7), full=True)
        return layout_from_core(db, name="demo")
    finally:
        db.dispose()


def demo_cameras_file(folder: Path) -> Path:
    """The demo's cameras file (`facet demo cameras` writes the same, with its video)."""
    from web.cli.demo_cameras import demo_cameras_data

    path = folder / "cameras.yaml"
    path.write_text(yaml.safe_dump(demo_cameras_data(folder / "vault-door.mp4")))
    return path

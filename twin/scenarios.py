"""Replicated simulations and layout what-ifs with common random numbers.

Every replication ``r`` draws its order stream and its pick-time noise from child ``r`` of
``numpy.random.SeedSequence(seed)``, so two scenarios compared with the same seed see the
same orders and the same picking times, and their KPI differences are paired. The orders are
a generated stream, a fixed list, or an :class:`~twin.history.OrderHistory` of real days (each
replication replays one day, drawn with the replication's order generator).

A what-if may also move, add or remove cameras (:func:`move_camera`, :func:`add_camera`,
:func:`remove_camera`): a comparison of layouts with cameras reports their coverage before and
after (:func:`compare_coverage`) beside the walking distance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from twin.coverage import Coverage, coverage, coverage_delta
from twin.errors import CameraError, OrderError, SimulationError
from twin.history import OrderHistory
from twin.layout import Camera, Layout, with_cameras
from twin.orders import (
    Catalogue,
    Order,
    OrderStream,
    generate_orders,
    slot_by_popularity,
    slot_random,
)
from twin.simulation import KPI_NAMES, ShiftResult, SimConfig, simulate_shift
from twin.stats import Estimate, confidence_interval

__all__ = [
    "Scenario",
    "SimulationSummary",
    "Comparison",
    "CoverageComparison",
    "SLOTTING_POLICIES",
    "add_camera",
    "compare_coverage",
    "move_camera",
    "remove_camera",
    "make_scenario",
    "simulate",
    "compare_scenarios",
]

SLOTTING_POLICIES = ("popularity", "random")


@dataclass(frozen=True)
class Scenario:
    """A layout and a slotting plan (SKU to location code) to simulate."""

    name: str
    layout: Layout
    slotting: Mapping[str, str]


@dataclass(frozen=True)
class SimulationSummary:
    """Replications of one scenario and the confidence interval of every KPI."""

    scenario: str
    replications: tuple[ShiftResult, ...]
    kpis: Mapping[str, Estimate]

    def mean_wait_by_aisle(self) -> dict[str, float]:
        """Seconds waited at each narrow aisle, averaged over replications."""
        totals: dict[str, float] = {}
        for rep in self.replications:
            for aisle, seconds in rep.wait_by_aisle.items():
                totals[aisle] = totals.get(aisle, 0.0) + seconds
        return {a: s / len(self.replications) for a, s in sorted(totals.items())}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "scenario": self.scenario,
            "kpis": {k: e.to_dict() for k, e in self.kpis.items()},
            "wait_by_aisle": self.mean_wait_by_aisle(),
            "replications": [r.metrics() for r in self.replications],
        }


@dataclass(frozen=True)
class CoverageComparison:
    """Camera coverage of two layouts: A (before) and B (after), and what changed."""

    a: Coverage
    b: Coverage

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: both summaries and the delta (bins newly seen or blind)."""
        return {
            "a": self.a.summary(),
            "b": self.b.summary(),
            "delta": coverage_delta(self.a, self.b),
        }


@dataclass(frozen=True)
class Comparison:
    """Two scenarios on the same orders; ``delta`` is B minus A with paired t intervals.

    ``coverage`` compares the layouts' cameras when either layout has any.
    """

    a: SimulationSummary
    b: SimulationSummary
    delta: Mapping[str, Estimate]
    coverage: CoverageComparison | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        out = {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "delta": {k: e.to_dict() for k, e in self.delta.items()},
        }
        if self.coverage is not None:
            out["coverage"] = self.coverage.to_dict()
        return out


def _camera(layout: Layout, name: str) -> Camera:
    for camera in layout.cameras:
        if camera.name == name:
            return camera
    known = ", ".join(c.name for c in layout.cameras) or "none"
    raise CameraError(f"layout {layout.name!r} has no camera {name!r} (cameras: {known})")


def move_camera(
    layout: Layout,
    name: str,
    *,
    x: float | None = None,
    y: float | None = None,
    direction: float | None = None,
    fov: float | None = None,
    range: float | None = None,
    height: float | None = None,
    tilt: float | None = None,
) -> Layout:
    """The layout with camera ``name`` moved, turned or re-aimed (unset values are kept).

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> base = add_camera(generate_layout(aisles=2, bays=2), Camera("c", 1, 0, 90, 60, 9))
    >>> move_camera(base, "c", direction=0).cameras[0].direction
    0
    """
    camera = _camera(layout, name)
    moved = replace(
        camera,
        x=camera.x if x is None else x,
        y=camera.y if y is None else y,
        direction=camera.direction if direction is None else direction,
        fov=camera.fov if fov is None else fov,
        range=camera.range if range is None else range,
        height=camera.height if height is None else height,
        tilt=camera.tilt if tilt is None else tilt,
    )
    return with_cameras(layout, [moved if c.name == name else c for c in layout.cameras])


def add_camera(layout: Layout, camera: Camera) -> Layout:
    """The layout with one more camera (its name must be new)."""
    if any(c.name == camera.name for c in layout.cameras):
        raise CameraError(f"layout {layout.name!r} already has a camera {camera.name!r}")
    return with_cameras(layout, [*layout.cameras, camera])


def remove_camera(layout: Layout, name: str) -> Layout:
    """The layout without camera ``name``."""
    _camera(layout, name)
    return with_cameras(layout, [c for c in layout.cameras if c.name != name])


def compare_coverage(a: Layout, b: Layout, *, vault_min_cameras: int = 2) -> CoverageComparison:
    """Coverage of layout ``a`` (before) and ``b`` (after) by their own cameras.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> layout = generate_layout(aisles=1, bays=3, levels=1)
    >>> cam = Camera("c", layout.aisles[0].x, 0.5, direction=270, fov=60, range=10)
    >>> before = add_camera(layout, cam)
    >>> out = compare_coverage(before, move_camera(before, "c", direction=90))
    >>> out.to_dict()["delta"]["blind_bins"]
    -6
    """
    return CoverageComparison(
        coverage(a, vault_min_cameras=vault_min_cameras),
        coverage(b, vault_min_cameras=vault_min_cameras),
    )


def make_scenario(
    name: str, layout: Layout, catalogue: Catalogue, policy: str = "popularity", *, seed: int = 0
) -> Scenario:
    """A scenario whose slotting follows ``policy`` (``popularity`` or ``random``).

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> from twin.orders import make_catalogue
    >>> s = make_scenario("x", generate_layout(aisles=2, bays=3, levels=1), make_catalogue(4))
    >>> sorted(s.slotting)
    ['SKU0001', 'SKU0002', 'SKU0003', 'SKU0004']
    """
    if policy == "popularity":
        return Scenario(name, layout, slot_by_popularity(layout, catalogue))
    if policy == "random":
        return Scenario(name, layout, slot_random(layout, catalogue, np.random.default_rng(seed)))
    raise SimulationError(f"unknown slotting policy {policy!r}; choose from {SLOTTING_POLICIES}")


Workload = Sequence[Order] | OrderStream | OrderHistory


def _batch(orders: Workload, rng: np.random.Generator, config: SimConfig) -> list[Order]:
    """One replication's orders: drawn from a stream, one real day, or the fixed list."""
    if isinstance(orders, OrderStream):
        return generate_orders(orders, rng, horizon_s=config.shift_hours * 3600)
    if isinstance(orders, OrderHistory):
        if not orders.days:
            raise OrderError("the order history has no picked orders to replay")
        return list(orders.days[int(rng.integers(len(orders.days)))])
    return list(orders)


def _replication_inputs(
    orders: Workload, config: SimConfig, seed: int, replications: int
) -> list[tuple[list[Order], np.random.Generator]]:
    """Per replication: its orders and the generator of its pick-time noise."""
    if not isinstance(replications, int) or replications < 2:
        raise SimulationError("at least two replications are needed for confidence intervals")
    inputs = []
    for child in np.random.SeedSequence(seed).spawn(replications):
        order_seq, noise_seq = child.spawn(2)
        batch = _batch(orders, np.random.default_rng(order_seq), config)
        inputs.append((batch, np.random.default_rng(noise_seq)))
    return inputs


def _summary(name: str, results: list[ShiftResult], confidence: float) -> SimulationSummary:
    kpis = {
        k: confidence_interval([r.metrics()[k] for r in results], confidence) for k in KPI_NAMES
    }
    return SimulationSummary(name, tuple(results), kpis)


def simulate(
    scenario: Scenario,
    config: SimConfig,
    orders: Workload,
    *,
    seed: int,
    replications: int = 5,
    confidence: float = 0.95,
) -> SimulationSummary:
    """Simulate ``replications`` shifts of one scenario and return KPI confidence intervals.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> from twin.orders import make_catalogue
    >>> cat = make_catalogue(20)
    >>> sc = make_scenario("base", generate_layout(aisles=4, bays=5, levels=2), cat)
    >>> cfg = SimConfig(pickers=2, shift_hours=1.0)
    >>> out = simulate(sc, cfg, OrderStream(cat, n_orders=20), seed=3, replications=3)
    >>> out.kpis["orders_completed"].n
    3
    """
    results = [
        simulate_shift(scenario.layout, batch, scenario.slotting, config, rng=rng)
        for batch, rng in _replication_inputs(orders, config, seed, replications)
    ]
    return _summary(scenario.name, results, confidence)


def compare_scenarios(
    a: Scenario,
    b: Scenario,
    config: SimConfig,
    orders: Workload,
    *,
    seed: int,
    replications: int = 5,
    confidence: float = 0.95,
) -> Comparison:
    """Simulate two scenarios on common random numbers; KPI deltas (B - A) with paired CIs.

    When either layout has cameras, the comparison also carries their coverage.
    """
    inputs = _replication_inputs(orders, config, seed, replications)
    results: dict[str, list[ShiftResult]] = {"a": [], "b": []}
    for batch, rng in inputs:
        state = rng.bit_generator.state
        for key, scenario in (("a", a), ("b", b)):
            rng.bit_generator.state = state  # both scenarios draw the same noise
            results[key].append(
                simulate_shift(scenario.layout, batch, scenario.slotting, config, rng=rng)
            )
    delta = {
        k: confidence_interval(
            [
                rb.metrics()[k] - ra.metrics()[k]
                for ra, rb in zip(results["a"], results["b"], strict=True)
            ],
            confidence,
        )
        for k in KPI_NAMES
    }
    cameras = bool(a.layout.cameras or b.layout.cameras)
    return Comparison(
        _summary(a.name, results["a"], confidence),
        _summary(b.name, results["b"], confidence),
        delta,
        compare_coverage(a.layout, b.layout) if cameras else None,
    )

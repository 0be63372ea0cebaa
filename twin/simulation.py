"""Discrete-event simulation of one picking shift (SimPy).

Pickers take batches of released orders from a queue, walk the batch's route (narrow
aisles are SimPy resources that hold one picker at a time, so others wait at the aisle
mouth), pick every line, then pack each order at one of the packing desks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy
from simpy.events import ProcessGenerator
from simpy.resources.resource import Request

from twin.errors import SimulationError
from twin.layout import Layout
from twin.orders import Order, check_slotting
from twin.routing.api import normalise_method, route
from twin.routing.common import Route

__all__ = ["SimConfig", "ShiftResult", "KPI_NAMES", "simulate_shift", "tour_actions"]

KPI_NAMES = (
    "orders_per_hour",
    "distance_per_order",
    "congestion_time",
    "congestion_per_order",
    "packing_wait",
    "utilisation",
    "mean_cycle_time",
    "orders_completed",
)


@dataclass(frozen=True)
class SimConfig:
    """Parameters of a shift; times in seconds, speed in metres per second."""

    pickers: int = 5
    shift_hours: float = 8.0
    walk_speed: float = 1.0
    pick_time: float = 8.0
    unit_time: float = 2.0
    level_time: float = 1.0
    vault_time: float = 20.0
    pick_noise: float = 0.25
    batch_size: int = 4
    tour_setup: float = 30.0
    pack_time: float = 45.0
    packing_desks: int | None = None
    routing: str = "optimal"
    narrow_capacity: int = 1
    solver_solution_limit: int = 50

    def checked(self) -> SimConfig:
        """Return ``self`` after validating every field; raise :class:`SimulationError`."""
        positive = {
            "pickers": self.pickers,
            "shift_hours": self.shift_hours,
            "walk_speed": self.walk_speed,
            "batch_size": self.batch_size,
            "narrow_capacity": self.narrow_capacity,
            "solver_solution_limit": self.solver_solution_limit,
        }
        for name, value in positive.items():
            if not value > 0:
                raise SimulationError(f"{name} must be positive, got {value!r}")
        non_negative = {
            "pick_time": self.pick_time,
            "unit_time": self.unit_time,
            "level_time": self.level_time,
            "vault_time": self.vault_time,
            "pick_noise": self.pick_noise,
            "tour_setup": self.tour_setup,
            "pack_time": self.pack_time,
        }
        for name, value in non_negative.items():
            if not value >= 0:
                raise SimulationError(f"{name} must not be negative, got {value!r}")
        if self.packing_desks is not None and self.packing_desks < 1:
            raise SimulationError("packing_desks must be at least one")
        normalise_method(self.routing)
        return self


@dataclass(frozen=True)
class ShiftResult:
    """KPIs of one simulated shift and where pickers picked and waited."""

    orders_released: int
    orders_completed: int
    orders_per_hour: float
    distance_per_order: float
    total_distance: float
    congestion_time: float
    congestion_per_order: float
    packing_wait: float
    utilisation: float
    mean_cycle_time: float
    tours: int
    wait_by_aisle: Mapping[str, float] = field(default_factory=dict)
    wait_points: Mapping[tuple[float, float], float] = field(default_factory=dict)
    picks_by_location: Mapping[str, int] = field(default_factory=dict)

    def metrics(self) -> dict[str, float]:
        """The scalar KPIs named in :data:`KPI_NAMES`."""
        return {name: float(getattr(self, name)) for name in KPI_NAMES}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            **self.metrics(),
            "orders_released": self.orders_released,
            "total_distance": self.total_distance,
            "tours": self.tours,
            "wait_by_aisle": dict(self.wait_by_aisle),
            "wait_points": [
                {"x": x, "y": y, "seconds": s} for (x, y), s in self.wait_points.items()
            ],
            "picks_by_location": dict(self.picks_by_location),
        }


def _aisle_columns(layout: Layout) -> dict[int, list[tuple[float, float, str]]]:
    columns = layout.cache.get("aisle_columns")
    if columns is None:
        columns = defaultdict(list)
        for a in layout.aisles:
            columns[round(a.x * 1000)].append((a.y_start, a.y_end, a.id))
        layout.cache["aisle_columns"] = columns
    return columns


def _aisle_of(
    columns: Mapping[int, list[tuple[float, float, str]]],
    p: tuple[float, float],
    q: tuple[float, float],
) -> str | None:
    if p[0] != q[0]:
        return None
    mid = (p[1] + q[1]) / 2
    for y0, y1, aisle_id in columns.get(round(p[0] * 1000), ()):
        if y0 < mid < y1:
            return aisle_id
    return None


def tour_actions(layout: Layout, tour: Route) -> list[tuple[Any, ...]]:
    """Turn a route into walking steps: ``walk``, ``pick``, ``enter`` and ``leave`` actions.

    ``enter``/``leave`` bracket every stay in a narrow aisle.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> layout = generate_layout(aisles=2, bays=4, levels=1, aisle_width=1.0)
    >>> [a[0] for a in tour_actions(layout, route(layout, ["A01-L02-1"], "return"))]
    ['enter', 'walk', 'pick', 'walk', 'leave']
    """
    columns = _aisle_columns(layout)
    stops = dict(tour.stops)
    actions: list[tuple[Any, ...]] = []
    inside: str | None = None
    for i in range(len(tour.path) - 1):
        p, q = tour.path[i], tour.path[i + 1]
        aisle_id = _aisle_of(columns, p, q)
        if aisle_id is not None and not layout.aisle_by_id[aisle_id].narrow:
            aisle_id = None
        if aisle_id != inside:
            if inside is not None:
                actions.append(("leave", inside))
            if aisle_id is not None:
                actions.append(("enter", aisle_id, p))
            inside = aisle_id
        length = abs(q[0] - p[0]) + abs(q[1] - p[1])
        if actions and actions[-1][0] == "walk":
            actions[-1] = ("walk", actions[-1][1] + length)
        else:
            actions.append(("walk", length))
        if i + 1 in stops:
            actions.append(("pick", stops[i + 1]))
    if inside is not None:
        actions.append(("leave", inside))
    return actions


class _Shift:
    """The mutable state of one simulated shift."""

    def __init__(
        self,
        layout: Layout,
        orders: Sequence[Order],
        slotting: Mapping[str, str],
        config: SimConfig,
        noise: np.ndarray,
    ) -> None:
        self.layout, self.config, self.slotting = layout, config, slotting
        self.env = simpy.Environment()
        self.queue: simpy.Store = simpy.Store(self.env)
        desks = config.packing_desks or layout.packing_desks
        self.desks = simpy.Resource(self.env, capacity=desks)
        self.aisles = {
            a.id: simpy.Resource(self.env, capacity=config.narrow_capacity)
            for a in layout.aisles
            if a.narrow
        }
        self.line_time = self._line_times(orders, noise)
        self.distance = self.busy = self.congestion = self.pack_wait = 0.0
        self.tours = 0
        self.cycle_times: list[float] = []
        self.wait_by_aisle: dict[str, float] = defaultdict(float)
        self.wait_points: dict[tuple[float, float], float] = defaultdict(float)
        self.picks: dict[str, int] = defaultdict(int)

    def _line_times(self, orders: Sequence[Order], noise: np.ndarray) -> dict[str, list[float]]:
        """Seconds to pick each line, keyed by order id, in line order (common random numbers)."""
        cfg, times, k = self.config, {}, 0
        for order in orders:
            row = []
            for line in order.lines:
                loc = self.layout.location(self.slotting[line.sku])
                base = (
                    cfg.pick_time
                    + cfg.unit_time * line.quantity
                    + cfg.level_time * max(loc.level - 1, 0)
                    + (cfg.vault_time if loc.kind == "vault" else 0.0)
                )
                row.append(base * float(noise[k]))
                k += 1
            times[order.id] = row
        return times

    def release(self, orders: Sequence[Order]) -> ProcessGenerator:
        """Put each order on the queue at its release time."""
        for order in sorted(orders, key=lambda o: (o.release_s, o.id)):
            if order.release_s > self.env.now:
                yield self.env.timeout(order.release_s - self.env.now)
            self.queue.put(order)

    def picker(self) -> ProcessGenerator:
        """One picker: take a batch, walk its tour, pack its orders; for ever."""
        cfg, env = self.config, self.env
        while True:
            batch = [(yield self.queue.get())]
            while len(batch) < cfg.batch_size and self.queue.items:
                batch.append((yield self.queue.get()))
            seconds_at: dict[str, float] = defaultdict(float)
            for order in batch:
                for line, t in zip(order.lines, self.line_time[order.id], strict=True):
                    seconds_at[self.slotting[line.sku]] += t
            tour = route(
                self.layout, list(seconds_at), cfg.routing, solution_limit=cfg.solver_solution_limit
            )
            yield env.timeout(cfg.tour_setup)
            self.busy += cfg.tour_setup
            yield from self._walk(tour, seconds_at)
            self.tours += 1
            for order in batch:
                yield from self._pack(order)

    def _walk(self, tour: Route, seconds_at: Mapping[str, float]) -> ProcessGenerator:
        env = self.env
        held: Request | None = None
        for action in tour_actions(self.layout, tour):
            kind = action[0]
            if kind == "walk":
                yield env.timeout(action[1] / self.config.walk_speed)
                self.distance += action[1]
                self.busy += action[1] / self.config.walk_speed
            elif kind == "pick":
                seconds = sum(seconds_at[c] for c in action[1])
                yield env.timeout(seconds)
                self.busy += seconds
                for code in action[1]:
                    self.picks[code] += 1
            elif kind == "enter":
                start, held = env.now, self.aisles[action[1]].request()
                yield held
                if env.now > start:
                    self.congestion += env.now - start
                    self.wait_by_aisle[action[1]] += env.now - start
                    self.wait_points[action[2]] += env.now - start
            else:
                assert held is not None  # tour_actions brackets every leave with an enter
                self.aisles[action[1]].release(held)

    def _pack(self, order: Order) -> ProcessGenerator:
        start = self.env.now
        with self.desks.request() as desk:
            yield desk
            self.pack_wait += self.env.now - start
            yield self.env.timeout(self.config.pack_time)
        self.busy += self.config.pack_time
        self.cycle_times.append(self.env.now - order.release_s)


def simulate_shift(
    layout: Layout,
    orders: Sequence[Order],
    slotting: Mapping[str, str],
    config: SimConfig,
    *,
    rng: np.random.Generator,
) -> ShiftResult:
    """Simulate one shift; ``rng`` draws the pick-time noise of every order line.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> from twin.orders import Order, OrderLine
    >>> layout = generate_layout(aisles=2, bays=4, levels=1)
    >>> orders = [Order("o1", 0.0, (OrderLine("ring"),))]
    >>> res = simulate_shift(layout, orders, {"ring": "A02-L04-1"}, SimConfig(pickers=1),
    ...                      rng=np.random.default_rng(1))
    >>> res.orders_completed, round(res.total_distance, 2)
    (1, 13.8)
    """
    config = config.checked()
    if not orders:
        raise SimulationError("the order stream is empty")
    check_slotting(layout, slotting, orders)
    n_lines = sum(len(o.lines) for o in orders)
    sigma = config.pick_noise
    noise = rng.lognormal(-sigma * sigma / 2, sigma, size=n_lines) if sigma else np.ones(n_lines)
    shift = _Shift(layout, orders, slotting, config, noise)
    shift.env.process(shift.release(orders))
    for _ in range(config.pickers):
        shift.env.process(shift.picker())
    horizon = config.shift_hours * 3600
    shift.env.run(until=horizon)
    return _result(shift, len(orders), horizon)


def _result(shift: _Shift, released: int, horizon: float) -> ShiftResult:
    done = len(shift.cycle_times)
    if done == 0:
        raise SimulationError(
            "no order was completed in the shift; lengthen the shift, add "
            "pickers or release orders earlier"
        )
    return ShiftResult(
        orders_released=released,
        orders_completed=done,
        orders_per_hour=done / (horizon / 3600),
        distance_per_order=shift.distance / done,
        total_distance=shift.distance,
        congestion_time=shift.congestion,
        congestion_per_order=shift.congestion / done,
        packing_wait=shift.pack_wait,
        utilisation=shift.busy / (shift.config.pickers * horizon),
        mean_cycle_time=float(np.mean(shift.cycle_times)),
        tours=shift.tours,
        wait_by_aisle=dict(shift.wait_by_aisle),
        wait_points=dict(shift.wait_points),
        picks_by_location=dict(shift.picks),
    )

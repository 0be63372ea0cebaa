"""REST routes of the twin: ``POST /api/twin/route``, ``POST /api/twin/scenarios`` and
``GET /api/twin/coverage`` (the cameras file's placed cameras over the live warehouse).

Routes are thin: parse the request, call ``twin``, return the answer. Twin errors become
``{"error": {"code": ..., "message": ...}}`` with HTTP 422 (bad content) or 400. The router
carries no authentication; the application mounts it with its own dependencies.

A what-if runs on generated orders, orders given as data, or the warehouse's own history
(``history``: the orders picked over the last ``days``, read from the ledger through
``twin.sources``), with slotting ``today`` (where each SKU is kept now). The last two need the
application's database; a router mounted without one refuses them (``history-unavailable``).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.requests import HTTPConnection

from core.fields import Lookup, SaneDateTime, Text
from twin.errors import NoRouteError, OrderError, TwinError
from twin.generate import NAMED_LAYOUTS, named_layout
from twin.history import OrderHistory, history_from_picks, last_bins
from twin.layout import Layout, layout_from_dict
from twin.orders import (
    Order,
    OrderStream,
    catalogue_from_orders,
    make_catalogue,
    orders_from_data,
)
from twin.routing import METHODS, VaultRules, route, route_vault_once
from twin.scenarios import Scenario, compare_scenarios, make_scenario
from twin.simulation import SimConfig
from twin.sources import pick_records, slotting_today
from web.api.twin_coverage import CoverageUnavailable, coverage_answer

__all__ = ["router", "error_response", "HistoryIn", "RouteRequest", "RouteResponse",
           "ScenariosRequest", "get_coverage"]

router = APIRouter(prefix="/api/twin", tags=["twin"])


class ErrorBody(BaseModel):
    """A stable error code and a human-readable message."""

    code: str
    message: str


class ErrorResponse(BaseModel):
    """The error envelope of every twin route."""

    error: ErrorBody


def error_response(exc: TwinError) -> JSONResponse:
    """Map a twin error to its HTTP answer (400 for an unroutable request, else 422)."""
    status = 400 if isinstance(exc, NoRouteError) else 422
    body = ErrorResponse(error=ErrorBody(code=exc.code, message=exc.message))
    return JSONResponse(status_code=status, content=body.model_dump())


WEEK_S = 7 * 24 * 3600.0
# A duration of one step of picking, in seconds: finite, at most an hour.
Seconds = Annotated[float, Field(ge=0, le=3600, allow_inf_nan=False)]


class LayoutChoice(BaseModel):
    """A layout given inline (layout JSON) or by the name of a generated layout."""

    model_config = ConfigDict(extra="forbid")

    layout: dict[str, Any] | None = Field(None, description="Inline layout JSON.")
    layout_name: Text | None = Field(
        None, max_length=64, description=f"A generated layout: one of {sorted(NAMED_LAYOUTS)}."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> LayoutChoice:
        if (self.layout is None) == (self.layout_name is None):
            raise ValueError("give exactly one of 'layout' and 'layout_name'")
        return self

    def resolve(self) -> Layout:
        """Build the chosen layout (raises :class:`twin.errors.LayoutError`)."""
        if self.layout is not None:
            return layout_from_dict(self.layout)
        return named_layout(str(self.layout_name))


class VaultIn(BaseModel):
    """Vault rules for a route: the vault visited once, its escort rule and opening windows."""

    model_config = ConfigDict(extra="forbid")
    min_people: int = Field(2, ge=1, le=10, description="People a vault pick needs (escort).")
    windows: list[tuple[time, time]] = Field(
        default_factory=list, max_length=24,
        description="Opening windows [start, end] in site-local time; empty: always open.")
    at: datetime | None = Field(None, description="Site-local moment of picking (for windows).")

    def rules(self) -> VaultRules:
        """The twin's rules (raises :class:`twin.errors.VaultRuleError`)."""
        return VaultRules(self.min_people, tuple(self.windows))


class RouteRequest(LayoutChoice):
    """A pick list to route through a layout; with ``vault``, entering the vault once."""

    picks: list[Lookup] = Field(..., max_length=5000, description="Location codes to visit.")
    method: Text = Field("optimal", max_length=32,
                         description=f"One of {METHODS} (or 'traversal').")
    vault: VaultIn | None = Field(None, description="Apply the vault rules to the route.")


class VaultOut(BaseModel):
    """The vault rule that applies to the list, and how often the route enters the vault."""

    vault_codes: list[str]
    escort_required: bool
    min_people: int
    rule: str
    entries: int


class RouteResponse(BaseModel):
    """A tour from the depot and back; ``path`` is the walked polyline in metres."""

    method: str
    length: float
    order: list[str]
    path: list[tuple[float, float]]
    exact: bool
    vault: VaultOut | None = None


class ScenarioIn(LayoutChoice):
    """One side of a what-if: a layout and its slotting (a policy, ``today``: where each SKU is
    kept now, or SKU -> location)."""

    slotting: Literal["popularity", "random", "today"] | dict[str, str] = "popularity"


class HistoryIn(BaseModel):
    """The warehouse's own orders: those picked in the ``days`` before ``until`` (now)."""

    model_config = ConfigDict(extra="forbid")
    days: int = Field(30, ge=1, le=366, description="How many days of history.")
    until: SaneDateTime | None = Field(None, description="End of the period (default: now).")

    def period(self) -> tuple[datetime, datetime]:
        """``(since, until)`` in UTC."""
        until = (self.until or datetime.now(UTC)).astimezone(UTC)
        return until - timedelta(days=self.days), until


class OrderLineIn(BaseModel):
    """One order line."""

    model_config = ConfigDict(extra="forbid")
    sku: Lookup
    quantity: int = Field(1, ge=1, le=100_000)


class OrderIn(BaseModel):
    """An order released ``release_s`` seconds into the shift."""

    model_config = ConfigDict(extra="forbid")
    id: Lookup
    release_s: float = Field(0.0, ge=0, le=WEEK_S, allow_inf_nan=False)
    lines: list[OrderLineIn] = Field(..., min_length=1, max_length=500)


class OrderStreamIn(BaseModel):
    """Parameters of a generated order stream (Zipf-popular SKUs, seeded)."""

    model_config = ConfigDict(extra="forbid")
    n_orders: int = Field(300, ge=1, le=20000)
    n_skus: int = Field(200, ge=1, le=100_000)
    skew: float = Field(1.0, ge=0, le=10, allow_inf_nan=False)
    mean_lines: float = Field(2.0, ge=1, le=100, allow_inf_nan=False)
    max_quantity: int = Field(3, ge=1, le=1000)
    arrival: Literal["poisson", "wave"] = "poisson"


class SimConfigIn(BaseModel):
    """Simulation parameters (see :class:`twin.simulation.SimConfig`)."""

    model_config = ConfigDict(extra="forbid")
    pickers: int = Field(5, ge=1, le=200)
    shift_hours: float = Field(8.0, gt=0, le=24, allow_inf_nan=False)
    walk_speed: float = Field(1.0, ge=0.05, le=10, allow_inf_nan=False)
    pick_time: Seconds = 8.0
    unit_time: Seconds = 2.0
    level_time: Seconds = 1.0
    vault_time: Seconds = 20.0
    pick_noise: float = Field(0.25, ge=0, le=10, allow_inf_nan=False)
    batch_size: int = Field(4, ge=1, le=50)
    tour_setup: Seconds = 30.0
    pack_time: Seconds = 45.0
    packing_desks: int | None = Field(None, ge=1, le=1000)
    routing: Text = Field("optimal", max_length=32)


class ScenariosRequest(BaseModel):
    """Two scenarios simulated on the same orders (common random numbers)."""

    model_config = ConfigDict(extra="forbid")
    a: ScenarioIn
    b: ScenarioIn
    orders: list[OrderIn] | None = Field(None, max_length=20_000,
                                         description="Orders as data; else generated.")
    history: HistoryIn | None = Field(None, description="Replay the warehouse's own orders.")
    generate: OrderStreamIn = Field(default_factory=OrderStreamIn)
    config: SimConfigIn = Field(default_factory=SimConfigIn)
    seed: int = Field(0, ge=0, le=2**32 - 1)
    replications: int = Field(5, ge=2, le=30)
    confidence: float = Field(0.95, gt=0, lt=1, allow_inf_nan=False)

    @model_validator(mode="after")
    def _one_workload(self) -> ScenariosRequest:
        if self.orders is not None and self.history is not None:
            raise ValueError("give 'orders' or 'history', not both")
        return self


class HistoryUnavailable(OrderError):
    """The warehouse's history or slotting was asked of a router without a database."""

    code = "history-unavailable"


def warehouse(connection: HTTPConnection) -> Any:
    """The application's ``core.Database``; None when the router is mounted on its own."""
    services = getattr(connection.app.state, "services", None)
    return None if services is None else services.db


@router.post(
    "/route",
    response_model=RouteResponse,
    responses={400: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
)
def post_route(request: RouteRequest) -> Any:
    """Route a pick list: method, length, visiting order and walked path; with ``vault``, the
    vault picks in one visit, the escort rule that applies, and refused when the vault is shut
    (``vault-window-closed``)."""
    try:
        if request.vault is not None:
            return route_vault_once(request.resolve(), request.picks, request.method,
                                    rules=request.vault.rules(), at=request.vault.at).to_dict()
        return route(request.resolve(), request.picks, request.method).to_dict()
    except TwinError as exc:
        return error_response(exc)


@router.post("/scenarios", responses={400: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
def post_scenarios(request: ScenariosRequest, db: Annotated[Any, Depends(warehouse)]) -> Any:
    """Compare two layouts or slotting plans: KPIs and B - A deltas with confidence intervals;
    ``workload`` says which orders were simulated (for history: the period and its counts)."""
    try:
        a, b = request.a.resolve(), request.b.resolve()
        orders, catalogue, workload = _workload(request, db)
        today = _today(request, db, a, workload)
        if isinstance(orders, OrderHistory) and today is not None:
            orders, catalogue = _restrict(orders, today, workload)
        scenario_a, scenario_b = (
            _scenario(name, layout, side.slotting, catalogue, request.seed, today)
            for name, layout, side in (("A", a, request.a), ("B", b, request.b))
        )
        result = compare_scenarios(
            scenario_a,
            scenario_b,
            SimConfig(**request.config.model_dump()),
            orders,
            seed=request.seed,
            replications=request.replications,
            confidence=request.confidence,
        )
        return {**result.to_dict(), "workload": workload}
    except TwinError as exc:
        return error_response(exc)


Workload = tuple[list[Order] | OrderStream | OrderHistory, Any, dict[str, Any]]


def _workload(request: ScenariosRequest, db: Any) -> Workload:
    """The orders to simulate, their catalogue, and what to say about them."""
    if request.history is not None:
        if db is None:
            raise HistoryUnavailable("this service has no warehouse to read a history from")
        since, until = request.history.period()
        picks = pick_records(db, since=since, until=until)
        history = history_from_picks(picks)
        if not history.days:
            raise OrderError(f"no orders were picked between {since:%Y-%m-%d %H:%M} and "
                             f"{until:%Y-%m-%d %H:%M} UTC; choose a longer period or generated "
                             "orders")
        about = {"source": "history", "since": since.isoformat(), "until": until.isoformat(),
                 "days": len(history.days), "orders": len(history.orders),
                 "lines": history.n_lines, "units": history.n_units, "lines_left_out": 0,
                 "last_bins": last_bins(picks)}
        return history, catalogue_from_orders(history.orders), about
    if request.orders is not None:
        orders = orders_from_data(o.model_dump() for o in request.orders)
        return orders, catalogue_from_orders(orders), {"source": "orders", "orders": len(orders)}
    g = request.generate
    catalogue = make_catalogue(g.n_skus, skew=g.skew)
    stream = OrderStream(catalogue, g.n_orders, g.mean_lines, g.max_quantity, g.arrival)
    return stream, catalogue, {"source": "generated", "orders": g.n_orders}


def _today(request: ScenariosRequest, db: Any, layout: Layout,
           workload: dict[str, Any]) -> dict[str, str] | None:
    """Today's slotting when a side asks for it (SKUs out of stock: their last pick's bin)."""
    if "today" not in (request.a.slotting, request.b.slotting):
        workload.pop("last_bins", None)
        return None
    if db is None:
        raise HistoryUnavailable("this service has no warehouse to read today's slotting from")
    return slotting_today(db, layout, workload.pop("last_bins", {}))


def _restrict(history: OrderHistory, slots: dict[str, str],
              workload: dict[str, Any]) -> tuple[OrderHistory, Any]:
    """The history without lines of SKUs that have no bin today (counted in the workload)."""
    kept = history.within(slots)
    if not kept.days:
        raise OrderError("none of the history's SKUs has a bin in this layout today")
    workload["lines_left_out"] = kept.left_out
    return kept, catalogue_from_orders(kept.orders)


def _scenario(
    name: str, layout: Layout, slotting: str | dict[str, str], catalogue: Any, seed: int,
    today: dict[str, str] | None,
) -> Scenario:
    if slotting == "today" and today is not None:
        return Scenario(name, layout, today)
    if isinstance(slotting, dict):
        return Scenario(name, layout, dict(slotting))
    return make_scenario(name, layout, catalogue, slotting, seed=seed)


@router.get("/coverage", responses={422: {"model": ErrorResponse}})
def get_coverage(
    connection: HTTPConnection,
    vault_min_cameras: Annotated[int, Query(ge=1, le=10)] = 2,
    enabled_only: bool = False,
) -> Any:
    """Camera coverage of the warehouse: per camera its view, bins seen and aisle metres; the
    blind bins and aisle stretches, the vault bins seen by too few cameras, and a score."""
    services = getattr(connection.app.state, "services", None)
    try:
        if services is None:
            raise CoverageUnavailable("this service has no warehouse to map the cameras on")
        return coverage_answer(
            services.live_twin.layout(),
            services.settings.web.cameras_file,
            vault_min_cameras=vault_min_cameras,
            enabled_only=enabled_only,
        )
    except TwinError as exc:
        return error_response(exc)

"""REST routes of the twin: ``POST /api/twin/route`` and ``POST /api/twin/scenarios``.

Routes are thin: parse the request, call ``twin``, return the answer. Twin errors become
``{"error": {"code": ..., "message": ...}}`` with HTTP 422 (bad content) or 400. The router
carries no authentication; the application mounts it with its own dependencies.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.fields import Lookup, Text
from twin.errors import NoRouteError, TwinError
from twin.generate import NAMED_LAYOUTS, named_layout
from twin.layout import Layout, layout_from_dict
from twin.orders import (
    Order,
    OrderStream,
    catalogue_from_orders,
    make_catalogue,
    orders_from_data,
)
from twin.routing import METHODS, route
from twin.scenarios import Scenario, compare_scenarios, make_scenario
from twin.simulation import SimConfig

__all__ = ["router", "error_response", "RouteRequest", "RouteResponse", "ScenariosRequest"]

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


class RouteRequest(LayoutChoice):
    """A pick list to route through a layout."""

    picks: list[Lookup] = Field(..., max_length=5000, description="Location codes to visit.")
    method: Text = Field("optimal", max_length=32,
                         description=f"One of {METHODS} (or 'traversal').")


class RouteResponse(BaseModel):
    """A tour from the depot and back; ``path`` is the walked polyline in metres."""

    method: str
    length: float
    order: list[str]
    path: list[tuple[float, float]]
    exact: bool


class ScenarioIn(LayoutChoice):
    """One side of a what-if: a layout and its slotting (a policy or SKU -> location)."""

    slotting: Literal["popularity", "random"] | dict[str, str] = "popularity"


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
    generate: OrderStreamIn = Field(default_factory=OrderStreamIn)
    config: SimConfigIn = Field(default_factory=SimConfigIn)
    seed: int = Field(0, ge=0, le=2**32 - 1)
    replications: int = Field(5, ge=2, le=30)
    confidence: float = Field(0.95, gt=0, lt=1, allow_inf_nan=False)


@router.post(
    "/route",
    response_model=RouteResponse,
    responses={400: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
)
def post_route(request: RouteRequest) -> Any:
    """Route a pick list: method, length, visiting order and walked path."""
    try:
        return route(request.resolve(), request.picks, request.method).to_dict()
    except TwinError as exc:
        return error_response(exc)


@router.post("/scenarios", responses={400: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
def post_scenarios(request: ScenariosRequest) -> Any:
    """Compare two layouts or slotting plans: KPIs and B - A deltas with confidence intervals."""
    try:
        a, b = request.a.resolve(), request.b.resolve()
        orders: list[Order] | OrderStream
        if request.orders is not None:
            orders = orders_from_data(o.model_dump() for o in request.orders)
            catalogue = catalogue_from_orders(orders)
        else:
            g = request.generate
            catalogue = make_catalogue(g.n_skus, skew=g.skew)
            orders = OrderStream(catalogue, g.n_orders, g.mean_lines, g.max_quantity, g.arrival)
        scenario_a, scenario_b = (
            _scenario(name, layout, side.slotting, catalogue, request.seed)
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
        return result.to_dict()
    except TwinError as exc:
        return error_response(exc)


def _scenario(
    name: str, layout: Layout, slotting: str | dict[str, str], catalogue: Any, seed: int
) -> Scenario:
    if isinstance(slotting, dict):
        return Scenario(name, layout, dict(slotting))
    return make_scenario(name, layout, catalogue, slotting, seed=seed)

"""``facet twin`` commands: generate layouts, route pick lists, compare layouts.

Every command prints JSON on standard output (``zones`` prints a YAML zones file); a twin
error prints ``error <code>: message`` on standard error and exits with status 2.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import yaml

from core import Database
from twin.errors import CameraError, OrderError, TwinError
from twin.generate import DEPOT_POSITIONS, NAMED_LAYOUTS, generate_layout, named_layout
from twin.layout import Layout, load_layout, save_layout
from twin.orders import (
    Order,
    OrderStream,
    catalogue_from_orders,
    make_catalogue,
    orders_from_data,
)
from twin.routing import METHODS, route
from twin.scenarios import SLOTTING_POLICIES, compare_scenarios, make_scenario
from twin.simulation import SimConfig
from twin.sources import layout_from_core
from web.api.twin_coverage import zones_for
from web.settings import Settings

__all__ = ["app"]

app = typer.Typer(
    help="Digital twin of the racks: layouts, routing and what-ifs.", no_args_is_help=True
)
layout_app = typer.Typer(help="Warehouse layouts.", no_args_is_help=True)
app.add_typer(layout_app, name="layout")

T = TypeVar("T")


def _run(action: Callable[[], T]) -> T:
    try:
        return action()
    except TwinError as exc:
        typer.echo(f"error {exc.code}: {exc.message}", err=True)
        raise typer.Exit(code=2) from exc


def _layout(ref: str) -> Layout:
    """A layout file, or the name of a generated layout."""
    if not Path(ref).exists() and ref in NAMED_LAYOUTS:
        return named_layout(ref)
    return load_layout(ref)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OrderError(f"cannot read JSON from {path}: {exc}") from exc


@layout_app.command("generate")
def layout_generate(
    output: Annotated[Path, typer.Option("-o", "--output", help="Layout file (.json/.yaml).")],
    blocks: Annotated[int, typer.Option(help="Blocks of parallel aisles.")] = 1,
    aisles: Annotated[int, typer.Option(help="Aisles per block.")] = 10,
    bays: Annotated[int, typer.Option(help="Bays per aisle side in a block.")] = 20,
    levels: Annotated[int, typer.Option(help="Levels per bay.")] = 4,
    bay_width: Annotated[float, typer.Option(help="Bay width (m).")] = 1.0,
    aisle_width: Annotated[float, typer.Option(help="Aisle width (m).")] = 1.2,
    rack_depth: Annotated[float, typer.Option(help="Rack depth (m).")] = 0.6,
    level_height: Annotated[float, typer.Option(help="Level height (m).")] = 0.4,
    cross_aisle_width: Annotated[float, typer.Option(help="Cross aisle width (m).")] = 2.0,
    narrow_below: Annotated[
        float, typer.Option(help="Aisles narrower than this (m) hold one picker at a time.")
    ] = 1.5,
    depot: Annotated[
        str, typer.Option(help=f"Depot position: {', '.join(DEPOT_POSITIONS)}.")
    ] = "left",
    vault_aisles: Annotated[int, typer.Option(help="Right-most back aisles in the vault.")] = 0,
    packing_desks: Annotated[int, typer.Option(help="Packing desks at the depot.")] = 2,
    name: Annotated[str, typer.Option(help="Layout name.")] = "generated",
) -> None:
    """Generate a layout and write it; prints a one-line JSON summary."""
    layout = _run(
        lambda: generate_layout(
            blocks=blocks,
            aisles=aisles,
            bays=bays,
            levels=levels,
            bay_width=bay_width,
            aisle_width=aisle_width,
            rack_depth=rack_depth,
            level_height=level_height,
            cross_aisle_width=cross_aisle_width,
            narrow_below=narrow_below,
            depot=depot,
            vault_aisles=vault_aisles,
            packing_desks=packing_desks,
            name=name,
        )
    )
    save_layout(layout, output)
    typer.echo(
        json.dumps(
            {
                "output": str(output),
                "aisles": len(layout.aisles),
                "blocks": layout.blocks,
                "locations": len(layout.locations),
            }
        )
    )


@app.command("route")
def route_command(
    layout: Annotated[str, typer.Option(help="Layout file, or a named generated layout.")],
    picks: Annotated[Path, typer.Option(help="JSON file with a list of location codes.")],
    method: Annotated[str, typer.Option(help=f"One of {', '.join(METHODS)}.")] = "optimal",
) -> None:
    """Route a pick list; prints method, length, order and path as JSON."""

    def action() -> dict[str, Any]:
        codes = _read_json(picks)
        if not isinstance(codes, list):
            raise OrderError("the picks file must hold a JSON list of location codes")
        return route(_layout(layout), codes, method).to_dict()

    typer.echo(json.dumps(_run(action)))


@app.command("compare")
def compare_command(
    a: Annotated[str, typer.Argument(help="Layout A (file or named layout).")],
    b: Annotated[str, typer.Argument(help="Layout B (file or named layout).")],
    slotting_a: Annotated[
        str, typer.Option(help="Slotting of A: popularity or random.")
    ] = "popularity",
    slotting_b: Annotated[
        str, typer.Option(help="Slotting of B: popularity or random.")
    ] = "popularity",
    orders_file: Annotated[
        Path | None, typer.Option(help="Orders as JSON; else generated.")
    ] = None,
    orders: Annotated[int, typer.Option(help="Generated orders per shift.")] = 300,
    skus: Annotated[int, typer.Option(help="SKUs in the generated catalogue.")] = 200,
    pickers: Annotated[int, typer.Option(help="Pickers.")] = 5,
    hours: Annotated[float, typer.Option(help="Shift length (h).")] = 8.0,
    batch_size: Annotated[int, typer.Option(help="Orders per picking tour.")] = 4,
    routing: Annotated[str, typer.Option(help="Routing method of the pickers.")] = "optimal",
    replications: Annotated[int, typer.Option(help="Replications (at least 2).")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the common random numbers.")] = 0,
) -> None:
    """Simulate layouts A and B on the same orders; prints KPIs and B - A deltas with CIs."""

    def action() -> dict[str, Any]:
        for policy in (slotting_a, slotting_b):
            if policy not in SLOTTING_POLICIES:
                raise OrderError(f"slotting must be one of {SLOTTING_POLICIES}")
        stream: list[Order] | OrderStream
        if orders_file is not None:
            stream = orders_from_data(_read_json(orders_file))
            catalogue = catalogue_from_orders(stream)
        else:
            catalogue = make_catalogue(skus)
            stream = OrderStream(catalogue, n_orders=orders)
        sa = make_scenario(a, _layout(a), catalogue, slotting_a, seed=seed)
        sb = make_scenario(b, _layout(b), catalogue, slotting_b, seed=seed)
        config = SimConfig(
            pickers=pickers, shift_hours=hours, batch_size=batch_size, routing=routing
        )
        return compare_scenarios(
            sa, sb, config, stream, seed=seed, replications=replications
        ).to_dict()

    typer.echo(json.dumps(_run(action)))


def _size(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError as exc:
        raise CameraError(f"image size must be WIDTHxHEIGHT, such as 1920x1080: {text!r}") from exc
    return width, height


def _warehouse_layout() -> Layout:
    db = Database.from_settings(Settings().core)
    try:
        return layout_from_core(db)
    finally:
        db.dispose()


@app.command("zones")
def zones_command(
    camera: Annotated[str, typer.Option(help="Camera name in the cameras file.")],
    cameras: Annotated[
        Path | None, typer.Option(help="Cameras file; default: FACET_WEB_CAMERAS_FILE.")
    ] = None,
    layout: Annotated[
        str | None,
        typer.Option(help="Layout file or named layout; default: the warehouse's own bins."),
    ] = None,
    size: Annotated[
        str | None, typer.Option(help="Camera image WIDTHxHEIGHT; default: the camera's size.")
    ] = None,
    vault_zone: Annotated[
        str | None,
        typer.Option(help="Name of the vault zone (its zone code, such as VLT); default: the "
                     "camera's own vault zone's, else the layout's."),
    ] = None,
    vault_min_signed_on: Annotated[
        int | None,
        typer.Option(help="People signed on for a person in the vault; default: the camera's "
                     "own vault zone's, else 2 (the two-person rule)."),
    ] = None,
) -> None:
    """Print the zones of a placed camera drawn from the twin's layout, as a YAML zones file."""

    def action() -> list[dict[str, Any]]:
        path = cameras or Settings().web.cameras_file
        if path is None:
            raise CameraError("no cameras file: give --cameras or set FACET_WEB_CAMERAS_FILE")
        plan = _layout(layout) if layout is not None else _warehouse_layout()
        return zones_for(plan, path, camera, size=_size(size), vault_name=vault_zone,
                         vault_min_signed_on=vault_min_signed_on)

    typer.echo(yaml.safe_dump({"zones": _run(action)}, sort_keys=False), nl=False)

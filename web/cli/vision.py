"""``facet vision``: serve the cameras, run them headless, check an image, train a shelf model."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer

from web.extras import exit_unless_installed

app = typer.Typer(help="Cameras: detection, zones, rules and alerts.", no_args_is_help=True)


@app.callback()
def _needs_the_extra() -> None:
    """Every vision command runs ultralytics (the YOLO detector, the tracker): facet[vision]."""
    exit_unless_installed("vision")


def _fail(exc: Exception) -> typer.Exit:
    """Print a vision error as JSON on stderr and return the exit to raise."""
    code = getattr(exc, "code", "vision-error")
    message = getattr(exc, "message", str(exc))
    typer.echo(json.dumps({"error": {"code": code, "message": message}}), err=True)
    return typer.Exit(2)


def _parse_signed_on(values: list[str]) -> dict[str, Any]:
    from vision.protocols import SignedOn

    out: dict[str, list[SignedOn]] = {}
    for value in values:
        zone, _, roles = value.partition(":")
        if not zone:
            raise typer.BadParameter(f"expected ZONE[:ROLE,ROLE], got {value!r}")
        person = SignedOn("cli", frozenset(r for r in roles.split(",") if r))
        out.setdefault(zone, []).append(person)
    return out


@app.command("check")
def check(
    image: Annotated[Path, typer.Argument(help="Image file to analyse.")],
    zones: Annotated[Path, typer.Option("--zones", help="Zones file (YAML or JSON).")],
    weights: Annotated[
        Path | None,
        typer.Option(help="Detector weights (.pt, .onnx, OpenVINO folder); default: settings."),
    ] = None,
    detector: Annotated[
        str | None, typer.Option(help="Detector type: yolo or fake; default: settings.")
    ] = None,
    signed_on: Annotated[
        list[str] | None,
        typer.Option(help="ZONE[:ROLE,ROLE] someone is signed on to (repeatable)."),
    ] = None,
) -> None:
    """Print as JSON the detections in IMAGE and the alerts it would raise."""
    from vision.check import check_image
    from vision.errors import VisionError
    from web.settings import Settings

    try:
        settings = Settings().vision
        if detector is not None:
            settings = settings.model_copy(update={"detector_type": detector})
        result = check_image(
            image,
            zones,
            settings=settings,
            weights=weights,
            signed_on=_parse_signed_on(signed_on or []),
        )
    except VisionError as exc:
        raise _fail(exc) from exc
    typer.echo(json.dumps(result, indent=2))


@app.command("run")
def run(
    config: Annotated[Path, typer.Option("--config", help="Cameras file (cameras.yaml).")],
    duration: Annotated[
        float | None, typer.Option(help="Stop after this many seconds; default: until Ctrl-C.")
    ] = None,
    alerts_log: Annotated[
        Path | None,
        typer.Option(help="JSON-lines file for alerts; default: var/vision/alerts.jsonl."),
    ] = None,
    status_every: Annotated[float, typer.Option(help="Seconds between status lines.")] = 10.0,
) -> None:
    """Run the camera pipeline headless, logging alerts as JSON lines."""
    from vision.config import load_cameras
    from vision.errors import VisionError
    from vision.protocols import JsonlAlertSink
    from vision.supervisor import VisionSupervisor
    from web.settings import Settings

    try:
        cameras = load_cameras(config)
        settings = cameras.vision_settings(Settings().vision)
        sink = JsonlAlertSink(alerts_log or settings.var_dir / "alerts.jsonl")
        supervisor = VisionSupervisor(settings, cameras, sink=sink)
    except VisionError as exc:
        raise _fail(exc) from exc
    stop: list[bool] = [False]
    previous = _install_stop_handler(stop)
    supervisor.start()
    try:
        _watch(supervisor, duration, status_every, stop)
    finally:
        supervisor.stop()
        for signum, old in previous.items():
            signal.signal(signum, old)
    _print_status(supervisor)
    typer.echo(
        json.dumps(
            {
                "frames": supervisor.stats.frames,
                "alerts": supervisor.stats.alerts,
                "alerts_log": str(sink.path),
            }
        )
    )


def _install_stop_handler(flag: list[bool]) -> dict[int, Any]:
    def handler(signum: int, frame: FrameType | None) -> None:
        flag[0] = True

    previous: dict[int, Any] = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, handler)
    return previous


def _watch(supervisor: Any, duration: float | None, every: float, stop: list[bool]) -> None:
    from vision.sources import CameraState

    started = time.monotonic()
    next_status = started + every
    finished = {CameraState.ENDED, CameraState.ERROR, CameraState.STOPPED}
    while not stop[0]:
        now = time.monotonic()
        if duration is not None and now - started >= duration:
            return
        if all(s.state in finished for s in supervisor.statuses()):
            return  # every camera is a finished file or a failed setup
        if now >= next_status:
            _print_status(supervisor)
            next_status = now + every
        time.sleep(0.2)


def _print_status(supervisor: Any) -> None:
    for status in supervisor.statuses():
        typer.echo(status.model_dump_json(exclude={"kind"}))


@app.command("serve")
def serve(
    config: Annotated[Path, typer.Option("--config", help="Cameras file (cameras.yaml).")],
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8100,
    instance: Annotated[
        str | None,
        typer.Option(help="This instance's name in the leases; default: host:port/pid."),
    ] = None,
) -> None:
    """Run the cameras as a service: one instance per camera group leads, others stand by."""
    import uvicorn

    from vision.config import load_cameras
    from vision.errors import VisionError
    from web.observability.logs import log_config
    from web.settings import Settings
    from web.vision_service.app import create_vision_app, default_instance

    settings = Settings()  # refuses unknown FACET_* keys; `facet` configured the logging
    try:
        cameras = load_cameras(config)
        cameras.vision_settings(settings.vision)  # a bad settings block fails here, not later
    except VisionError as exc:
        raise _fail(exc) from exc
    service = create_vision_app(settings, cameras, instance=instance or default_instance(port))
    uvicorn.run(
        service, host=host, port=port, log_config=log_config(settings.operations),
        log_level=settings.operations.log_level.lower(),
        access_log=False,  # the service writes the access lines itself, with request ids
    )


@app.command("train")
def train(
    dataset: Annotated[Path, typer.Argument(help="Folder with images/, labels/, classes.txt.")],
    names: Annotated[
        str | None, typer.Option(help="Comma-separated class names; default: classes.txt.")
    ] = None,
    base: Annotated[
        str, typer.Option(help="Start from a .pt checkpoint or a model .yaml (from scratch).")
    ] = "yolo11n.yaml",
    epochs: Annotated[int, typer.Option(min=1, help="Training epochs.")] = 50,
    imgsz: Annotated[int, typer.Option(min=32, help="Training image size.")] = 640,
    batch: Annotated[int, typer.Option(min=1, help="Images per batch.")] = 8,
    val_fraction: Annotated[
        float, typer.Option(min=0.0, max=0.9, help="Share kept for validation.")
    ] = 0.2,
    project: Annotated[Path, typer.Option(help="Folder for training runs.")] = Path(
        "var/vision/training"
    ),
    name: Annotated[str, typer.Option(help="Name of this run.")] = "shelf",
    prepare_only: Annotated[bool, typer.Option(help="Only validate and write data.yaml.")] = False,
) -> None:
    """Train a custom YOLO model (trays, empty slots...) from labelled images."""
    from vision.errors import VisionError
    from vision.train import prepare_dataset, train_model
    from web.settings import Settings

    class_names = [n.strip() for n in names.split(",") if n.strip()] if names else None
    try:
        summary = prepare_dataset(dataset, names=class_names, val_fraction=val_fraction)
        out: dict[str, Any] = {
            "data": str(summary.yaml_path),
            "names": list(summary.names),
            "train_images": summary.train_images,
            "val_images": summary.val_images,
            "boxes": summary.boxes,
        }
        if not prepare_only:
            result = train_model(
                summary.yaml_path,
                base=base,
                epochs=epochs,
                imgsz=imgsz,
                batch=batch,
                project=project,
                name=name,
                config_dir=Settings().vision.ultralytics_config_dir,
            )
            out.update(
                weights=str(result.best_weights),
                run_dir=str(result.run_dir),
                metrics=result.metrics,
            )
    except VisionError as exc:
        raise _fail(exc) from exc
    typer.echo(json.dumps(out, indent=2))

"""Vision benchmark: frames per second over 4 camera streams, against bare ultralytics predict.

Run ``.venv/bin/python bench/vision.py`` from the project root; it prints the numbers and writes
``bench/results/vision.json``. Weights come from FACET_YOLO_WEIGHTS, else ../shared/models/.

Cases:

- ``synthetic``: the 640x480 walking-person video of ``vision.synthetic``, 4 cameras in 1 and
  in 2 worker groups, with frame-to-stored-alert latency.
- ``1080p``: a 1920x1080 clip composed from ultralytics' own full-resolution photos (bus.jpg,
  zidane.jpg), panned, written with cv2.VideoWriter (no real street clip is available offline).
  In the same run: bare ultralytics ``predict`` one frame at a time (same model, same imgsz) on
  the decoded frames, and on the clip itself (ultralytics decoding it, as a user of bare
  ultralytics would run it); then Facet with 4 cameras on that clip, one stream each
  (decode-time downscale), and with a 640x360 detect substream of the same clip beside the
  1080p main stream (Frigate's split of roles; nobody watches, so the main stream is not read);
  detection in OpenVINO's throughput mode (the default for OpenVINO models), and once more
  through ultralytics (``openvino_throughput=False``) to show what that mode adds.

Every figure is the median of several measurement windows.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vision.config import CamerasFile
from vision.detectors import prepare_ultralytics
from vision.images import read_image
from vision.protocols import MemoryAlertSink
from vision.settings import VisionSettings
from vision.supervisor import VisionSupervisor
from vision.synthetic import make_walk_video

DEFAULT_WEIGHTS = ROOT.parent / "shared" / "models" / "yolo11n_int8_openvino_model"
CONFIG_DIR = ROOT / "var" / "ultralytics"
IMGSZ = 640
ZONE = {
    "name": "vault",
    "kind": "vault",
    "restricted": True,
    "polygon": [[400, 300], [640, 300], [640, 480], [400, 480]],
}
SETUPS = {
    "single_stream": "one 1080p stream (decode-time downscale), OpenVINO throughput mode",
    "detect_substream": "360p detect substream + 1080p main (unwatched), OpenVINO throughput",
    "detect_substream_ultralytics": "360p detect substream, ultralytics predict on the batch",
}
ZONE_1080 = {**ZONE, "polygon": [[1200, 600], [1920, 600], [1920, 1080], [1200, 1080]]}


def _median(values: Any) -> float | None:
    values = list(values)
    return round(statistics.median(values), 2) if values else None


def _settings(work: Path, weights: Path, cooldown: float) -> VisionSettings:
    return VisionSettings(
        detector_type="yolo",
        weights=weights,
        imgsz=IMGSZ,
        var_dir=work / "var",
        ultralytics_config_dir=CONFIG_DIR,
        persistence_frames=3,
        cooldown_seconds=cooldown,
        snapshot_max_count=200,
    )


def _windows(
    count: Callable[[], int], *, windows: int, seconds: float
) -> tuple[list[float], float, int]:
    """Frames/s of ``count()``'s growth over ``windows`` windows; also total time and frames."""
    rates, start, first = [], time.monotonic(), count()
    for _ in range(windows):
        frames0, t0 = count(), time.monotonic()
        time.sleep(seconds)
        rates.append((count() - frames0) / (time.monotonic() - t0))
    return rates, time.monotonic() - start, count() - first


def run_case(
    cameras: list[dict[str, Any]],
    work: Path,
    weights: Path,
    *,
    windows: int,
    seconds: float,
    cooldown: float = 0.0,
    **overrides: Any,
) -> dict[str, Any]:
    """Run the cameras under a supervisor and measure total frames/s over the windows.

    ``cooldown`` 0 makes every frame with a person in the zone an alert (latency figures).
    """
    settings = _settings(work, weights, cooldown).model_copy(update=overrides)
    config = CamerasFile.model_validate({"cameras": cameras})
    sink = MemoryAlertSink()
    supervisor = VisionSupervisor(settings, config, sink=sink)
    supervisor.start()
    try:
        deadline = time.monotonic() + 300
        while supervisor.stats.frames < 5 * len(cameras):  # models loaded and warm
            if time.monotonic() > deadline:
                raise RuntimeError(f"cameras did not start: {supervisor.statuses()}")
            time.sleep(0.1)
        supervisor.stats.alert_latency_ms.clear()
        supervisor.stats.detect_ms.clear()
        jpeg0 = supervisor.stats.jpeg_encoded
        rates, elapsed, frames = _windows(
            lambda: supervisor.stats.frames, windows=windows, seconds=seconds
        )
        per_camera = {s.camera: s.fps for s in supervisor.statuses()}
        jpegs = supervisor.stats.jpeg_encoded - jpeg0
    finally:
        supervisor.stop()
    latency = sorted(supervisor.stats.alert_latency_ms)
    return {
        "groups": len({c.get("group", "default") for c in cameras}),
        "cameras": len(cameras),
        "seconds": round(elapsed, 1),
        "frames": frames,
        "total_fps": _median(rates),
        "window_fps": [round(r, 2) for r in rates],
        "per_camera_fps": per_camera,
        "detect_ms_median": _median(supervisor.stats.detect_ms),
        "alert_latency_ms_median": _median(latency),
        "alert_latency_ms_p95": round(latency[int(0.95 * (len(latency) - 1))], 2)
        if latency
        else None,
        "alerts_stored": len(sink.alerts),
        "jpeg_encoded": jpegs,
    }


def _cameras(source: Path, groups: int, zone: dict[str, Any], **extra: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": f"cam{i}",
            "source": str(source),
            "fps": None,
            "loop": True,
            "group": f"g{i % groups}",
            "zones": [zone],
            **extra,
        }
        for i in range(4)
    ]


def _panorama() -> np.ndarray:
    """bus.jpg and zidane.jpg side by side at 1080 pixels high (2730 x 1080)."""
    from ultralytics.utils import ASSETS

    tiles = []
    for name in ("bus.jpg", "zidane.jpg"):
        image = read_image(ASSETS / name)
        height, width = image.shape[:2]
        tiles.append(cv2.resize(image, (round(width * 1080 / height), 1080)))
    return np.hstack(tiles)


def _pan(panorama: np.ndarray, frames: int) -> Iterator[np.ndarray]:
    """1920x1080 views sliding across the panorama and back."""
    span = panorama.shape[1] - 1920
    for i in range(frames):
        phase = (i % 200) / 100.0
        x = int(span * (phase if phase <= 1 else 2 - phase))
        yield panorama[:, x : x + 1920]


def make_1080p_clip(folder: Path, *, frames: int, fps: float = 25.0) -> tuple[Path, Path]:
    """The 1080p clip and its 640x360 substream (the same frames scaled), as mp4v files."""
    main, sub = folder / "main_1080p.mp4", folder / "sub_360p.mp4"
    fourcc = cv2.VideoWriter.fourcc(*"mp4v")
    big = cv2.VideoWriter(str(main), fourcc, fps, (1920, 1080))
    small = cv2.VideoWriter(str(sub), fourcc, fps, (640, 360))
    for view in _pan(_panorama(), frames):
        big.write(np.ascontiguousarray(view))
        small.write(cv2.resize(view, (640, 360), interpolation=cv2.INTER_AREA))
    big.release()
    small.release()
    return main, sub


def _decoded(clip: Path, limit: int) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(clip))
    frames: list[np.ndarray] = []
    while len(frames) < limit:
        ok, image = capture.read()
        if not ok:
            break
        frames.append(image)
    capture.release()
    return frames


class BarePredict:
    """Bare ultralytics predict, one frame per call: on decoded frames, and on the clip."""

    def __init__(self, clip: Path, weights: Path, *, per_window: int) -> None:
        """The model loaded and warm, ``per_window`` frames decoded."""
        from ultralytics.models import YOLO

        self.clip, self.per_window = clip, per_window
        self.model = YOLO(str(weights), task="detect")
        # A streaming predict holds its predictor's lock while suspended: the clip gets its own.
        self.clip_model = YOLO(str(weights), task="detect")
        self.frames = _decoded(clip, per_window)
        self.args: dict[str, Any] = {
            "imgsz": IMGSZ,
            "conf": 0.35,
            "iou": 0.5,
            "device": "cpu",
            "verbose": False,
        }
        self.model.predict(self.frames[0], **self.args)  # warm-up
        self._stream: Iterator[Any] = iter(())

    def decoded_fps(self) -> float:
        """One window over the decoded frames."""
        started = time.perf_counter()
        for image in self.frames:
            self.model.predict(image, **self.args)
        return len(self.frames) / (time.perf_counter() - started)

    def clip_fps(self) -> float:
        """One window with ultralytics reading (decoding) the clip itself."""
        started, done = time.perf_counter(), 0
        while done < self.per_window:
            if next(self._stream, None) is None:  # the clip ended: read it again
                stream = self.clip_model.predict(str(self.clip), stream=True, **self.args)
                self._stream = iter(stream)
                started, done = time.perf_counter(), 0
                continue
            done += 1
        return done / (time.perf_counter() - started)


def _ratio(facet: float | None, bare: float | None) -> float | None:
    return round(facet / bare, 2) if facet and bare else None


def run_1080p(work: Path, weights: Path, *, windows: int, seconds: float) -> dict[str, Any]:
    """The 1080p cases and bare predict, interleaved window by window in one run.

    The machine may be shared: each round measures bare predict and both Facet set-ups back
    to back, and the ratios are medians of the rounds' own ratios.
    """
    main, sub = make_1080p_clip(work, frames=300)
    bare = BarePredict(main, weights, per_window=40)
    substream = _cameras(main, 1, ZONE_1080, detect_source=str(sub), size=[1920, 1080])
    setups: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]] = {
        "single_stream": (_cameras(main, 1, ZONE_1080), {}),
        "detect_substream": (substream, {}),
        "detect_substream_ultralytics": (substream, {"openvino_throughput": False}),
    }
    rounds: list[dict[str, Any]] = []
    for _ in range(windows):
        row: dict[str, Any] = {"bare_decoded": bare.decoded_fps(), "bare_clip": bare.clip_fps()}
        for name, (cameras, overrides) in setups.items():
            row[name] = run_case(
                cameras, work, weights, windows=1, seconds=seconds, cooldown=60.0, **overrides
            )
        rounds.append(row)
    return _summary_1080p(rounds)


def _summary_1080p(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "clip": "1920x1080 mp4v, composed from ultralytics assets bus.jpg + zidane.jpg, panned",
        "bare_predict_decoded_fps": _median(r["bare_decoded"] for r in rounds),
        "bare_predict_clip_fps": _median(r["bare_clip"] for r in rounds),
    }
    for name in SETUPS:
        out[name] = {
            "total_fps": _median(r[name]["total_fps"] for r in rounds),
            "detect_ms_median": _median(r[name]["detect_ms_median"] for r in rounds),
            "jpeg_encoded": sum(r[name]["jpeg_encoded"] for r in rounds),
            "alerts_stored": sum(r[name]["alerts_stored"] for r in rounds),
            "round_fps": [r[name]["total_fps"] for r in rounds],
        }
        for bare in ("decoded", "clip"):
            ratios = [_ratio(r[name]["total_fps"], r[f"bare_{bare}"]) for r in rounds]
            out[f"ratio_{name}_vs_bare_{bare}"] = _median(x for x in ratios if x is not None)
    out["rounds_bare_decoded_fps"] = [round(r["bare_decoded"], 2) for r in rounds]
    out["rounds_bare_clip_fps"] = [round(r["bare_clip"], 2) for r in rounds]
    return out


def _print_case(name: str, case: dict[str, Any]) -> None:
    print(
        f"{name}: {case['groups']} worker(s), {case['cameras']} cameras: "
        f"{case['total_fps']} frames/s total (windows {case['window_fps']}), "
        f"detect {case['detect_ms_median']} ms/frame, "
        f"frame->stored alert median {case['alert_latency_ms_median']} ms "
        f"(p95 {case['alert_latency_ms_p95']} ms), {case['alerts_stored']} alerts, "
        f"{case['jpeg_encoded']} JPEGs encoded"
    )


def _print_1080p(result: dict[str, Any]) -> None:
    print(
        "1080p bare ultralytics predict, one frame per call: "
        f"{result['bare_predict_decoded_fps']} frames/s on decoded frames, "
        f"{result['bare_predict_clip_fps']} frames/s on the clip (decoding included)"
    )
    for key, name in SETUPS.items():
        case = result[key]
        print(
            f"1080p, 4 cameras, 1 worker, {name}: {case['total_fps']} frames/s total "
            f"(rounds {case['round_fps']}), detect {case['detect_ms_median']} ms/frame, "
            f"{case['jpeg_encoded']} JPEGs for {case['alerts_stored']} alerts; ratio to bare "
            f"predict {result[f'ratio_{key}_vs_bare_decoded']} (decoded frames), "
            f"{result[f'ratio_{key}_vs_bare_clip']} (clip) - goal >= 1.5"
        )


def main() -> None:
    """Run the benchmark cases and write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=4.0, help="Length of one window.")
    parser.add_argument("--windows", type=int, default=5, help="Measurement windows per case.")
    parser.add_argument(
        "--weights", type=Path, default=Path(os.environ.get("FACET_YOLO_WEIGHTS", DEFAULT_WEIGHTS))
    )
    parser.add_argument("--skip-synthetic", action="store_true", help="Only the 1080p cases.")
    args = parser.parse_args()
    if not args.weights.exists():
        sys.exit(f"weights not found: {args.weights} (set FACET_YOLO_WEIGHTS)")
    timing = {"windows": args.windows, "seconds": args.seconds}
    prepare_ultralytics(CONFIG_DIR)  # before ultralytics is first imported
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases = []
        if not args.skip_synthetic:
            video = make_walk_video(work / "walk.mp4", frames=48, fps=8.0)
            cases = [
                run_case(_cameras(video, g, ZONE), work, args.weights, **timing) for g in (1, 2)
            ]
        hd = run_1080p(work, args.weights, **timing)
    result: dict[str, Any] = {
        "machine_cpus": os.cpu_count(),
        "weights": str(args.weights),
        "imgsz": IMGSZ,
        "windows": args.windows,
        "window_seconds": args.seconds,
        "1080p": hd,
        "cases": cases,
    }
    if cases:
        best = max(cases, key=lambda c: c["total_fps"] or 0)
        result.update(
            total_fps_4_cameras=best["total_fps"],
            best_groups=best["groups"],
            alert_latency_ms_median=best["alert_latency_ms_median"],
        )
    out = ROOT / "bench" / "results" / "vision.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    for case in cases:
        _print_case("synthetic 640x480", case)
    _print_1080p(hd)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

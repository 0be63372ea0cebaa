"""Vision benchmark: frames per second over 4 camera streams and frame-to-stored-alert latency.

Run ``.venv/bin/python bench/vision.py`` from the project root; it prints the numbers and writes
``bench/results/vision.json``. Weights come from FACET_YOLO_WEIGHTS, else ../shared/models/.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vision.config import CamerasFile
from vision.protocols import MemoryAlertSink
from vision.settings import VisionSettings
from vision.supervisor import VisionSupervisor
from vision.synthetic import make_walk_video

DEFAULT_WEIGHTS = ROOT.parent / "shared" / "models" / "yolo11n_int8_openvino_model"
ZONE = {
    "name": "vault",
    "kind": "vault",
    "restricted": True,
    "polygon": [[400, 300], [640, 300], [640, 480], [400, 480]],
}


def _median(values: Any) -> float | None:
    values = list(values)
    return round(statistics.median(values), 2) if values else None


def run_case(
    video: Path, work: Path, *, groups: int, cameras: int, seconds: float, weights: Path
) -> dict[str, Any]:
    """Run ``cameras`` looping streams in ``groups`` workers for ``seconds``; return numbers."""
    settings = VisionSettings(
        detector_type="yolo",
        weights=weights,
        imgsz=640,
        var_dir=work / "var",
        ultralytics_config_dir=ROOT / "var" / "ultralytics",
        persistence_frames=3,
        cooldown_seconds=0.0,
        snapshot_max_count=200,
    )
    config = CamerasFile.model_validate(
        {
            "cameras": [
                {
                    "name": f"cam{i}",
                    "source": str(video),
                    "fps": None,
                    "loop": True,
                    "group": f"g{i % groups}",
                    "zones": [ZONE],
                }
                for i in range(cameras)
            ]
        }
    )
    sink = MemoryAlertSink()
    supervisor = VisionSupervisor(settings, config, sink=sink)
    supervisor.start()
    try:
        while supervisor.stats.frames < 5 * cameras:  # models loaded and warm
            time.sleep(0.1)
        frames0, t0 = supervisor.stats.frames, time.monotonic()
        supervisor.stats.alert_latency_ms.clear()
        supervisor.stats.detect_ms.clear()
        time.sleep(seconds)
        frames, elapsed = supervisor.stats.frames - frames0, time.monotonic() - t0
        per_camera = {s.camera: s.fps for s in supervisor.statuses()}
    finally:
        supervisor.stop()
    return {
        "groups": groups,
        "cameras": cameras,
        "seconds": round(elapsed, 1),
        "total_fps": round(frames / elapsed, 2),
        "per_camera_fps": per_camera,
        "detect_ms_median": _median(supervisor.stats.detect_ms),
        "alert_latency_ms_median": _median(supervisor.stats.alert_latency_ms),
        "alert_latency_ms_p95": round(
            sorted(supervisor.stats.alert_latency_ms)[
                int(0.95 * (len(supervisor.stats.alert_latency_ms) - 1))
            ],
            2,
        )
        if supervisor.stats.alert_latency_ms
        else None,
        "alerts_stored": len(sink.alerts),
    }


def main() -> None:
    """Run the benchmark cases and write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0, help="Measured time per case.")
    parser.add_argument(
        "--weights", type=Path, default=Path(os.environ.get("FACET_YOLO_WEIGHTS", DEFAULT_WEIGHTS))
    )
    args = parser.parse_args()
    if not args.weights.exists():
        sys.exit(f"weights not found: {args.weights} (set FACET_YOLO_WEIGHTS)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        video = make_walk_video(work / "walk.mp4", frames=48, fps=8.0)
        cases = [
            run_case(video, work, groups=g, cameras=4, seconds=args.seconds, weights=args.weights)
            for g in (1, 2)
        ]
    best = max(cases, key=lambda c: c["total_fps"])
    result = {
        "machine_cpus": os.cpu_count(),
        "weights": str(args.weights),
        "imgsz": 640,
        "total_fps_4_cameras": best["total_fps"],
        "best_groups": best["groups"],
        "alert_latency_ms_median": best["alert_latency_ms_median"],
        "cases": cases,
    }
    out = ROOT / "bench" / "results" / "vision.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    for case in cases:
        print(
            f"{case['groups']} worker(s), {case['cameras']} cameras: "
            f"{case['total_fps']} frames/s total, detect {case['detect_ms_median']} ms, "
            f"frame->stored alert median {case['alert_latency_ms_median']} ms "
            f"(p95 {case['alert_latency_ms_p95']} ms), {case['alerts_stored']} alerts"
        )
    print(f"best: {best['total_fps']} frames/s over 4 cameras; wrote {out}")


if __name__ == "__main__":
    main()

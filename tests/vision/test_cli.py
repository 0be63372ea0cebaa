"""``facet vision`` commands through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from tests.vision.conftest import needs_weights, weights_path
from vision.synthetic import ultralytics_asset
from web.cli.vision import app

runner = CliRunner()
ZONES = [
    {
        "name": "vault",
        "kind": "vault",
        "restricted": True,
        "polygon": [[0, 500], [810, 500], [810, 1080], [0, 1080]],
    }
]


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ultralytics_dir: Path) -> Path:
    monkeypatch.setenv("FACET_VISION_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("FACET_VISION_ULTRALYTICS_CONFIG_DIR", str(ultralytics_dir))
    monkeypatch.delenv("FACET_YOLO_WEIGHTS", raising=False)
    zones = tmp_path / "zones.json"
    zones.write_text(json.dumps(ZONES))
    return zones


@pytest.mark.parametrize("command", ["run", "check", "train"])
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


@needs_weights
def test_check_prints_detections_and_alerts(cli_env: Path) -> None:
    result = runner.invoke(
        app,
        [
            "check",
            str(ultralytics_asset("bus.jpg")),
            "--zones",
            str(cli_env),
            "--weights",
            str(weights_path()),
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    person = next(d for d in out["detections"] if d["label"] == "person")
    assert set(person) == {"label", "confidence", "box"} and len(person["box"]) == 4
    assert {(a["rule"], a["zone"], a["severity"]) for a in out["alerts"]} == {
        ("unauthorised-presence", "vault", "critical")
    }


def test_check_errors_are_json_with_codes(cli_env: Path, tmp_path: Path) -> None:
    corrupt = tmp_path / "bad.jpg"
    corrupt.write_bytes(b"garbage")
    result = runner.invoke(
        app, ["check", str(corrupt), "--zones", str(cli_env), "--detector", "fake"]
    )
    assert result.exit_code == 2
    assert json.loads(result.stderr)["error"]["code"] == "image-unreadable"
    result = runner.invoke(
        app,
        [
            "check",
            str(ultralytics_asset("bus.jpg")),
            "--zones",
            str(cli_env),
            "--weights",
            "/nowhere/w.pt",
        ],
    )
    assert result.exit_code == 2
    assert json.loads(result.stderr)["error"]["code"] == "weights-not-found"


def test_check_with_fake_detector(cli_env: Path, tmp_path: Path) -> None:
    image = np.full((1080, 810, 3), 100, dtype=np.uint8)
    image[600:900, 100:200] = (255, 0, 255)
    cv2.imwrite(str(tmp_path / "frame.png"), image)
    result = runner.invoke(
        app, ["check", str(tmp_path / "frame.png"), "--zones", str(cli_env), "--detector", "fake"]
    )
    out = json.loads(result.stdout)
    assert out["detections"] == [
        {"label": "person", "confidence": 0.9, "box": [100.0, 600.0, 200.0, 900.0]}
    ]
    assert [a["zone"] for a in out["alerts"]] == ["vault"]
    signed = runner.invoke(
        app,
        [
            "check",
            str(tmp_path / "frame.png"),
            "--zones",
            str(cli_env),
            "--detector",
            "fake",
            "--signed-on",
            "vault:picker",
        ],
    )
    assert json.loads(signed.stdout)["alerts"] == []


def test_run_headless_writes_alert_log(cli_env: Path, tmp_path: Path) -> None:
    frames = tmp_path / "frames"
    frames.mkdir()
    for i in range(8):
        image = np.full((240, 320, 3), 120, dtype=np.uint8)
        image[100:200, 160 + 5 * i : 200 + 5 * i] = (255, 0, 255)
        cv2.imwrite(str(frames / f"{i:02d}.png"), image)
    config = tmp_path / "cameras.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "settings": {"detector_type": "fake"},
                "cameras": [
                    {
                        "name": "door",
                        "source": "frames",
                        "fps": None,
                        "zones": [
                            {
                                "name": "cage",
                                "kind": "vault",
                                "restricted": True,
                                "polygon": [[150, 0], [320, 0], [320, 240], [150, 240]],
                            }
                        ],
                    }
                ],
            }
        )
    )
    log = tmp_path / "alerts.jsonl"
    result = runner.invoke(
        app,
        [
            "run",
            "--config",
            str(config),
            "--duration",
            "30",
            "--alerts-log",
            str(log),
            "--status-every",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    (alert,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert (alert["camera"], alert["zone"], alert["rule"]) == (
        "door",
        "cage",
        "unauthorised-presence",
    )
    assert Path(alert["snapshot_path"]).is_file()
    assert json.loads(result.stdout.strip().splitlines()[-1])["alerts"] == 1


def test_run_rejects_bad_config(cli_env: Path, tmp_path: Path) -> None:
    config = tmp_path / "cameras.yaml"
    config.write_text("cameras:\n  - name: x\n    source: a.mp4\n    colour: red\n")
    result = runner.invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == 2
    assert json.loads(result.stderr)["error"]["code"] == "invalid-vision-config"

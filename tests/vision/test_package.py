"""Package rules: settings, imports, the web router without a running supervisor."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from tests.vision.conftest import PROJECT_ROOT
from vision.config import CamerasFile
from vision.errors import VisionError
from vision.protocols import MemoryAlertSink
from vision.settings import VisionSettings
from vision.supervisor import VisionSupervisor
from web.api.vision import router
from web.services import camera_supervisor


def test_settings_env_prefix_and_weights_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACET_VISION_PERSISTENCE_FRAMES", "5")
    monkeypatch.setenv("FACET_YOLO_WEIGHTS", "/models/yolo")
    settings = VisionSettings()
    assert settings.persistence_frames == 5 and settings.weights == Path("/models/yolo")
    with pytest.raises(ValidationError):
        VisionSettings(unknown_key=1)  # type: ignore[call-arg]


def test_every_setting_is_described() -> None:
    assert all(f.description for f in VisionSettings.model_fields.values())


def test_errors_have_kebab_codes() -> None:
    import vision.errors as errors

    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, VisionError)
        assert cls.code == cls.code.lower() and " " not in cls.code and "_" not in cls.code


def test_import_loads_no_model_and_no_ultralytics() -> None:
    code = (
        "import sys, vision, web.api.vision; "
        "print('ultralytics' in sys.modules, 'torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


def test_vision_imports_no_other_facet_package() -> None:
    for file in (PROJECT_ROOT / "vision").rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert name.split(".")[0] not in {"core", "web", "twin", "assistant"}, file


def test_router_without_and_with_a_stopped_supervisor(tmp_path: Path) -> None:
    app = FastAPI()
    app.include_router(router)
    app.dependency_overrides[camera_supervisor] = lambda: None  # no cameras configured
    client = TestClient(app)
    response = client.get("/api/vision/cameras")
    assert response.status_code == 503
    assert response.json()["detail"]["code"] == "vision-not-configured"
    cameras = CamerasFile.model_validate({"cameras": [{"name": "dock", "source": "x.mp4"}]})
    supervisor = VisionSupervisor(VisionSettings(var_dir=tmp_path), cameras, sink=MemoryAlertSink())
    app.dependency_overrides[camera_supervisor] = lambda: supervisor
    body = client.get("/api/vision/cameras").json()
    assert body["running"] is False and body["cameras"][0]["state"] == "stopped"
    assert client.get("/api/vision/cameras/nope/mjpeg").status_code == 404
    assert client.get("/api/vision/cameras/dock").json()["camera"] == "dock"
    snapshot = client.get("/api/vision/cameras/dock/snapshot.jpg")
    assert snapshot.headers["content-type"] == "image/jpeg"
    with client.stream("GET", "/api/vision/cameras/dock/mjpeg?max_frames=1") as stream:
        assert stream.headers["content-type"].startswith("multipart/x-mixed-replace")
        data = b"".join(stream.iter_bytes())
    assert data.startswith(b"--facetframe\r\nContent-Type: image/jpeg") and b"\xff\xd8" in data

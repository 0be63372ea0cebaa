"""The settings tree: unknown FACET_* variables are refused, CORS origins are honoured."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from core import CoreSettings
from core.api_deps import context_of
from web.app import create_app
from web.services import services_of
from web.settings import Settings, UnknownSetting, WebSettings, check_environment, known_keys


def test_every_documented_kind_of_key_is_known() -> None:
    """Plain fields of each section, a nested field and both names of the YOLO weights."""
    known = known_keys()
    for key in ("FACET_DATABASE_URL", "FACET_WEB_PORT", "FACET_WEB_CORS_ORIGINS",
                "FACET_ASSISTANT_TTS", "FACET_ASSISTANT_SPEECH__TYPE",
                "FACET_ASSISTANT_VAD__HANGOVER_MS", "FACET_VISION_PERSISTENCE_FRAMES",
                "FACET_YOLO_WEIGHTS", "FACET_VISION_WEIGHTS"):
        assert key in known, key
    assert "FACET_VISION_YOLO_WEIGHTS" not in known


def test_a_misspelt_key_is_refused_with_the_nearest_known_one() -> None:
    with pytest.raises(UnknownSetting) as refused:
        check_environment({"FACET_WEB_PROT": "9000", "PATH": "/bin"})
    assert refused.value.key == "FACET_WEB_PROT"
    assert refused.value.nearest == "FACET_WEB_PORT"
    assert "FACET_WEB_PROT" in str(refused.value) and "FACET_WEB_PORT" in str(refused.value)


def test_a_nested_key_is_checked_field_by_field() -> None:
    check_environment({"FACET_ASSISTANT_SPEECH__VOSK_MODEL_DIR": "/m"})
    with pytest.raises(UnknownSetting) as refused:
        check_environment({"FACET_ASSISTANT_SPEECH__VOSK_MODEL": "/m"})
    assert refused.value.nearest == "FACET_ASSISTANT_SPEECH__VOSK_MODEL_DIR"


def test_keys_are_case_insensitive_and_non_settings_pass() -> None:
    """pydantic-settings reads the environment case-insensitively, so the check does too;
    the test suite's and the speech tools' own variables are not settings."""
    check_environment({"facet_web_port": "9000", "FACET_TEST_POSTGRES_URL": "postgresql://x",
                       "FACET_FUZZ_EXAMPLES": "5", "FACET_FSDD_DIR": "/data", "FACETS": "1"})


def test_building_settings_refuses_an_unknown_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check runs where the settings are built: create_app and every CLI command."""
    monkeypatch.setenv("FACET_DATABSE_URL", "sqlite:///elsewhere.db")
    with pytest.raises(UnknownSetting, match="did you mean FACET_DATABASE_URL"):
        Settings()


def test_the_tree_holds_every_section(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACET_VISION_PERSISTENCE_FRAMES", "7")
    monkeypatch.setenv("FACET_ASSISTANT_LANGUAGE", "zh")
    settings = Settings()
    assert settings.vision.persistence_frames == 7
    assert settings.assistant.language == "zh"


def _app(db_url: str, origins: list[str]) -> TestClient:
    core = CoreSettings(database_url=db_url, secret_key="cors-key-" * 5)
    return TestClient(create_app(Settings(core=core, web=WebSettings(cors_origins=origins))))


def test_cors_is_off_by_default(db_url: str) -> None:
    client = _app(db_url, [])
    answer = client.get("/api/health", headers={"Origin": "https://wms.example.com"})
    assert answer.status_code == 200
    assert "access-control-allow-origin" not in answer.headers


def test_cors_origins_are_allowed_and_others_not(db_url: str) -> None:
    client = _app(db_url, ["https://wms.example.com"])
    preflight = client.options("/api/stock", headers={
        "Origin": "https://wms.example.com", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://wms.example.com"
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    answer = client.get("/api/health", headers={"Origin": "https://wms.example.com"})
    assert answer.headers["access-control-allow-origin"] == "https://wms.example.com"
    stranger = client.options("/api/stock", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
    assert stranger.status_code == 400
    assert "access-control-allow-origin" not in stranger.headers


def test_create_app_builds_one_typed_services(db_url: str) -> None:
    """Every service is built once and reachable from the app; the optional camera part is
    None without a cameras file, and the core's context is the same object as the app's."""
    client = _app(db_url, [])
    wired = services_of(client.app)  # type: ignore[arg-type]
    assert wired.vision is None and wired.live_hub is None
    assert context_of(client.app) is wired.core  # type: ignore[arg-type]
    assert wired.core.pick_sequencer == wired.live_twin.sequence
    assert wired.db is wired.core.db and wired.token_key == "cors-key-" * 5


@pytest.mark.parametrize("path", ["/ws/voice", "/ws/voice/enrol"])
def test_voice_sockets_answer_before_the_pages(db_url: str, path: str) -> None:
    """Mounted before the pages (which close any socket with 1000), the voice sockets
    refuse a handshake without a ticket themselves (1008)."""
    client = _app(db_url, [])
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect(path) as ws:
        ws.receive_json()
    assert refused.value.code == 1008


def test_the_cli_names_an_unknown_key_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from web.cli.main import main

    monkeypatch.setenv("FACET_DEMO_MOD", "true")
    monkeypatch.setattr("sys.argv", ["facet", "db", "upgrade"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 2
    assert "did you mean FACET_DEMO_MODE?" in capsys.readouterr().err

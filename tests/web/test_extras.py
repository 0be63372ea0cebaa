"""Optional extras: a missing one switches its part off with one clear line, never a traceback."""

from __future__ import annotations

import json
import logging
import tomllib
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from core import CoreSettings
from web import extras
from web.app import create_app
from web.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ABSENT = "facet_test_no_such_package"


@pytest.fixture
def no_assistant(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the assistant extra look uninstalled (a package name that cannot be found)."""
    what, names = extras.EXTRAS["assistant"]
    monkeypatch.setitem(extras.EXTRAS, "assistant", (what, (*names, ABSENT)))


def test_every_extra_is_declared_in_pyproject() -> None:
    optional = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert set(extras.EXTRAS) <= set(optional)
    assert optional["all"] == ["facet[vision,assistant,headset]"]


def test_core_dependencies_pull_no_torch() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = " ".join(project["dependencies"])
    for heavy in ("torch", "ultralytics", "sentence-transformers", "openvino", "sounddevice"):
        assert heavy not in core
    assert "torch==2.14.1" in project["optional-dependencies"]["assistant"]


def test_this_machine_has_every_extra() -> None:
    for extra in extras.EXTRAS:
        assert extras.missing(extra) == [], extra


def test_a_missing_extra_names_the_part_packages_and_command(no_assistant: None) -> None:
    assert extras.missing("assistant") == [ABSENT] and not extras.installed("assistant")
    message = extras.missing_message("assistant")
    assert message.startswith("chat and voice picking: off")
    assert ABSENT in message and "pip install 'facet[assistant]'" in message
    with pytest.raises(extras.MissingExtraError) as info:
        extras.require("assistant")
    assert info.value.code == "extra-missing" and info.value.message == message


def test_log_missing_writes_one_line_per_missing_extra(
    no_assistant: None, caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("facet-test-extras")
    with caplog.at_level(logging.WARNING, logger=logger.name):
        absent = extras.log_missing(logger, "assistant", "vision", "headset")
    assert absent == {"assistant"}
    assert [r.getMessage() for r in caplog.records] == [extras.missing_message("assistant")]


def test_cli_refusal_is_one_json_line(
    no_assistant: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(typer.Exit) as info:
        extras.exit_unless_installed("assistant")
    assert info.value.exit_code == 2
    error = json.loads(capsys.readouterr().err)["error"]
    assert error == {"code": "extra-missing", "message": extras.missing_message("assistant")}
    extras.exit_unless_installed("vision")  # installed here: no exit


def test_app_without_the_assistant_extra_serves_the_rest(
    no_assistant: None, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(core=CoreSettings(database_url=db_url, secret_key="test-signing-key-" * 3))
    with caplog.at_level(logging.WARNING, logger="web.app"):
        app = create_app(settings)
    assert [r.getMessage() for r in caplog.records if r.name == "web.app"] == [
        extras.missing_message("assistant")
    ]
    with TestClient(app) as client:
        assert client.get("/api/health").json()["status"] == "ok"
        paths = set(client.get("/openapi.json").json()["paths"])
        assert "/api/stock" in paths
        assert not any(p.startswith("/api/assistant") for p in paths)
        with pytest.raises(WebSocketDisconnect) as closed:  # no voice websocket either
            with client.websocket_connect("/ws/voice"):
                pass
        assert closed.value.code == 1000  # no route; the real one refuses a token-less 1008


def test_pages_of_a_missing_extra_leave_the_navigation(no_assistant: None) -> None:
    from web.pages.shell import ASSISTANT_NAV, _nav

    links = _nav(list(ASSISTANT_NAV), "manager", "manager", "/reports")
    ids = {getattr(link, "id", None) for link in links}
    assert {"nav-pickers", "nav-reports"} <= ids  # they use the core API only
    assert not ids & {"nav-chat", "nav-voice"}  # they need the assistant's API
    chat = next(item for item in ASSISTANT_NAV if item.path == "/chat")
    assert chat.extra == "assistant" and not chat.available()


def test_pages_of_installed_extras_are_in_the_navigation() -> None:
    from web.pages.shell import ASSISTANT_NAV, _nav

    ids = {getattr(link, "id", None) for link in _nav(list(ASSISTANT_NAV), "manager", "m", "/")}
    assert {"nav-chat", "nav-voice", "nav-pickers", "nav-reports"} <= ids

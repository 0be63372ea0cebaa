"""`facet headset --script`: the real client against a real server on a local port."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from assistant.speech import FakeSpeechEngine, encode_text
from assistant.speech.audio import pcm_to_wav
from tests.assistant.voice.conftest import make_backend
from tests.assistant.voice.test_ws_voice import make_app
from web.cli_headset import app


@pytest.fixture
def server_url() -> Iterator[str]:
    """Serve /ws/voice (fake engine, fake backend) with uvicorn on a free port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    application = make_app(FakeSpeechEngine(), make_backend(),
                           authenticate=lambda token: token == "secret")
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port,
                                           log_level="warning", ws="websockets-sansio"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"ws://127.0.0.1:{port}/ws/voice"
    server.should_exit = True
    thread.join(timeout=5)


def test_script_drives_a_dialogue_and_prints_json_lines(server_url: str, tmp_path: Path) -> None:
    answers = ["one two three four", "ready", "ready", "four two", "two", "sign off", "yes"]
    lines = []
    for index, text in enumerate(answers):
        wav = tmp_path / f"{index}.wav"
        wav.write_bytes(pcm_to_wav(encode_text(text)))
        lines.append(wav.name)
    script = tmp_path / "answers.txt"
    script.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(app, ["--url", server_url, "--token", "secret",
                                      "--script", str(script), "--no-speak"])
    assert result.exit_code == 0, result.output
    messages = [json.loads(line) for line in result.output.splitlines()]
    prompts = [m["text"] for m in messages if m["type"] == "prompt"]
    commands = [m["kind"] for m in messages if m["type"] == "command"]
    assert prompts[0] == "Operator ID?" and prompts[-1] == "Goodbye Anna."
    assert commands == ["digits", "ready", "ready", "digits", "quantity", "sign_off", "yes"]
    assert messages[-1] == {"type": "end"}

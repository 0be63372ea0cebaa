"""`facet headset --script`: the real client against a real server on a local port, at 16 and
8 kHz."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from assistant.speech import FakeSpeechEngine, encode_text
from assistant.speech.audio import pcm_to_wav, to_pcm
from tests.assistant.voice.conftest import make_backend
from tests.assistant.voice.test_ws_voice import make_app
from web.cli.headset import StreamDecimator, app

ANSWERS = ["one two three four", "ready", "ready", "four two", "two", "sign off", "yes"]


@contextmanager
def serving(application: FastAPI) -> Iterator[str]:
    """Serve `application` with uvicorn on a free port; its ws:// base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port,
                                           log_level="warning", ws="websockets-sansio"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"ws://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)


@pytest.fixture
def engine() -> FakeSpeechEngine:
    """The server's engine (it keeps the recognisers it made)."""
    return FakeSpeechEngine()


@pytest.fixture
def server_url(engine: FakeSpeechEngine) -> Iterator[str]:
    """Serve /ws/voice (fake engine, fake backend) with uvicorn on a free port."""
    application = make_app(
        engine,
        make_backend(),
        # The client sends its token as a header on the handshake, never in the URL.
        authenticate=lambda ws: ws.headers.get("authorization") == "Bearer secret"
        and "secret" not in ws.url.query,
    )
    with serving(application) as base:
        yield f"{base}/ws/voice"


def write_script(tmp_path: Path, answers: list[str], rate: int = 16000) -> Path:
    """WAVs at `rate` saying each answer (fake-engine audio), and the script listing them."""
    lines = []
    for index, text in enumerate(answers):
        wav = tmp_path / f"{index}.wav"
        wav.write_bytes(pcm_to_wav(encode_text(text), rate))
        lines.append(wav.name)
    script = tmp_path / "answers.txt"
    script.write_text("\n".join(lines) + "\n")
    return script


def test_script_drives_a_dialogue_and_prints_json_lines(server_url: str, tmp_path: Path) -> None:
    script = write_script(tmp_path, ANSWERS)
    result = CliRunner().invoke(app, ["--url", server_url, "--token", "secret",
                                      "--script", str(script), "--no-speak"])
    assert result.exit_code == 0, result.output
    messages = [json.loads(line) for line in result.output.splitlines()]
    prompts = [m["text"] for m in messages if m["type"] == "prompt"]
    commands = [m["kind"] for m in messages if m["type"] == "command"]
    assert prompts[0] == "Operator ID?" and prompts[-1] == "Goodbye Anna."
    assert commands == ["digits", "ready", "ready", "digits", "quantity", "sign_off", "yes"]
    assert messages[-1] == {"type": "end"}


def test_narrowband_headset_streams_at_8khz(server_url: str, engine: FakeSpeechEngine,
                                            tmp_path: Path) -> None:
    script = write_script(tmp_path, ANSWERS, rate=8000)
    result = CliRunner().invoke(app, ["--url", server_url, "--token", "secret", "--rate", "8000",
                                      "--script", str(script), "--no-speak"])
    assert result.exit_code == 0, result.output
    messages = [json.loads(line) for line in result.output.splitlines()]
    assert [m["kind"] for m in messages if m["type"] == "command"][:2] == ["digits", "ready"]
    assert messages[-1] == {"type": "end"}
    assert {rec.sample_rate for rec in engine.recognizers} == {8000}


def test_only_the_two_bands_are_offered(tmp_path: Path) -> None:
    script = write_script(tmp_path, ANSWERS[:1])
    result = CliRunner().invoke(app, ["--rate", "11025", "--script", str(script)])
    assert result.exit_code == 2 and "use one of 8000, 16000" in result.output


def _tone(hz: float, seconds: float = 1.0, rate: int = 16000) -> bytes:
    t = np.arange(int(rate * seconds)) / rate
    return to_pcm(8000 * np.sin(2 * np.pi * hz * t))


def _level(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)[400:]  # past the filter's start
    return float(np.sqrt(np.mean(samples**2)))


def test_the_microphone_is_decimated_as_one_stream() -> None:
    voice, hiss = _tone(500), _tone(6000)
    whole = StreamDecimator(8000)(voice)
    chunked = StreamDecimator(8000)
    pieces = b"".join(chunked(voice[i : i + 3202]) for i in range(0, len(voice), 3202))
    assert len(whole) == len(voice) // 2 and pieces == whole  # chunks are seamless
    assert _level(whole) > 0.9 * 8000 / np.sqrt(2)  # speech band kept
    assert _level(StreamDecimator(8000)(hiss)) < 0.02 * 8000  # above 4 kHz: not folded back
    assert StreamDecimator(16000)(voice) == voice

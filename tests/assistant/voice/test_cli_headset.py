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
from websockets.exceptions import ConnectionClosedOK
from websockets.frames import Close

from assistant.speech import FakeSpeechEngine, encode_text
from assistant.speech.audio import pcm_to_wav, to_pcm
from tests.assistant.voice.conftest import make_backend
from tests.assistant.voice.test_ws_voice import make_app
from web.cli.headset import StreamDecimator, _WebsocketsConnection, app, run_script

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
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start within 60 s"
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


class _ClosingSocket:
    """A websocket whose server ends the dialogue after `sends` frames: later sends fail as
    websockets' do once the close handshake is done, and the messages the server sent before
    closing are still read, then the close."""

    def __init__(self, messages: list[dict[str, object]], sends: int) -> None:
        self.inbox = [json.dumps(m) for m in messages]
        self.sends = sends

    def send(self, data: str | bytes) -> None:
        self.sends -= 1
        if self.sends < 0:
            raise ConnectionClosedOK(Close(1000, ""), Close(1000, ""), True)

    def recv(self) -> str:
        if not self.inbox:
            raise ConnectionClosedOK(Close(1000, ""), Close(1000, ""), True)
        return self.inbox.pop(0)


def test_a_server_that_closes_during_the_last_answer_still_ends_the_dialogue(
    tmp_path: Path,
) -> None:
    """The server may say goodbye and close while the client still sends the answer's tail
    (seen under load): the goodbye is shown and the script counts as finished."""
    write_script(tmp_path, ["yes"])  # 0.wav
    sent_before_close = 3
    ws = _ClosingSocket([{"type": "prompt", "text": "Sign off? Yes or no."},
                         {"type": "command", "kind": "yes", "value": None, "text": "yes"},
                         {"type": "prompt", "text": "Goodbye Anna."}, {"type": "end"}],
                        sent_before_close)
    shown: list[dict[str, object]] = []
    assert run_script(_WebsocketsConnection(ws), [tmp_path / "0.wav"], shown.append)
    assert ws.sends < 0  # the tail really was refused
    assert [m.get("text") for m in shown][-2:] == ["Goodbye Anna.", None]
    assert shown[-1] == {"type": "end"}

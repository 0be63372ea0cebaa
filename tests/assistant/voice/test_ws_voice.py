"""The /ws/voice websocket and the headset client, over the fake and the real engines."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from assistant.speech import (
    AssistantSettings,
    EspeakTts,
    FakeSpeechEngine,
    PocketSphinxEngine,
    SpeechEngine,
    encode_text,
)
from assistant.speech.audio import pcm_to_wav
from assistant.voice import InMemoryPickingBackend
from tests.assistant.voice.conftest import (
    VOICES,
    make_backend,
    make_lines,
    needs_espeak,
    needs_sox,
)
from web.api.ws_voice import router
from web.cli.headset import read_script, run_script
from web.services import AUTO, VoiceServices, voice_services

DIALOGUE = [
    "one two three four", "ready", "ready", "four two", "two", "one seven", "one",
    "kilo seven two alpha", "ready", "eight five", "two", "delta four echo five",
    "x-ray eight yankee one", "sign off", "yes",
]
AWKWARD = [
    "one two three four", "ready", "ready", "four three", "four two", "short one", "yes",
    "skip slot", "ready", "eight five", "two", "seven quebec three mike", "delta four echo five",
    "ready", "one seven", "one", "bravo nine x-ray four", "sign off", "yes",
]


def make_app(engine: SpeechEngine, backend: InMemoryPickingBackend, tts: Any = None,
             authenticate: Callable[[WebSocket], Any] | None = None) -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    # Scripted dialogues test the flow; rejection has its own tests (test_rejection.py).
    voice = VoiceServices(settings=AssistantSettings(tts=False, rejection_threshold=None),
                          backend_factory=lambda: backend, authenticate=authenticate,
                          speech_engine=engine, tts=tts)
    app.dependency_overrides[voice_services] = lambda: voice
    return app


def voice_of(app: FastAPI) -> VoiceServices:
    """The voice services `make_app` gave the router."""
    voice: VoiceServices = app.dependency_overrides[voice_services]()
    return voice


def _until(ws: Any, kind: str) -> list[dict[str, Any]]:
    messages = []
    while True:
        message = ws.receive_json()
        messages.append(message)
        if message["type"] in (kind, "end"):
            return messages


def test_fake_engine_over_the_websocket() -> None:
    backend = make_backend()
    with TestClient(make_app(FakeSpeechEngine(), backend)) as client, \
            client.websocket_connect("/ws/voice") as ws:
        first = ws.receive_json()
        assert first == {"type": "prompt", "text": "Operator ID?", "keys": ["sign_on"],
                         "state": "sign_on", "expect": "digits", "ended": False,
                         "audio": None, "time": first["time"]}
        # Operator ids of any length: one could go on, so the listener waits 600 ms for more.
        audio = encode_text("one two three four", silence_ms=800)
        for start in range(0, len(audio), 640):
            ws.send_bytes(audio[start : start + 640])
        messages = _until(ws, "prompt")
        kinds = [m["type"] for m in messages]
        assert "partial" in kinds and kinds[-3:] == ["final", "command", "prompt"]
        assert messages[-2]["kind"] == "digits" and messages[-2]["value"] == "1234"
        assert messages[-1]["text"] == "Hello Anna. Say ready."
        ws.send_text(json.dumps({"type": "text", "text": "ready"}))
        assert _until(ws, "prompt")[-1]["text"] == "3 lines. Aisle 12."
        ws.send_text("not json")
        assert ws.receive_json()["code"] == "bad-message"
        ws.send_text(json.dumps({"type": "flush"}))
        assert ws.receive_json() == {"type": "flushed"}
        ws.send_text(json.dumps({"type": "text", "text": "sign off"}))
        _until(ws, "prompt")
        ws.send_text(json.dumps({"type": "text", "text": "yes"}))
        messages = _until(ws, "end")
        assert messages[-2]["text"] == "Goodbye Anna." and messages[-2]["ended"]
    assert backend.signed_on == set()


def test_authentication_hook_gets_the_handshake() -> None:
    seen: list[str | None] = []

    async def authenticate(websocket: WebSocket) -> bool:
        ticket = websocket.query_params.get("ticket")
        seen.append(ticket)
        return ticket == "good"

    app = make_app(FakeSpeechEngine(), make_backend(), authenticate=authenticate)
    with TestClient(app) as client:
        with client.websocket_connect("/ws/voice?ticket=good") as ws:
            assert ws.receive_json()["type"] == "prompt"
        with pytest.raises(WebSocketDisconnect) as refused, \
                client.websocket_connect("/ws/voice?ticket=bad") as ws:
            ws.receive_json()
        assert refused.value.code == 1008
    assert seen == ["good", "bad"]


def test_engine_errors_become_error_messages(tmp_path: Path) -> None:
    app = make_app(FakeSpeechEngine(), make_backend())
    voice = voice_of(app)
    voice.speech_engine = AUTO  # built from the settings on first use
    voice.settings = AssistantSettings(tts=False, speech={"type": "vosk"})
    with TestClient(app) as client, client.websocket_connect("/ws/voice") as ws:
        message = ws.receive_json()
        assert message["type"] == "error" and message["code"] == "speech-model-not-found"


def _write_script(tmp_path: Path, wav_file: Callable[..., Path], texts: list[str]) -> Path:
    script = tmp_path / "answers.txt"
    script.write_text("# answers\n" + "\n".join(str(wav_file(t)) for t in texts) + "\n")
    return script


@needs_espeak
def test_full_dialogue_from_audio_files(
    tmp_path: Path, wav_file: Callable[..., Path]
) -> None:
    backend = make_backend()
    emitted: list[dict[str, Any]] = []
    script = _write_script(tmp_path, wav_file, DIALOGUE)
    app = make_app(PocketSphinxEngine(), backend)
    with TestClient(app) as client, client.websocket_connect("/ws/voice") as ws:
        assert run_script(ws, read_script(script), emitted.append)
    prompts = [m["text"] for m in emitted if m["type"] == "prompt"]
    commands = [(m["kind"], m["value"]) for m in emitted if m["type"] == "command"]
    assert commands[:4] == [("digits", "1234"), ("ready", None), ("ready", None),
                            ("digits", "42")]
    assert prompts[-1] == "Goodbye Anna." and emitted[-1] == {"type": "end"}
    assert "Serial 2 of 2." in prompts
    assert [(p.line_id, p.quantity, p.serials) for p in backend.postings] == [
        ("L1", 2, ()), ("L2", 1, ("SN-200-K72A",)), ("L3", 2, ("SN-300-D4E5", "SN-300-X8Y1")),
    ]


@needs_espeak
def test_dialogue_with_wrong_check_digits_a_short_and_a_skip(
    tmp_path: Path, wav_file: Callable[..., Path]
) -> None:
    backend = make_backend()
    emitted: list[dict[str, Any]] = []
    script = _write_script(tmp_path, wav_file, AWKWARD)
    tts = EspeakTts(speed=260)
    with TestClient(make_app(PocketSphinxEngine(), backend, tts=tts)) as client, \
            client.websocket_connect("/ws/voice") as ws:
        spoken: list[bytes] = []
        assert run_script(ws, read_script(script), emitted.append, spoken.append)
    prompts = [m["text"] for m in emitted if m["type"] == "prompt"]
    assert "Wrong check digits. Bay 3, level 2." in prompts
    assert "Short, picked 1. Correct?" in prompts
    assert prompts[prompts.index("Short, picked 1. Correct?") + 1] == "Bay 5, level 1."
    assert "Skipped. Aisle 14." in prompts
    assert all(wav[:4] == b"RIFF" for wav in spoken) and len(spoken) == len(prompts)
    summary = [(p.kind, p.line_id, p.quantity) for p in backend.postings]
    assert summary == [("short", "L1", 1), ("confirm", "L3", 2), ("confirm", "L2", 1)]
    assert backend.skips == [("1234", "L2")]


RETRY_KEYS = {"unknown_operator", "not_understood", "not_now", "wrong_check", "wrong_quantity"}


@needs_espeak
@needs_sox
def test_noisy_audio_through_the_websocket(synth: Callable[..., bytes]) -> None:
    """At 10 dB SNR a misheard answer is re-prompted, as on a real headset, never posted."""
    backend = make_backend()
    answers = ["ready", "ready", "four two", "two"]
    attempts = 0
    with TestClient(make_app(PocketSphinxEngine(), backend)) as client, \
            client.websocket_connect("/ws/voice") as ws:
        ws.receive_json()
        # Long digit strings are where 10 dB noise hurts most (see the bench); sign on as if
        # by badge, then answer by voice in noise.
        ws.send_text(json.dumps({"type": "text", "text": "one two three four"}))
        assert _until(ws, "prompt")[-1]["keys"] == ["welcome"]
        for text in answers:
            for voice, speed in VOICES[:3]:  # said again, a little differently
                attempts += 1
                ws.send_bytes(synth(text, voice, speed, snr_db=10.0))
                ws.send_text(json.dumps({"type": "flush"}))
                prompts = [m for m in _until(ws, "flushed") if m["type"] == "prompt"]
                if prompts and not RETRY_KEYS & set(prompts[-1]["keys"]):
                    break
    assert attempts <= len(answers) + 2
    assert [(p.line_id, p.quantity) for p in backend.postings] == [("L1", 2)]


def test_prompt_audio_is_a_base64_wav() -> None:
    class Tts:
        def wav(self, text: str) -> bytes:
            return b"RIFF" + text.encode()

    with TestClient(make_app(FakeSpeechEngine(), make_backend(), tts=Tts())) as client, \
            client.websocket_connect("/ws/voice") as ws:
        assert base64.b64decode(ws.receive_json()["audio"]) == b"RIFFOperator ID?"


def test_narrowband_dialogue_at_8khz(tmp_path: Path) -> None:
    """A headset declaring ?rate=8000 gets an 8 kHz recogniser and VAD; the client streams
    its WAVs at that rate."""
    engine, backend = FakeSpeechEngine(), make_backend()
    answers = ["one two three four", "ready", "ready", "four two", "two", "sign off", "yes"]
    wavs = []
    for index, text in enumerate(answers):
        wavs.append(tmp_path / f"{index}.wav")
        wavs[-1].write_bytes(pcm_to_wav(encode_text(text), 8000))
    emitted: list[dict[str, Any]] = []
    with TestClient(make_app(engine, backend)) as client:
        with client.websocket_connect("/ws/voice?rate=8000") as ws:
            assert run_script(ws, wavs, emitted.append, rate=8000)
        with client.websocket_connect("/ws/voice?rate=44100") as ws:
            assert ws.receive_json()["code"] == "bad-sample-rate"
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == 1008
    assert [m["kind"] for m in emitted if m["type"] == "command"][:4] == [
        "digits", "ready", "ready", "digits"]
    assert {rec.sample_rate for rec in engine.recognizers} == {8000}
    assert [(p.line_id, p.quantity) for p in backend.postings] == [("L1", 2)]


@needs_espeak
@pytest.mark.parametrize("rate", [8000, 16000])
def test_full_dialogue_with_the_embedding_engine(tmp_path: Path, wav_file: Callable[..., Path],
                                                 rate: int) -> None:
    """The default English engine through /ws/voice, for a narrowband headset and a wideband
    one: check digits, quantities, a new aisle, sign-off (serials are scanned; see README)."""
    from assistant.speech.embedding.engine import EmbeddingEngine

    lines = [replace(line, serialised=False, serials=()) for line in make_lines()]
    backend = InMemoryPickingBackend({"1234": "Anna"}, {"1234": [lines]})
    answers = ["one two three four", "ready", "ready", "four two", "two", "one seven", "one",
               "ready", "eight five", "two", "sign off", "yes"]
    emitted: list[dict[str, Any]] = []
    script = _write_script(tmp_path, wav_file, answers)
    with TestClient(make_app(EmbeddingEngine(), backend)) as client, \
            client.websocket_connect(f"/ws/voice?rate={rate}") as ws:
        assert run_script(ws, read_script(script), emitted.append, rate=rate)
    commands = [(m["kind"], m["value"]) for m in emitted if m["type"] == "command"]
    assert commands[:4] == [("digits", "1234"), ("ready", None), ("ready", None),
                            ("digits", "42")]
    assert [(p.line_id, p.quantity) for p in backend.postings] == [("L1", 2), ("L2", 1),
                                                                    ("L3", 2)]
    assert [m for m in emitted if m["type"] == "prompt"][-1]["text"] == "Goodbye Anna."

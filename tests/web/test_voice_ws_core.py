"""`/ws/voice` in the real app: PocketSphinx on synthesised speech, postings in the core ledger."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from assistant.speech import AssistantSettings, FakeSpeechEngine, PocketSphinxEngine, SpeechEngine
from core import CoreSettings
from core.people.security import Actor, issue_token
from tests.assistant.voice.conftest import audio_dir, needs_espeak, synth, wav_file  # noqa: F401
from tests.assistant.voice.test_core_backend import (
    Floor,
    build_floor,
    ledger_ok,
    moves,
)
from tests.web.test_ws_tickets import ticket_url
from web.adapters.voice_backend import CorePickingBackend
from web.app import Settings, create_app
from web.cli.headset import read_script, run_script
from web.services import services_of
from web.settings import WebSettings

DIALOGUE = [
    "one zero zero one", "ready", "ready", "one seven", "two", "three one", "two",
    "delta four echo five", "x-ray eight yankee one", "sign off", "yes",
]
AWKWARD = [
    "one zero zero one", "ready", "ready", "one eight", "one seven", "skip slot", "three one",
    "short one", "delta four echo five", "yes", "one seven", "two", "sign off", "yes",
]


def voice_app(db_url: str, engine: SpeechEngine) -> tuple[FastAPI, Floor]:
    """The real app on `db_url`, with voice wired as web/app.py wires it, and a floor."""
    app = create_app(Settings(core=CoreSettings(database_url=db_url, secret_key="k" * 40),
                              web=WebSettings()))
    voice = services_of(app).voice
    voice.backend_factory = lambda: CorePickingBackend(services_of(app).db)
    voice.speech_engine = engine
    # Scripted dialogues test the flow; rejection has its own tests (test_rejection.py).
    voice.settings = AssistantSettings(tts=False, rejection_threshold=None)
    voice.tts = None
    return app, build_floor(services_of(app).db)


def token(app: FastAPI, username: str = "pia", role: str = "picker") -> str:
    with services_of(app).db.read() as session:
        from core.people.service import user_by_name

        user = user_by_name(session, username)
        actor = Actor(id=user.id, username=user.username, role=role)
    return issue_token(actor, key=services_of(app).token_key, ttl_minutes=5)


def talk(app: FastAPI, wav_file: Callable[..., Path], tmp_path: Path,  # noqa: F811
         texts: list[str]) -> list[dict[str, Any]]:
    script = tmp_path / "answers.txt"
    script.write_text("\n".join(str(wav_file(t)) for t in texts) + "\n")
    emitted: list[dict[str, Any]] = []
    with TestClient(app) as client, \
            client.websocket_connect(ticket_url(client, "/ws/voice", token(app))) as ws:
        assert run_script(ws, read_script(script), emitted.append)
    return emitted


def test_sign_in_token_is_required(db_url: str) -> None:
    app, _ = voice_app(db_url, FakeSpeechEngine())
    with TestClient(app) as client:
        for query in ("", "?token=forged", "?ticket=forged"):
            with pytest.raises(WebSocketDisconnect) as refused, \
                    client.websocket_connect(f"/ws/voice{query}") as ws:
                ws.receive_json()
            assert refused.value.code == 1008
        with client.websocket_connect(ticket_url(client, "/ws/voice", token(app))) as ws:
            assert ws.receive_json()["text"] == "Operator ID?"
            ws.send_text(json.dumps({"type": "text", "text": "one zero zero one"}))
            assert ws.receive_json()["type"] == "command"
            assert ws.receive_json()["text"] == "Hello pia. Say ready."


@needs_espeak
def test_full_dialogue_from_audio_posts_to_the_ledger(
    db_url: str, wav_file: Callable[..., Path], tmp_path: Path,  # noqa: F811
) -> None:
    app, floor = voice_app(db_url, PocketSphinxEngine())
    emitted = talk(app, wav_file, tmp_path, DIALOGUE)
    prompts = [m["text"] for m in emitted if m["type"] == "prompt"]
    assert prompts[:5] == ["Operator ID?", "Hello pia. Say ready.", "2 lines. Aisle 1.",
                           "Bay 1, level 1.", "Pick 2, Au750 rose gold Heart pendant 1, size 7."]
    assert "Serial 2 of 2." in prompts
    assert prompts[-1] == "Goodbye pia." and emitted[-1] == {"type": "end"}
    assert moves(floor.db, floor) == [(floor.ring, floor.bins[0], "PACK", 2),
                                      (floor.pendant, floor.bins[2], "PACK", 2)]
    assert ledger_ok(floor.db)


@needs_espeak
def test_wrong_check_digits_a_skip_and_a_short_from_audio(
    db_url: str, wav_file: Callable[..., Path], tmp_path: Path,  # noqa: F811
) -> None:
    app, floor = voice_app(db_url, PocketSphinxEngine())
    emitted = talk(app, wav_file, tmp_path, AWKWARD)
    prompts = [m["text"] for m in emitted if m["type"] == "prompt"]
    assert "Wrong check digits. Bay 1, level 1." in prompts
    assert "Skipped. Bay 3, level 1." in prompts
    assert "Short, picked 1. Correct?" in prompts
    assert prompts[prompts.index("Short, picked 1. Correct?") + 1] == "Bay 1, level 1."
    assert prompts[-1] == "Goodbye pia."
    assert moves(floor.db, floor) == [(floor.pendant, floor.bins[2], "PACK", 1),
                                      (floor.ring, floor.bins[0], "PACK", 2)]
    assert ledger_ok(floor.db)

"""`facet headset enrol`: the headset client trains a picker's voice over /ws/voice/enrol."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.speech import encode_text
from assistant.speech.audio import pcm_to_wav
from core.voice import voice_profile
from tests.assistant.voice.test_cli_headset import serving
from tests.web.test_voice_enrol import SHORT, enrol_app, profiles
from tests.web.test_voice_ws_core import token
from tests.web.test_ws_tickets import ticket_url
from web.cli.headset import app as headset
from web.cli.headset import read_script, run_enrol_script
from web.services import services_of

# The second phrase is first answered with the third: "again, please", then it is said.
TAKES = [SHORT[0], SHORT[2], SHORT[1], SHORT[2]]


def write_script(folder: Path, texts: list[str], rate: int = 16000) -> Path:
    """One WAV per take (fake-engine audio at `rate`) and the script naming them."""
    for index, text in enumerate(texts):
        (folder / f"take-{index}.wav").write_bytes(pcm_to_wav(encode_text(text), rate))
    script = folder / "takes.txt"
    script.write_text("# enrolment takes\n" + "".join(f"take-{i}.wav\n"
                                                     for i in range(len(texts))))
    return script


def test_script_answers_each_prompt_with_the_next_wav(db_url: str, tmp_path: Path) -> None:
    app, _ = enrol_app(db_url, script=SHORT)
    emitted: list[dict[str, Any]] = []
    spoken: list[bytes] = []
    with TestClient(app) as client, \
            client.websocket_connect(ticket_url(client, "/ws/voice/enrol", token(app))) as ws:
        assert run_enrol_script(ws, read_script(write_script(tmp_path, TAKES)),
                                emitted.append, spoken.append)
    heard = [(m["phrase"], m["ok"]) for m in emitted if m["type"] == "enrol-heard"]
    assert heard == [(SHORT[0], True), (SHORT[1], False), (SHORT[1], True), (SHORT[2], True)]
    assert emitted[-1]["type"] == "enrol-done" and "audio" not in emitted[-1]
    assert emitted[-1]["profile"]["utterances"] == len(SHORT)
    prompts = [m for m in emitted if m["type"] in ("enrol-prompt", "enrol-adapting",
                                                     "enrol-done")]
    assert [wav[4:].decode() for wav in spoken] == [m["text"] for m in prompts]
    assert [p.username for p in profiles(app)] == ["pia"]


def test_a_script_that_runs_out_stores_nothing(db_url: str, tmp_path: Path) -> None:
    app, _ = enrol_app(db_url, script=SHORT)
    emitted: list[dict[str, Any]] = []
    with TestClient(app) as client, \
            client.websocket_connect(ticket_url(client, "/ws/voice/enrol", token(app))) as ws:
        assert not run_enrol_script(ws, read_script(write_script(tmp_path, TAKES[:2])),
                                    emitted.append)
    assert emitted[-1]["type"] == "enrol-prompt" and emitted[-1]["index"] == 2
    assert profiles(app) == []


def test_the_command_enrols_at_8khz_and_prints_json_lines(db_url: str, tmp_path: Path) -> None:
    app, engine = enrol_app(db_url, script=SHORT)
    script = write_script(tmp_path, TAKES, rate=8000)
    with serving(app) as base:
        result = CliRunner().invoke(headset, [
            "enrol", "--url", f"{base}/ws/voice/enrol", "--token", token(app, "mia", "manager"),
            "--operator", "1002", "--rate", "8000", "--script", str(script), "--no-speak"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert lines[0]["type"] == "enrol-prompt" and lines[0]["index"] == 0
    assert [m["type"] for m in lines[-2:]] == ["enrol-adapting", "enrol-done"]
    assert (lines[-1]["profile"]["username"], lines[-1]["profile"]["sample_rate"]) == (
        "paul", 8000)
    assert engine.recognizers[0].sample_rate == 8000
    with services_of(app).db.read() as session:
        stored = voice_profile(session, operator_id="1002", engine="fake")
    assert stored is not None and json.loads(stored.data) == {"fake": list(SHORT)}


def test_the_command_fails_when_refused(db_url: str, tmp_path: Path) -> None:
    app, _ = enrol_app(db_url, script=SHORT)
    with serving(app) as base:
        result = CliRunner().invoke(headset, [
            "enrol", "--url", f"{base}/ws/voice/enrol", "--token", token(app),
            "--operator", "1002", "--script", str(write_script(tmp_path, TAKES)),
            "--no-speak"])
    assert result.exit_code == 1
    assert json.loads(result.output.splitlines()[-1])["code"] == "forbidden"

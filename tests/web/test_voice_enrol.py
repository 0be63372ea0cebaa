"""`/ws/voice/enrol` in the real app: the fake engine hears each phrase said back, the profile
lands in the core, and the next `/ws/voice` dialogue of that operator decodes with it."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Sequence
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from assistant.speech import FakeSpeechEngine, encode_text
from assistant.speech.base import Adaptation, EnrolmentUtterance
from assistant.speech.errors import EnrolmentUnsupportedError
from assistant.voice import load_language
from assistant.voice.enrolment import enrolment_script
from core.voice import list_voice_profiles, voice_profile
from tests.builders import Builder
from tests.web.test_voice_ws_core import token, voice_app
from tests.web.test_ws_tickets import ticket_url
from web.services import services_of

END = ("enrol-done", "enrol-cancelled", "error")
SHORT = ("four seven two", "skip slot", "kilo seven alpha two")


class Tts:
    """Speech for prompts that names what it says."""

    def wav(self, text: str) -> bytes:
        return b"RIFF" + text.encode()


class BlockingEngine(FakeSpeechEngine):
    """Adapts only once `release` is set, so a test can act while it adapts."""

    def __init__(self) -> None:
        super().__init__()
        self.started, self.release = threading.Event(), threading.Event()

    def adapt(self, utterances: Sequence[EnrolmentUtterance], *,
              sample_rate: int) -> Adaptation:
        self.started.set()
        self.release.wait(10)
        return super().adapt(utterances, sample_rate=sample_rate)


class UnadaptableEngine(FakeSpeechEngine):
    def adapt(self, utterances: Sequence[EnrolmentUtterance], *,
              sample_rate: int) -> Adaptation:
        raise EnrolmentUnsupportedError("this engine cannot adapt to a speaker")


class MisnamedEngine(FakeSpeechEngine):
    """Adapts, but under an engine name the core refuses to store."""

    def adapt(self, utterances: Sequence[EnrolmentUtterance], *,
              sample_rate: int) -> Adaptation:
        made = super().adapt(utterances, sample_rate=sample_rate)
        return Adaptation("Not An Engine!", made.sample_rate, made.data, made.utterances)


def enrol_app(db_url: str, engine: FakeSpeechEngine | None = None,
              script: Sequence[str] = ()) -> tuple[FastAPI, FakeSpeechEngine]:
    """The real app with the fake engine, and people to enrol: pia (1001) and paul (1002),
    pickers; mia, a manager with no operator id; cleo, a clerk with none."""
    engine = engine or FakeSpeechEngine()
    app, _ = voice_app(db_url, engine)
    services_of(app).voice.tts = Tts()
    services_of(app).voice.enrolment_script = tuple(script)
    with services_of(app).db.write() as session:
        b = Builder(session)
        b.user("mia", "manager")
        b.user("cleo", "clerk")
    return app, engine


def run_enrolment(ws: Any, *, takes: int | None = None,
                  until: tuple[str, ...] = END) -> list[dict[str, Any]]:
    """Say each phrase prompted (`encode_text` audio) until a message of type in `until`, or
    until a prompt once `takes` phrases were said."""
    messages: list[dict[str, Any]] = []
    while True:
        message = ws.receive_json()
        messages.append(message)
        if message["type"] in until:
            return messages
        if message["type"] == "enrol-prompt" and message["index"]:
            if takes == 0:
                return messages
            takes = None if takes is None else takes - 1
            # 800 ms of quiet after it: a phrase another phrase may continue ("one", "one two")
            # ends only after the listener's longer pause for such answers (600 ms).
            ws.send_bytes(encode_text(message["phrase"], silence_ms=800))


def profiles(app: FastAPI) -> list[Any]:
    with services_of(app).db.read() as session:
        from core.people.service import actor_for, user_by_name

        return list_voice_profiles(session, actor=actor_for(user_by_name(session, "mia")))


def test_enrolment_stores_a_profile_the_next_dialogue_decodes_with(db_url: str) -> None:
    app, engine = enrol_app(db_url)
    script = enrolment_script(load_language("en"))
    with TestClient(app) as client:
        with client.websocket_connect(ticket_url(client, "/ws/voice/enrol", token(app))) as ws:
            messages = run_enrolment(ws)
        stored = check_enrolment(app, messages, script)
        # The dialogue of the operator who enrolled switches to the adapted recogniser.
        with client.websocket_connect(ticket_url(client, "/ws/voice", token(app))) as ws:
            assert ws.receive_json()["text"] == "Operator ID?"
            ws.send_text(json.dumps({"type": "text", "text": "one zero zero one"}))
            assert ws.receive_json()["type"] == "command"
            assert ws.receive_json() == {"type": "profile", "adapted": True}
            assert ws.receive_json()["text"] == "Hello pia. Say ready."
            adapted = engine.recognizers[-1]
            assert adapted.profile == stored.data
            ws.send_bytes(encode_text("ready"))
            said = [ws.receive_json()]
            while said[-1]["type"] != "prompt":
                said.append(ws.receive_json())
    assert adapted.utterances == ["ready"]
    assert [m["kind"] for m in said if m["type"] == "command"] == ["ready"]


def check_enrolment(app: FastAPI, messages: list[dict[str, Any]], script: list[str]) -> Any:
    """The messages of a complete enrolment as pia, and the profile stored; that profile."""
    intro, first = messages[0], messages[1]
    assert intro["type"] == "enrol-prompt" and intro["index"] == 0
    assert base64.b64decode(intro["audio"]) == b"RIFF" + intro["text"].encode()
    assert (first["phrase"], first["index"], first["total"]) == (script[0], 1, len(script))
    heard = [m for m in messages if m["type"] == "enrol-heard"]
    assert [m["text"] for m in heard] == script and all(m["ok"] for m in heard)
    assert [m["type"] for m in messages[-2:]] == ["enrol-adapting", "enrol-done"]
    done = messages[-1]
    assert done["index"] == len(script) and done["audio"]
    profile = done["profile"]
    assert {k: profile[k] for k in ("operator_id", "username", "engine", "sample_rate",
                                    "utterances", "details")} == {
        "operator_id": "1001", "username": "pia", "engine": "fake", "sample_rate": 16000,
        "utterances": len(script), "details": {"mismatched": 0}}
    with services_of(app).db.read() as session:
        stored = voice_profile(session, operator_id="1001", engine="fake")
    assert stored is not None and stored.id == profile["id"]
    assert json.loads(stored.data) == {"fake": script}
    assert [(p.username, p.created_by) for p in profiles(app)] == [("pia", "pia")]
    return stored


def test_a_manager_enrols_a_picker_at_8khz(db_url: str) -> None:
    app, engine = enrol_app(db_url, script=SHORT)
    manager = token(app, "mia", "manager")
    with TestClient(app) as client, client.websocket_connect(
            ticket_url(client, "/ws/voice/enrol", manager, "&rate=8000&operator=1002")) as ws:
        done = run_enrolment(ws)[-1]
    assert done["type"] == "enrol-done"
    assert (done["profile"]["username"], done["profile"]["sample_rate"]) == ("paul", 8000)
    assert engine.recognizers[0].sample_rate == 8000
    assert [(p.username, p.created_by, p.sample_rate) for p in profiles(app)] == [
        ("paul", "mia", 8000)]


REFUSALS = [
    ("pia", "picker", "&operator=1002", "forbidden"),
    ("pia", "picker", "&operator=4242", "forbidden"),  # no telling which ids exist
    ("cleo", "clerk", "", "no-operator-id"),
    ("mia", "manager", "", "no-operator-id"),
    ("mia", "manager", "&operator=4242", "unknown-operator"),
    ("pia", "picker", "&rate=11025", "bad-sample-rate"),
    ("pia", "picker", "&rate=fast", "bad-sample-rate"),
]


def test_refusals_are_errors_with_stable_codes(db_url: str) -> None:
    app, _ = enrol_app(db_url, script=SHORT)
    with TestClient(app) as client:
        for user, role, query, code in REFUSALS:
            url = ticket_url(client, "/ws/voice/enrol", token(app, user, role), query)
            with client.websocket_connect(url) as ws:
                error = ws.receive_json()
                assert (error["type"], error["code"]) == ("error", code) and error["message"]
                with pytest.raises(WebSocketDisconnect) as closed:
                    ws.receive_json()
                assert closed.value.code == 1008
    assert profiles(app) == []


def test_a_sign_in_token_is_required(db_url: str) -> None:
    app, _ = enrol_app(db_url, script=SHORT)
    with TestClient(app) as client:
        for query in ("", "?token=forged", "?ticket=forged"):
            with pytest.raises(WebSocketDisconnect) as refused, \
                    client.websocket_connect(f"/ws/voice/enrol{query}") as ws:
                ws.receive_json()
            assert refused.value.code == 1008
        # Any role may enrol their own voice: a QC inspector with an operator id too.
        with client.websocket_connect(
                ticket_url(client, "/ws/voice/enrol", token(app, 'quinn', 'qc_inspector'))) as ws:
            assert ws.receive_json()["type"] == "enrol-prompt"


def test_own_operator_id_may_be_named(db_url: str) -> None:
    app, _ = enrol_app(db_url, script=SHORT)
    with TestClient(app) as client, client.websocket_connect(
            ticket_url(client, "/ws/voice/enrol", token(app), "&operator=1001")) as ws:
        assert run_enrolment(ws)[-1]["profile"]["operator_id"] == "1001"


def test_cancel_and_disconnect_store_nothing(db_url: str) -> None:
    app, _ = enrol_app(db_url, script=SHORT)
    with TestClient(app) as client:
        with client.websocket_connect(ticket_url(client, "/ws/voice/enrol", token(app))) as ws:
            assert run_enrolment(ws, takes=2)[-1]["index"] == 3
            ws.send_text(json.dumps({"type": "cancel"}))
            assert ws.receive_json() == {"type": "enrol-cancelled"}
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == 1000
        with client.websocket_connect(ticket_url(client, "/ws/voice/enrol", token(app))) as ws:
            run_enrolment(ws, takes=2)  # and the picker walks away
    assert profiles(app) == []


@pytest.mark.parametrize("leave", ["cancel", "disconnect"])
def test_leaving_while_it_adapts_stores_nothing(db_url: str, leave: str) -> None:
    engine = BlockingEngine()
    app, _ = enrol_app(db_url, engine, script=SHORT)
    with TestClient(app) as client:
        with client.websocket_connect(ticket_url(client, "/ws/voice/enrol", token(app))) as ws:
            assert run_enrolment(ws, until=("enrol-adapting",))[-1]["total"] == len(SHORT)
            assert engine.started.wait(5)
            if leave == "cancel":
                ws.send_bytes(encode_text("late audio"))  # ignored while adapting
                ws.send_text(json.dumps({"type": "cancel"}))
                assert ws.receive_json()["type"] == "enrol-cancelled"
        engine.release.set()
    assert profiles(app) == []


def test_too_few_takes_is_an_error_and_stores_nothing(db_url: str) -> None:
    app, _ = enrol_app(db_url, script=SHORT)
    with TestClient(app) as client, \
            client.websocket_connect(ticket_url(client, "/ws/voice/enrol", token(app))) as ws:
        messages: list[dict[str, Any]] = []
        while not messages or messages[-1]["type"] not in END:
            message = ws.receive_json()
            messages.append(message)
            if message["type"] == "enrol-prompt" and message["index"]:
                ws.send_text(json.dumps({"type": "skip"}))
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    skipped = [m for m in messages if m["type"] == "enrol-heard"]
    assert [(m["text"], m["ok"]) for m in skipped] == [("skipped", False)] * len(SHORT)
    assert messages[-1]["type"] == "error" and messages[-1]["code"] == "enrolment-invalid"
    assert closed.value.code == 1011
    assert profiles(app) == []


@pytest.mark.parametrize(("engine", "code"), [(UnadaptableEngine(), "enrolment-unsupported"),
                                              (MisnamedEngine(), "bad-voice-profile")])
def test_engine_and_core_refusals_store_nothing(db_url: str, engine: FakeSpeechEngine,
                                                code: str) -> None:
    app, _ = enrol_app(db_url, engine, script=SHORT)
    with TestClient(app) as client, \
            client.websocket_connect(ticket_url(client, "/ws/voice/enrol", token(app))) as ws:
        error = run_enrolment(ws)[-1]
    assert (error["type"], error["code"]) == ("error", code)
    assert profiles(app) == []


def test_bad_messages_flush_and_a_take_said_again(db_url: str) -> None:
    app, _ = enrol_app(db_url, script=SHORT)
    with TestClient(app) as client, \
            client.websocket_connect(ticket_url(client, "/ws/voice/enrol", token(app))) as ws:
        assert [ws.receive_json()["index"] for _ in range(2)] == [0, 1]
        for bad in ("not json", json.dumps({"type": "dance"}), json.dumps([1])):
            ws.send_text(bad)
            assert ws.receive_json()["code"] == "bad-message"
        # Push to talk: released before the pause would end the take, the flush ends it.
        ws.send_bytes(encode_text(SHORT[0], silence_ms=100))
        ws.send_text(json.dumps({"type": "flush"}))
        heard, prompt, flushed = (ws.receive_json() for _ in range(3))
        assert (heard["type"], heard["text"], heard["ok"]) == ("enrol-heard", SHORT[0], True)
        assert (prompt["phrase"], prompt["index"], flushed) == (SHORT[1], 2, {"type": "flushed"})
        # The wrong phrase (but one of the script's) is asked for again.
        ws.send_bytes(encode_text(SHORT[2]))
        heard, again = ws.receive_json(), ws.receive_json()
        assert (heard["ok"], heard["phrase"], heard["text"]) == (False, SHORT[1], SHORT[2])
        assert (again["text"], again["index"]) == (f"Again, please: {SHORT[1]}", 2)
        ws.send_bytes(encode_text(SHORT[1]))
        messages = run_enrolment(ws)
    assert messages[-1]["type"] == "enrol-done"
    assert messages[-1]["profile"]["utterances"] == len(SHORT)

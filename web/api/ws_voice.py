"""Websocket `/ws/voice`: a headset streams 16 kHz PCM in, prompts and transcripts come out.

The socket's dependencies come from ``web.services.VoiceServices`` (the
``voice_services`` dependency; a test mounting this router alone overrides it): the picking
backend factory (one backend per connection), the speech engine shared by every connection
(built from the settings on first use), the settings (language, VAD, ``operator_id_digits``,
rejection), the prompt speaker (espeak-ng, or None for text-only prompts), the handshake
check (the composition root's reads a ``ticket`` query parameter from ``POST /api/ws-ticket``
or an ``Authorization: Bearer`` header, see ``web.api.tickets``; a falsy result or an
exception refuses the connection with close code 1008) and the operators' voice profiles
(after sign-on the dialogue switches to a recogniser adapted with the operator's enrolment).

The client declares its sample rate with the ``rate`` query parameter: 16000 (the default) or
8000 (narrowband headsets: Bluetooth hands-free, DECT, telephony); any other value is answered
with an ``error`` (code ``bad-sample-rate``) and the socket is closed.

Client to server: binary frames of mono 16-bit little-endian PCM at that rate; text frames with JSON
``{"type": "flush"}`` (end the utterance now; answered by ``{"type": "flushed"}``),
``{"type": "scan", "code": "..."}`` (a scanned serial) or ``{"type": "text", "text": "..."}``
(a typed answer). Server to client: JSON ``partial``, ``final``, ``command``, ``prompt`` (with
``audio``: base64 WAV or null), ``error`` (with a stable ``code``) and ``end`` messages.
"""

from __future__ import annotations

import base64
import inspect
import json
import logging
import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from assistant.speech import AssistantError, Recognizer, SpeechEngine
from assistant.speech.base import SAMPLE_RATES
from assistant.speech.factory import rejection_thresholds
from assistant.voice import (
    DialogueMachine,
    PickingBackend,
    VoiceEvent,
    VoiceSession,
    load_language,
    vad_from_settings,
)
from web.services import VoiceServices, voice_services

__all__ = ["router"]

router = APIRouter()
logger = logging.getLogger(__name__)

_POLICY_VIOLATION = 1008
Voice = Annotated[VoiceServices, Depends(voice_services)]


async def _authenticate(websocket: WebSocket, voice: VoiceServices) -> bool:
    check = voice.authenticate
    if check is None:
        return True
    try:
        result: object = check(websocket)
        if inspect.isawaitable(result):
            result = await result
    except Exception:  # any failure to authenticate refuses the connection
        return False
    return bool(result)


def _open_session(voice: VoiceServices, sample_rate: int = 16000) -> VoiceSession:
    """A dialogue configured from the settings: VAD, operator id length, rejection, and the
    operator's enrolment once they sign on."""
    settings = voice.settings
    engine = voice.engine()
    backend: PickingBackend = voice.backend_factory()
    machine = DialogueMachine(backend, load_language(settings.language),
                              operator_id_digits=settings.operator_id_digits)
    recognizer = engine.recognizer(machine.grammar(), sample_rate=sample_rate)
    rule = rejection_thresholds(settings, engine.name)
    return VoiceSession(machine, recognizer, vad_from_settings(settings.vad, sample_rate),
                        rejection=rule,
                        hangover_ms=settings.vad.hangover_ms, sample_rate=sample_rate,
                        on_sign_on=_adapter(voice, engine, machine, sample_rate))


def _adapter(voice: VoiceServices, engine: SpeechEngine, machine: DialogueMachine,
             sample_rate: int) -> Callable[[str], Recognizer | None]:
    """After sign-on: a recogniser adapted to the operator, if they enrolled and it loads."""
    load = voice.profiles

    def adapted(operator_id: str) -> Recognizer | None:
        profile = load(operator_id, engine.name) if load is not None else None
        if profile is None:
            return None
        try:
            return engine.recognizer(machine.grammar(), sample_rate=sample_rate,
                                     profile=profile)
        except AssistantError:  # a damaged or foreign profile: the generic model still works
            logger.warning("voice profile of operator %s does not load", operator_id)
            return None

    return adapted


async def _send_events(websocket: WebSocket, events: list[VoiceEvent], tts: Any) -> None:
    for event in events:
        message = event.as_dict()
        if event.type == "prompt":
            audio = await run_in_threadpool(tts.wav, event.text) if tts is not None else None
            message["audio"] = base64.b64encode(audio).decode("ascii") if audio else None
            message["time"] = time.time()
        await websocket.send_text(json.dumps(message, ensure_ascii=False))
        if event.type == "prompt" and event.turn is not None and event.turn.ended:
            await websocket.send_text(json.dumps({"type": "end"}))


async def _on_text(websocket: WebSocket, session: VoiceSession, raw: str, tts: Any) -> None:
    try:
        message = json.loads(raw)
        kind = message["type"]
    except (ValueError, KeyError, TypeError):
        await _send_error(websocket, "bad-message", "expected a JSON object with a type")
        return
    if kind == "flush":
        await _send_events(websocket, await run_in_threadpool(session.end_utterance), tts)
        await websocket.send_text(json.dumps({"type": "flushed"}))
    elif kind == "scan":
        code = str(message.get("code", ""))
        await _send_events(websocket, await run_in_threadpool(session.handle_scan, code), tts)
    elif kind == "text":
        text = str(message.get("text", ""))
        await _send_events(websocket, await run_in_threadpool(session.handle_text, text), tts)
    else:
        await _send_error(websocket, "bad-message", f"unknown message type {kind!r}")


def _sample_rate(rate: str | None) -> int | None:
    """The declared rate in Hz (16000 when absent), None when it is not one we decode."""
    if rate is None:
        return 16000
    return int(rate) if rate.isdigit() and int(rate) in SAMPLE_RATES else None


async def _send_error(websocket: WebSocket, code: str, message: str) -> None:
    await websocket.send_text(json.dumps({"type": "error", "code": code, "message": message}))


async def declared_rate(websocket: WebSocket, rate: str | None) -> int | None:
    """The sample rate an accepted socket declared; None once an unsupported one has been
    answered with ``bad-sample-rate`` and the socket closed (1008)."""
    sample_rate = _sample_rate(rate)
    if sample_rate is None:
        await _send_error(websocket, "bad-sample-rate",
                          f"rate must be one of {', '.join(map(str, SAMPLE_RATES))} (Hz)")
        await websocket.close(code=_POLICY_VIOLATION)
    return sample_rate


async def _serve(websocket: WebSocket, session: VoiceSession, tts: Any) -> None:
    await _send_events(websocket, session.start(), tts)
    while not session.ended:
        frame = await websocket.receive()
        if frame["type"] == "websocket.disconnect":
            return
        if frame.get("bytes") is not None:
            events = await run_in_threadpool(session.feed_audio, frame["bytes"])
            await _send_events(websocket, events, tts)
        elif frame.get("text") is not None:
            await _on_text(websocket, session, frame["text"], tts)


@router.websocket("/ws/voice")
async def voice_socket(websocket: WebSocket, voice: Voice, rate: str | None = None) -> None:
    """Run one headset dialogue over a websocket until sign-off or disconnect."""
    if not await _authenticate(websocket, voice):
        await websocket.close(code=_POLICY_VIOLATION)
        return
    await websocket.accept()
    sample_rate = await declared_rate(websocket, rate)
    if sample_rate is None:
        return
    session: VoiceSession | None = None
    try:
        session = await run_in_threadpool(_open_session, voice, sample_rate)
        await _serve(websocket, session, voice.speaker())
        await websocket.close()
    except WebSocketDisconnect:
        pass
    except AssistantError as exc:
        await _send_error(websocket, exc.code, exc.message)
        await websocket.close(code=1011)
    finally:
        if session is not None:
            session.recognizer.close()

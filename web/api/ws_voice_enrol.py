"""Websocket `/ws/voice/enrol`: voice training, "say after me", stored as a voice profile.

The headset (or the browser console) hears each phrase of `EnrolmentSession`'s script, says
it back, and streams the audio here; once every phrase is said or skipped the speech engine
adapts to the speaker in a worker thread and the adaptation is stored with the core's
`save_voice_profile`, in one write transaction, as the signed-in person. After that, each
``/ws/voice`` dialogue that signs on with the operator id decodes with the adapted recogniser.

Sign-in (required, any role): a ``ticket`` query parameter from ``POST /api/ws-ticket`` or an
``Authorization: Bearer`` header (see ``web.api.tickets``); without one the socket is refused
with close code 1008, as ``/ws/voice`` refuses it. Query parameters: ``rate`` (8000 or 16000
Hz, default 16000) and ``operator`` (whose voice; default the signed-in person's own operator
id; only admins and managers may name someone else).

Client to server: binary frames of mono 16-bit little-endian PCM at that rate; text frames
with JSON ``{"type": "flush"}`` (end the take now; answered by ``{"type": "flushed"}``),
``{"type": "skip"}`` (leave the phrase out) and ``{"type": "cancel"}`` (stop; nothing is
stored; answered by ``{"type": "enrol-cancelled"}``). Anything else gets an ``error`` with
code ``bad-message`` and the enrolment goes on.

Server to client, as JSON: ``enrol-prompt`` (``text`` to say, ``phrase``, ``index`` of
``total``; index 0 is the introduction; with ``audio``, a base64 WAV or null),
``enrol-heard`` (``text`` heard for ``phrase``, ``ok`` false: say it again or skipped),
``enrol-adapting`` and ``enrol-done`` (``index``: takes used; ``profile``: the stored
profile's ``id``, ``operator_id``, ``username``, ``engine``, ``sample_rate``, ``utterances``
and ``details``), both spoken too; ``error`` (``code``, ``message``). After ``enrol-done``,
``enrol-cancelled`` or an error other than ``bad-message`` the server closes the socket;
only ``enrol-done`` means a profile was stored. A client that leaves stores nothing.

Dependencies: the app's `web.services.Services` (the database, and as for ``/ws/voice`` the
speech engine, settings and speaker of its ``voice`` part, whose ``enrolment_script``, when
not empty, replaces the phrases to say: demos and tests).
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from assistant.speech import AssistantError
from assistant.speech.base import Adaptation
from assistant.voice import load_language, vad_from_settings
from assistant.voice.enrolment import EnrolmentEvent, EnrolmentSession
from core import CoreError, Database
from core.people.security import Actor
from core.voice import VoiceEnrollee, save_voice_profile, voice_enrollee
from web.api.tickets import websocket_actor
from web.api.ws_voice import _send_error, declared_rate
from web.services import Services, VoiceServices, services

__all__ = ["router"]

router = APIRouter()

_POLICY_VIOLATION = 1008
_SERVER_ERROR = 1011
_SPOKEN = ("prompt", "adapting", "done")


def _enrollee(db: Database, actor: Actor, operator: str | None) -> VoiceEnrollee:
    """Whose voice this is, once the core agrees `actor` may enrol them (`CoreError` if not)."""
    with db.read() as session:
        return voice_enrollee(session, actor=actor, operator_id=operator)


def _store(db: Database, actor: Actor, enrollee: VoiceEnrollee,
           adaptation: Adaptation) -> dict[str, Any]:
    """Save the adaptation as the enrollee's profile; its metadata for the client."""
    with db.write() as session:
        saved = save_voice_profile(
            session, actor=actor, operator_id=enrollee.operator_id, engine=adaptation.engine,
            sample_rate=adaptation.sample_rate, data=adaptation.data,
            utterances=adaptation.utterances, details=dict(adaptation.details))
    return {"id": saved.id, "operator_id": saved.operator_id, "username": saved.username,
            "engine": saved.engine, "sample_rate": saved.sample_rate,
            "utterances": saved.utterances, "details": saved.details}


def _open_enrolment(voice: VoiceServices, sample_rate: int) -> EnrolmentSession:
    """An enrolment in the dialogue's language, listening as a dialogue listens."""
    settings, script = voice.settings, voice.enrolment_script
    return EnrolmentSession(voice.engine(), load_language(settings.language),
                            sample_rate=sample_rate,
                            vad=vad_from_settings(settings.vad, sample_rate),
                            script=script, hangover_ms=settings.vad.hangover_ms)


async def _send(websocket: WebSocket, message: dict[str, Any]) -> None:
    await websocket.send_text(json.dumps(message, ensure_ascii=False))


async def _send_events(websocket: WebSocket, events: list[EnrolmentEvent], tts: Any,
                       **extra: Any) -> None:
    """Each event as JSON; what is said aloud carries its speech (base64 WAV, or null)."""
    for event in events:
        message = {**event.as_dict(), **extra}
        if event.type in _SPOKEN:
            audio = await run_in_threadpool(tts.wav, event.text) if tts is not None else None
            message["audio"] = base64.b64encode(audio).decode("ascii") if audio else None
        await _send(websocket, message)


async def _on_text(websocket: WebSocket, session: EnrolmentSession, raw: str,
                   tts: Any) -> bool:
    """Apply a control message; False when the client cancelled."""
    try:
        message = json.loads(raw)
        kind = message["type"]
    except (ValueError, KeyError, TypeError):
        await _send_error(websocket, "bad-message", "expected a JSON object with a type")
        return True
    if kind == "cancel":
        return False
    if kind == "flush":
        await _send_events(websocket, await run_in_threadpool(session.flush), tts)
        await _send(websocket, {"type": "flushed"})
    elif kind == "skip":
        await _send_events(websocket, session.skip(), tts)
    else:
        await _send_error(websocket, "bad-message", f"unknown message type {kind!r}")
    return True


def _leaving(frame: Mapping[str, Any]) -> bool:
    """True for a disconnect (raised) or a cancel message; other frames are not for now."""
    if frame["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(frame.get("code", 1000))
    try:
        return bool(json.loads(frame.get("text") or "null")["type"] == "cancel")
    except (ValueError, KeyError, TypeError):
        return False


async def _listen(websocket: WebSocket, session: EnrolmentSession, tts: Any) -> bool:
    """Prompt every phrase and judge the takes; False if the client cancelled."""
    await _send_events(websocket, session.start(), tts)
    while not session.complete:
        frame = await websocket.receive()
        if frame["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(frame.get("code", 1000))
        if frame.get("bytes") is not None:
            events = await run_in_threadpool(session.feed_audio, frame["bytes"])
            await _send_events(websocket, events, tts)
        elif frame.get("text") is not None and not await _on_text(
                websocket, session, frame["text"], tts):
            return False
    return True


async def _adapt(websocket: WebSocket, session: EnrolmentSession) -> Adaptation | None:
    """Adapt in a worker thread while still listening: None if the client cancels meanwhile
    (and `WebSocketDisconnect` if it leaves), so an abandoned enrolment is never stored."""
    work = asyncio.ensure_future(run_in_threadpool(session.adapt))
    # An abandoned adaptation's error is nobody's to report.
    work.add_done_callback(lambda task: task.cancelled() or task.exception())
    while True:
        listening = asyncio.ensure_future(websocket.receive())
        await asyncio.wait((work, listening), return_when=asyncio.FIRST_COMPLETED)
        if listening.done():
            if _leaving(listening.result()):
                return None
            continue  # audio after the last phrase, a late flush: nothing to do now
        listening.cancel()
        return work.result()


async def _enrol(websocket: WebSocket, db: Database, session: EnrolmentSession, tts: Any,
                 actor: Actor, enrollee: VoiceEnrollee) -> None:
    """Run the enrolment to its end: stored and ``enrol-done``, or ``enrol-cancelled``."""
    said = await _listen(websocket, session, tts)
    adaptation = await _adapt(websocket, session) if said else None
    if adaptation is None:  # cancelled while prompting or while adapting
        await _send(websocket, {"type": "enrol-cancelled"})
        return
    profile = await run_in_threadpool(_store, db, actor, enrollee, adaptation)
    await _send_events(websocket, [session.done(adaptation)], tts, profile=profile)


async def _refuse(websocket: WebSocket, code: str, message: str) -> None:
    await _send_error(websocket, code, message)
    await websocket.close(code=_POLICY_VIOLATION)


@router.websocket("/ws/voice/enrol")
async def enrol_socket(websocket: WebSocket, wired: Annotated[Services, Depends(services)],
                       rate: str | None = None, operator: str | None = None) -> None:
    """Enrol one person's voice over a websocket; store the profile when every phrase is in."""
    db, voice = wired.db, wired.voice
    actor = await websocket_actor(websocket)
    if actor is None:
        await websocket.close(code=_POLICY_VIOLATION)
        return
    await websocket.accept()
    sample_rate = await declared_rate(websocket, rate)
    if sample_rate is None:
        return
    try:
        enrollee = await run_in_threadpool(_enrollee, db, actor, operator)
    except CoreError as exc:
        await _refuse(websocket, exc.code, exc.message)
        return
    session: EnrolmentSession | None = None
    try:
        session = await run_in_threadpool(_open_enrolment, voice, sample_rate)
        await _enrol(websocket, db, session, voice.speaker(), actor, enrollee)
        await websocket.close()
    except WebSocketDisconnect:
        pass
    except (AssistantError, CoreError) as exc:  # too few takes, no adaptation, not stored
        await _send_error(websocket, exc.code, exc.message)
        await websocket.close(code=_SERVER_ERROR)
    finally:
        if session is not None:
            session.close()

"""Chat with the assistant: ``POST /api/assistant/chat`` and the websocket ``/ws/assistant``.

The composition root builds the assistant once (``assistant.chat.build_assistant(db,
settings)``) and the routes get it through ``web.services.chat_assistant``; both endpoints
need a signed-in user. The
websocket takes the access token in the ``token`` query parameter and carries a conversation:
send ``{"text": "...", "conversation_id": optional}``, receive the same answer the HTTP endpoint
gives, with ``"type": "answer"``. Follow-ups ("and in size 8?") reuse the conversation.

An action ("put lot G-2311 on hold") is answered with ``confirm`` (what it will do and a
token) and posts nothing; "yes" in the same conversation, over either endpoint and to any web
worker, carries it out once; "no" or any other question drops it.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from assistant.chat import Assistant
from core import Actor
from core.api_deps import current_actor
from core.fields import Text
from web.api.tickets import websocket_actor
from web.services import chat_assistant

__all__ = ["ChatIn", "ChatOut", "router", "ws_router"]

router = APIRouter(prefix="/api/assistant", tags=["assistant"])
ws_router = APIRouter()

_POLICY_VIOLATION = 1008


class ChatIn(BaseModel):
    """A question, optionally continuing a conversation."""

    model_config = ConfigDict(extra="forbid")

    text: Text = Field(min_length=1, max_length=500)
    conversation_id: Text | None = Field(default=None, max_length=64)


class ChatOut(BaseModel):
    """The answer, what it was matched as, the rows it cites and the pipeline's events."""

    conversation_id: str
    language: str
    intent: str | None
    slots: dict[str, str]
    score: float | None
    matcher: str | None
    answer: str
    data: list[dict[str, Any]]
    chart: dict[str, str] | None = None
    report: dict[str, Any] | None = None
    confirm: dict[str, Any] | None = None
    choices: list[dict[str, Any]] = []
    error: str | None
    run_id: str
    events: list[dict[str, Any]]


@router.post("/chat", response_model=ChatOut)
def chat(
    body: ChatIn,
    assistant: Annotated[Assistant, Depends(chat_assistant)],
    actor: Annotated[Actor, Depends(current_actor)],
) -> dict[str, Any]:
    """Answer one question within the asker's role."""
    reply = assistant.ask(
        body.text, actor=actor, conversation_id=body.conversation_id
    )
    return reply.as_dict()


async def _answer(websocket: WebSocket, assistant: Assistant, actor: Actor, raw: str,
                  conversation: str | None) -> str:
    try:
        payload = json.loads(raw) if raw.strip().startswith("{") else {"text": raw}
        message = ChatIn.model_validate(payload)
    except ValueError as exc:
        await websocket.send_json({"type": "error", "code": "bad-message",
                                   "message": str(exc)[:200]})
        return conversation or ""
    reply = await run_in_threadpool(
        assistant.ask, message.text, actor=actor,
        conversation_id=message.conversation_id or conversation,
    )
    await websocket.send_json({"type": "answer", **reply.as_dict()})
    return reply.conversation_id


@ws_router.websocket("/ws/assistant")
async def assistant_socket(
    websocket: WebSocket, assistant: Annotated[Assistant, Depends(chat_assistant)]
) -> None:
    """A chat conversation over a websocket, signed in with ``?ticket=`` (from
    ``POST /api/ws-ticket``) or an ``Authorization: Bearer`` header."""
    actor = await websocket_actor(websocket)
    if actor is None:
        await websocket.close(code=_POLICY_VIOLATION)
        return
    await websocket.accept()
    conversation: str | None = None
    try:
        while True:
            conversation = await _answer(websocket, assistant, actor,
                                         await websocket.receive_text(), conversation) or None
    except WebSocketDisconnect:
        return

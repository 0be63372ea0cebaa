"""``POST /api/channels/{code}/webhook``: orders in from a sales channel.

No user token: the channel's connector checks the request's signature (401 ``bad-signature``,
and nothing is stored), reads its order messages (422 ``bad-channel-message``), the inbox
stores them (a repeated message is recognised by its key) and applies each new one in a
savepoint of the same transaction, so one commit answers the delivery. The answer is 200 with
what became of each message, also for a repeat delivery, so that the channel stops sending
it; a message that failed waits in the inbox for its retry (or in the dead letters) and is
still answered 200.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import anyio
from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel

from core import Database
from core.channels import receive_and_apply
from core.channels.schemas import ChannelOrderMessage
from web.integrations.channels.base import BadMessage, ChannelError
from web.services import services_of

__all__ = ["MessageOutcome", "WebhookAnswer", "router", "store_and_apply"]

_log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/channels", tags=["channels"])

#: New messages applied while the channel waits for the answer; more in one webhook are
#: stored and answered ``pending``: the inbox worker applies them (within seconds).
INLINE_LIMIT = 100


class MessageOutcome(BaseModel):
    """What became of one message of a webhook."""

    message_key: str
    kind: str
    external_order_id: str
    #: False for a message already received (a repeat delivery: nothing done again).
    new: bool
    #: pending (waits for a retry), done or dead; None for a repeat.
    status: str | None = None
    #: created, duplicate, cancelled-before-created, cancelled, paid, oversold...
    outcome: str | None = None
    error_code: str | None = None
    order_id: int | None = None


class WebhookAnswer(BaseModel):
    """The answer to a webhook: how many messages it carried, how many were new, and each."""

    received: int
    new: int
    messages: list[MessageOutcome]


def _refuse(status: int, code: str, message: str) -> HTTPException:
    return HTTPException(status_code=status, detail={"code": code, "message": message})


def store_and_apply(
    db: Database,
    *,
    channel: str,
    messages: Sequence[ChannelOrderMessage],
    raw: str,
    inline_limit: int = INLINE_LIMIT,
) -> WebhookAnswer:
    """Store the messages and apply the first ``inline_limit`` new ones, in one transaction
    (each in its savepoint; a failed one stays stored, pending, with its failure recorded);
    the others are left pending for the inbox worker."""
    received, reads = receive_and_apply(
        db, channel=channel, messages=messages, raw=raw, inline_limit=inline_limit
    )
    outcomes: list[MessageOutcome] = []
    for item in received:
        outcome = MessageOutcome(
            message_key=item.message_key,
            kind=str(item.kind),
            external_order_id=item.external_order_id,
            new=item.new,
        )
        if item.new and (read := reads.get(item.message_id)) is None:
            outcome.status = "pending"
        elif item.new and read is not None:
            outcome.status, outcome.outcome = str(read.status), read.outcome
            outcome.error_code, outcome.order_id = read.error_code, read.order_id
        outcomes.append(outcome)
    return WebhookAnswer(
        received=len(outcomes), new=sum(o.new for o in outcomes), messages=outcomes
    )


@router.post(
    "/{code}/webhook",
    response_model=WebhookAnswer,
    responses={
        401: {"description": "bad-signature"},
        404: {"description": "unknown-channel"},
        422: {"description": "bad-channel-message"},
    },
)
async def webhook(code: str, request: Request) -> Response:
    """Take a channel's signed order messages (see the module's documentation)."""
    # The services straight from the app (not a ``Depends``): this is the hottest write route,
    # and FastAPI's dependency solving cost more per webhook than the lookup it resolves.
    found = services_of(request.app)
    connector = found.channels.get(code)
    if connector is None:
        raise _refuse(404, "unknown-channel", f"No channel '{code[:40]}' in the channels file.")
    body = await request.body()  # the body limit (413) applies as it streams in
    headers = {name.decode("latin-1").lower(): value.decode("latin-1")
               for name, value in request.headers.raw}  # fmt: skip
    try:
        connector.verify(headers, body, now_s=time.time())
    except ChannelError as exc:
        _log.info("channel %s: webhook refused: %s", code, exc)
        raise _refuse(401, "bad-signature", str(exc)) from exc
    try:
        messages = connector.parse(headers, body)
    except (BadMessage, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise _refuse(422, "bad-channel-message", str(exc)[:500]) from exc
    raw = body.decode("utf-8", errors="replace")
    answer = await anyio.to_thread.run_sync(
        lambda: store_and_apply(
            found.db, channel=code, messages=messages, raw=raw, inline_limit=INLINE_LIMIT
        ),
        limiter=found.core.write_limiter,
    )
    # Serialised as it is: the answer was built from the model, so FastAPI's validating it
    # again against ``response_model`` (kept for the API's documentation) would be redundant.
    return Response(answer.model_dump_json(), media_type="application/json")

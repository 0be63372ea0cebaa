"""The confirm flow: an action is stated and kept as the conversation's pending action; "yes"
carries it out once, "no" drops it, "hang on" keeps it waiting.

Exactly once: the pending action carries a token, and its execute step runs through
:func:`core.audit.run_once` under the idempotency key ``chat:<token>`` of the asker, the same
mechanism the REST API uses for ``Idempotency-Key``. The key is stored in the write's own
transaction, so the posting and "this token is done" commit together or not at all: a second
"yes" (another web worker, a double click, a retry after a lost answer) finds the key and
replays the stored answer, whether or not the conversation store has heard of the first yet.
The conversation store then marks the pending action done, so later "yes" answers say so
without touching the database.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from assistant.actions.base import (
    ACTIONS,
    ActionRefusedError,
    ActionSpec,
    NothingPendingError,
    refused,
)
from assistant.errors import ForbiddenError
from assistant.handlers.base import Answer, HandlerContext
from core import CoreError, Database
from core.audit import run_once
from core.people import allowed

__all__ = ["KEY_PREFIX", "ask_action", "confirm", "deny", "is_waiting", "wait"]

#: Idempotency keys of chat actions: ``chat:<token>`` per asker.
KEY_PREFIX = "chat:"


def _spec(ctx: HandlerContext, intent: str) -> ActionSpec:
    spec = ACTIONS[intent]
    if not allowed(ctx.actor, spec.permission):
        raise ForbiddenError(ctx.say("action.forbidden", role=ctx.actor.role))
    return spec


def ask_action(
    ctx: HandlerContext, intent: str, slots: dict[str, str]
) -> tuple[Answer, dict[str, Any]]:
    """State exactly what ``intent`` will do; returns the answer and the pending action (JSON).

    Reads only: nothing is posted until "yes".
    """
    spec = _spec(ctx, intent)
    if (purity := slots.get("purity")) and ctx.index.unknown_purity(purity):
        # a draft PO of 22K (Au916) goods: the catalogue has no such purity, nothing to plan
        raise ActionRefusedError(ctx.say("error.unknown_purity", purity=purity, stocked=ctx.join(
            sorted(ctx.index.purities))), code="unknown-purity")
    plan = spec.plan(ctx, dict(slots))
    token = uuid.uuid4().hex
    pending = {"token": token, "action": intent, "slots": dict(slots),
               "params": _json_ready(plan.params), "summary": plan.summary,
               "asked_at": ctx.now.isoformat(), "done": False}
    text = f"{plan.summary} {ctx.say('action.ask')}"
    confirm_ = {"action": intent, "summary": plan.summary, "token": token}
    return Answer(text, _json_ready(plan.rows), confirm=confirm_), pending


def is_waiting(pending: dict[str, Any] | None) -> bool:
    """True when ``pending`` is an action still waiting for its yes."""
    return (pending is not None and not pending.get("done")
            and pending.get("action") in ACTIONS)


def confirm(
    db: Database, ctx: HandlerContext, pending: dict[str, Any] | None
) -> tuple[Answer, dict[str, Any]]:
    """Carry out the pending action once; the answer says what was posted (or that it was
    already done). Returns the pending action marked done with its result."""
    if not pending or pending.get("action") not in ACTIONS:
        raise NothingPendingError(ctx.say("action.nothing_pending"))
    intent = str(pending["action"])
    if pending.get("done"):
        return _already(ctx, intent, pending["result"]), pending
    spec = _spec(ctx, intent)  # the role again: it may have changed since the question
    params = dict(pending["params"])
    fingerprint = hashlib.sha256(json.dumps([intent, params], sort_keys=True).encode())
    try:
        answer = run_once(
            db, user_id=ctx.actor.id, key=KEY_PREFIX + str(pending["token"]),
            fingerprint=fingerprint.hexdigest(),
            write=lambda session: json.dumps(
                _json_ready(asdict(spec.execute(session, ctx.actor, params)))),
        )
    except CoreError as exc:
        raise refused(ctx, exc) from exc
    result = json.loads(answer.body)
    done = {**pending, "done": True, "result": result}
    if answer.replayed:
        return _already(ctx, intent, result), done
    return Answer(ctx.say(f"action.{intent}.done", **result["facts"]), result["rows"]), done


def deny(ctx: HandlerContext, pending: dict[str, Any] | None) -> Answer:
    """Drop the pending action: nothing is posted."""
    if not is_waiting(pending):
        raise NothingPendingError(ctx.say("action.nothing_pending"))
    assert pending is not None
    return Answer(ctx.say("action.cancelled", summary=pending["summary"]))


def wait(ctx: HandlerContext, pending: dict[str, Any] | None) -> Answer:
    """Keep the pending action waiting ('hang on'): nothing is posted, and a later yes or no
    answers it."""
    if not is_waiting(pending):
        raise NothingPendingError(ctx.say("action.nothing_pending"))
    assert pending is not None
    return Answer(ctx.say("action.waiting", summary=pending["summary"]))


def _already(ctx: HandlerContext, intent: str, result: dict[str, Any]) -> Answer:
    done = ctx.say(f"action.{intent}.done", **result["facts"])
    return Answer(ctx.say("action.already_done", done=done), result["rows"])


def _json_ready(value: Any) -> Any:
    """Values as JSON holds them: datetimes as ISO text, decimals as text, enums as values."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_ready(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value

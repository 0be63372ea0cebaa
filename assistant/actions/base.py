"""What an action is: its intent, the permission it needs, a plan that states exactly what it
will do (reading only), and an execute step that posts through the core's services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from assistant.errors import ChatError
from assistant.handlers.base import HandlerContext
from core import Actor, CoreError

__all__ = [
    "ACTIONS",
    "ActionError",
    "ActionRefusedError",
    "ActionSpec",
    "Done",
    "NothingPendingError",
    "Plan",
    "action",
    "refused",
]


@dataclass(frozen=True)
class Plan:
    """What an action will do: ``summary`` says it exactly; ``params`` (JSON-ready) is all
    :attr:`ActionSpec.execute` needs; ``rows`` are what the summary cites."""

    summary: str
    params: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Done:
    """What an executed action did: ``facts`` fill its answer, ``rows`` are what it posted."""

    facts: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)


Planner = Callable[[HandlerContext, dict[str, str]], Plan]
Executor = Callable[[Session, Actor, dict[str, Any]], Done]


@dataclass(frozen=True)
class ActionSpec:
    """An action of the chat: the API's permission for it, its plan and its execute step."""

    intent: str
    permission: str
    plan: Planner
    execute: Executor


ACTIONS: dict[str, ActionSpec] = {}


def action(intent: str, *, permission: str, execute: Executor) -> Callable[[Planner], Planner]:
    """Register the decorated planner, with ``execute``, as the action ``intent``."""

    def register(plan: Planner) -> Planner:
        if intent in ACTIONS:
            raise ValueError(f"action {intent!r} is registered twice")
        ACTIONS[intent] = ActionSpec(intent, permission, plan, execute)
        return plan

    return register


class ActionError(ChatError):
    """An action cannot be asked for or carried out; nothing was posted."""

    code = "action-failed"


class ActionRefusedError(ActionError):
    """The core refuses the action (lot not holdable, no free stock...); ``code`` is the core's."""

    code = "action-refused"


class NothingPendingError(ActionError):
    """A "yes" or "no" came when no action was waiting for one (none, or it expired)."""

    code = "nothing-pending"


def refused(ctx: HandlerContext, exc: CoreError) -> ActionRefusedError:
    """A core refusal as a chat error with the core's stable code and reason."""
    return ActionRefusedError(ctx.say("action.refused", reason=exc.message), code=exc.code)

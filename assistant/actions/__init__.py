"""Actions from the chat, each confirmed first: hold, release or recall a lot, reserve stock for
an order, start a cycle count, acknowledge a camera alert, draft a purchase order.

Each action (:class:`ActionSpec`) has the API's permission for it, a ``plan`` that reads and
states exactly what will happen, and an ``execute`` step that posts through the same core
services (and so the same audit log) as the API. :mod:`assistant.actions.flow` keeps the
stated action pending until "yes" and runs it once.
"""

from assistant.actions import lots, orders, stock  # noqa: F401  (registers the actions)
from assistant.actions.base import (
    ACTIONS,
    ActionError,
    ActionRefusedError,
    ActionSpec,
    Done,
    NothingPendingError,
    Plan,
)
from assistant.actions.flow import ask_action, confirm, deny, is_waiting, wait
from assistant.actions.slots import action_slots, changed_quantity, without_reason

__all__ = [
    "ACTIONS",
    "ANSWERS",
    "ActionError",
    "ActionRefusedError",
    "ActionSpec",
    "Done",
    "NothingPendingError",
    "Plan",
    "action_slots",
    "ask_action",
    "changed_quantity",
    "confirm",
    "deny",
    "is_waiting",
    "wait",
    "without_reason",
]

#: The intents that answer a pending action.
ANSWERS = frozenset({"confirm", "deny", "wait"})

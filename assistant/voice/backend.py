"""What the picking dialogue needs from the warehouse: the `PickingBackend` protocol."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from assistant.speech.errors import AssistantError

__all__ = [
    "REJECTION_KINDS",
    "BackendUnavailableError",
    "NothingToUndoError",
    "PickLine",
    "PickRejectedError",
    "PickingBackend",
    "UnknownOperatorError",
]


#: What the dialogue reports through `PickingBackend.report_rejection`.
REJECTION_KINDS = frozenset({"wrong-check-digits", "wrong-serial"})


@dataclass(frozen=True)
class PickLine:
    """One line of an assignment: where to go, what to take, how many."""

    line_id: str
    location_code: str
    aisle: str
    bay: str
    level: str
    check_digits: str
    description: str
    sku_code: str
    quantity: int
    serialised: bool = False
    serials: tuple[str, ...] = ()


class UnknownOperatorError(AssistantError):
    """No active operator has the spoken id."""

    code = "unknown-operator"


class NothingToUndoError(AssistantError):
    """The operator has no confirmation left to undo."""

    code = "nothing-to-undo"


class PickRejectedError(AssistantError):
    """The backend refused a confirmation (for example a serial is no longer there)."""

    code = "pick-rejected"


class BackendUnavailableError(AssistantError):
    """The backend could not be reached; the same call may be retried with the same key."""

    code = "backend-unavailable"


@runtime_checkable
class PickingBackend(Protocol):
    """Warehouse operations behind the voice dialogue; idempotency keys make retries safe."""

    def sign_on(self, operator_id: str) -> str:
        """Sign an operator on by id and return their name; `UnknownOperatorError` if none."""
        ...

    def next_assignment(self, operator_id: str) -> list[PickLine]:
        """Give the operator their next pick list in travel order; empty when no work."""
        ...

    def confirm_pick(
        self,
        operator_id: str,
        line_id: str,
        *,
        quantity: int,
        serials: Sequence[str],
        idempotency_key: str,
    ) -> None:
        """Post a full pick of a line; a repeated `idempotency_key` posts nothing new."""
        ...

    def report_short(
        self,
        operator_id: str,
        line_id: str,
        *,
        quantity_picked: int,
        serials: Sequence[str],
        idempotency_key: str,
    ) -> None:
        """Post a short pick: fewer pieces found than asked; idempotent like `confirm_pick`."""
        ...

    def skip_line(self, operator_id: str, line_id: str) -> None:
        """Record that the operator skipped a line (it stays open)."""
        ...

    def report_rejection(self, operator_id: str, line_id: str, *, kind: str, given: str) -> None:
        """Record a wrong pick the dialogue refused on the line (it posts nothing).

        `kind` is ``wrong-check-digits`` or ``wrong-serial``; `given` is what was spoken or
        scanned. `PickRejectedError` if the line is unknown.
        """
        ...

    def undo_last(self, operator_id: str) -> str:
        """Reverse the operator's last confirmation or short; return its line id."""
        ...

    def sign_off(self, operator_id: str) -> None:
        """Sign the operator off."""
        ...

"""Dialogue states and the values the picking machine returns for each turn."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from assistant.voice.commands import Command
from assistant.voice.language import Expectation, PromptPart

__all__ = ["BackendCall", "CONFIRM_STATES", "EXPECTS", "LINE_STATES", "Prompt", "State", "Turn"]


class State(StrEnum):
    """Where the picker is in the dialogue."""

    SIGN_ON = "sign_on"
    GET_WORK = "get_work"
    AISLE = "aisle"
    SLOT = "slot"
    QUANTITY = "quantity"
    SERIAL = "serial"
    SHORT_COUNT = "short_count"
    CONFIRM_SHORT = "confirm_short"
    CONFIRM_UNDO = "confirm_undo"
    CONFIRM_SIGN_OFF = "confirm_sign_off"
    RETRY = "retry"
    ENDED = "ended"


EXPECTS: dict[State, Expectation] = {
    State.SIGN_ON: "digits",
    State.GET_WORK: "ready",
    State.AISLE: "ready",
    State.SLOT: "digits",
    State.QUANTITY: "quantity",
    State.SERIAL: "characters",
    State.SHORT_COUNT: "quantity",
    State.CONFIRM_SHORT: "yes_no",
    State.CONFIRM_UNDO: "yes_no",
    State.CONFIRM_SIGN_OFF: "yes_no",
    State.RETRY: "ready",
    State.ENDED: "none",
}

LINE_STATES = frozenset({State.AISLE, State.SLOT, State.QUANTITY, State.SERIAL, State.SHORT_COUNT})
#: States that wait for "yes" before doing something that cannot be taken back silently.
CONFIRM_STATES = frozenset({State.CONFIRM_SHORT, State.CONFIRM_UNDO, State.CONFIRM_SIGN_OFF})


@dataclass(frozen=True)
class Prompt:
    """What the headset says next: prompt keys with parameters, and the rendered text."""

    parts: tuple[PromptPart, ...]
    text: str

    @property
    def keys(self) -> tuple[str, ...]:
        """The prompt keys, in order (stable across languages, handy in tests)."""
        return tuple(key for key, _ in self.parts)


@dataclass(frozen=True)
class BackendCall:
    """A call the machine made to the backend during a turn, and how it ended."""

    action: Literal["sign_on", "next_assignment", "confirm", "short", "skip", "undo", "sign_off",
                    "reject"]
    line_id: str | None = None
    quantity: int | None = None
    serials: tuple[str, ...] = ()
    idempotency_key: str | None = None
    error_code: str | None = None

    @property
    def ok(self) -> bool:
        """True if the backend accepted the call."""
        return self.error_code is None


@dataclass(frozen=True)
class Turn:
    """The machine's answer to one command: new state, what to say, what it posted."""

    state: State
    expect: Expectation
    prompt: Prompt
    calls: tuple[BackendCall, ...] = ()
    command: Command | None = None

    @property
    def ended(self) -> bool:
        """True once the operator has signed off."""
        return self.state is State.ENDED

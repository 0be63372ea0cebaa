"""The voice-picking dialogue as a pure state machine: a command in, a turn out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.speech.grammar import Grammar
from assistant.voice.backend import (
    BackendUnavailableError,
    NothingToUndoError,
    PickingBackend,
    PickLine,
    PickRejectedError,
    UnknownOperatorError,
)
from assistant.voice.commands import Command
from assistant.voice.language import LanguagePack, PromptPart
from assistant.voice.states import (
    CONFIRM_STATES,
    EXPECTS,
    LINE_STATES,
    BackendCall,
    Prompt,
    State,
    Turn,
)

__all__ = ["DialogueMachine", "idempotency_key"]

Parts = list[PromptPart]


def idempotency_key(line_id: str, attempt: int) -> str:
    """The key of a line's confirmation: the same line and attempt always post once."""
    return f"voice:{line_id}:{attempt}"


def _part(key: str, **params: object) -> PromptPart:
    return (key, params)


@dataclass
class _Pending:
    call: BackendCall
    run: Callable[[], None]


class DialogueMachine:
    """Headset-picking dialogue (sign on, pick lines, sign off) over a `PickingBackend`.

    The machine does no audio and no I/O of its own: `handle` takes a recognised `Command`,
    calls the backend, and returns a `Turn` with the next state, prompt and backend calls.

    Nothing is posted on a single misheard word: a quantity confirms only when it equals the
    quantity asked for, and a short, an undo and a sign-off each wait for a spoken "yes".
    """

    def __init__(self, backend: PickingBackend, pack: LanguagePack, *,
                 operator_id_digits: int | None = None) -> None:
        """Start a fresh dialogue; call `start` for the first prompt.

        `operator_id_digits`: how many digits the site's operator ids have, when they all have
        the same length; the sign-on grammar then accepts exactly that many.
        """
        self.backend = backend
        self.pack = pack
        self.operator_id_digits = operator_id_digits
        self.state = State.SIGN_ON
        self.operator_id: str | None = None
        self.operator_name = ""
        self.queue: list[PickLine] = []
        self.done: dict[str, PickLine] = {}
        self.skipped: set[str] = set()
        self.attempts: dict[str, int] = {}
        self.serials: list[str] = []
        self.short_target: int | None = None
        self.short_count: int | None = None
        self.last_aisle: str | None = None
        self._pending: _Pending | None = None
        self._resume_short = State.QUANTITY
        self._resume_undo = State.GET_WORK
        self._resume_sign_off = State.SIGN_ON
        self._calls: list[BackendCall] = []
        self.last_prompt = Prompt((), "")

    # -- turn plumbing ------------------------------------------------------------------

    def start(self) -> Turn:
        """The opening turn: ask for the operator id."""
        self.state = State.SIGN_ON
        return self._turn(None, [_part("sign_on")])

    def handle(self, command: Command) -> Turn:
        """Apply one recognised command and return the next turn."""
        self._calls = []
        if self.state is State.ENDED:
            return self._turn(command, [_part("signed_off")])
        if self.state in CONFIRM_STATES and command.kind in _NOT_WHILE_CONFIRMING.get(
                self.state, ()):
            return self._turn(command, self._reprompt(command, "not_now"))
        handler = self._globals().get(command.kind)
        parts = handler(command) if handler else self._by_state(command)
        return self._turn(command, parts)

    def _turn(self, command: Command | None, parts: Parts) -> Turn:
        prompt = Prompt(tuple(parts), self.pack.render(tuple(parts)))
        if command is None or command.kind != "say_again":
            self.last_prompt = prompt
        return Turn(self.state, EXPECTS[self.state], prompt, tuple(self._calls), command)

    def _globals(self) -> dict[str, Callable[[Command], Parts]]:
        return {
            "repeat": lambda c: self.state_prompt(full=True),
            "say_again": lambda c: list(self.last_prompt.parts),
            "help": self._help,
            "sign_off": self._sign_off,
            "undo": self._undo,
            "skip": self._skip,
            "short": self._short_command,
        }

    def _by_state(self, command: Command) -> Parts:
        handlers: dict[State, Callable[[Command], Parts]] = {
            State.SIGN_ON: self._on_sign_on,
            State.GET_WORK: self._on_get_work,
            State.AISLE: self._on_aisle,
            State.SLOT: self._on_slot,
            State.QUANTITY: self._on_quantity,
            State.SERIAL: self._on_serial,
            State.SHORT_COUNT: self._on_short_count,
            State.CONFIRM_SHORT: self._on_confirm_short,
            State.CONFIRM_UNDO: self._on_confirm_undo,
            State.CONFIRM_SIGN_OFF: self._on_confirm_sign_off,
            State.RETRY: self._on_retry,
        }
        return handlers[self.state](command)

    def _reprompt(self, command: Command, key: str | None = None) -> Parts:
        if key is None:
            key = "not_understood" if command.kind == "unknown" else "not_now"
        return [_part(key), *self.state_prompt()]

    @property
    def confirming(self) -> bool:
        """True while the dialogue waits for a yes or no that would act (short, undo, sign-off)."""
        return self.state in CONFIRM_STATES

    def acts_on(self, command: Command) -> bool:
        """True if `command` would act at once in this state: a quantity equal to the line's
        (it posts), or a yes that confirms a short, an undo or a sign-off."""
        if self.state is State.QUANTITY and self.queue:
            return _count(command) == self.line.quantity
        return self.state in CONFIRM_STATES and command.kind == "yes"

    def checks_slot(self, command: Command) -> bool:
        """True if `command` is the slot's check digits, which tell the dialogue the picker
        stands at the right slot (the next answer, the quantity, posts there). Wrong check
        digits are refused, never acted on, so only these need to be heard for sure."""
        return (self.state is State.SLOT and bool(self.queue)
                and _digits(command) == self.line.check_digits)

    @property
    def line(self) -> PickLine:
        """The line being picked."""
        return self.queue[0]

    def grammar(self) -> Grammar:
        """The smallest grammar that covers every valid answer in the current state."""
        expect = EXPECTS[self.state]
        s, line = self.state, self.line if self.queue else None
        if s is State.SIGN_ON:
            return self.pack.grammar(expect, digits=self.operator_id_digits)
        if s is State.SLOT and line is not None and line.check_digits.isdigit():
            return self.pack.grammar(expect, digits=len(line.check_digits))
        if s in (State.QUANTITY, State.SERIAL) and line is not None:
            return self.pack.grammar(expect, most=line.quantity)
        if s is State.SHORT_COUNT and line is not None:
            return self.pack.grammar(expect, most=max(line.quantity - 1, 0))
        return self.pack.grammar(expect)

    # -- prompts --------------------------------------------------------------------------

    def state_prompt(self, *, full: bool = False) -> Parts:
        """The prompt of the current state; `full` adds the location context."""
        s = self.state
        if s in (State.AISLE, State.SLOT, State.QUANTITY) and self.queue:
            line = self.line
            parts = [
                _part("aisle", aisle=line.aisle),
                _part("slot", bay=line.bay, level=line.level),
                _part("pick", quantity=line.quantity, description=line.description),
            ]
            chosen = parts[: {State.AISLE: 1, State.SLOT: 2, State.QUANTITY: 3}[s]]
            return chosen if full else chosen[-1:]
        if s is State.SERIAL:
            return [self._serial_part()]
        if s is State.CONFIRM_SHORT:
            return [_part("confirm_short", picked=self.short_count)]
        keys = {State.SIGN_ON: "sign_on", State.GET_WORK: "get_work",
                State.SHORT_COUNT: "short_how_many", State.CONFIRM_SIGN_OFF: "confirm_sign_off",
                State.CONFIRM_UNDO: "confirm_undo",
                State.RETRY: "system_busy", State.ENDED: "signed_off"}
        return [_part(keys.get(s, "get_work"))]

    def _serial_part(self) -> PromptPart:
        total = self.short_target or self.line.quantity
        if total == 1:
            return _part("serial_one")
        return _part("serial_many", index=len(self.serials) + 1, total=total)

    def _help(self, command: Command) -> Parts:
        return [_part(f"help_{EXPECTS[self.state]}" if self.state is not State.ENDED
                      else "signed_off"), _part("help_common"), *self.state_prompt()]

    # -- flow between lines -------------------------------------------------------------

    def _start_line(self) -> Parts:
        self.serials, self.short_target, self.short_count = [], None, None
        line = self.line
        if line.aisle != self.last_aisle:
            self.last_aisle = line.aisle
            self.state = State.AISLE
        else:
            self.state = State.SLOT
        return self.state_prompt()

    def _advance(self) -> Parts:
        if not self.queue:
            self.state = State.GET_WORK
            self.serials, self.short_target, self.short_count = [], None, None
            return [_part("assignment_done")]
        return self._start_line()

    # -- state handlers -----------------------------------------------------------------

    def _on_sign_on(self, command: Command) -> Parts:
        operator_id = _digits(command)
        if operator_id is None:
            return self._reprompt(command)
        try:
            name = self.backend.sign_on(operator_id)
        except UnknownOperatorError as exc:
            self._calls.append(BackendCall("sign_on", error_code=exc.code))
            return [_part("unknown_operator", operator_id=operator_id), _part("sign_on")]
        except BackendUnavailableError as exc:
            self._calls.append(BackendCall("sign_on", error_code=exc.code))
            return [_part("busy"), _part("sign_on")]
        self._calls.append(BackendCall("sign_on"))
        self.operator_id, self.operator_name = operator_id, name
        self.state = State.GET_WORK
        return [_part("welcome", name=name)]

    def _on_get_work(self, command: Command) -> Parts:
        if command.kind != "ready":
            return self._reprompt(command)
        try:
            lines = self.backend.next_assignment(self._operator)
        except BackendUnavailableError as exc:
            self._calls.append(BackendCall("next_assignment", error_code=exc.code))
            return [_part("busy"), _part("get_work")]
        self._calls.append(BackendCall("next_assignment"))
        if not lines:
            return [_part("no_work")]
        self.queue, self.done, self.skipped = list(lines), {}, set()
        self.last_aisle = None
        count = (_part("assignment_one") if len(lines) == 1
                 else _part("assignment_many", count=len(lines)))
        return [count, *self._start_line()]

    def _on_aisle(self, command: Command) -> Parts:
        if command.kind != "ready":
            return self._reprompt(command)
        self.state = State.SLOT
        return self.state_prompt()

    def _on_slot(self, command: Command) -> Parts:
        spoken = _digits(command)
        if spoken is None:
            return self._reprompt(command)
        if spoken != self.line.check_digits:
            self._report_rejection("wrong-check-digits", spoken)
            return [_part("wrong_check"), *self.state_prompt()]
        self.state = State.QUANTITY
        return self.state_prompt()

    def _on_quantity(self, command: Command) -> Parts:
        said = _count(command)
        if said is None:
            return self._reprompt(command)
        line = self.line
        if said != line.quantity:
            return [_part("wrong_quantity", said=said, quantity=line.quantity)]
        if line.serialised:
            self.state = State.SERIAL
            return self.state_prompt()
        return self._post("confirm", said, [])

    def _on_serial(self, command: Command) -> Parts:
        if command.kind not in ("characters", "serial_scan", "digits"):
            return self._reprompt(command)
        spoken = str(command.value).upper()
        if command.kind == "serial_scan":
            matches = [s for s in self.line.serials if s.upper() == spoken]
        else:
            matches = [s for s in self.line.serials if s.upper().endswith(spoken)]
        if not matches:
            self._report_rejection("wrong-serial", spoken)
            return [_part("wrong_serial"), *self.state_prompt()]
        fresh = [s for s in matches if s not in self.serials]
        if not fresh:
            return [_part("duplicate_serial"), *self.state_prompt()]
        if len(fresh) > 1:
            return [_part("ambiguous_serial"), *self.state_prompt()]
        self.serials.append(fresh[0])
        target = self.short_target or self.line.quantity
        if len(self.serials) < target:
            return self.state_prompt()
        if self.short_target is not None:
            return self._short(self.short_target)
        return self._post("confirm", target, self.serials)

    def _on_short_count(self, command: Command) -> Parts:
        count = _count(command)
        if count is None:
            return self._reprompt(command)
        return self._short(count)

    def _on_confirm_short(self, command: Command) -> Parts:
        if command.kind == "yes" and self.short_count is not None:
            count = self.short_count
            return self._post("short", count, self.serials[:count])
        if command.kind == "no":
            # Back to the line's own question; serials heard so far are heard again.
            self.serials, self.short_target, self.short_count = [], None, None
            self.state = State.QUANTITY
            return self.state_prompt()
        return self._reprompt(command)

    def _on_confirm_undo(self, command: Command) -> Parts:
        if command.kind == "yes":
            return self._do_undo()
        if command.kind == "no":
            self.state = self._resume_undo
            return self.state_prompt()
        return self._reprompt(command)

    def _on_confirm_sign_off(self, command: Command) -> Parts:
        if command.kind == "yes":
            return self._do_sign_off()
        if command.kind == "no":
            self.state = self._resume_sign_off
            return self.state_prompt()
        return self._reprompt(command)

    def _on_retry(self, command: Command) -> Parts:
        if command.kind != "ready" or self._pending is None:
            return self._reprompt(command)
        return self._run_pending()

    # -- commands that work at any prompt ------------------------------------------------

    def _sign_off(self, command: Command) -> Parts:
        if self.state is State.SIGN_ON:
            self.state = State.ENDED
            return [_part("signed_off")]
        if self.state is State.CONFIRM_SIGN_OFF:
            return self._do_sign_off()
        self._resume_sign_off, self.state = self.state, State.CONFIRM_SIGN_OFF
        return self.state_prompt()

    def _do_sign_off(self) -> Parts:
        try:
            self.backend.sign_off(self._operator)
        except BackendUnavailableError as exc:
            self._calls.append(BackendCall("sign_off", error_code=exc.code))
            return [_part("busy"), *self.state_prompt()]
        self._calls.append(BackendCall("sign_off"))
        self.state, self._pending = State.ENDED, None
        return [_part("goodbye", name=self.operator_name)]

    def _undo(self, command: Command) -> Parts:
        if self.state in (State.SIGN_ON, State.CONFIRM_SIGN_OFF, State.RETRY):
            return self._reprompt(command, "not_now")
        if self.state is State.SERIAL and self.serials:
            self.serials.pop()  # nothing posted yet: no need to ask
            return [_part("serial_removed"), *self.state_prompt()]
        self._resume_undo, self.state = self.state, State.CONFIRM_UNDO
        return self.state_prompt()

    def _do_undo(self) -> Parts:
        self.state = self._resume_undo
        try:
            line_id = self.backend.undo_last(self._operator)
        except (NothingToUndoError, BackendUnavailableError) as exc:
            self._calls.append(BackendCall("undo", error_code=exc.code))
            key = "nothing_to_undo" if isinstance(exc, NothingToUndoError) else "busy"
            return [_part(key), *self.state_prompt()]
        self._calls.append(BackendCall("undo", line_id=line_id))
        line = self.done.pop(line_id, None)
        if line is None:
            return [_part("undone"), *self.state_prompt()]
        self.attempts[line_id] = self.attempts.get(line_id, 0) + 1
        self.queue.insert(0, line)
        self.last_aisle = None
        return [_part("undone"), *self._start_line()]

    def _skip(self, command: Command) -> Parts:
        if self.state not in LINE_STATES:
            return [_part("nothing_to_skip"), *self.state_prompt()]
        line = self.line
        try:
            self.backend.skip_line(self._operator, line.line_id)
        except BackendUnavailableError as exc:
            self._calls.append(BackendCall("skip", line_id=line.line_id, error_code=exc.code))
            return [_part("busy"), *self.state_prompt()]
        self._calls.append(BackendCall("skip", line_id=line.line_id))
        self.queue.pop(0)
        if line.line_id not in self.skipped:
            # A skipped slot comes back once, at the end of the assignment.
            self.skipped.add(line.line_id)
            self.queue.append(line)
        return [_part("skipped"), *self._advance()]

    def _short_command(self, command: Command) -> Parts:
        if self.state in (State.AISLE, State.SLOT):
            # The location is proven by its check digits before stock is declared missing.
            return [_part("check_first"), *self.state_prompt()]
        if self.state not in (State.QUANTITY, State.SERIAL, State.SHORT_COUNT):
            return self._reprompt(command, "not_now")
        if command.value is None:
            if self.state is not State.SHORT_COUNT:
                self._resume_short = self.state
            self.state = State.SHORT_COUNT
            return self.state_prompt()
        return self._short(int(command.value))

    def _short(self, count: int) -> Parts:
        line = self.line
        if self.state is State.SHORT_COUNT:
            self.state = self._resume_short
        if count >= line.quantity:
            return [_part("short_too_many", quantity=line.quantity), *self.state_prompt()]
        if line.serialised and count > len(self.serials):
            self.short_target, self.state = count, State.SERIAL
            return self.state_prompt()
        self.short_count, self.state = count, State.CONFIRM_SHORT
        return self.state_prompt()

    # -- posting ------------------------------------------------------------------------

    def _report_rejection(self, kind: str, given: str) -> None:
        """Tell the backend what was refused; a failure never holds the picker up."""
        line_id = self.line.line_id
        try:
            self.backend.report_rejection(self._operator, line_id, kind=kind, given=given)
        except (BackendUnavailableError, PickRejectedError) as exc:
            self._calls.append(BackendCall("reject", line_id, error_code=exc.code))
            return
        self._calls.append(BackendCall("reject", line_id))

    @property
    def _operator(self) -> str:
        assert self.operator_id is not None, "no operator signed on"
        return self.operator_id

    def _post(self, action: str, quantity: int, serials: list[str]) -> Parts:
        line, operator = self.line, self._operator
        key = idempotency_key(line.line_id, self.attempts.get(line.line_id, 0))
        chosen = tuple(serials)
        if action == "confirm":
            call = BackendCall("confirm", line.line_id, quantity, chosen, key)

            def run() -> None:
                self.backend.confirm_pick(operator, line.line_id, quantity=quantity,
                                          serials=chosen, idempotency_key=key)
        else:
            call = BackendCall("short", line.line_id, quantity, chosen, key)

            def run() -> None:
                self.backend.report_short(operator, line.line_id, quantity_picked=quantity,
                                          serials=chosen, idempotency_key=key)
        self._pending = _Pending(call, run)
        return self._run_pending()

    def _run_pending(self) -> Parts:
        assert self._pending is not None
        pending = self._pending
        try:
            pending.run()
        except BackendUnavailableError as exc:
            self._calls.append(_failed(pending.call, exc.code))
            self.state = State.RETRY
            return self.state_prompt()
        except PickRejectedError as exc:
            self._calls.append(_failed(pending.call, exc.code))
            self._pending, self.serials, self.short_target = None, [], None
            self.short_count, self.state = None, State.QUANTITY
            return [_part("rejected", reason=exc.message), *self.state_prompt()]
        self._calls.append(pending.call)
        self._pending = None
        line = self.queue.pop(0)
        self.done[line.line_id] = line
        return self._advance()


#: Commands a confirmation prompt does not take: it wants yes or no (or repeat, help).
_NOT_WHILE_CONFIRMING: dict[State, tuple[str, ...]] = {
    State.CONFIRM_SHORT: ("undo", "skip", "short", "sign_off"),
    State.CONFIRM_UNDO: ("undo", "skip", "short", "sign_off"),
    State.CONFIRM_SIGN_OFF: ("undo", "skip", "short"),
}


def _failed(call: BackendCall, code: str) -> BackendCall:
    return BackendCall(call.action, call.line_id, call.quantity, call.serials,
                       call.idempotency_key, code)


def _digits(command: Command) -> str | None:
    if command.kind == "digits":
        return str(command.value)
    if command.kind == "quantity" and command.value is not None:
        return str(command.value)
    return None


def _count(command: Command) -> int | None:
    if command.kind in ("quantity", "digits") and command.value is not None:
        return int(command.value)
    return None

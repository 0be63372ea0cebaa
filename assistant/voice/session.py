"""One headset connection: audio in, VAD, recogniser, command parsing and the dialogue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from assistant.speech.base import SAMPLE_RATE, Recognizer, Transcript
from assistant.speech.rejection import Rejection
from assistant.speech.settings import VadSettings
from assistant.speech.vad import EnergyVad
from assistant.voice.commands import Command, parse_command, scan_command
from assistant.voice.listener import Listener
from assistant.voice.machine import DialogueMachine
from assistant.voice.states import Turn

__all__ = ["VoiceEvent", "VoiceSession", "vad_from_settings"]

EventType = Literal["partial", "final", "command", "prompt", "profile"]


@dataclass(frozen=True)
class VoiceEvent:
    """Something to tell the client: a transcript, the command understood, or a prompt."""

    type: EventType
    text: str = ""
    command: Command | None = None
    turn: Turn | None = None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready message (prompt audio is added by the transport)."""
        if self.type == "command":
            assert self.command is not None
            return {"type": "command", **self.command.as_dict()}
        if self.type == "profile":
            return {"type": "profile", "adapted": self.text == "adapted"}
        if self.type == "prompt":
            assert self.turn is not None
            return {
                "type": "prompt",
                "text": self.text,
                "keys": list(self.turn.prompt.keys),
                "state": self.turn.state.value,
                "expect": self.turn.expect,
                "ended": self.turn.ended,
            }
        return {"type": self.type, "text": self.text}


def vad_from_settings(settings: VadSettings, sample_rate: int = SAMPLE_RATE) -> EnergyVad:
    """An `EnergyVad` configured from settings for a stream at `sample_rate`.

    The VAD itself ends an utterance only after `incomplete_hangover_ms` of quiet; the session
    ends it sooner, after `hangover_ms`, when what was heard is a complete answer.
    """
    values = settings.model_dump()
    values["hangover_ms"] = max(values.pop("incomplete_hangover_ms"), settings.hangover_ms)
    return EnergyVad(**values, sample_rate=sample_rate)


class VoiceSession:
    """Drives a `DialogueMachine` from a PCM stream; all methods return events to send.

    Audio is cut into utterances by a `Listener` (VAD, quiet-audio gate, grammar-aware end of
    utterance; `hangover_ms`, `tail_ms`, `partial_every_ms` and `sample_rate` are its).

    `reject_below`: a final transcript whose `score` is lower is out of grammar (a cough, a
    word the state does not expect, noise): the dialogue hears it as not understood and
    re-prompts rather than act on whatever grammar sentence came closest. None: never reject.
    `confirm_reject_below`: the same, while the dialogue waits for a yes or no that would act
    (a short, an undo, a sign-off), where a misheard "yes" costs most; the stricter of the two
    applies there. `posting_confidence`: the confidence an answer that would act at once needs
    (see `Rejection`). `rejection`: the whole rule instead (with the fit score an answer that
    acts needs, and what the slot's expected check digits need).

    `on_sign_on`: called once with the operator id after a successful sign-on; it may return
    a recogniser adapted to that operator (their enrolment), which then replaces `recognizer`.
    """

    def __init__(self, machine: DialogueMachine, recognizer: Recognizer,
                 vad: EnergyVad | None = None, *, partial_every_ms: int = 150,
                 tail_ms: int = 150, reject_below: float | None = None,
                 confirm_reject_below: float | None = None, hangover_ms: int = 240,
                 sample_rate: int = SAMPLE_RATE,
                 on_sign_on: Callable[[str], Recognizer | None] | None = None,
                 posting_confidence: float | None = None,
                 rejection: Rejection | None = None) -> None:
        """A dialogue over `recognizer`, listening with `vad` (a fresh `EnergyVad` if None)."""
        self.machine = machine
        self.listener = Listener(recognizer, vad or EnergyVad(sample_rate=sample_rate),
                                 hangover_ms=hangover_ms, tail_ms=tail_ms,
                                 partial_every_ms=partial_every_ms, sample_rate=sample_rate)
        self.rejection = rejection or Rejection(reject_below, confirm_reject_below,
                                                posting_confidence)
        self.on_sign_on = on_sign_on
        self.adapted = False
        self.turn: Turn | None = None

    @property
    def recognizer(self) -> Recognizer:
        """The recogniser in use (the operator's adapted one after sign-on, if any)."""
        return self.listener.recognizer

    @property
    def vad(self) -> EnergyVad:
        """The listener's VAD."""
        return self.listener.vad

    @property
    def ended(self) -> bool:
        """True once the operator signed off."""
        return self.turn is not None and self.turn.ended

    @property
    def in_utterance(self) -> bool:
        """True while audio of an unfinished utterance has been decoded."""
        return self.listener.in_utterance

    def start(self) -> list[VoiceEvent]:
        """Open the dialogue: the first prompt."""
        return self._apply(self.machine.start())

    def _apply(self, turn: Turn) -> list[VoiceEvent]:
        self.turn = turn
        events = self._adapt(turn)
        if not turn.ended:
            self.recognizer.set_grammar(self.machine.grammar())
        return [*events, VoiceEvent("prompt", turn.prompt.text, turn=turn)]

    def _adapt(self, turn: Turn) -> list[VoiceEvent]:
        """After a sign-on, switch to the operator's adapted recogniser if they have one (and
        tell the client so: a ``profile`` event)."""
        signed_on = any(c.action == "sign_on" and c.ok for c in turn.calls)
        if not signed_on or self.on_sign_on is None or self.machine.operator_id is None:
            return []
        adapted = self.on_sign_on(self.machine.operator_id)
        self.adapted = adapted is not None
        if adapted is None:
            return []
        self.listener.use(adapted)
        return [VoiceEvent("profile", "adapted")]

    def handle_command(self, command: Command) -> list[VoiceEvent]:
        """Apply a command that did not come from audio (a scan, a typed answer)."""
        if self.ended:
            return []
        turn = self.machine.handle(command)
        return [VoiceEvent("command", command.text, command), *self._apply(turn)]

    def handle_text(self, text: str) -> list[VoiceEvent]:
        """Apply a transcript as if it had been recognised."""
        return self.handle_command(self._parse(text))

    def handle_scan(self, code: str) -> list[VoiceEvent]:
        """Apply a scanned serial code."""
        return self.handle_command(scan_command(code))

    def _parse(self, text: str) -> Command:
        expect = self.turn.expect if self.turn is not None else "digits"
        return parse_command(text, self.machine.pack, expect)

    def feed_audio(self, pcm: bytes) -> list[VoiceEvent]:
        """Consume mono 16-bit PCM at the stream's rate; returns events as utterances end."""
        events: list[VoiceEvent] = []
        if self.ended:
            return events
        for result in self.listener.feed(pcm):
            if not result.is_final:
                events.append(VoiceEvent("partial", result.text))
                continue
            events += self._utterance_done(result)
            if self.ended:
                break
        return events

    def end_utterance(self) -> list[VoiceEvent]:
        """Finish the current utterance now (push-to-talk release, end of a file)."""
        if self.ended:
            return []
        final = self.listener.flush()
        return self._utterance_done(final) if final is not None else []

    @property
    def reject_below(self) -> float | None:
        """The fit score below which any answer is re-prompted (None: never)."""
        return self.rejection.answer

    @property
    def confirm_reject_below(self) -> float | None:
        """The same, in the yes/no confirmations (the stricter applies)."""
        return self.rejection.confirm

    @confirm_reject_below.setter
    def confirm_reject_below(self, value: float | None) -> None:
        self.rejection = replace(self.rejection, confirm=value)

    def rejects(self, final: Transcript, command: Command | None = None) -> bool:
        """True if `final` is not to be acted on in the current state (see `Rejection`)."""
        acts = command is not None and self.machine.acts_on(command)
        checks = command is not None and self.machine.checks_slot(command)
        return self.rejection.rejects(final, confirming=self.machine.confirming, acts=acts,
                                      checks=checks)

    def _utterance_done(self, final: Transcript) -> list[VoiceEvent]:
        command = self._parse(final.text)
        if self.rejects(final, command):
            command = Command("unknown", None, final.text)
        turn = self.machine.handle(command)
        return [VoiceEvent("final", final.text), VoiceEvent("command", final.text, command),
                *self._apply(turn)]

"""One headset connection: audio in, VAD, recogniser, command parsing and the dialogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from assistant.speech.base import SAMPLE_RATE, SAMPLE_WIDTH, Recognizer, Transcript
from assistant.speech.settings import VadSettings
from assistant.speech.vad import EnergyVad, VadEvent
from assistant.voice.commands import Command, parse_command, scan_command
from assistant.voice.machine import DialogueMachine
from assistant.voice.states import Turn

__all__ = ["VoiceEvent", "VoiceSession", "vad_from_settings"]

EventType = Literal["partial", "final", "command", "prompt"]


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


def vad_from_settings(settings: VadSettings) -> EnergyVad:
    """An `EnergyVad` configured from settings."""
    return EnergyVad(**settings.model_dump())


@dataclass
class VoiceSession:
    """Drives a `DialogueMachine` from a PCM stream; all methods return events to send.

    `reject_below`: a final transcript whose `score` is lower is out of grammar (a cough, a
    word the state does not expect, noise): the dialogue hears it as not understood and
    re-prompts rather than act on whatever grammar sentence came closest. None: never reject.
    `confirm_reject_below`: the same, while the dialogue waits for a yes or no that would act
    (a short, an undo, a sign-off), where a misheard "yes" costs most; the stricter of the two
    applies there.
    """

    machine: DialogueMachine
    recognizer: Recognizer
    vad: EnergyVad = field(default_factory=EnergyVad)
    partial_every_ms: int = 150
    tail_ms: int = 150
    reject_below: float | None = None
    confirm_reject_below: float | None = None
    turn: Turn | None = field(default=None, init=False)
    _held: list[bytes] = field(default_factory=list, init=False)
    _heard_bytes: int = field(default=0, init=False)
    _last_partial: str = field(default="", init=False)
    _since_partial: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        """The recogniser hears the background the VAD leaves out (for its noise suppressor)."""
        if self.vad.on_background is None:
            self.vad.on_background = self.recognizer.hear_background

    @property
    def ended(self) -> bool:
        """True once the operator signed off."""
        return self.turn is not None and self.turn.ended

    @property
    def in_utterance(self) -> bool:
        """True while audio of an unfinished utterance has been decoded."""
        return self._heard_bytes > 0

    def start(self) -> list[VoiceEvent]:
        """Open the dialogue: the first prompt."""
        return [self._apply(self.machine.start())]

    def _apply(self, turn: Turn) -> VoiceEvent:
        self.turn = turn
        if not turn.ended:
            self.recognizer.set_grammar(self.machine.grammar())
        return VoiceEvent("prompt", turn.prompt.text, turn=turn)

    def handle_command(self, command: Command) -> list[VoiceEvent]:
        """Apply a command that did not come from audio (a scan, a typed answer)."""
        if self.ended:
            return []
        turn = self.machine.handle(command)
        return [VoiceEvent("command", command.text, command), self._apply(turn)]

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
        """Consume 16 kHz mono 16-bit PCM; returns events as utterances progress and end."""
        events: list[VoiceEvent] = []
        if self.ended:
            return events
        for vad_event in self.vad.feed(pcm):
            result = self._decode(self._gate(vad_event))
            if vad_event.kind == "end" or result.is_final:
                if vad_event.kind != "end":
                    self.vad.reset()
                events += self._utterance_done(result if result.is_final else None)
                if self.ended:
                    break
            elif self._partial_due(result):
                events.append(VoiceEvent("partial", result.text))
        return events

    def _gate(self, event: VadEvent) -> bytes:
        """Hold back quiet frames past `tail_ms`; release them only if speech resumes.

        Background noise after the last word is where grammar decoders insert words, so the
        decoder hears at most `tail_ms` of it at the end of an utterance.
        """
        if event.kind == "start" or event.quiet_ms <= self.tail_ms:
            audio = b"".join([*self._held, event.audio]) if event.quiet_ms == 0 else event.audio
            self._held.clear()
            return audio
        if event.kind == "end":
            self._held.clear()
            return b""
        self._held.append(event.audio)
        return b""

    def _decode(self, audio: bytes) -> Transcript:
        if not audio:
            return Transcript(self._last_partial, is_final=False)
        self._heard_bytes += len(audio)
        self._since_partial += len(audio)
        return self.recognizer.accept(audio)

    def _partial_due(self, result: Transcript) -> bool:
        due = self._since_partial >= SAMPLE_RATE * SAMPLE_WIDTH * self.partial_every_ms // 1000
        if not due or not result.text or result.text == self._last_partial:
            return False
        self._last_partial, self._since_partial = result.text, 0
        return True

    def end_utterance(self) -> list[VoiceEvent]:
        """Finish the current utterance now (push-to-talk release, end of a file)."""
        self.vad.reset()
        self._held.clear()
        if not self.in_utterance or self.ended:
            return []
        return self._utterance_done(None)

    def rejects(self, final: Transcript) -> bool:
        """True if `final` scores too low to be acted on in the current state."""
        limits = [self.reject_below]
        if self.machine.confirming:
            limits.append(self.confirm_reject_below)
        below = [limit for limit in limits if limit is not None]
        return bool(below) and final.score is not None and final.score < max(below)

    def _utterance_done(self, final: Transcript | None) -> list[VoiceEvent]:
        if final is None:
            final = self.recognizer.finish()
        self._heard_bytes, self._since_partial, self._last_partial = 0, 0, ""
        command = self._parse(final.text)
        if self.rejects(final):
            command = Command("unknown", None, final.text)
        turn = self.machine.handle(command)
        return [VoiceEvent("final", final.text), VoiceEvent("command", final.text, command),
                self._apply(turn)]

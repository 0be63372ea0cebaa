"""Audio in, utterances out: VAD, a gate on quiet audio and grammar-aware endpointing.

A `Listener` drives one `Recognizer` from a PCM stream. It is what a headset dialogue, the
transcription command and the benchmark share, so all three cut utterances the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from assistant.speech.base import SAMPLE_RATE, SAMPLE_WIDTH, Recognizer, Transcript
from assistant.speech.vad import EnergyVad, VadEvent

__all__ = ["Listener"]


@dataclass
class Listener:
    """Feeds a recogniser the speech the VAD finds and decides where each utterance ends.

    Quiet audio past `tail_ms` is held back and released only if speech resumes (background
    noise after the last word is where grammar decoders insert words). So once a pause reaches
    `tail_ms` (or `hangover_ms`, if shorter) the recogniser has all the audio it would end the
    utterance with, and is asked what it heard (`Recognizer.peek`, once per pause: asking
    again would decode the same audio). How long the pause must last to end the utterance
    depends on the answer:

    - a complete sentence of the grammar that nothing can follow ("four two" for two check
      digits, "ready", "yes"): `hangover_ms`;
    - a complete sentence that could go on ("twenty" where "twenty four" is possible, "one"
      where quantities up to 12 allow "one two"): `extendable_hangover_ms`, so a picker may
      pause inside the number;
    - anything less: the VAD's own, longer hangover (`incomplete_hangover_ms` in settings).

    So "four ... two" with a pause between the digits is one answer, while "ready" is answered
    as fast as ever.
    """

    recognizer: Recognizer
    vad: EnergyVad = field(default_factory=EnergyVad)
    hangover_ms: int = 240
    #: The pause that ends a complete answer the grammar could still extend (ms).
    extendable_hangover_ms: int = 600
    tail_ms: int = 150
    partial_every_ms: int = 150
    sample_rate: int = SAMPLE_RATE
    #: Keep the audio of each utterance (what the recogniser was fed), for enrolment.
    keep_audio: bool = False
    #: The audio of the utterance that ended last (with `keep_audio`).
    last_audio: bytes = field(default=b"", init=False)
    _audio: list[bytes] = field(default_factory=list, init=False)
    _held: list[bytes] = field(default_factory=list, init=False)
    _heard_bytes: int = field(default=0, init=False)
    _last_partial: str = field(default="", init=False)
    _since_partial: int = field(default=0, init=False)
    #: `_heard_bytes` when the recogniser was last asked, and the pause that answer needs
    #: (None: the VAD's hangover).
    _peeked_at: int = field(default=-1, init=False)
    _wait_ms: int | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        """The recogniser hears the background the VAD leaves out (for its noise model)."""
        if self.vad.on_background is None:
            self.vad.on_background = self.recognizer.hear_background

    @property
    def in_utterance(self) -> bool:
        """True while audio of an unfinished utterance has been decoded."""
        return self._heard_bytes > 0

    def use(self, recognizer: Recognizer) -> None:
        """Switch to another recogniser (an operator's adapted one); the old one is closed."""
        self.recognizer.close()
        self.recognizer = recognizer
        self.vad.on_background = recognizer.hear_background
        self._reset()

    def feed(self, pcm: bytes) -> list[Transcript]:
        """Consume PCM at `sample_rate`: partial results when due, a final one per utterance."""
        return list(self.stream(pcm))

    def stream(self, pcm: bytes) -> Iterator[Transcript]:
        """`feed`, lazily: while a final result is handled, `last_audio` is that utterance's
        (a chunk may hold more than one)."""
        for event in self.vad.events(pcm):
            result = self._decode(self._gate(event))
            if event.kind == "end" or result.is_final or self._complete(event):
                if event.kind != "end":
                    self.vad.reset()
                yield self._final(result if result.is_final else None)
            elif self._partial_due(result):
                yield result

    def flush(self) -> Transcript | None:
        """End the utterance now (push-to-talk release, end of a file); None if none began.

        Mid-speech, the last part of a VAD frame is decoded too, so no word is cut short; quiet
        audio held back after the words stays out, as when the VAD ends an utterance."""
        if self.vad.in_speech and not self._held:
            rest = self.vad.drain()
            if rest:
                self._decode(rest)
        self.vad.reset()
        self._held.clear()
        return self._final(None) if self.in_utterance else None

    def _gate(self, event: VadEvent) -> bytes:
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
        if self.keep_audio:
            self._audio.append(audio)
        return self.recognizer.accept(audio)

    def _complete(self, event: VadEvent) -> bool:
        """True when the pause is long enough for what was heard (see the class)."""
        quiet = event.quiet_ms
        if event.kind != "speech" or not self.in_utterance:
            return False
        if quiet < min(self.tail_ms, self.hangover_ms):
            return False
        if self._peeked_at != self._heard_bytes:  # audio came since the last answer
            self._peeked_at = self._heard_bytes
            self._wait_ms = self._pause_for(self.recognizer.peek().text)
        return self._wait_ms is not None and quiet >= self._wait_ms

    def _pause_for(self, heard: str) -> int | None:
        """The pause that ends an utterance heard as `heard` (None: the VAD's hangover)."""
        grammar = self.recognizer.grammar
        if not heard or grammar is not None and not grammar.matches(heard):
            return None
        if grammar is not None and grammar.extendable(heard):
            return max(self.hangover_ms, self.extendable_hangover_ms)
        return self.hangover_ms

    def _partial_due(self, result: Transcript) -> bool:
        due = self._since_partial >= self.sample_rate * SAMPLE_WIDTH * self.partial_every_ms // 1000
        if not due or not result.text or result.text == self._last_partial:
            return False
        self._last_partial, self._since_partial = result.text, 0
        return True

    def _final(self, final: Transcript | None) -> Transcript:
        if final is None:
            final = self.recognizer.finish()
        self.last_audio = b"".join(self._audio)
        self._reset()
        return final

    def _reset(self) -> None:
        self._held.clear()
        self._audio.clear()
        self._heard_bytes, self._since_partial, self._last_partial = 0, 0, ""
        self._peeked_at, self._wait_ms = -1, None

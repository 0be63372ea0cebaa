"""Voice enrolment: the picker says the dialogue's vocabulary after the headset.

Like a headset system's voice training before the first shift: about forty short phrases
("four seven two", "twenty four", "skip slot", "kilo seven alpha two"...) that between them
hold every digit several times, the number words, every command and every letter, said once
each, about two minutes in all. Each take is checked (long enough, not silent, and heard as
the phrase asked for, or said three times), then the speech engine adapts to the speaker
(`SpeechEngine.adapt`). `EnrolmentSession` is the flow, driven by a PCM stream like a dialogue.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from assistant.speech.base import (
    SAMPLE_RATE,
    SAMPLE_WIDTH,
    Adaptation,
    EnrolmentUtterance,
    SpeechEngine,
)
from assistant.speech.grammar import Alt, Grammar, Word
from assistant.speech.vad import EnergyVad
from assistant.voice.language import LanguagePack
from assistant.voice.listener import Listener

__all__ = ["EnrolmentEvent", "EnrolmentSession", "enrolment_script"]

EventType = Literal["prompt", "heard", "adapting", "done"]
RETRIES = 2
MIN_SECONDS = 0.25


def _spoken(pack: LanguagePack, value: str) -> str:
    """The first word the pack has for a digit symbol."""
    return next(word for word, digit in pack.digits.items() if digit == value)


def enrolment_script(pack: LanguagePack, *, seed: int = 0) -> list[str]:
    """The phrases to say, in order: digit groups (every digit four times or more), every digit
    once on its own (the embedding engine keeps words said alone as the picker's templates),
    operator id-like groups, number words, every command phrase and every letter, shuffled by
    `seed`."""
    rng = random.Random(seed)
    joiner = "" if pack.tokenize == "chars" else " "
    digits = [_spoken(pack, str(d)) for d in range(10)] * 4
    rng.shuffle(digits)
    phrases = [joiner.join(digits[i : i + 3]) for i in range(0, len(digits), 3)]
    phrases += [joiner.join(rng.choice(digits) for _ in range(4)) for _ in range(3)]
    phrases += [_spoken(pack, str(d)) for d in range(10)]
    teens = list(pack.teens)
    phrases += [joiner.join(teens[i : i + 2]) for i in range(0, len(teens), 2)]
    phrases += [joiner.join((tens, _spoken(pack, str(rng.randrange(1, 10))))) for tens in pack.tens]
    if pack.ten_marker:
        phrases += [joiner.join((rng.choice(digits), pack.ten_marker[0], rng.choice(digits)))
                    for _ in range(3)]
    phrases += [p for ps in pack.commands.values() for p in ps[:1]]
    letters = list(pack.letters) if pack.tokenize == "words" else []
    rng.shuffle(letters)
    for i in range(0, len(letters), 4):
        group = letters[i : i + 4]
        group.insert(rng.randrange(len(group) + 1), rng.choice(digits))
        phrases.append(joiner.join(group))
    rng.shuffle(phrases)
    return phrases


@dataclass(frozen=True)
class EnrolmentEvent:
    """What to tell the client: the next phrase (with the prompt to speak), how a take was
    judged, that the engine is adapting, or that the enrolment is done."""

    type: EventType
    text: str = ""
    phrase: str = ""
    index: int = 0
    total: int = 0
    ok: bool = True

    def as_dict(self) -> dict[str, object]:
        """JSON-ready message (prompt audio is added by the transport)."""
        return {"type": f"enrol-{self.type}", "text": self.text, "phrase": self.phrase,
                "index": self.index, "total": self.total, "ok": self.ok}


@dataclass
class EnrolmentSession:
    """Prompts each phrase, cuts the answer from the stream and keeps the good takes."""

    engine: SpeechEngine
    pack: LanguagePack
    sample_rate: int = SAMPLE_RATE
    vad: EnergyVad | None = None
    script: Sequence[str] = ()
    hangover_ms: int = 240
    utterances: list[EnrolmentUtterance] = field(default_factory=list, init=False)
    position: int = field(default=0, init=False)
    attempts: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        """Default to the full script; listen with the engine's generic recogniser."""
        if not self.script:
            self.script = enrolment_script(self.pack)
        grammar = Grammar("enrolment", Alt(tuple(Word(p) for p in dict.fromkeys(self.script))))
        recognizer = self.engine.recognizer(grammar, sample_rate=self.sample_rate)
        self.listener = Listener(recognizer, self.vad or EnergyVad(sample_rate=self.sample_rate),
                                 hangover_ms=self.hangover_ms, sample_rate=self.sample_rate,
                                 keep_audio=True)

    @property
    def complete(self) -> bool:
        """True once every phrase was said (or skipped)."""
        return self.position >= len(self.script)

    @property
    def phrase(self) -> str:
        """The phrase being asked for."""
        return self.script[self.position] if not self.complete else ""

    def _prompt(self, key: str) -> EnrolmentEvent:
        text = self.pack.prompts[key].format(phrase=self.phrase)
        return EnrolmentEvent("prompt", text, self.phrase, self.position + 1, len(self.script))

    def start(self) -> list[EnrolmentEvent]:
        """The introduction and the first phrase."""
        intro = EnrolmentEvent("prompt", self.pack.prompts["enrol_start"], "", 0,
                               len(self.script))
        return [intro, self._prompt("enrol_say")]

    def feed_audio(self, pcm: bytes) -> list[EnrolmentEvent]:
        """Consume PCM; each utterance that ends is judged and the next phrase prompted."""
        events: list[EnrolmentEvent] = []
        for result in self.listener.stream(pcm):
            if result.is_final and not self.complete:
                events += self._take(result.text, self.listener.last_audio)
        return events

    def flush(self) -> list[EnrolmentEvent]:
        """End the utterance now (push-to-talk release)."""
        final = self.listener.flush()
        if final is None or self.complete:
            return []
        return self._take(final.text, self.listener.last_audio)

    def skip(self) -> list[EnrolmentEvent]:
        """Leave the current phrase out (the picker cannot say it)."""
        if self.complete:
            return []
        return self._next(EnrolmentEvent("heard", "skipped", self.phrase, self.position + 1,
                                         len(self.script), ok=False))

    def _take(self, heard: str, audio: bytes) -> list[EnrolmentEvent]:
        seconds = len(audio) / (self.sample_rate * SAMPLE_WIDTH)
        matches = " ".join(heard.split()) == " ".join(self.phrase.split())
        self.attempts += 1
        usable = seconds >= MIN_SECONDS and (matches or self.attempts > RETRIES)
        judged = EnrolmentEvent("heard", heard, self.phrase, self.position + 1,
                                len(self.script), ok=usable)
        if not usable:
            return [judged, self._prompt("enrol_again")]
        self.utterances.append(EnrolmentUtterance(audio, self.phrase))
        return self._next(judged)

    def _next(self, judged: EnrolmentEvent) -> list[EnrolmentEvent]:
        self.position += 1
        self.attempts = 0
        if self.complete:
            return [judged, EnrolmentEvent("adapting", self.pack.prompts["enrol_adapting"],
                                           total=len(self.script))]
        return [judged, self._prompt("enrol_say")]

    def adapt(self) -> Adaptation:
        """Adapt the engine to the takes kept (`EnrolmentError` if they are too few)."""
        return self.engine.adapt(self.utterances, sample_rate=self.sample_rate)

    def done(self, adaptation: Adaptation) -> EnrolmentEvent:
        """The closing message once `adaptation` is stored."""
        return EnrolmentEvent("done", self.pack.prompts["enrol_done"],
                              total=len(self.script), index=adaptation.utterances)

    def close(self) -> None:
        """Release the recogniser."""
        self.listener.recognizer.close()

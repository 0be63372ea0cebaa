"""The listener: where utterances end, at 16 and 8 kHz (fake engine, exact timing)."""

from __future__ import annotations

from assistant.settings import VadSettings
from assistant.speech import FakeSpeechEngine, Transcript, encode_text
from assistant.speech.audio import silence
from assistant.speech.fake import FakeRecognizer
from assistant.speech.grammar import Grammar
from assistant.voice import load_language, vad_from_settings
from assistant.voice.listener import Listener

EN = load_language("en")


def _listener(rate: int = 16000, grammar=EN.grammar("digits", digits=2),  # type: ignore[no-untyped-def]
              recognizer=None) -> Listener:
    settings = VadSettings()
    recognizer = recognizer or FakeSpeechEngine().recognizer(grammar, sample_rate=rate)
    return Listener(recognizer, vad_from_settings(settings, rate),
                    hangover_ms=settings.hangover_ms, sample_rate=rate)


class _Counting(FakeRecognizer):
    """A fake recogniser that notes the audio it had when asked (`peek`) and when it ended."""

    def __init__(self, grammar: Grammar) -> None:
        super().__init__(grammar)
        self.heard = 0
        self.peeks: list[int] = []
        self.finals: list[int] = []

    def accept(self, pcm: bytes) -> Transcript:
        self.heard += len(pcm)
        return super().accept(pcm)

    def peek(self) -> Transcript:
        self.peeks.append(self.heard)
        return super().peek()

    def finish(self) -> Transcript:
        self.finals.append(self.heard)
        self.heard = 0
        return super().finish()


def _waited_ms(grammar: Grammar, words: bytes, tail_ms: int = 3000) -> tuple[list[str], float]:
    """The answers heard in `words` (16 kHz) followed by quiet, and how long after the words
    the first one ended (ms, counted in audio fed)."""
    pcm = silence(300) + words + silence(tail_ms)
    finals = _finals(_listener(grammar=grammar), pcm)
    return [t for t, _ in finals], (finals[0][1] - len(silence(300) + words)) / 32


def _finals(listener: Listener, pcm: bytes, chunk: int = 640) -> list[tuple[str, int]]:
    """(text, bytes fed when it ended) of every final result."""
    out = []
    for start in range(0, len(pcm), chunk):
        out += [(t.text, start + chunk) for t in listener.feed(pcm[start : start + chunk])
                if t.is_final]
    return out


def test_a_complete_answer_ends_after_the_short_hangover() -> None:
    pcm = silence(300) + encode_text("four two", silence_ms=0) + silence(2000)
    finals = _finals(_listener(), pcm)
    assert [t for t, _ in finals] == ["four two"]
    speech_end = len(silence(300) + encode_text("four two", silence_ms=0))
    assert (finals[0][1] - speech_end) / 32 < 400  # ms: 240 of hangover plus a frame or two


def test_a_pause_inside_the_digits_waits_for_the_rest() -> None:
    for pause in (400, 600):
        pcm = (silence(300) + encode_text("four ", silence_ms=0) + silence(pause)
               + encode_text("two", silence_ms=0) + silence(2000))
        assert [t for t, _ in _finals(_listener(), pcm)] == ["four two"], pause


def test_an_answer_nothing_can_follow_ends_after_the_short_hangover() -> None:
    """Check digits of the slot's length, a command, a yes, the largest quantity: the
    hangover, plus at most a VAD frame the words ended in and a chunk."""
    hangover = VadSettings().hangover_ms
    for grammar, text in [(EN.grammar("digits", digits=2), "four two"),
                          (EN.grammar("ready"), "ready"), (EN.grammar("yes_no"), "yes"),
                          (EN.grammar("quantity", most=24), "twenty four"),
                          (EN.grammar("quantity", most=12), "twelve")]:
        heard, waited = _waited_ms(grammar, encode_text(text, silence_ms=0))
        assert heard == [text]
        assert hangover <= waited < hangover + 30 + 20, (text, waited)


def test_an_answer_that_could_go_on_waits_for_the_longer_pause() -> None:
    """"twenty" may become "twenty four", "one" (quantities up to 12) "one two", "short"
    "short two": each ends only after `extendable_hangover_ms` of quiet."""
    longer = Listener(FakeSpeechEngine().recognizer(EN.grammar("ready"))).extendable_hangover_ms
    assert longer > 400 + 100  # a 400 ms pause inside a number, and the VAD's frames
    for grammar, text in [(EN.grammar("quantity", most=24), "twenty"),
                          (EN.grammar("quantity", most=12), "one"),
                          (EN.grammar("quantity", most=2), "short")]:
        heard, waited = _waited_ms(grammar, encode_text(text, silence_ms=0))
        assert heard == [text]
        assert longer <= waited < longer + 30 + 20, (text, waited)


def test_a_pause_inside_a_number_that_is_already_complete_keeps_it_one_answer() -> None:
    for grammar, first, second in [(EN.grammar("quantity", most=24), "twenty", "four"),
                                   (EN.grammar("quantity", most=12), "one", "two")]:
        for pause in (300, 400):
            words = (encode_text(first + " ", silence_ms=0) + silence(pause)
                     + encode_text(second, silence_ms=0))
            assert _waited_ms(grammar, words)[0] == [f"{first} {second}"], (first, pause)


def test_the_recogniser_is_asked_once_per_pause_on_the_audio_it_ends_with() -> None:
    """Audio stops reaching the recogniser `tail_ms` into a pause, so it is asked then, once:
    the answer that ends the utterance early is the final decode's, on the same audio."""
    for text, pauses in [("four two", 1), ("four", 1)]:
        recognizer = _Counting(EN.grammar("digits", digits=2))
        words = encode_text(text, silence_ms=0)
        _finals(_listener(recognizer=recognizer), silence(300) + words + silence(3000))
        assert len(recognizer.peeks) == pauses, text
        assert recognizer.peeks[-1] == recognizer.finals[0], text
    recognizer = _Counting(EN.grammar("digits", digits=2))
    pcm = (silence(300) + encode_text("four ", silence_ms=0) + silence(500)
           + encode_text("two", silence_ms=0) + silence(3000))
    assert [t for t, _ in _finals(_listener(recognizer=recognizer), pcm)] == ["four two"]
    assert len(recognizer.peeks) == 2 and recognizer.peeks[-1] == recognizer.finals[0]


def test_which_answers_a_grammar_could_extend() -> None:
    """What the listener's longer pause relies on (`Grammar.extendable`)."""
    digits, quantity = EN.grammar("digits", digits=2), EN.grammar("quantity", most=24)
    assert digits.extendable("four") and not digits.extendable("four two")
    assert not digits.extendable("ready") and digits.extendable("say")
    assert quantity.extendable("twenty") and quantity.extendable("two")  # "two four" is 24
    assert not quantity.extendable("twenty four") and not quantity.extendable("nine")
    assert EN.grammar("quantity", most=12).extendable("one")
    assert not EN.grammar("quantity", most=9).extendable("one")
    assert EN.grammar("digits").extendable("four two")  # any number of digits
    assert not digits.extendable("banana") and not digits.extendable("two four six")
    assert digits.extendable("")  # nothing heard yet


def test_an_incomplete_answer_still_ends_after_the_long_hangover() -> None:
    pcm = silence(300) + encode_text("four", silence_ms=0) + silence(3000)
    listener = _listener()
    finals = _finals(listener, pcm)
    assert len(finals) == 1  # the fake hears nothing outside the grammar
    speech_end = len(silence(300) + encode_text("four", silence_ms=0))
    waited = (finals[0][1] - speech_end) / 32
    longest = VadSettings().incomplete_hangover_ms
    assert longest <= waited < longest + 200


def test_narrowband_streams_end_the_same_way() -> None:
    pcm = (silence(300, 8000) + encode_text("four ", silence_ms=0) + silence(400, 8000)
           + encode_text("two", silence_ms=0) + silence(2000, 8000))
    assert [t for t, _ in _finals(_listener(8000), pcm, 320)] == ["four two"]


def test_digital_silence_before_and_after() -> None:
    pcm = bytes(32000) + encode_text("seven one", silence_ms=0, lead_ms=0) + bytes(32000)
    assert [t for t, _ in _finals(_listener(), pcm)] == ["seven one"]


def test_flush_ends_the_utterance_now_and_keeps_its_audio() -> None:
    listener = _listener(grammar=EN.grammar("ready"))
    listener.keep_audio = True
    audio = encode_text("ready", silence_ms=0)
    listener.feed(silence(300) + audio)
    final = listener.flush()
    assert final is not None and final.text == "ready"
    assert audio in listener.last_audio
    assert listener.flush() is None


def test_one_chunk_holding_an_answer_and_a_long_silence_is_one_utterance() -> None:
    """A client that sends a whole recording at once: the answer ends early (complete), and
    the silence after it is not a second, empty utterance; each final's audio is its own."""
    for rate in (16000, 8000):
        listener = _listener(rate)
        listener.keep_audio = True
        words = encode_text("four two", silence_ms=0)
        pcm = silence(300, rate) + words + silence(2000, rate) + words + silence(2000, rate)
        heard = [(t.text, len(listener.last_audio)) for t in listener.stream(pcm)
                 if t.is_final]
        assert [text for text, _ in heard] == ["four two", "four two"], rate
        assert all(size >= len(words) for _, size in heard), (rate, heard)

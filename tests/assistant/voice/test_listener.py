"""The listener: where utterances end, at 16 and 8 kHz (fake engine, exact timing)."""

from __future__ import annotations

from assistant.settings import VadSettings
from assistant.speech import FakeSpeechEngine, encode_text
from assistant.speech.audio import silence
from assistant.voice import load_language, vad_from_settings
from assistant.voice.listener import Listener

EN = load_language("en")


def _listener(rate: int = 16000, grammar=EN.grammar("digits", digits=2)) -> Listener:  # type: ignore[no-untyped-def]
    settings = VadSettings()
    recognizer = FakeSpeechEngine().recognizer(grammar, sample_rate=rate)
    return Listener(recognizer, vad_from_settings(settings, rate),
                    hangover_ms=settings.hangover_ms, sample_rate=rate)


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

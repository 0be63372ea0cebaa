"""The extra pronunciations for the bundled model, and the decoder's noise suppressor."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.speech import PocketSphinxEngine, SpeechEngineError
from assistant.speech.audio import mix_noise, rms, silence, sox_available
from assistant.speech.noise import NoiseSuppressor
from assistant.speech.pocketsphinx_engine import (
    add_pronunciations,
    bundled_lexicon,
    read_lexicon,
)
from assistant.voice import load_language
from tests.assistant.voice.conftest import Synth, needs_espeak

EN = load_language("en")


def _vocabulary() -> set[str]:
    grammars = [EN.grammar(e) for e in ("digits", "quantity", "characters", "ready", "yes_no")]
    return {word for grammar in grammars for word in grammar.words}


def test_bundled_lexicon_reads_and_only_covers_grammar_words() -> None:
    entries = read_lexicon(bundled_lexicon())
    assert ("kilo", "K IY L OW") in entries
    assert {word for word, _ in entries} <= _vocabulary()


def test_lexicon_lines_need_a_word_and_phones(tmp_path: Path) -> None:
    path = tmp_path / "extra.txt"
    path.write_text("# comment only\n\nHelp  hh eh l   # trailing comment\n")
    assert read_lexicon(path) == [("help", "HH EH L")]
    path.write_text("lonely\n")
    with pytest.raises(SpeechEngineError, match="expected a word and its phones"):
        read_lexicon(path)


@pytest.fixture(scope="module")
def engine() -> PocketSphinxEngine:
    """One engine (with the bundled lexicon and noise suppression) for the module."""
    return PocketSphinxEngine()


def test_engine_adds_the_lexicon_as_alternate_pronunciations(engine: PocketSphinxEngine) -> None:
    decoder = engine.recognizer(EN.grammar("characters"))._decoder
    assert decoder.lookup_word("kilo") == "K IH L OW"  # cmudict's own stays first
    assert decoder.lookup_word("kilo(2)") == "K IY L OW"
    assert decoder.lookup_word("help(2)") == "HH EH OW P"
    # Known pronunciations are skipped, new ones numbered after the existing alternates.
    assert add_pronunciations(decoder, [("zero", "Z IY R OW"), ("kilo", "K IY L OW")]) == 0
    assert add_pronunciations(decoder, [("zero", "Z IH R OW W")]) == 1
    assert decoder.lookup_word("zero(3)") == "Z IH R OW W"
    with pytest.raises(SpeechEngineError):
        add_pronunciations(decoder, [("kilo", "K XX L OW")])


def test_engine_without_lexicon_keeps_the_dictionary() -> None:
    decoder = PocketSphinxEngine(lexicon=False).recognizer(EN.grammar("ready"))._decoder
    assert decoder.lookup_word("kilo(2)") is None


def test_feature_options_override_the_model_feat_params() -> None:
    decoder = PocketSphinxEngine(remove_noise=False).recognizer(EN.grammar("ready"))._decoder
    assert decoder.config["remove_noise"] is False


@needs_espeak
def test_help_and_kilo_are_heard_with_the_lexicon(engine: PocketSphinxEngine,
                                                  synth: Synth) -> None:
    recognizer = engine.recognizer(EN.grammar("characters"))
    heard = []
    for text, expect in (("help", "quantity"), ("kilo seven two alpha", "characters")):
        recognizer.set_grammar(EN.grammar(expect, most=2))  # type: ignore[arg-type]
        recognizer.accept(synth(text, "en-us+klatt3", 170))
        heard.append(recognizer.finish().text)
    assert heard == ["help", "kilo seven two alpha"]


def _stream(suppressor: NoiseSuppressor, pcm: bytes, chunk: int) -> bytes:
    out = b"".join(suppressor.process(pcm[i : i + chunk]) for i in range(0, len(pcm), chunk))
    return out + suppressor.flush()


def _noise(seed: int, sigma: float, samples: int) -> bytes:
    return np.random.default_rng(seed).normal(0, sigma, samples).astype("<i2").tobytes()


def test_suppressor_output_does_not_depend_on_the_chunks() -> None:
    pcm = silence(300) + _noise(5, 3000, 12345) + silence(200)
    outputs = {_stream(NoiseSuppressor(), pcm, chunk) for chunk in (100, 320, 640, 962, 3200)}
    assert len(outputs) == 1 and len(outputs.pop()) == len(pcm)
    assert _stream(NoiseSuppressor(), silence(500), 640) == silence(500)


def test_suppressor_settings_are_checked() -> None:
    for level, gain in ((0, 0), (5, 0), (2, 32)):
        with pytest.raises(ValueError):
            NoiseSuppressor(level, gain)


def test_engine_puts_the_suppressor_before_the_decoder_unless_told_not_to() -> None:
    on = PocketSphinxEngine(lexicon=False).recognizer(EN.grammar("ready"))
    off = PocketSphinxEngine(lexicon=False, noise_suppression=False).recognizer(
        EN.grammar("ready"))
    assert isinstance(on._suppressor, NoiseSuppressor) and off._suppressor is None


def test_suppressor_removes_steady_noise_and_keeps_its_estimate() -> None:
    noise = _noise(6, 1000, 16000)
    suppressor = NoiseSuppressor()
    first = _stream(suppressor, noise, 640)
    assert len(first) == len(noise) and rms(first[8000:]) < 0.2 * rms(noise)
    again = _stream(suppressor, noise, 640)  # the next utterance starts with the estimate
    assert rms(again[:3200]) < 0.2 * rms(noise)


def test_suppressor_learns_a_background_that_got_louder() -> None:
    out = _stream(NoiseSuppressor(), _noise(7, 100, 16000) + _noise(8, 2000, 48000), 640)
    assert rms(out[-32000:]) < 0.2 * 2000


def _aligned_correlation(a: bytes, b: bytes, most_lag: int = 400) -> float:
    """Peak normalised correlation of `b` against `a` delayed by 0 to `most_lag` samples."""
    x = np.frombuffer(a, dtype="<i2").astype(np.float64)
    y = np.frombuffer(b, dtype="<i2").astype(np.float64)
    peak = max(float(np.dot(x[: x.size - lag], y[lag:])) for lag in range(most_lag))
    return peak / float(np.sqrt(np.dot(x, x) * np.dot(y, y)))


@needs_espeak
def test_suppressor_passes_clean_speech_with_little_change(synth: Synth) -> None:
    speech = synth("one two three four")
    cleaned = _stream(NoiseSuppressor(), speech, 640)
    # WebRTC high-passes the audio and delays it by a few milliseconds; the words stay.
    assert len(cleaned) == len(speech)
    assert _aligned_correlation(speech, cleaned) > 0.7
    assert rms(cleaned) > 0.5 * rms(speech)


@needs_espeak
@pytest.mark.skipif(not sox_available(), reason="sox is not installed (apt-get install sox)")
def test_suppressor_keeps_speech_in_pink_noise(synth: Synth) -> None:
    speech = synth("one two three four")
    noisy = mix_noise(speech, 10.0, seed=3)
    cleaned = _stream(NoiseSuppressor(), noisy, 640)
    lead = slice(0, 9600)  # the 300 ms of padding before the words: noise only
    assert rms(cleaned[lead]) < 0.3 * rms(noisy[lead])
    loud = rms(speech[9600:-9600])
    assert rms(cleaned[9600:-9600]) > 0.6 * loud

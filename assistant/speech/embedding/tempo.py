"""Test-time tempo variants: an answer decoded as heard and as if spoken slower or faster.

A picker who answers fast squeezes two digits into less time than the word model learnt
them in ('one three' heard as 'four one'). The engine can decode a doubtful short answer
again with its log-mel spectrogram stretched in time (`stretch_mel`: a factor 1.2 is the
answer 1.2 times faster, 1/1.2 slower; the pitch and the spectrum of each frame stay as
they were) and weigh every variant's grammar sentences together (`combine`).

Measured on the leave-one-speaker-out development folds (`bench/voice_tempo_dev.py`,
``bench/results/voice_tempo_dev.json``): slower variants (1/1.2, 1/1.35), meant for fast
talkers, lose more answers than they gain on both folds, also on the bench's fast x1.3 edge;
a faster variant (1.2) gains real held-out speakers' answers on both folds at the cost of a
few synthetic voices' answers. Scored once on the test split (1.2, posterior under 0.9,
``bench/results/voice_word_model_tempo_test.json``) it lost answers of the real test speakers
and of the espeak-ng test voices, so the engine ships with the variants off.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.speech.embedding.graph import Decoded

__all__ = ["combine", "stretch_mel"]


def stretch_mel(mel: np.ndarray, factor: float) -> np.ndarray:
    """`mel` (frames x bands) as if spoken `factor` times faster: frames linearly
    interpolated onto round(frames / factor) frames spanning the same first and last one."""
    frames = mel.shape[0]
    if factor == 1.0 or frames < 2:
        return mel
    count = max(2, round(frames / factor))
    where = np.linspace(0.0, frames - 1.0, count)
    low = np.floor(where).astype(int)
    high = np.minimum(low + 1, frames - 1)
    part = (where - low)[:, None].astype(np.float32)
    return np.asarray(mel[low] * (1 - part) + mel[high] * part, dtype=np.float32)


def combine(decodes: Sequence[Decoded], *, word_bonus: float = 0.0) -> Decoded:
    """One result from the decodes of one answer at several tempos (the first: as heard).

    Each complete sentence's acoustic log-probability is averaged over the variants (a
    variant whose beam did not keep the sentence counts its worst kept one), and the best
    average (plus `word_bonus` per word, the decoder's prior) wins. `score` and `posterior`
    are computed from the averages as `graph.decode` computes them from one decode, so the
    rejection thresholds keep their meaning. Fewer than two complete decodes: the first.
    """
    usable = [d for d in decodes if d.complete and d.nbest]
    if len(usable) < 2 or usable[0] is not decodes[0]:
        return decodes[0]
    tables = [dict(d.nbest) for d in usable]
    sentences = {s for table in tables for s in table}
    mean = {s: float(np.mean([table.get(s, d.nbest[-1][1])
                              for table, d in zip(tables, usable, strict=True)]))
            for s in sentences}
    ranked = sorted(sentences, key=lambda s: (-(mean[s] + word_bonus * len(s)), s))
    best = ranked[0]
    prior = np.array([mean[s] + word_bonus * len(s) for s in ranked])
    posterior = float(np.exp(prior[0] - np.logaddexp.reduce(prior)))
    free = float(np.mean([d.free for d in usable]))
    return Decoded(best, mean[best], mean[best] - free, True, posterior,
                   tuple((s, mean[s]) for s in ranked), free)

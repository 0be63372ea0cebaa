"""Word templates: an enrolled picker's own words, matched against an answer by time warping.

Enrolment keeps each word the picker said on its own (`enrol.word_units`) as a template: its
log-mel spectrogram, clean, with 300 ms of quiet either side. When that picker answers, the
word model proposes its best grammar sentences (the n-best); each one made only of template
words is also aligned, word by word, against the answer by connected-word dynamic time
warping (silence allowed before, between and after the words), and the sentence is chosen by
the word model's log-probability less `weight` times the warping distance. Speaker-dependent
template matching is what telephone digit recognition used before neural networks, and it
hears what a speaker-independent model misses in one person's accent ('three' for 'two').

Noise: a clean template against a noisy answer is a poor match, so the answer's own noise
(its quietest frames, drawn one per template frame) is added to each template in the power
domain, at the template's level brought to the answer's, before the cepstra are taken.

Features: 12 cepstra of the embedding front end's 32 log-mel bands and their deltas, the mean
of each clip's louder frames taken off, two 10 ms frames pooled into one.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy.fft import dct
from scipy.spatial.distance import cdist

from assistant.speech.embedding.frontend import MEL_HOP, SpeechEmbedder
from assistant.speech.embedding.graph import Decoded
from assistant.speech.embedding.model import WordModel
from assistant.speech.errors import SpeechModelNotFoundError

__all__ = ["MAX_PER_WORD", "TOP", "WEIGHT", "WordTemplates", "profile_bytes", "read_profile",
           "rescore"]

#: Templates kept per word (the first ones heard); more cost time at every answer.
MAX_PER_WORD = 10
#: Quiet samples (16 kHz) either side of a word when its template is made.
PAD = 4800
#: Mel frames (10 ms) pooled into one frame of the alignment.
POOL = 2
#: The n-best sentences weighed (the word model's best first).
TOP = 8
#: Log-probability per unit of warping distance (per 10 ms frame) in the choice; chosen on
#: the development folds (bench/voice_enrol_fold.py, recipe ``tpl``).
WEIGHT = 0.75
_CEPSTRA = 12


def _frame_levels(audio: np.ndarray) -> np.ndarray:
    frames = audio[: audio.size // MEL_HOP * MEL_HOP].reshape(-1, MEL_HOP)
    return np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-9)


def _speech_level(audio: np.ndarray) -> float:
    """RMS of the loudest fifth of the 10 ms frames (16-bit units)."""
    levels = _frame_levels(audio)
    if levels.size == 0:
        return 1.0
    return float(np.sqrt(np.mean(levels[levels >= np.percentile(levels, 80)] ** 2)))


def _percentile(values: np.ndarray, q: float) -> float:
    """`np.percentile(values, q)` (linear), without its overhead: it runs per template."""
    ordered = np.sort(values)
    pos = q / 100 * (ordered.size - 1)
    low = int(pos)
    high = min(low + 1, ordered.size - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (pos - low))


def _cepstra(mel: np.ndarray) -> np.ndarray:
    return np.asarray(dct(mel, type=2, norm="ortho", axis=1)[:, 1 : _CEPSTRA + 1])


def _with_deltas(cepstra: np.ndarray, energy: np.ndarray) -> np.ndarray:
    """Cepstra and their deltas, the mean of the louder 70 % of frames taken off."""
    deltas = np.gradient(cepstra, axis=0) if len(cepstra) > 1 else np.zeros_like(cepstra)
    feats = np.hstack([cepstra, deltas])
    return feats - feats[energy >= _percentile(energy, 30)].mean(axis=0)


def _trimmed(feats: np.ndarray, energy: np.ndarray) -> np.ndarray:
    """The word's frames: louder than 30 % of the way from the quiet frames to the loudest,
    three frames kept either side."""
    floor = _percentile(energy, 20)
    loud = np.flatnonzero(energy > floor + 0.3 * (float(energy.max()) - floor))
    if loud.size == 0:
        return feats
    return feats[max(int(loud[0]) - 3, 0) : int(loud[-1]) + 4]


def _pooled(x: np.ndarray) -> np.ndarray:
    """Each `POOL` frames averaged into one (a shorter rest dropped; one frame at least)."""
    if len(x) < POOL:
        return x
    n = len(x) // POOL * POOL
    return np.asarray(x[:n].reshape(n // POOL, POOL, *x.shape[1:]).mean(axis=1))


def _word_ends(dist: np.ndarray, entry: np.ndarray, lengths: Sequence[int]) -> np.ndarray:
    """Cost of one more word ending at each frame (rows) through each template (columns):
    the templates' frames are `dist`'s columns, one template after another (`lengths`);
    `entry` is the cost of what came before, ending at each frame (nothing before frame 0
    costs 0). Each frame of the answer moves 0, 1 or 2 frames on in the template."""
    frames, width = dist.shape
    ends = np.cumsum(lengths) - 1
    starts = np.zeros(width, dtype=bool)
    starts[np.r_[0, ends[:-1] + 1]] = True
    no_two = starts | np.roll(starts, 1)
    prev = np.full(width, np.inf)
    out = np.full((frames, len(ends)), np.inf)
    one, two = np.full(width, np.inf), np.full(width, np.inf)
    for t in range(frames):
        one[1:] = prev[:-1]
        one[starts] = np.inf
        two[2:] = prev[:-2]
        two[no_two] = np.inf
        best = np.minimum(np.minimum(prev, one), two)
        best[starts] = np.minimum(best[starts], entry[t - 1] if t else 0.0)
        prev = best + dist[t]
        out[t] = prev[ends]
    return out


def _then_pause(ends: np.ndarray, silence: np.ndarray) -> np.ndarray:
    """`ends` or, cheaper, an earlier end followed by silence up to each frame."""
    out, paused = ends.copy(), np.inf
    for t in range(1, len(ends)):
        paused = min(paused, ends[t - 1]) + silence[t]
        out[t] = min(out[t], paused)
    return out


@dataclass(frozen=True, eq=False)
class WordTemplates:
    """One picker's words: each template's word, clean padded log-mel and speech level."""

    words: tuple[str, ...]
    mels: tuple[np.ndarray, ...]
    levels: tuple[float, ...]

    @classmethod
    def from_units(cls, embedder: SpeechEmbedder, units: Sequence[tuple[np.ndarray, str]],
                   most: int = MAX_PER_WORD) -> WordTemplates:
        """Templates of single words (16 kHz audio, the word), the first `most` of each."""
        kept: dict[str, int] = {}
        words, mels, levels = [], [], []
        rng = np.random.default_rng(0)
        for audio, word in units:
            if kept.get(word, 0) >= most or audio.size < MEL_HOP * 8:
                continue
            kept[word] = kept.get(word, 0) + 1
            padded = np.concatenate([np.zeros(PAD), audio, np.zeros(PAD)])
            padded += rng.normal(0.0, 2.0, padded.size)  # no exact zeros for the mel floor
            words.append(word)
            mels.append(embedder.mel(padded.astype(np.float32)).astype(np.float32))
            levels.append(_speech_level(padded))
        return cls(tuple(words), tuple(mels), tuple(levels))

    def __len__(self) -> int:
        return len(self.words)

    @property
    def vocabulary(self) -> frozenset[str]:
        """The words with a template."""
        return frozenset(self.words)

    def arrays(self) -> dict[str, np.ndarray]:
        """The templates as arrays for an .npz archive (`from_arrays` reads them back)."""
        header = json.dumps({"words": list(self.words), "levels": list(self.levels)})
        return {"tpl_header": np.frombuffer(header.encode(), dtype=np.uint8),
                "tpl_frames": np.array([len(m) for m in self.mels], dtype=np.int32),
                "tpl_mel": (np.concatenate(self.mels) if self.mels
                            else np.zeros((0, 32))).astype(np.float16)}

    @classmethod
    def from_arrays(cls, archive: Mapping[str, Any]) -> WordTemplates | None:
        """Templates from `arrays`' output, or None when the archive holds none."""
        if "tpl_header" not in archive:
            return None
        header = json.loads(bytes(archive["tpl_header"]).decode())
        frames = np.asarray(archive["tpl_frames"], dtype=np.int64)
        mel = np.asarray(archive["tpl_mel"], dtype=np.float32)
        if len(header["words"]) != frames.size or int(frames.sum()) != mel.shape[0]:
            raise ValueError("word templates do not match their frame counts")
        bounds = np.concatenate([[0], np.cumsum(frames)])
        return cls(tuple(str(w) for w in header["words"]),
                   tuple(mel[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)),
                   tuple(float(v) for v in header["levels"]))

    def _noisy(self, words: frozenset[str], noise: np.ndarray, level: float,
               ) -> dict[str, list[np.ndarray]]:
        """Each template of `words` with the answer's noise frames added, as features (all
        templates' frames at once, then cut apart)."""
        chosen = [i for i, word in enumerate(self.words) if word in words]
        if not chosen:
            return {}
        lengths = [len(self.mels[i]) for i in chosen]
        mel = np.concatenate([self.mels[i] for i in chosen]).astype(np.float64)
        shift = np.repeat([2 * np.log10(level / max(self.levels[i], 1e-3)) for i in chosen],
                          lengths)
        heard = noise[np.random.default_rng(0).integers(0, len(noise), mel.shape[0])]
        noisy = np.log10(10 ** (mel + shift[:, None]) + 10 ** heard)
        cepstra, energy = _cepstra(noisy), noisy.mean(axis=1)
        out: dict[str, list[np.ndarray]] = {}
        bounds = np.concatenate([[0], np.cumsum(lengths)])
        for i, a, b in zip(chosen, bounds[:-1], bounds[1:], strict=True):
            feats = _with_deltas(cepstra[a:b], energy[a:b])
            out.setdefault(self.words[i], []).append(_pooled(_trimmed(feats, energy[a:b])))
        return out

    def costs(self, audio: np.ndarray, mel: np.ndarray,
              sentences: Sequence[tuple[str, ...]]) -> dict[tuple[str, ...], float]:
        """Warping distance of each sentence (template words only) to the answer: `audio`
        (16 kHz, with some of the room before and after) and its log-mel `mel`."""
        mel = mel.astype(np.float64)
        energy = mel.mean(axis=1)
        feats = _with_deltas(_cepstra(mel), energy)
        noise = mel[energy <= np.percentile(energy, 20)]
        templates = self._noisy(frozenset(w for s in sentences for w in s), noise,
                                _speech_level(audio))
        x, energy = _pooled(feats), _pooled(energy)
        silence = np.linalg.norm(x - x[energy <= np.percentile(energy, 15)].mean(axis=0), axis=1)
        dists = {word: (cdist(x, np.vstack(f)), [len(t) for t in f])
                 for word, f in templates.items()}
        # one alignment per prefix, through every template of the words that can follow it
        after: dict[tuple[str, ...], np.ndarray] = {(): np.cumsum(silence)}
        for depth in range(max(len(s) for s in sentences)):
            for prefix in sorted({s[:depth] for s in sentences if len(s) > depth}):
                nxt = sorted({s[depth] for s in sentences if len(s) > depth
                              and s[:depth] == prefix})
                ends = _word_ends(np.hstack([dists[w][0] for w in nxt]), after[prefix],
                                  [n for w in nxt for n in dists[w][1]])
                first = 0
                for word in nxt:
                    count = len(dists[word][1])
                    best = ends[:, first : first + count].min(axis=1)
                    after[prefix + (word,)] = _then_pause(best, silence)
                    first += count
        return {s: float(after[s][-1]) * POOL for s in sentences}


def rescore(decoded: Decoded, templates: WordTemplates, audio: np.ndarray, mel: np.ndarray,
            weight: float) -> Decoded:
    """`decoded` with its sentence chosen again among its `TOP` n-best made of template words,
    by log-probability less `weight` times the warping distance; `posterior` is the chosen
    sentence's share of those, times their share of the n-best; `log_prob` and `score` are the
    word model's for it (so the rejection thresholds keep their meaning). Unchanged when the
    best sentence has a word without a template, or nothing else to weigh it against."""
    known = templates.vocabulary
    options = [(s, lp) for s, lp in decoded.nbest[:TOP] if s and known.issuperset(s)]
    if (weight <= 0 or not decoded.complete or len(options) < 2
            or decoded.tokens not in {s for s, _ in options} or len(mel) < 2 * POOL):
        return decoded
    costs = templates.costs(audio, mel, [s for s, _ in options])
    joint = np.array([lp - weight * costs[s] for s, lp in options])
    best = int(joint.argmax())
    tokens, log_prob = options[best]
    every = np.array([lp for _, lp in decoded.nbest])
    share = float(np.exp(np.logaddexp.reduce(np.array([lp for _, lp in options]))
                         - np.logaddexp.reduce(every)))
    posterior = share * float(np.exp(joint[best] - np.logaddexp.reduce(joint)))
    return replace(decoded, tokens=tokens, log_prob=log_prob, score=log_prob - decoded.free,
                   posterior=posterior)


def profile_bytes(model: WordModel, templates: WordTemplates | None) -> bytes:
    """An enrolment's profile: the adapted word model's archive with the templates added
    (a plain word model file when `templates` is None or empty)."""
    data = model.to_bytes()
    if not templates:
        return data
    # Any: numpy's stubs would read a keyword array as its `allow_pickle` flag.
    arrays: dict[str, Any]
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    buffer = io.BytesIO()
    extra: dict[str, Any] = templates.arrays()
    np.savez_compressed(buffer, **arrays, **extra)
    return buffer.getvalue()


def read_profile(data: bytes) -> tuple[WordModel, WordTemplates | None]:
    """The word model and templates of `profile_bytes`' output (None: a profile enrolled
    before templates were kept); `SpeechModelNotFoundError` if it is not one."""
    model = WordModel.from_bytes(data)
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            return model, WordTemplates.from_arrays(archive)
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise SpeechModelNotFoundError(f"voice profile templates unreadable: {exc}") from exc

"""An 8 kHz copy of a 16 kHz acoustic model: same HMMs, Gaussians mapped to 8 kHz features.

Decoding 8 kHz audio upsampled to 16 kHz fails with a wideband model: nothing is left above
4 kHz, where its upper filters (up to 6.8 kHz) look. The narrowband model computes features
at 8 kHz instead (`NARROWBAND_PARAMS`: 20 filters from 130 Hz to 3.8 kHz) and maps the
model into them. One wideband utterance gives both sets of cepstra (its 16 kHz audio, and
the same audio downsampled to 8 kHz); a least-squares 13x13 matrix A maps one to the other
(each utterance mean-normalised, as the decoder's batch CMN does). Deltas are linear in the
cepstra, so A maps all three streams: a mean m becomes A m, a diagonal variance S becomes
diag(A S A') plus the regression's residual variance in that stream. The speech is espeak-ng's
(several accents and voice variants, varied English); the model is built once per source
model and cached.

Measured on real narrowband speech (FSDD development speakers george and jackson, single
digits against the dialogue's digit grammar, 450 recordings each): 51.8 % and 72.7 % with
this model, against 52.4 % and 72.2 % for the audio upsampled to 16 kHz through WebRTC's
suppressor into the wideband model (40.7 % and 72.2 % without the suppressor). The gain is
after enrolment: MAP on 50 recordings reaches 88.4 % and 97.8 % here, 83.8 % and 89.6 % on
the upsampled path.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.speech.audio import resample_poly, to_pcm, wav_samples
from assistant.speech.errors import SpeechEngineError
from assistant.speech.sphinx.cache import cached_folder
from assistant.speech.sphinx.model import (
    AcousticModel,
    extract_cepstra,
    read_feature_params,
    write_feature_params,
)
from assistant.speech.sphinx.s3 import read_cepstra, read_gaussians, write_gaussians
from assistant.speech.tts import EspeakTts, espeak_available

__all__ = ["NARROWBAND_PARAMS", "RECIPE", "CepstralMap", "fit_map", "narrowband_model"]

#: Front-end settings of the narrowband model, over the wideband model's feat.params.
NARROWBAND_PARAMS = {"-samprate": "8000", "-nfft": "256", "-lowerf": "130",
                     "-upperf": "3800", "-nfilt": "20"}
#: Part of the cache key: change it when the recipe or its speech changes.
RECIPE = "narrowband-1"

_SENTENCES = (
    "the quick brown fox jumps over the lazy dog",
    "she sells sea shells by the sea shore",
    "zero one two three four five six seven eight nine oh",
    "ready repeat say again help undo skip slot sign off short",
    "twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty",
    "thirty forty fifty sixty seventy eighty ninety hundred",
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike",
    "november oscar papa quebec romeo sierra tango uniform victor whiskey x ray yankee zulu",
    "please put the gold rings in the vault before six o'clock",
    "how much is the silver chain worth",
    "a fresh shipment of pearls arrived this morning",
    "the picker walked to aisle fourteen and checked the bin",
    "yes no cancel that not yet wait stop",
    "judge the size of the ship's rudder",
    "fish chips and vinegar with a splash of lemon",
    "the cathedral bells rang through the thick fog",
    "measure the heights of the shelves carefully",
    "a thousand thin threads hung over the azure pool",
    "joy and pleasure were the usual themes of his vivid speech",
    "the boy was there when the sun rose over the hills",
)
_VOICES = ("en-us", "en-us+klatt", "en-gb+f3", "en-gb-scotland+m3", "en-us+klatt6",
           "en-gb-x-rp+f2", "en-029+klatt4", "en-us-nyc+m7", "en-gb+f4", "en-us+klatt2")
_SPEEDS = (140, 165, 190, 215)


@dataclass(frozen=True)
class CepstralMap:
    """Wideband to narrowband cepstra: y = A x, with the residual variance of each stream."""

    matrix: np.ndarray
    residual: np.ndarray  # (3 streams: static, delta, delta-delta, ncep)
    r2: np.ndarray  # (3, ncep): share of each narrowband cepstrum's variance explained

    def means(self, means: np.ndarray) -> np.ndarray:
        """Map means shaped (codebooks, streams, densities, ncep)."""
        return np.einsum("ij,gsdj->gsdi", self.matrix, means)

    def variances(self, variances: np.ndarray) -> np.ndarray:
        """Map diagonal variances: diag(A S A') + the stream's residual variance."""
        mapped = np.einsum("ij,gsdj->gsdi", self.matrix**2, variances)
        return mapped + self.residual[None, :, None, :]


def _deltas(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sphinx's 1s_c_d_dd: d[t] = c[t+2] - c[t-2]; dd[t] = d[t+1] - d[t-1] (edges repeated)."""
    p = np.pad(c, ((3, 3), (0, 0)), mode="edge")
    n = len(c)
    delta = p[5 : 5 + n] - p[1 : 1 + n]
    delta2 = (p[6 : 6 + n] - p[2 : 2 + n]) - (p[4 : 4 + n] - p[:n])
    return delta, delta2


def fit_map(wide: list[np.ndarray], narrow: list[np.ndarray]) -> CepstralMap:
    """Fit the map from pairs of cepstra of the same utterances (frames, ncep)."""
    xs, ys = [], []
    for x, y in zip(wide, narrow, strict=True):
        n = min(len(x), len(y))
        xs.append(x[:n] - x[:n].mean(axis=0))
        ys.append(y[:n] - y[:n].mean(axis=0))
    matrix = np.linalg.lstsq(np.vstack(xs), np.vstack(ys), rcond=None)[0].T
    residual, r2 = [], []
    for stream in range(3):
        if stream == 0:
            sx, sy = np.vstack(xs), np.vstack(ys)
        else:
            sx = np.vstack([_deltas(x)[stream - 1] for x in xs])
            sy = np.vstack([_deltas(y)[stream - 1] for y in ys])
        left = (sy - sx @ matrix.T).var(axis=0)
        residual.append(left)
        r2.append(1.0 - left / sy.var(axis=0))
    return CepstralMap(matrix, np.array(residual), np.array(r2))


def _speech() -> list[np.ndarray]:
    """The training speech: each sentence by three voices, as 16 kHz float samples with a
    quiet, steady noise floor (digital silence has no spectrum to map)."""
    if not espeak_available():
        raise SpeechEngineError("8 kHz audio needs PocketSphinx's narrowband model, derived "
                                "once with espeak-ng's speech: apt-get install espeak-ng")
    rng = np.random.default_rng(8000)
    out = []
    for number, sentence in enumerate(_SENTENCES):
        for k in range(3):
            voice = _VOICES[(3 * number + k) % len(_VOICES)]
            speed = _SPEEDS[(number + k) % len(_SPEEDS)]
            samples, rate = wav_samples(EspeakTts(voice, speed).synthesize_wav(sentence))
            x = resample_poly(samples, rate, 16000)
            x = np.concatenate([np.zeros(3200), x, np.zeros(3200)])
            out.append(x + rng.normal(0.0, 4.0, x.size))
    return out


def _build(source: AcousticModel, out: Path, options: dict[str, object]) -> None:
    """Write the narrowband model of `source` into `out`."""
    params = {**read_feature_params(source.hmm), **NARROWBAND_PARAMS}
    write_feature_params(out, params)
    for name in ("mdef", "sendump", "transition_matrices", "noisedict"):
        shutil.copyfile(source.hmm / name, out / name)
    shutil.copyfile(source.hmm / "means", out / "means")  # for the 8 kHz front end
    shutil.copyfile(source.hmm / "variances", out / "variances")
    narrow_model = AcousticModel(out, source.dictionary)
    speech = _speech()
    work = out / "cepstra"
    wide = extract_cepstra(source, [to_pcm(x) for x in speech], work / "16k", options)
    narrow = extract_cepstra(narrow_model, [to_pcm(resample_poly(x, 16000, 8000))
                                            for x in speech], work / "8k", options)
    mapping = fit_map([read_cepstra(p) for p in wide], [read_cepstra(p) for p in narrow])
    shutil.rmtree(work)
    write_gaussians(out / "means", mapping.means(read_gaussians(source.hmm / "means")))
    write_gaussians(out / "variances",
                    mapping.variances(read_gaussians(source.hmm / "variances")))
    (out / "narrowband.json").write_text(json.dumps({
        "recipe": RECIPE, "source": source.digest(), "utterances": len(speech),
        "r2": np.round(mapping.r2, 4).tolist(), "matrix": np.round(mapping.matrix, 6).tolist(),
    }, indent=1))


def narrowband_model(source: AcousticModel, cache_dir: Path,
                     options: dict[str, object] | None = None) -> AcousticModel:
    """The 8 kHz model derived from `source`, built once into `cache_dir` (5-10 s).

    `options` are decoder settings for the front ends (e.g. remove_noise), as decoding uses.
    """
    if source.sample_rate != 16000:
        raise SpeechEngineError(f"{source.hmm} is not a 16 kHz model: no 8 kHz copy is made")
    key = f"{RECIPE}|{source.digest()}|{sorted((options or {}).items())}"
    name = f"narrowband-{hashlib.sha256(key.encode()).hexdigest()[:20]}"
    folder = cached_folder(cache_dir / "pocketsphinx" / name,
                           lambda out: _build(source, out, dict(options or {})))
    return AcousticModel(folder, source.dictionary)

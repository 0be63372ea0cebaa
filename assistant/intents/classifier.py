"""The intent classifier: one linear model over words, characters and (English) sentence vectors.

It is trained on the hand-written intent examples of every language and on the labelled
questions of several writers (:mod:`assistant.intents.training`), with ``out_of_scope`` as a
class of its own (general-assistant questions and warehouse questions the chat cannot answer). A
question is read three ways at once:

- word uni- and bigrams (TF-IDF), which carry the words a writer chose;
- character n-grams of 1-4 within words (TF-IDF): Chinese, which has no spaces, is read by them,
  and so are misspellings and inflections in English;
- all-MiniLM-L6-v2's vector for English text (zero for Chinese, which that model cannot read),
  which carries meaning across synonyms no example has.

A multinomial logistic regression weighs all of them; its probabilities are the ``head`` of the
similarity tier (:class:`assistant.intents.matcher.EmbeddingMatcher`). Fitting takes seconds to
a minute on a busy machine, so a fitted model is kept on disk, named by a hash of its data and
settings, and shared by every assistant of a process. Processes that start together (pytest-xdist
workers, web workers) take a lock file next to the cache while they look for it: one fits and
writes it, the others wait and read it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.intents.encoder import Matrix

try:  # POSIX; elsewhere each process fits on its own (the cache write stays atomic)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["IntentClassifier", "LabelledText", "read_pickle", "write_pickle"]

_CJK_RANGE = ("\u3400", "\u9fff")
#: Bump when the features or the model change (old cache files are then not read).
VERSION = 2


def _is_chinese(text: str) -> bool:
    return any(_CJK_RANGE[0] <= ch <= _CJK_RANGE[1] for ch in text)


@dataclass(frozen=True)
class LabelledText:
    """A prepared sentence (codes replaced by kind words) and the intent it is an example of."""

    text: str
    intent: str
    weight: float = 1.0


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (made if missing) across processes; without
    ``fcntl``, or when the lock file cannot be made, nothing is locked."""
    handle = None
    if fcntl is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = path.open("a+b")
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError:
            if handle is not None:
                handle.close()
            handle = None
    try:
        yield
    finally:
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()


def read_pickle(path: Path) -> Any:
    """What a cache file holds; None when it is missing or unreadable (the cache is only a
    shortcut: the caller makes the value again)."""
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError,
            ValueError):
        return None


def write_pickle(path: Path, value: Any) -> None:
    """Write a cache file atomically (a reader never sees half of it); a read-only or full
    disk is ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.stem}-{os.getpid()}-{threading.get_ident()}.pkl")
        with partial.open("wb") as handle:
            pickle.dump(value, handle)
        os.replace(partial, path)
    except OSError:
        pass


class IntentClassifier:
    """P(intent | question) over word and character n-grams and English sentence vectors."""

    def __init__(
        self, examples: Sequence[LabelledText], embed: Callable[[Sequence[str]], Matrix], *,
        c: float = 40.0, vector_weight: float = 1.0, cache_dir: Path | None = None,
        cache_key: str = "",
    ) -> None:
        self.examples = tuple(examples)
        self.embed = embed
        self.c, self.vector_weight = c, vector_weight
        self.cache_dir, self.cache_key = cache_dir, cache_key
        self._fitted: tuple[Any, Any, Any] | None = None
        self._lock = threading.Lock()

    @property
    def classes(self) -> tuple[str, ...]:
        """The intents it knows, in the order of :meth:`probabilities`."""
        return tuple(str(c) for c in self._model()[2].classes_)

    def warm_up(self) -> None:
        """Fit now (or read the fitted model from disk)."""
        self._model()

    def _digest(self) -> str:
        digest = hashlib.sha256(f"v{VERSION}:{self.c}:{self.vector_weight}:{self.cache_key}"
                                .encode())
        for example in self.examples:
            digest.update(f"{example.text}\t{example.intent}\t{example.weight}\n".encode())
        return digest.hexdigest()[:20]

    def _model(self) -> tuple[Any, Any, Any]:
        with self._lock:
            if self._fitted is None:
                if self.cache_dir is None:
                    self._fitted = self._fit()
                    return self._fitted
                path = self.cache_dir / f"intent-classifier-{self._digest()}.pkl"
                # One process fits and writes the cache; the others wait here, then read it.
                with _file_lock(path.with_name(f"{path.name}.lock")):
                    self._fitted = self._read(path)
                    if self._fitted is None:  # none yet, or unreadable: fit and (re)write
                        self._fitted = self._fit()
                        self._write(path, self._fitted)
            return self._fitted

    @staticmethod
    def _read(path: Path) -> tuple[Any, Any, Any] | None:
        fitted = read_pickle(path)
        return fitted if isinstance(fitted, tuple) and len(fitted) == 3 else None

    @staticmethod
    def _write(path: Path, fitted: tuple[Any, Any, Any]) -> None:
        write_pickle(path, fitted)

    def _fit(self) -> tuple[Any, Any, Any]:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        texts = [e.text for e in self.examples]
        words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                token_pattern=r"(?u)\b\w+\b", min_df=1).fit(texts)
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True,
                                min_df=2).fit(texts)
        x = self._features(texts, words, chars, self._vectors(texts))
        head = LogisticRegression(C=self.c, max_iter=3000)
        head.fit(x, [e.intent for e in self.examples],
                 sample_weight=np.asarray([e.weight for e in self.examples]))
        return words, chars, head

    def _vectors(self, texts: Sequence[str]) -> Matrix | None:
        """Sentence vectors of the English texts (zero rows for Chinese)."""
        if not self.vector_weight:
            return None
        english = [n for n, t in enumerate(texts) if not _is_chinese(t)]
        if not english:
            return None
        found = self.embed([texts[n] for n in english])
        out = np.zeros((len(texts), found.shape[1]), dtype=np.float32)
        out[english] = found
        return out

    def _features(self, texts: Sequence[str], words: Any, chars: Any,
                  vectors: Matrix | None) -> Any:
        from scipy import sparse

        blocks = [words.transform(texts), chars.transform(texts)]
        if vectors is not None:
            blocks.append(sparse.csr_matrix(vectors * self.vector_weight))
        return sparse.hstack(blocks, format="csr")

    def probabilities(self, text: str, vector: Matrix | None = None) -> dict[str, float]:
        """Each intent's probability for a prepared question; ``vector`` is its sentence
        vector (one row) when the caller has it (English), else it is embedded here."""
        words, chars, head = self._model()
        vectors: Matrix | None = None
        if self.vector_weight and head.n_features_in_ > len(words.vocabulary_) + len(
                chars.vocabulary_):
            width = head.n_features_in_ - len(words.vocabulary_) - len(chars.vocabulary_)
            if _is_chinese(text):
                vectors = np.zeros((1, width), dtype=np.float32)
            else:
                row = vector if vector is not None else self.embed([text])
                vectors = np.asarray(row, dtype=np.float32).reshape(1, -1)
        probabilities = head.predict_proba(self._features([text], words, chars, vectors))[0]
        return {str(k): float(p) for k, p in zip(head.classes_, probabilities, strict=True)}

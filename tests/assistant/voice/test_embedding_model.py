"""The word model's file and its torch twin: neighbouring embeddings (`context`), float16
storage, and training's torch network computing exactly what numpy computes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from assistant.speech.embedding import training
from assistant.speech.embedding.model import BLANK, UNKNOWN, WordModel, stack_context
from assistant.speech.errors import SpeechModelNotFoundError


def _model(context: int, hidden: int = 16, seed: int = 0) -> WordModel:
    rng = np.random.default_rng(seed)
    tokens = (BLANK, "one", "two", UNKNOWN)
    weights = {"norm_weight": rng.normal(1, 0.1, 96), "norm_bias": rng.normal(0, 0.1, 96),
               "hidden_weight": rng.normal(0, 0.1, (hidden, 96 * (2 * context + 1))),
               "hidden_bias": rng.normal(0, 0.1, hidden),
               "out_weight": rng.normal(0, 0.3, (len(tokens), hidden)),
               "out_bias": rng.normal(0, 0.1, len(tokens))}
    return WordModel(tokens, 8, {k: v.astype(np.float32) for k, v in weights.items()},
                     {"context": context})


def test_stack_context_repeats_the_edges() -> None:
    x = np.arange(3, dtype=np.float32)[:, None]
    assert stack_context(x, 1).tolist() == [[0, 0, 1], [0, 1, 2], [1, 2, 2]]
    assert stack_context(x, 0) is x


def test_a_model_file_keeps_its_context_and_its_words() -> None:
    model = _model(context=2)
    frames = np.random.default_rng(1).normal(size=(12, 96)).astype(np.float32)
    again = WordModel.from_bytes(model.to_bytes())
    assert again.context == 2
    assert np.abs(again.log_probs(frames) - model.log_probs(frames)).max() < 0.02
    assert (again.log_probs(frames).argmax(-1) == model.log_probs(frames).argmax(-1)).all()


def test_older_files_without_context_still_load() -> None:
    model = _model(context=0)
    old = WordModel(model.tokens, model.step, model.weights, {})
    assert WordModel.from_bytes(old.to_bytes()).context == 0


def test_an_ensemble_averages_its_networks_probabilities_and_keeps_them_in_one_file() -> None:
    a, b = _model(context=1), _model(context=1, hidden=8, seed=5)
    frames = np.random.default_rng(4).normal(size=(10, 96)).astype(np.float32)
    joined = WordModel.ensemble([a, b])
    mean = (np.exp(a.log_probs(frames)) + np.exp(b.log_probs(frames))) / 2
    assert np.allclose(joined.log_probs(frames), np.log(mean), atol=1e-5)
    assert np.allclose(np.exp(joined.log_probs(frames)).sum(-1), 1.0, atol=1e-5)
    again = WordModel.from_bytes(joined.to_bytes())
    assert len(again.members()) == 2 and "members" not in again.info
    assert np.abs(again.log_probs(frames) - joined.log_probs(frames)).max() < 0.02
    assert WordModel.from_bytes(a.to_bytes()).others == ()


def test_an_ensemble_refuses_members_that_do_not_match() -> None:
    with pytest.raises(SpeechModelNotFoundError, match="differ"):
        WordModel.ensemble([_model(context=1), _model(context=2)])
    with pytest.raises(SpeechModelNotFoundError, match="at least one"):
        WordModel.ensemble([])


def test_a_damaged_ensemble_file_is_refused() -> None:
    data = WordModel.ensemble([_model(context=1), _model(context=1, seed=2)]).to_bytes()
    single = _model(context=1).to_bytes()
    # a header claiming three networks where the file holds two
    with np.load(io.BytesIO(data)) as archive:
        arrays = {k: archive[k] for k in archive.files}
    header = json.loads(bytes(arrays["header"]).decode()) | {"members": 3}
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    with pytest.raises(SpeechModelNotFoundError, match="not a word model"):
        WordModel.from_bytes(buffer.getvalue())
    assert WordModel.from_bytes(single).others == ()


def test_enrolment_fine_tunes_each_network_of_an_ensemble() -> None:
    joined = WordModel.ensemble([_model(context=1), _model(context=1, seed=2)])
    rng = np.random.default_rng(6)
    examples = [training.Example(rng.normal(size=(8, 96)).astype(np.float32), ("one", "two"))
                for _ in range(6)]
    tuned = training.fine_tune(joined, examples, epochs=1, info={"enrolled_utterances": 6})
    assert len(tuned.members()) == 2 and tuned.info["enrolled_utterances"] == 6
    for before, after in zip(joined.members(), tuned.members(), strict=True):
        assert not np.allclose(before.weights["hidden_weight"], after.weights["hidden_weight"])


def test_the_torch_network_computes_what_numpy_does() -> None:
    import torch

    model = _model(context=1)
    net = training._from_model(model, dropout=0.3).eval()
    frames = np.random.default_rng(2).normal(size=(9, 96)).astype(np.float32)
    with torch.no_grad():
        torch_out = net(torch.from_numpy(frames)[None]).log_softmax(-1)[0].numpy()
    assert np.abs(torch_out - model.log_probs(frames)).max() < 1e-4
    back = training._to_model(net, model.tokens, model.step, {})
    assert back.context == 1 and np.allclose(back.weights["hidden_weight"],
                                             model.weights["hidden_weight"])


def test_a_saved_corpus_reads_back_the_same(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    examples = [training.Example(rng.normal(size=(n, 96)).astype(np.float16), words)
                for n, words in ((5, ("one", "two")), (1, (UNKNOWN,)), (12, ("ready",)))]
    path = tmp_path / "corpus.npz"
    training.save_examples(path, examples)
    again = training.load_examples(path)
    assert [e.tokens for e in again] == [e.tokens for e in examples]
    assert all(np.array_equal(a.embeddings, e.embeddings)
               for a, e in zip(again, examples, strict=True))


def test_training_reads_a_corpus_kept_in_several_files(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    halves = []
    for half in range(2):
        examples = [training.Example(rng.normal(size=(8, 96)).astype(np.float16), words)
                    for words in (("one", "two"), ("three",), ("ready",), ("four", "five"))]
        halves.append(tmp_path / f"half{half}.npz")
        training.save_examples(halves[-1], examples)
    out = tmp_path / "words.npz"
    training.main(["--out", str(out), "--corpus", *map(str, halves), "--epochs", "1",
                   "--hidden", "8", "--context", "0", "--hold", "0.25", "--workers", "1",
                   "--about", "two halves"])
    model = WordModel.load(out)
    assert model.info["trained_on"] == "two halves"
    assert model.info["held_back"] == 2  # a quarter of both files' 8 utterances
    missing = tmp_path / "missing.npz"
    with pytest.raises(SystemExit) as refused:  # several files: all must exist
        training.main(["--out", str(out), "--corpus", str(halves[0]), str(missing)])
    assert refused.value.code == 2


def test_the_training_command_joins_model_files_into_an_ensemble(tmp_path: Path) -> None:
    paths = []
    for seed in (0, 1):
        path = tmp_path / f"m{seed}.npz"
        path.write_bytes(_model(context=1, seed=seed).to_bytes())
        paths.append(str(path))
    out = tmp_path / "joined.npz"
    training.main(["--out", str(out), "--join", *paths])
    assert len(WordModel.load(out).members()) == 2


def test_an_ensemble_says_what_each_network_was_trained_on() -> None:
    a, b = _model(context=1), _model(context=1, seed=1)
    a = WordModel(a.tokens, a.step, a.weights, {"context": 1, "trained_on": "shipped"})
    b = WordModel(b.tokens, b.step, b.weights, {"context": 1, "trained_on": "focused"})
    joined = WordModel.from_bytes(WordModel.ensemble([a, b]).to_bytes())
    assert [m.info["trained_on"] for m in joined.members()] == ["shipped", "focused"]
    assert joined.info["trained_on"] == "shipped"
    tuned = training.fine_tune(joined, [training.Example(
        np.ones((8, 96), dtype=np.float32), ("one",))], epochs=1, info={"enrolled": 1})
    assert [m.info["trained_on"] for m in tuned.members()] == ["shipped", "focused"]
    assert all(m.info["enrolled"] == 1 for m in tuned.members())
    assert WordModel.ensemble([tuned]).info["networks"] == tuned.info["networks"]

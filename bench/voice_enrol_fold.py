"""Enrolment recipes on a development fold (issue 12), dev only.

A word model is trained as `bench/voice_focus_fold.py` trains the shipped recipe on one
leave-one-speaker-out fold (the training half of the development espeak-ng voices and the other
development speaker), so the held-out speaker is new to it, as a picker is at enrolment. That
speaker then enrols as `bench/assistant_voice.py` enrols one (recordings 0-4 of each digit,
alone and in pairs) and is scored on the bench's check digits and quantities (recordings
5-49, quiet and 10 dB), under the shipped rejection rule, with each enrolment recipe:

- ``si``: no enrolment (the fold model as it is);
- ``ft``: the shipped enrolment (`enrol.adapt`: every layer fine-tuned, kept near the start);
- ``out``: only the output layer fine-tuned (the embedding's projection kept);
- ``ens``: the speaker-independent and the fine-tuned network averaged (`WordModel.ensemble`);
- ``knn``: the fine-tuned model with kNN-CTC: each frame's word probabilities mixed with
  those of the enrolment frames nearest in its hidden layer (`--knn LAMBDA:K:TEMPERATURE`);
- ``tpl``: the fine-tuned model and the speaker's word templates (`templates.rescore`, with
  ``--template-weight`` each, comma-separated: ``tpl@0.75``...), as `enrol.adapt` now ships;
- ``sit``: the fold model as it is with the word templates (enrolment without fine-tuning).

Prints the figures and the answers right with one recipe only against ``ft`` (a sign test).
Test speakers are never read. Run from the project root: ``nice .venv/bin/python
bench/voice_enrol_fold.py --fold george --out bench/results/voice_enrol_fold.json``; models
and enrolment examples are cached in ``--workdir``.
"""

from __future__ import annotations

import pickle
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.append(str(ROOT / "bench"))

from voice_focus_fold import fold_corpora, fold_parser, paired, save, train  # type: ignore

from assistant.speech.embedding import enrol, templates, training
from assistant.speech.embedding.model import WordModel

RECIPES = ("si", "ft", "out", "ens", "knn", "tpl", "sit")


class KnnModel:
    """A word model whose non-blank probability mass is shared between the model and the
    `k` enrolment frames nearest each frame (cosine, in the hidden layer), `lam` of it to
    those frames' words weighted by exp(similarity / `temperature`)."""

    def __init__(self, model: WordModel, examples: Sequence[training.Example], lam: float,
                 k: int, temperature: float) -> None:
        self.model, self.lam, self.k, self.temperature = model, lam, k, temperature
        keys, values = [], []
        for example in examples:  # frames whose best token is a word of a take heard right
            best = model.log_probs(example.embeddings).argmax(-1)
            said = [model.tokens[t] for i, t in enumerate(best)
                    if t and (i == 0 or best[i - 1] != t)]
            if tuple(said) == example.tokens:
                h = model.hidden(example.embeddings)
                keys += [h[i] for i in np.flatnonzero(best)]
                values += [int(t) for t in best[best > 0]]
        self.keys = np.array(keys, dtype=np.float32)
        self.keys /= np.linalg.norm(self.keys, axis=1, keepdims=True)
        self.values = np.array(values)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)

    def log_probs(self, embeddings: np.ndarray) -> np.ndarray:
        """The model's log-probabilities with the nearest enrolment frames' words mixed in."""
        p = np.exp(self.model.log_probs(embeddings))
        h = self.model.hidden(embeddings)
        sim = (h / np.linalg.norm(h, axis=1, keepdims=True)) @ self.keys.T
        near = np.argpartition(-sim, self.k, axis=1)[:, : self.k]
        out = p.copy()
        for f in range(p.shape[0]):
            s = sim[f, near[f]]
            q = np.zeros(p.shape[1])
            np.add.at(q, self.values[near[f]], np.exp((s - s.max()) / self.temperature))
            out[f, 1:] = (1 - self.lam) * p[f, 1:] + self.lam * (1 - p[f, 0]) * q[1:] / q.sum()
        return np.asarray(np.log(np.maximum(out, 1e-12)))


def adapted(si: WordModel, examples: list[training.Example], recipe: str,
            knn: tuple[float, int, float], cache: dict[str, Any]) -> Any:
    """The held-out speaker's model by `recipe` (see the module's docstring)."""
    if recipe in cache:
        return cache[recipe]
    if recipe == "si":
        model: Any = si
    elif recipe in ("ft", "out"):
        net = training._from_model(si, dropout=0.3)
        for name in ("norm", "hidden") if recipe == "out" else ():
            for parameter in getattr(net, name).parameters():
                parameter.requires_grad_(False)
        training._fit(net, examples, si.index, epochs=enrol.EPOCHS,
                      lr=3e-3 if recipe == "out" else 1e-3, seed=0, anchor=0.01,
                      schedule=False, batch=16)
        model = training._to_model(net, si.tokens, si.step, dict(si.info))
    elif recipe in ("tpl", "sit"):
        model = adapted(si, examples, "ft" if recipe == "tpl" else "si", knn, cache)
    elif recipe == "ens":
        model = WordModel.ensemble([si, adapted(si, examples, "ft", knn, cache)])
    else:
        model = KnnModel(adapted(si, examples, "ft", knn, cache), examples, *knn)
    cache[recipe] = model
    return model


def fold_figures(work: Path, held: str, model_path: Path, recipes: Sequence[str],
                 knn: tuple[float, int, float], count: int,
                 weights: Sequence[float] = (templates.WEIGHT,),
                 cap: int = templates.MAX_PER_WORD) -> dict[str, Any]:
    """Decode the held-out speaker's trials with each recipe's model; figures and pairing."""
    import assistant_voice as bench  # type: ignore[import-not-found]
    from voice_focus_fold import figures

    from assistant.settings import AssistantSettings
    from assistant.speech.embedding import corpus
    from assistant.speech.embedding.engine import EmbeddingEngine, EmbeddingRecognizer
    from assistant.speech.factory import rejection_thresholds

    engine = EmbeddingEngine(model_path)
    data = corpus.read_fsdd([held])[held]
    cached = work / f"enrolment-units-{held}-{model_path.stem}.pkl"
    if not cached.exists():
        takes = bench._enrolment(data, 500)
        cached.write_bytes(pickle.dumps(enrol.enrolment_examples(engine, takes,
                                                                 sample_rate=8000)[1:]))
    examples, units = pickle.loads(cached.read_bytes())
    random.Random(0).shuffle(examples)
    words = templates.WordTemplates.from_units(
        engine.shared().embedder, [(a, w[0]) for a, w in units if len(w) == 1], most=cap)
    chosen: dict[str, Any] = {}

    def recognizer(grammar: Any = None, *, sample_rate: int = 16000,
                   profile: bytes | None = None) -> EmbeddingRecognizer:
        return EmbeddingRecognizer(engine, chosen["model"], grammar, sample_rate,
                                   templates=chosen["templates"])

    engine.recognizer = recognizer  # type: ignore[method-assign]
    decoder = bench.Decoder(engine, rejection_thresholds(AssistantSettings(), "embedding"),
                            AssistantSettings().vad)
    test = [i for i in range(50) if i not in bench.ENROL_INDICES]
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
    cache: dict[str, Any] = {}
    runs = [(r, w) for r in recipes for w in (weights if r in ("tpl", "sit") else (0.0,))]
    names = [f"{r}@{w:g}" if r in ("tpl", "sit") else r for r, w in runs]
    for (recipe, weight), name in zip(runs, names, strict=True):
        began = time.perf_counter()
        chosen["model"] = adapted(engine.model, examples, recipe, knn, cache)
        chosen["templates"] = words if recipe in ("tpl", "sit") else None
        engine.template_weight = weight
        for cond, snr in bench.SNRS.items():
            trials = bench.real_trials(data, snr, seed=1000 + len(held) * 77, count=count,
                                       indices=test)
            rows.setdefault(cond, {})[name] = [decoder.decode(t) for t in trials]
        print(f"{name}: decoded ({time.perf_counter() - began:.0f} s)", flush=True)
    return {cond: {name: figures(value[name]) for name in names}
            | {f"paired_{n}": paired(value["ft"], value[n], n)
               for n in names if n != "ft" and "ft" in names}
            for cond, value in rows.items()}


def main(argv: Sequence[str] | None = None) -> None:
    """Train the fold model when missing, enrol the held-out speaker, score each recipe."""
    parser = fold_parser(__doc__ or "", "/tmp/voice_enrol", confusions=False)
    parser.add_argument("--recipes", default=",".join(RECIPES))
    parser.add_argument("--knn", default="0.5:8:0.05", help="LAMBDA:K:TEMPERATURE")
    parser.add_argument("--template-weight", default=str(templates.WEIGHT),
                        help="the tpl and sit recipes' weights, comma-separated")
    parser.add_argument("--template-cap", type=int, default=templates.MAX_PER_WORD,
                        help="templates kept per word (the first ones cut from the takes)")
    args = parser.parse_args(argv)
    work, held = args.workdir, args.fold
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"words-{held}-{args.espeak}-{args.fsdd}-{args.epochs}.npz"
    if not path.exists():
        corpora = fold_corpora(work, held, args.espeak, args.fsdd, 0.0, 0.0)
        path.write_bytes(train(corpora["shipped"], args.epochs,
                               f"fold without {held}, shipped recipe").to_bytes())
    lam, k, temperature = args.knn.split(":")
    knn = (float(lam), int(k), float(temperature))
    result = {"fold": held, "espeak": args.espeak, "fsdd": args.fsdd, "epochs": args.epochs,
              "knn": args.knn, "models_only": args.models_only,
              "template_cap": args.template_cap}
    if not args.models_only:
        result["figures"] = fold_figures(
            work, held, path, args.recipes.split(","), knn, args.count,
            [float(w) for w in args.template_weight.split(",")], args.template_cap)
    save(args.out, held, result)


if __name__ == "__main__":
    main()

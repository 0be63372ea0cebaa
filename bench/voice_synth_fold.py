"""Other synthesizers' voices against the shipped recipe on a development fold (issue 12).

Each fold of `bench/voice_loso.py` holds one development speaker and half of the development
espeak-ng voices out of training. Here two word models are trained on that fold the same way
(same size, epochs, seeds, held-back share): the shipped recipe, and the recipe with a share
`--synth` of the espeak-ng utterances spoken instead by the development voices of the
recording-based synthesizers flite and festival (`training.build_corpus(synth=...)`, voices
`corpus.synth_voices("dev")`: the same kinds of sentences, the same channel augmentation);
the rest of the candidate's corpus is the very same utterances as the shipped recipe's. Both
are scored on the same trials: the held-out speaker and held-out voices as
`bench/voice_loso.py` decodes them (and, with ``--confusions``, the cases of
`bench/voice_confusions.py` spoken by held-out voices). Prints the figures of both, and the
answers right with one model only (a sign test). Test speakers, test espeak-ng voices and
test flite/festival voices are never read.

Run from the project root: ``nice -n 19 .venv/bin/python bench/voice_synth_fold.py --fold
george --out bench/results/voice_synth_fold.json``. Embedded corpus parts, models and decoded
rows are cached in ``--workdir`` (parts shared with `bench/voice_focus_fold.py`'s naming).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.append(str(ROOT / "bench"))

from voice_loso import _cached  # type: ignore[import-not-found]

from assistant.speech.calibration import dev_voice_halves, folds
from assistant.speech.embedding import corpus, training


def fold_corpora(work: Path, held: str, espeak: int, fsdd: int, synth: float,
                 workers: int = 1) -> dict[str, list[training.Example]]:
    """The fold's corpus by the shipped recipe and with the `synth` share of the espeak-ng
    utterances spoken by flite and festival: the same seeds, so the candidate's espeak-ng
    utterances are the first ones of the shipped recipe's, its real-speaker ones all of them."""
    train_voices, _ = dev_voice_halves(corpus.espeak_voices("dev"))
    kept = tuple(s for h, s in folds(corpus.FSDD_DEV_SPEAKERS) if h == held)[0]
    plain = _cached(work / f"espeak-voices-{espeak}.pkl", lambda: training.build_corpus(
        espeak, 0, seed=11, workers=workers, voices=train_voices))
    real = _cached(work / f"fsdd-{'-'.join(kept)}-{fsdd}.pkl", lambda: training.build_corpus(
        0, fsdd, seed=12, workers=workers, speakers=kept))
    others = round(espeak * synth)
    extra = _cached(work / f"synth-{others}.pkl", lambda: training.build_corpus(
        others, 0, seed=11, workers=workers, synth=1.0))
    print(f"espeak {len(plain)}, fsdd {len(real)}, flite/festival {len(extra)} "
          f"({', '.join(corpus.synth_voices('dev'))})", flush=True)
    return {"shipped": plain + real, "synth": plain[: espeak - others] + extra + real}


def train(examples: Sequence[training.Example], epochs: int, about: str, seed: int = 0) -> Any:
    """A fold model as `bench/voice_loso.py` trains one (5 % held back, context 3), from
    `seed` (the held-back share and the training)."""
    import torch

    torch.set_num_threads(1)
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    valid_n = len(examples) // 20
    valid = [examples[i] for i in order[:valid_n]]
    train_on = [examples[i] for i in sorted(order[valid_n:])]
    return training.train(train_on, context=3, epochs=epochs, valid=valid, log=True,
                          seed=seed, info={"trained_on": about, "seed": seed})


def confusion_rows(work: Path, model: Path) -> list[dict[str, Any]]:
    """`bench/voice_confusions.py`'s cases, 60 held-out development voices, quiet and 10 dB."""
    from bench import voice_confusions

    def make() -> list[dict[str, Any]]:
        _, held = dev_voice_halves(corpus.espeak_voices("dev"))
        rows, _ = voice_confusions.decode_rows(model, held[1::2][:60])
        return [{k: v for k, v in r.items() if k != "log_probs"} for r in rows]

    return list(_cached(work / f"confusions-{model.stem}.pkl", make))


def figures(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Right answers, check digits, re-prompts, wrong postings, out-of-grammar accepted."""
    said = [r for r in rows if r["in_grammar"] and not r["posting_trial"]]
    checks = [r for r in said if r["expect"] == "digits" and r["said"] == r["posts_if"]]
    oog = [r for r in rows if not r["in_grammar"]]
    out = {"answers": len(said), "right": sum(r["right"] for r in said),
           "reprompted": sum(r["rejected"] for r in said),
           "check_digits": len(checks), "check_digits_right": sum(r["right"] for r in checks),
           "wrong_postings": sum(r["posts"] for r in rows)}
    if oog:
        out |= {"out_of_grammar": len(oog), "out_of_grammar_accepted":
                sum(not r["rejected"] for r in oog)}
    return out


def paired(a: Sequence[dict[str, Any]], b: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Answers right with one model only, and the two-sided sign test's p."""
    pairs = [(x["right"], y["right"]) for x, y in zip(a, b, strict=True)
             if x["in_grammar"] and not x["posting_trial"]]
    only_a = sum(x and not y for x, y in pairs)
    only_b = sum(y and not x for x, y in pairs)
    n, k = only_a + only_b, min(only_a, only_b)
    p = min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2**n) if n else 1.0
    return {"shipped_only": only_a, "synth_only": only_b, "sign_test_p": round(p, 4)}


def by_source(rows: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """`bench/voice_loso.py`'s rows (decoded without rejection) judged under the shipped
    rejection rule, by source."""
    import assistant_voice as bench  # type: ignore[import-not-found]

    from assistant.settings import AssistantSettings
    from assistant.speech.base import Transcript
    from assistant.speech.factory import rejection_thresholds

    rule = rejection_thresholds(AssistantSettings(), "embedding")
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        final = Transcript(r["heard"], True, r["confidence"], r["score"])
        out.setdefault(r["source"], []).append(bench.judge(r, final, rule))
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """Build, train, decode and compare one fold."""
    import voice_loso

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fold", choices=corpus.FSDD_DEV_SPEAKERS, required=True)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/voice_synth"))
    parser.add_argument("--espeak", type=int, default=4000)
    parser.add_argument("--fsdd", type=int, default=1500)
    parser.add_argument("--synth", type=float, default=0.3,
                        help="share of the espeak-ng utterances spoken by flite and festival")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1, help="processes building corpora")
    parser.add_argument("--seed", type=int, default=0, help="training seed (both models)")
    parser.add_argument("--models-only", action="store_true")
    parser.add_argument("--confusions", action=argparse.BooleanOptionalAction, default=False,
                        help="also decode bench/voice_confusions.py's cases")
    parser.add_argument("--out", type=Path, help="merge this fold's figures into this JSON")
    args = parser.parse_args(argv)
    work, held = args.workdir, args.fold
    work.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    tag = f"{held}-{args.espeak}-{args.fsdd}-{args.epochs}" + (
        f"-seed{args.seed}" if args.seed else "")
    paths = {"shipped": work / f"words-{tag}.npz",
             "synth": work / f"words-{tag}-synth{args.synth:g}.npz"}
    if not all(p.exists() for p in paths.values()):
        corpora = fold_corpora(work, held, args.espeak, args.fsdd, args.synth, args.workers)
        for name, path in paths.items():
            if not path.exists():
                about = f"fold without {held}, {name} recipe"
                path.write_bytes(train(corpora[name], args.epochs, about, args.seed).to_bytes())
            print(f"{name}: trained ({time.perf_counter() - began:.0f} s)", flush=True)
    if args.models_only:
        return
    result: dict[str, Any] = {"fold": held, "espeak": args.espeak, "fsdd": args.fsdd,
                              "synth": args.synth, "synth_voices": corpus.synth_voices("dev"),
                              "epochs": args.epochs, "seed": args.seed, "sources": {}}
    rows = {name: voice_loso.fold_rows(work, held, path, args.count, 5)
            for name, path in paths.items()}
    rows_c = {name: confusion_rows(work, path) if args.confusions else []
              for name, path in paths.items()}
    print(f"decoded ({time.perf_counter() - began:.0f} s)", flush=True)
    split = {name: by_source(value) for name, value in rows.items()}
    for source in split["shipped"]:
        result["sources"][source] = {
            name: figures(split[name][source]) for name in paths} | {
            "paired": paired(split["shipped"][source], split["synth"][source])}
    for cond in ("quiet", "10db") if args.confusions else ():
        cases: dict[str, Any] = {}
        for text in ("eight eight", "eight five", "help", "two"):
            some = {name: [r for r in value if r["cond"] == cond
                           and r["label"].split("'")[1] == text]
                    for name, value in rows_c.items()}
            cases[text] = {name: f"{sum(r['right'] for r in v)}/{len(v)}"
                           for name, v in some.items()}
        pick = {name: [r for r in value if r["cond"] == cond] for name, value in rows_c.items()}
        cases["paired"] = paired(pick["shipped"], pick["synth"])
        cases["wrong_postings"] = {name: sum(r["posts"] for r in v) for name, v in pick.items()}
        result["sources"][f"confusion cases {cond}"] = cases
    print(json.dumps(result, indent=1))
    if args.out:
        saved = json.loads(args.out.read_text()) if args.out.exists() else {"folds": {}}
        saved["folds"][held + (f" seed {args.seed}" if args.seed else "")] = result
        args.out.write_text(json.dumps(saved, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""The focused corpus against the shipped recipe on a development fold (issue 12), dev only.

Each fold of `bench/voice_loso.py` holds one development speaker and half of the development
espeak-ng voices out of training. Here two word models are trained on that fold the same way
(same size, epochs, seeds, held-back share): the shipped recipe, and the recipe with a share
`--focus` of each kind of utterance drawn from the focused corpus instead
(`training.build_corpus(focus=...)`: fast repeated digits, the confused digits, 'help' against
'two'); the rest of the candidate's corpus is the very same utterances as the shipped recipe's.
Both are scored on the same trials: the held-out speaker and held-out voices as
`bench/voice_loso.py` decodes them, and the cases of `bench/voice_confusions.py` ('eight
eight', 'eight five', 'help', 'two') spoken by held-out voices. Prints the figures of both,
and the answers right with one model only (a sign test). Test speakers and voices are never
read.

Run from the project root: ``nice -n 19 .venv/bin/python bench/voice_focus_fold.py --fold
george --out bench/results/voice_focus_fold.json``. Embedded corpus parts, models and decoded
rows are cached in ``--workdir``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
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


def fold_corpora(work: Path, held: str, espeak: int, fsdd: int, focus: float,
                 fsdd_focus: float) -> dict[str, list[training.Example]]:
    """The fold's corpus by the shipped recipe and with the focused share (`fsdd_focus` of
    the real-speaker sequences): the same seeds, so the candidate's unfocused utterances are
    the first ones of the shipped recipe's."""
    train_voices, _ = dev_voice_halves(corpus.espeak_voices("dev"))
    kept = tuple(s for h, s in folds(corpus.FSDD_DEV_SPEAKERS) if h == held)[0]
    out: dict[str, list[training.Example]] = {"shipped": [], "focus": []}
    for kind, total, seed in (("espeak", espeak, 11), ("fsdd", fsdd, 12)):
        sizes = {"espeak": (total, 0), "fsdd": (0, total)}[kind]
        speakers = "-".join(kept) if kind == "fsdd" else "voices"
        plain = _cached(work / f"{kind}-{speakers}-{total}.pkl", lambda sizes=sizes, seed=seed:
                        training.build_corpus(*sizes, seed=seed, workers=1,
                                              voices=train_voices, speakers=kept))
        focused = round(total * (focus if kind == "espeak" else fsdd_focus))
        only = {"espeak": (focused, 0), "fsdd": (0, focused)}[kind]
        extra = _cached(work / f"{kind}-{speakers}-focus-{focused}.pkl",
                        lambda only=only, seed=seed: training.build_corpus(
                            *only, seed=seed, workers=1, voices=train_voices, speakers=kept,
                            focus=1.0))
        out["shipped"] += plain
        out["focus"] += plain[: total - focused] + extra
        print(f"{kind}: {len(plain)} + {len(extra)} focused", flush=True)
    return out


def train(examples: Sequence[training.Example], epochs: int, about: str, seed: int = 0) -> Any:
    """A fold model as `bench/voice_loso.py` trains one (5 % held back, context 3), from
    `seed` (the held-back share and the training; 0 is the shipped recipe's)."""
    import torch

    torch.set_num_threads(1)
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    valid_n = len(examples) // 20
    valid = [examples[i] for i in order[:valid_n]]
    train_on = [examples[i] for i in sorted(order[valid_n:])]
    info: dict[str, object] = {"trained_on": about} | ({"seed": seed} if seed else {})
    return training.train(train_on, context=3, epochs=epochs, valid=valid, log=True,
                          seed=seed, info=info)


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
    if rows and "cpu_ms" in rows[0]:
        out["cpu_ms_median"] = round(statistics.median(r["cpu_ms"] for r in rows), 1)
    if oog:
        out |= {"out_of_grammar": len(oog), "out_of_grammar_accepted":
                sum(not r["rejected"] for r in oog)}
    return out


def paired(a: Sequence[dict[str, Any]], b: Sequence[dict[str, Any]],
           candidate: str = "focus") -> dict[str, Any]:
    """Answers right with one model only (the shipped recipe's `a`, the `candidate`'s `b`),
    and the two-sided sign test's p."""
    pairs = [(x["right"], y["right"]) for x, y in zip(a, b, strict=True)
             if x["in_grammar"] and not x["posting_trial"]]
    only_a = sum(x and not y for x, y in pairs)
    only_b = sum(y and not x for x, y in pairs)
    n, k = only_a + only_b, min(only_a, only_b)
    p = min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2**n) if n else 1.0
    return {"shipped_only": only_a, f"{candidate}_only": only_b, "sign_test_p": round(p, 4)}


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


def train_missing(paths: dict[str, Path], corpora: Any, held: str, epochs: int,
                  seed: int = 0) -> None:
    """Train and save each recipe's fold model not yet in `paths` (`corpora()` builds the
    corpora by recipe name, only when a model is missing)."""
    began = time.perf_counter()
    if all(p.exists() for p in paths.values()):
        return
    built = corpora()
    for name, path in paths.items():
        if not path.exists():
            about = f"fold without {held}, {name} recipe"
            path.write_bytes(train(built[name], epochs, about, seed).to_bytes())
        print(f"{name}: trained ({time.perf_counter() - began:.0f} s)", flush=True)


def compare(work: Path, held: str, paths: dict[str, Path], count: int,
            confusions: bool) -> dict[str, Any]:
    """Both fold models (`paths`: the shipped recipe first, then the candidate) decoded on the
    same trials and judged under the shipped rule: figures by source, and the paired answers."""
    import voice_loso

    began = time.perf_counter()
    candidate = list(paths)[1]
    rows = {name: voice_loso.fold_rows(work, held, path, count, 5)
            for name, path in paths.items()}
    rows_c = {name: confusion_rows(work, path) if confusions else []
              for name, path in paths.items()}
    print(f"decoded ({time.perf_counter() - began:.0f} s)", flush=True)
    split = {name: by_source(value) for name, value in rows.items()}
    sources: dict[str, Any] = {}
    for source in split["shipped"]:
        sources[source] = {name: figures(split[name][source]) for name in paths} | {
            "paired": paired(split["shipped"][source], split[candidate][source], candidate)}
    for cond in ("quiet", "10db") if confusions else ():
        cases: dict[str, Any] = {}
        for text in ("eight eight", "eight five", "help", "two"):
            some = {name: [r for r in value if r["cond"] == cond
                           and r["label"].split("'")[1] == text]
                    for name, value in rows_c.items()}
            cases[text] = {name: f"{sum(r['right'] for r in v)}/{len(v)}"
                           for name, v in some.items()}
        pick = {name: [r for r in value if r["cond"] == cond] for name, value in rows_c.items()}
        cases["paired"] = paired(pick["shipped"], pick[candidate], candidate)
        cases["wrong_postings"] = {name: sum(r["posts"] for r in v) for name, v in pick.items()}
        sources[f"confusion cases {cond}"] = cases
    return sources


def save(out: Path | None, key: str, result: dict[str, Any]) -> None:
    """Print one fold's figures and merge them into `out` under `key`."""
    print(json.dumps(result, indent=1))
    if out:
        saved = json.loads(out.read_text()) if out.exists() else {"folds": {}}
        saved["folds"][key] = result
        out.write_text(json.dumps(saved, indent=2) + "\n")


def fold_parser(doc: str, workdir: str, *, confusions: bool) -> argparse.ArgumentParser:
    """The options every fold comparison takes (a candidate recipe adds its own)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--fold", choices=corpus.FSDD_DEV_SPEAKERS, required=True)
    parser.add_argument("--workdir", type=Path, default=Path(workdir))
    parser.add_argument("--espeak", type=int, default=4000)
    parser.add_argument("--fsdd", type=int, default=1500)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--models-only", action="store_true")
    parser.add_argument("--confusions", action=argparse.BooleanOptionalAction,
                        default=confusions, help="also decode bench/voice_confusions.py's cases")
    parser.add_argument("--out", type=Path, help="merge this fold's figures into this JSON")
    return parser


def focus_parser(doc: str) -> argparse.ArgumentParser:
    """`fold_parser` with the focused recipe's options (--focus, --fsdd-focus)."""
    parser = fold_parser(doc, "/tmp/voice_focus", confusions=True)
    parser.add_argument("--focus", type=float, default=0.2)
    parser.add_argument("--fsdd-focus", type=float, help="the real speakers' focused share "
                        "(default: --focus)")
    return parser


def focus_models(args: argparse.Namespace) -> tuple[dict[str, Path], dict[str, Any]]:
    """The fold's two models (the shipped recipe's and the focused one's: trained when
    missing) and what they were trained with, from `focus_parser`'s arguments."""
    work, held = args.workdir, args.fold
    work.mkdir(parents=True, exist_ok=True)
    tag = f"{held}-{args.espeak}-{args.fsdd}-{args.epochs}"
    fsdd_focus = args.focus if args.fsdd_focus is None else args.fsdd_focus
    fsdd_tag = "" if fsdd_focus == args.focus else f"-fsdd{fsdd_focus:g}"
    paths = {"shipped": work / f"words-{tag}.npz",
             "focus": work / f"words-{tag}-focus{args.focus:g}{fsdd_tag}.npz"}
    train_missing(paths, lambda: fold_corpora(work, held, args.espeak, args.fsdd, args.focus,
                                              fsdd_focus), held, args.epochs)
    about = {"fold": held, "espeak": args.espeak, "fsdd": args.fsdd, "focus": args.focus,
             "fsdd_focus": fsdd_focus, "epochs": args.epochs}
    return paths, about


def main(argv: Sequence[str] | None = None) -> None:
    """Build, train, decode and compare one fold."""
    args = focus_parser(__doc__ or "").parse_args(argv)
    paths, result = focus_models(args)
    if args.models_only:
        return
    result["sources"] = compare(args.workdir, args.fold, paths, args.count, args.confusions)
    save(args.out, args.fold, result)

if __name__ == "__main__":
    main()

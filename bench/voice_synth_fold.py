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
rows are cached in ``--workdir`` (parts shared with `bench/voice_focus_fold.py`'s naming). Training,
decoding and the comparison are `bench/voice_focus_fold.py`'s.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.append(str(ROOT / "bench"))

from voice_focus_fold import (  # type: ignore[import-not-found]
    compare,
    fold_parser,
    save,
    train_missing,
)
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


def main(argv: Sequence[str] | None = None) -> None:
    """Build, train, decode and compare one fold."""
    parser = fold_parser(__doc__ or "", "/tmp/voice_synth", confusions=False)
    parser.add_argument("--synth", type=float, default=0.3,
                        help="share of the espeak-ng utterances spoken by flite and festival")
    parser.add_argument("--workers", type=int, default=1, help="processes building corpora")
    parser.add_argument("--seed", type=int, default=0, help="training seed (both models)")
    args = parser.parse_args(argv)
    work, held = args.workdir, args.fold
    work.mkdir(parents=True, exist_ok=True)
    tag = f"{held}-{args.espeak}-{args.fsdd}-{args.epochs}" + (
        f"-seed{args.seed}" if args.seed else "")
    paths = {"shipped": work / f"words-{tag}.npz",
             "synth": work / f"words-{tag}-synth{args.synth:g}.npz"}
    train_missing(paths, lambda: fold_corpora(work, held, args.espeak, args.fsdd, args.synth,
                                              args.workers), held, args.epochs, args.seed)
    if args.models_only:
        return
    result: dict[str, Any] = {"fold": held, "espeak": args.espeak, "fsdd": args.fsdd,
                              "synth": args.synth, "synth_voices": corpus.synth_voices("dev"),
                              "epochs": args.epochs, "seed": args.seed}
    result["sources"] = compare(work, held, paths, args.count, args.confusions)
    save(args.out, held + (f" seed {args.seed}" if args.seed else ""), result)


if __name__ == "__main__":
    main()

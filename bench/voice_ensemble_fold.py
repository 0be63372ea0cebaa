"""An ensemble of the shipped and focused word models against the shipped one (issue 12), dev
only.

On a development fold of `bench/voice_focus_fold.py` (one development speaker and half of the
development espeak-ng voices never heard), the two fold models it trains -- the shipped recipe
and the focused one (`--focus`, `--fsdd-focus`) -- are joined into one model that averages
their per-frame probabilities (`WordModel.ensemble`), and the ensemble is scored against the
shipped recipe's model alone on the same trials, under the shipped rejection rule: figures
by source and the answers right with one model only (a sign test). The focused model alone is
`bench/voice_focus_fold.py`'s comparison (it shares the work directory and its models). Test
speakers and voices are never read.

Run from the project root: ``nice -n 19 .venv/bin/python bench/voice_ensemble_fold.py --fold
george --fsdd-focus 0 --out bench/results/voice_ensemble_fold.json``.
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
    fold_corpora,
    fold_parser,
    save,
    train_missing,
)

from assistant.speech.embedding.model import WordModel


def main(argv: Sequence[str] | None = None) -> None:
    """Train what is missing, join the ensemble, decode and compare one fold."""
    parser = fold_parser(__doc__ or "", "/tmp/voice_focus", confusions=True)
    parser.add_argument("--focus", type=float, default=0.2)
    parser.add_argument("--fsdd-focus", type=float, help="the real speakers' focused share "
                        "(default: --focus)")
    args = parser.parse_args(argv)
    work, held = args.workdir, args.fold
    work.mkdir(parents=True, exist_ok=True)
    tag = f"{held}-{args.espeak}-{args.fsdd}-{args.epochs}"
    fsdd_focus = args.focus if args.fsdd_focus is None else args.fsdd_focus
    fsdd_tag = "" if fsdd_focus == args.focus else f"-fsdd{fsdd_focus:g}"
    paths = {"shipped": work / f"words-{tag}.npz",
             "focus": work / f"words-{tag}-focus{args.focus:g}{fsdd_tag}.npz"}
    train_missing(paths, lambda: fold_corpora(work, held, args.espeak, args.fsdd, args.focus,
                                              fsdd_focus), held, args.epochs)
    joined = work / f"words-{tag}-ensemble-focus{args.focus:g}{fsdd_tag}.npz"
    if not joined.exists():
        models = [WordModel.load(p) for p in paths.values()]
        joined.write_bytes(WordModel.ensemble(models).to_bytes())
    if args.models_only:
        return
    result: dict[str, Any] = {"fold": held, "espeak": args.espeak, "fsdd": args.fsdd,
                              "focus": args.focus, "fsdd_focus": fsdd_focus,
                              "epochs": args.epochs, "candidate": "ensemble of shipped+focus"}
    result["sources"] = compare(work, held, {"shipped": paths["shipped"], "ensemble": joined},
                                args.count, args.confusions)
    save(args.out, held, result)


if __name__ == "__main__":
    main()

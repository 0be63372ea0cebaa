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

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.append(str(ROOT / "bench"))

from voice_focus_fold import (  # type: ignore[import-not-found]
    compare,
    focus_models,
    focus_parser,
    save,
)

from assistant.speech.embedding.model import WordModel


def main(argv: Sequence[str] | None = None) -> None:
    """Train what is missing, join the ensemble, decode and compare one fold."""
    args = focus_parser(__doc__ or "").parse_args(argv)
    paths, result = focus_models(args)
    joined = paths["focus"].with_name(paths["focus"].name.replace("-focus", "-ensemble-focus"))
    if not joined.exists():
        models = [WordModel.load(p) for p in paths.values()]
        joined.write_bytes(WordModel.ensemble(models).to_bytes())
    if args.models_only:
        return
    result["candidate"] = "ensemble of shipped+focus"
    result["sources"] = compare(args.workdir, args.fold,
                                {"shipped": paths["shipped"], "ensemble": joined}, args.count,
                                args.confusions)
    save(args.out, args.fold, result)

if __name__ == "__main__":
    main()

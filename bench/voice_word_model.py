"""Speaker-independent figures of one embedding word model (issue 12), without enrolment.

`bench/assistant_voice.py` measures the shipped chain end to end, enrolment included (which
takes most of its time). Choosing a word model only needs the speaker-independent half:
this script decodes the very same trials as that bench (same seeds, same audio) for the real
speakers without enrolment and for the espeak-ng voices, through a word model given by path,
under the shipped rejection rule.

Run from the project root:
``.venv/bin/python bench/voice_word_model.py --model FILE --split test --out result.json``
(``--part real``, ``--part espeak:0/2`` ... with ``--rows-out`` to share the work between
processes, then ``--merge A.pkl B.pkl ...``; ``--enrolled`` adds the enrolled figures from
bench/assistant_voice.py's own ``--part real:SPEAKER`` rows; ``--baseline
bench/results/assistant_voice.json`` puts another run's figures beside these, key by key).
``--split dev`` scores the development
speakers and the sample of development voices that `bench/assistant_voice.py --dev` scores (the
shipped model was trained on them: optimistic). Only run ``--split test`` for a model already
chosen on development figures.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.append(str(ROOT / "bench"))

from assistant.settings import AssistantSettings
from assistant.speech.embedding import corpus
from assistant.speech.embedding.engine import EmbeddingEngine
from assistant.speech.embedding.model import bundled_model_path
from assistant.speech.factory import rejection_thresholds


def _decoder(model: Path) -> Any:
    import assistant_voice as bench  # type: ignore[import-not-found]

    settings = AssistantSettings()
    return bench.Decoder(EmbeddingEngine(model), rejection_thresholds(settings, "embedding"),
                         settings.vad)


def _setup(split: str) -> tuple[Sequence[str], list[str], int, int, int]:
    """(speakers, voices, real trial count, espeak seed, per voice) as the bench uses them."""
    if split == "test":
        return corpus.FSDD_TEST_SPEAKERS, corpus.espeak_voices("test"), 200, 7, 5
    return corpus.FSDD_DEV_SPEAKERS, corpus.espeak_voices("dev")[::4], 100, 101, 5


def part_rows(model: Path, split: str, part: str) -> dict[str, Any]:
    """The rows of one share: ``real`` (every speaker, speaker-independent) or ``espeak:I/N``."""
    import assistant_voice as bench

    decoder = _decoder(model)
    speakers, voices, count, seed, per_voice = _setup(split)
    if part == "real":
        real = bench.real_speakers(decoder, speakers, count, enrol=False)
        return {"model": str(model), "split": split, "real": real["rows"], "espeak": {}}
    index, parts = (int(v) for v in part.split(":")[1].split("/"))
    espeak = bench.espeak_figures(decoder, voices, per_voice, seed=seed, shard=(index, parts))
    return {"model": str(model), "split": split, "real": {},
            "espeak": {cond: value["rows"] for cond, value in espeak.items()}}


def figures(saved: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The headline figures (as `bench/assistant_voice.py` names them) from parts' rows."""
    import assistant_voice as bench

    real: dict[str, list[dict[str, Any]]] = {}
    espeak: dict[str, list[dict[str, Any]]] = {}
    for one in saved:
        for key, rows in one["real"].items():
            real.setdefault(key, []).extend(rows)
        for key, rows in one["espeak"].items():
            espeak.setdefault(key, []).extend(rows)
    head = bench._headline(bench.real_summary(real, {}), bench.espeak_summary(espeak), "")
    out = {k: v for k, v in head.items()
           if v is not None and "enrolled" not in k and (real or not k.startswith("real"))}
    out["espeak_confusions"] = {cond: bench.espeak_summary(espeak)[cond]["confusions"]
                                for cond in espeak}
    return out


def enrolled_figures(saved: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The enrolled headline figures from `bench/assistant_voice.py --test-only --part
    real:SPEAKER` runs' rows (that script enrols; this one does not), and the
    speaker-independent ones those runs decoded too (to check they are this script's)."""
    import assistant_voice as bench

    real: dict[str, list[dict[str, Any]]] = {}
    for one in saved:
        for key, rows in one["real"].items():
            real.setdefault(key, []).extend(rows)
    head = bench._headline(bench.real_summary(real, {}), {}, "")
    return {"enrolled": {k: v for k, v in head.items() if "enrolled" in k},
            "speaker_independent_again": {k: v for k, v in head.items() if "_si_" in k}}


def beside(figures: dict[str, Any], baseline: dict[str, Any]) -> dict[str, list[Any]]:
    """Each headline figure of `figures` that `baseline` also has: [baseline, this run]."""
    return {key: [baseline[key], value] for key, value in figures.items()
            if isinstance(value, float) and isinstance(baseline.get(key), float)}


def main(argv: Sequence[str] | None = None) -> None:
    """Decode a share (``--part``) or everything, or merge shares, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=bundled_model_path())
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--part", help="real, or espeak:I/N (the voices numbered I modulo N)")
    parser.add_argument("--rows-out", type=Path, help="where --part writes its rows (pickle)")
    parser.add_argument("--merge", type=Path, nargs="+", default=(),
                        help="figures from --part runs' rows")
    parser.add_argument("--out", type=Path, help="write the figures here (JSON)")
    parser.add_argument("--enrolled", type=Path, nargs="+", default=(),
                        help="rows of bench/assistant_voice.py --test-only --part real:SPEAKER "
                        "runs with the same word model (FACET_ASSISTANT_SPEECH__WORD_MODEL_PATH): "
                        "adds the enrolled figures")
    parser.add_argument("--baseline", type=Path,
                        help="a result JSON (this script's or bench/assistant_voice.py's) whose "
                        "figures to put beside these")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    if args.part:
        rows = part_rows(args.model, args.split, args.part)
        if args.rows_out is None:
            parser.error("--part needs --rows-out")
        args.rows_out.write_bytes(pickle.dumps(rows))
        return
    if args.merge:  # written by this script's --part runs
        saved = [pickle.loads(path.read_bytes()) for path in args.merge]
    else:
        saved = [part_rows(args.model, args.split, "real"),
                 part_rows(args.model, args.split, "espeak:0/1")]
    models = sorted({str(one["model"]) for one in saved})
    splits = sorted({str(one["split"]) for one in saved})
    result = {"model": models[0] if len(models) == 1 else models,
              "split": splits[0] if len(splits) == 1 else splits,
              **figures(saved),
              "seconds": round(time.perf_counter() - began)}
    if args.enrolled:  # written by bench/assistant_voice.py's `_test_part`
        more = enrolled_figures([pickle.loads(path.read_bytes()) for path in args.enrolled])
        result |= more["enrolled"]
        result["enrolled_runs_speaker_independent"] = more["speaker_independent_again"]
    if args.baseline:
        result["baseline"] = {"file": str(args.baseline),
                              "figures_baseline_this": beside(
                                  result, json.loads(args.baseline.read_text()))}
    print(json.dumps(result, indent=1))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

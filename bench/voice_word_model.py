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
from assistant.speech.base import Transcript
from assistant.speech.embedding import corpus
from assistant.speech.embedding.engine import EmbeddingEngine, EmbeddingRecognizer
from assistant.speech.embedding.model import bundled_model_path
from assistant.speech.factory import rejection_thresholds

_AS_HEARD: list[Any] = []  # each final's decode before tempo variants (`--tempos`)
TEMPO_FIELDS = ("heard", "score", "got", "confidence", "rejected", "right", "posts")


def _recording_tempo_due(original: Any) -> Any:
    def due(self: EmbeddingRecognizer, decoded: Any, audio_s: float) -> bool:
        _AS_HEARD.append(decoded)
        return bool(original(self, decoded, audio_s))
    return due


def _decoder(model: Path, tempos: Sequence[float] = (), doubt: float = 1.0) -> Any:
    """The bench's decoder over `model`; with `tempos`, the engine decodes at those tempos
    too (`EmbeddingEngine(tempos=...)`) and each row also keeps, under ``as_heard``, how the
    same first final would have been judged without them (the same trial, one decode)."""
    import assistant_voice as bench  # type: ignore[import-not-found]

    settings = AssistantSettings()
    engine = EmbeddingEngine(model, tempos=tempos, tempo_doubt=doubt)
    rule = rejection_thresholds(settings, "embedding")
    if not tempos:
        return bench.Decoder(engine, rule, settings.vad)
    if not hasattr(EmbeddingRecognizer._tempo_due, "recording"):
        due = _recording_tempo_due(EmbeddingRecognizer._tempo_due)
        due.recording = True
        setattr(EmbeddingRecognizer, "_tempo_due", due)  # noqa: B010

    class Paired(bench.Decoder):  # type: ignore[misc]
        def decode(self, trial: Any, profile: bytes | None = None) -> dict[str, Any]:
            _AS_HEARD.clear()
            row = dict(super().decode(trial, profile))
            first = next((d for d in _AS_HEARD if d.tokens), None)
            heard = Transcript("", True) if first is None else Transcript(
                " ".join(first.tokens), is_final=True, confidence=first.posterior,
                score=first.score)
            base = {k: v for k, v in row.items() if k not in TEMPO_FIELDS}
            judged = bench.judge(base, heard, self.rule)
            row["as_heard"] = {k: judged[k] for k in TEMPO_FIELDS}
            return row

    return Paired(engine, rule, settings.vad)


def _setup(split: str) -> tuple[Sequence[str], list[str], int, int, int]:
    """(speakers, voices, real trial count, espeak seed, per voice) as the bench uses them."""
    if split == "test":
        return corpus.FSDD_TEST_SPEAKERS, corpus.espeak_voices("test"), 200, 7, 5
    return corpus.FSDD_DEV_SPEAKERS, corpus.espeak_voices("dev")[::4], 100, 101, 5


def part_rows(model: Path, split: str, part: str, tempos: Sequence[float] = (),
              doubt: float = 1.0) -> dict[str, Any]:
    """The rows of one share: ``real`` (every speaker, speaker-independent) or ``espeak:I/N``."""
    import assistant_voice as bench

    decoder = _decoder(model, tempos, doubt)
    speakers, voices, count, seed, per_voice = _setup(split)
    if part == "real":
        real = bench.real_speakers(decoder, speakers, count, enrol=False)
        return {"model": str(model), "split": split, "real": real["rows"], "espeak": {},
                "tempos": list(tempos), "tempo_doubt": doubt}
    index, parts = (int(v) for v in part.split(":")[1].split("/"))
    espeak = bench.espeak_figures(decoder, voices, per_voice, seed=seed, shard=(index, parts))
    return {"model": str(model), "split": split, "real": {},
            "espeak": {cond: value["rows"] for cond, value in espeak.items()},
            "tempos": list(tempos), "tempo_doubt": doubt}


def as_heard(saved: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The parts' rows as judged without the tempo variants (rows without ``as_heard``: as
    they are)."""
    def back(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**r, **r.get("as_heard", {})} for r in rows]

    return [{**one, "real": {k: back(v) for k, v in one["real"].items()},
             "espeak": {k: back(v) for k, v in one["espeak"].items()}} for one in saved]


def paired(saved: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Answers right with the tempo variants only and without them only, per part and key."""
    out: dict[str, Any] = {}
    for one in saved:
        for kind in ("real", "espeak"):
            for key, rows in one[kind].items():
                said = [r for r in rows if r["in_grammar"] and not r["posting_trial"]
                        and "as_heard" in r]
                counts = out.setdefault(f"{kind}_{key}", [0, 0, 0, 0])
                counts[0] += sum(r["right"] and not r["as_heard"]["right"] for r in said)
                counts[1] += sum(r["as_heard"]["right"] and not r["right"] for r in said)
                posting = [r for r in rows if r["posting_trial"] and "as_heard" in r]
                counts[2] += sum(r["posts"] for r in posting)
                counts[3] += sum(r["as_heard"]["posts"] for r in posting)
    return {"columns": ["gained", "lost", "wrong_postings_tempo", "wrong_postings_as_heard"],
            **out}


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
    parser.add_argument("--tempos", type=float, nargs="*", default=(),
                        help="tempo factors the engine also decodes each answer at (1.2: "
                        "faster); the rows keep the answer as heard too, scored beside")
    parser.add_argument("--tempo-doubt", type=float, default=1.0,
                        help="the posterior under which the tempo variants run")
    parser.add_argument("--baseline", type=Path,
                        help="a result JSON (this script's or bench/assistant_voice.py's) whose "
                        "figures to put beside these")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    if args.part:
        rows = part_rows(args.model, args.split, args.part, args.tempos, args.tempo_doubt)
        if args.rows_out is None:
            parser.error("--part needs --rows-out")
        args.rows_out.write_bytes(pickle.dumps(rows))
        return
    if args.merge:  # written by this script's --part runs
        saved = [pickle.loads(path.read_bytes()) for path in args.merge]
    else:
        saved = [part_rows(args.model, args.split, "real", args.tempos, args.tempo_doubt),
                 part_rows(args.model, args.split, "espeak:0/1", args.tempos, args.tempo_doubt)]
    models = sorted({str(one["model"]) for one in saved})
    splits = sorted({str(one["split"]) for one in saved})
    result = {"model": models[0] if len(models) == 1 else models,
              "split": splits[0] if len(splits) == 1 else splits,
              **figures(saved),
              "seconds": round(time.perf_counter() - began)}
    if any(one.get("tempos") for one in saved):
        result["tempos"] = sorted({tuple(one.get("tempos", ())) for one in saved})
        result["tempo_doubt"] = sorted({one.get("tempo_doubt") for one in saved})
        result["as_heard"] = figures(as_heard(saved))
        result["as_heard_beside_tempos"] = beside(result, result["as_heard"])
        result["paired"] = paired(saved)
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

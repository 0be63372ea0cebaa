"""Test-time tempo variants against the answer as heard, on a development fold (issue 12).

The embedding engine can decode a doubtful short answer again as if spoken faster or slower
(`EmbeddingEngine(tempos=...)`, `assistant.speech.embedding.tempo`) and weigh the variants'
sentences together. Here every trial is decoded once as the dialogue would, with the tempo
variants off, keeping each final answer's audio and its decode; the variants are then decoded
from that very audio for every candidate (tempo factors, and the posterior under which they
run), so all candidates and the chain as it is are scored on the same trials, in the same
process. Only the final decode changes (the end of the utterance is found by the partial
decodes, which the variants never touch), so each figure is what the engine would give.

Trials, all of speech the fold's word model never heard (`bench/voice_loso.py`'s folds):
the held-out development speaker's check digits and quantities, quiet and at 10 dB
(`assistant_voice.real_trials`, recordings 5-49), the bench's fast x1.3 and base edges on
the held-out speaker, and a share of the held-out development voices
(`assistant_voice.espeak_trials`, in and out of grammar). Test speakers and voices are never
read.

Run from the project root: ``nice -n 19 .venv/bin/python bench/voice_tempo_dev.py --model
/tmp/voiceL/loso/words-without-george.npz --held george --out /tmp/voiceL/tempo-george.json``;
``--merge A.json B.json --out bench/results/voice_tempo_dev.json`` pools folds.
"""

from __future__ import annotations

import argparse
import json
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

import assistant_voice as bench  # type: ignore[import-not-found]

from assistant.settings import AssistantSettings
from assistant.speech.base import Transcript
from assistant.speech.calibration import dev_voice_halves
from assistant.speech.embedding import corpus
from assistant.speech.embedding.engine import EmbeddingEngine, EmbeddingRecognizer
from assistant.speech.embedding.graph import Decoded
from assistant.speech.embedding.tempo import combine
from assistant.speech.factory import rejection_thresholds

#: Candidates: (name, tempo factors, posterior under which the variants run, mode).
#: Modes: ``combine`` (the engine's: sentences weighed over the variants), ``veto`` (the
#: answer as heard, re-prompted when it would act, post or be the expected check digits, and
#: some variant's best sentence is another), ``veto-all`` (the same for every answer).
SLOW, FAST, SLOWER = 1 / 1.2, 1.2, 1 / 1.35
CANDIDATES: list[tuple[str, tuple[float, ...], float, str]] = [
    (f"{mode} {name}{'' if doubt > 1 else f' doubt{doubt}'}", tempos, doubt, mode)
    for mode in ("combine", "veto", "veto-all")
    for name, tempos in (("slow1.2", (SLOW,)), ("fast1.2", (FAST,)), ("both1.2", (SLOW, FAST)),
                         ("slow1.35", (SLOWER,)))
    for doubt in (1.01, 0.9)
]

_RECORD: list[tuple[np.ndarray, Decoded]] = []


def _recording_due(self: EmbeddingRecognizer, decoded: Decoded, audio_s: float) -> bool:
    """Stands in for `_tempo_due` while decoding: keeps the final's audio, runs no variant."""
    _RECORD.append((self.complete_audio(), decoded))
    return False


def _trials(held: str, count: int, per_voice: int, voices_every: int) -> list[tuple[str, Any]]:
    """(source, trial) of the held-out speaker and a share of the held-out voices."""
    data = corpus.read_fsdd((held,))
    test_indices = [i for i in range(50) if i not in bench.ENROL_INDICES]
    out: list[tuple[str, Any]] = []
    for cond, snr in bench.SNRS.items():
        for t in bench.real_trials(data[held], snr, seed=1000 + len(held) * 77, count=count,
                                   indices=test_indices):
            out.append((f"real {cond}", t))
    rng = random.Random(7 + len(held))
    for n in range(count):
        digits = [rng.randrange(10), rng.randrange(10)]
        picks = [data[held][d][rng.randrange(5, 50)] for d in digits]
        seed = 4000 + n + len(held) * 1000
        base = np.concatenate([np.zeros(3200), picks[0], np.zeros(800), picks[1], np.zeros(3200)])
        speech = np.concatenate([picks[0], np.zeros(800), picks[1]])
        said = f"digits:{''.join(map(str, digits))}"
        for name, pcm in (("edge base", bench._noisy(base, 8000, 30.0, seed)),
                          ("edge fast_x1.3", bench._noisy(np.concatenate(
                              [np.zeros(3200), bench._tempo(speech, 1.3), np.zeros(3200)]),
                              8000, 30.0, seed))):
            out.append((name, bench.Trial(pcm, 8000, "digits", (("digits", 2),), said, said,
                                          f"{name}: {held} {digits}")))
    _, held_voices = dev_voice_halves(corpus.espeak_voices("dev"))
    number = corpus.FSDD_DEV_SPEAKERS.index(held)
    voices = held_voices[number::voices_every]
    for cond, snr in bench.SNRS.items():
        for t in bench.espeak_trials(voices, bench.CASES, snr, 101 + number, per_voice):
            out.append((f"espeak {cond}", t))
        for t in bench.espeak_trials(voices[::2], bench.OOG_CASES, snr, 102 + number, 2,
                                     in_grammar=False):
            out.append((f"espeak {cond}", t))
    return out


def record(model: Path, held: str, count: int, per_voice: int, voices_every: int,
           ) -> list[dict[str, Any]]:
    """Decode every trial as the dialogue would (variants off), keeping the first final's
    audio and decode in each row (`final`: (audio, decoded) or None)."""
    setattr(EmbeddingRecognizer, "_tempo_due", _recording_due)  # noqa: B010
    engine = EmbeddingEngine(model)
    rule = rejection_thresholds(AssistantSettings(), "embedding")
    decoder = bench.Decoder(engine, rule, AssistantSettings().vad)
    rows = []
    trials = _trials(held, count, per_voice, voices_every)
    print(f"{len(trials)} trials", flush=True)
    for n, (source, trial) in enumerate(trials):
        _RECORD.clear()
        row = decoder.decode(trial)
        finals = [r for r in _RECORD if r[1].tokens]
        rows.append({**row, "source": source, "final": finals[0] if finals else None,
                     "context": trial.context,
                     "seconds": len(trial.pcm) / (2 * trial.rate)})
        if n % 100 == 0:
            print(n, source, row["label"], row["heard"], flush=True)
    return rows


def variant_decodes(engine: EmbeddingEngine, rows: Sequence[dict[str, Any]],
                    tempos: Sequence[float]) -> list[dict[float, Any]]:
    """Per row, the first final's decode at each of `tempos` and the CPU seconds each took."""
    recognizers: dict[tuple[Any, ...], EmbeddingRecognizer] = {}
    out: list[dict[float, Any]] = []
    for row in rows:
        if row["final"] is None:
            out.append({})
            continue
        key = (row["expect"], row["context"])
        if key not in recognizers:
            grammar = bench.PACK.grammar(row["expect"], **dict(row["context"]))
            recognizers[key] = engine.recognizer(grammar, sample_rate=16000)
        decodes = {}
        for factor in tempos:
            began = time.process_time()
            decoded = recognizers[key].tempo_decodes(row["final"][0], (factor,))[0]
            decodes[factor] = (decoded, time.process_time() - began)
        out.append(decodes)
    return out


def rescore(engine: EmbeddingEngine, rows: Sequence[dict[str, Any]],
            variants: Sequence[dict[float, Any]], tempos: tuple[float, ...], doubt: float,
            mode: str = "combine") -> tuple[list[dict[str, Any]], list[float]]:
    """The rows as the engine with these variants would judge them; the CPU seconds the
    variants took, per answer that ran them."""
    rule = rejection_thresholds(AssistantSettings(), "embedding")
    out, spent = [], []
    for row, decodes in zip(rows, variants, strict=True):
        final = row["final"]
        if final is None:
            out.append(row)
            continue
        audio, decoded = final
        if not (decoded.complete and decoded.posterior < doubt
                and audio.size / 16000 <= engine.tempo_max_s):
            out.append(row)
            continue
        spent.append(sum(decodes[f][1] for f in tempos))
        if mode != "combine":
            disagree = any(decodes[f][0].tokens != decoded.tokens for f in tempos)
            acts = row["got"] is not None and row["got"] == row["acting"]
            if disagree and not row["rejected"] and (acts or mode == "veto-all"):
                out.append({**row, "rejected": True, "right": False, "posts": False})
            else:
                out.append(row)
            continue
        combined = combine([decoded, *(decodes[f][0] for f in tempos)])
        heard = Transcript(" ".join(combined.tokens), is_final=True,
                           confidence=combined.posterior, score=combined.score)
        base = {k: v for k, v in row.items() if k not in ("heard", "score", "got", "confidence",
                                                          "rejected", "right", "posts")}
        out.append(bench.judge(base, heard, rule))
    return out, spent


def figures(rows: Sequence[dict[str, Any]], before: Sequence[dict[str, Any]],
            ) -> dict[str, Any]:
    """Per source: right answers, re-prompts, wrong answers accepted, wrong postings, out of
    grammar accepted; and the answers right with one chain only (gained, lost)."""
    out: dict[str, Any] = {}
    for source in sorted({r["source"] for r in rows}):
        pairs = [(a, b) for a, b in zip(rows, before, strict=True) if a["source"] == source]
        said = [(a, b) for a, b in pairs if a["in_grammar"] and not a["posting_trial"]]
        posting = [a for a, _ in pairs if a["posting_trial"]]
        oog = [a for a, _ in pairs if not a["in_grammar"]]
        out[source] = {
            "right": sum(a["right"] for a, _ in said), "of": len(said),
            "reprompted": sum(a["rejected"] for a, _ in said),
            "wrong_accepted": sum(not a["right"] and not a["rejected"] for a, _ in said),
            "wrong_postings": sum(a["posts"] for a in posting), "posting_trials": len(posting),
            "oog_accepted": sum(not a["rejected"] for a in oog), "oog": len(oog),
            "gained": sum(a["right"] and not b["right"] for a, b in said),
            "lost": sum(b["right"] and not a["right"] for a, b in said),
        }
    return out


def totals(fig: dict[str, Any]) -> dict[str, Any]:
    """The figures pooled: real answers (the held-out speaker's trials and both edges), the
    fast edge alone, espeak in grammar, out of grammar accepted, wrong postings."""
    def pool(prefix: str, key: str) -> int:
        return sum(v[key] for k, v in fig.items() if k.startswith(prefix))

    return {"real": f"{pool('real', 'right')}/{pool('real', 'of')}",
            "fast_x1.3": f"{pool('edge fast', 'right')}/{pool('edge fast', 'of')}",
            "edge_base": f"{pool('edge base', 'right')}/{pool('edge base', 'of')}",
            "espeak": f"{pool('espeak', 'right')}/{pool('espeak', 'of')}",
            "gained_lost": [pool("", "gained"), pool("", "lost")],
            "reprompted": pool("", "reprompted"), "wrong_accepted": pool("", "wrong_accepted"),
            "wrong_postings": pool("", "wrong_postings"), "oog_accepted": pool("", "oog_accepted")}


def main(argv: Sequence[str] | None = None) -> None:
    """Record one fold's trials (cached), score every candidate, write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path)
    parser.add_argument("--held", choices=corpus.FSDD_DEV_SPEAKERS)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--per-voice", type=int, default=5)
    parser.add_argument("--voices-every", type=int, default=6)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/voiceL"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--merge", nargs="*", type=Path, default=())
    parser.add_argument("--only", nargs="*", default=(),
                        help="score only the candidates with these names (default: all)")
    args = parser.parse_args(argv)
    if args.merge:
        merged = [json.loads(p.read_text()) for p in args.merge]
        args.out.write_text(json.dumps({"folds": merged}, indent=1))
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    cache = args.workdir / f"tempo-rows-{args.held}-{args.model.stem}.pkl"
    if cache.exists():
        rows = pickle.loads(cache.read_bytes())
    else:
        rows = record(args.model, args.held, args.count, args.per_voice, args.voices_every)
        cache.write_bytes(pickle.dumps(rows))
    result: dict[str, Any] = {"model": str(args.model), "held": args.held,
                              "as_heard": figures(rows, rows), "candidates": {}}
    result["as_heard_totals"] = totals(result["as_heard"])
    print("as heard", json.dumps(result["as_heard_totals"]), flush=True)
    engine = EmbeddingEngine(args.model)
    chosen = [c for c in CANDIDATES if not args.only or c[0] in args.only]
    factors = sorted({f for _, tempos, _, _ in chosen for f in tempos})
    check = rows[:: max(1, len(rows) // 40)]  # factor 1 must give the decode itself
    same, _ = rescore(engine, check, variant_decodes(engine, check, (1.0,)), (1.0,), 1.01)
    result["check_factor_1_same"] = sum(a["heard"] == b["heard"] for a, b in
                                        zip(same, check, strict=True)) / len(check)
    print("factor 1 reproduces the decode:", result["check_factor_1_same"], flush=True)
    variants = variant_decodes(engine, rows, factors)
    for name, tempos, doubt, mode in chosen:
        rescored, spent = rescore(engine, rows, variants, tempos, doubt, mode)
        result["candidates"][name] = {
            "tempos": tempos, "doubt": doubt, "mode": mode,
            "figures": figures(rescored, rows),
            "ran_on": len(spent), "answers": sum(r["final"] is not None for r in rows),
            "cpu_ms_median": round(1000 * float(np.median(spent)), 1) if spent else None,
            "cpu_ms_p90": round(1000 * float(np.percentile(spent, 90)), 1) if spent else None}
        result["candidates"][name]["totals"] = totals(result["candidates"][name]["figures"])
        print(name, json.dumps({k: v for k, v in result["candidates"][name].items()
                                if k != "figures"}), flush=True)
    args.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

"""The embedding decoder's word bonus, off against on, on the very same trials (issue 12).

The word bonus (`assistant.speech.embedding.graph.decode`, setting
``speech.embedding_word_bonus``) was chosen on development data (1.5;
``bench/results/voice_decoder_prior.json``). This script scores it once on the trials of
``bench/voice_word_model.py`` (speaker-independent real speakers and espeak-ng voices, the
shipped word model and rejection rule), paired: each trial is decoded once as the dialogue
would, with the bonus off, recording the word model's log-probs of every finished utterance;
those log-probs are then decoded again with the bonus off (which must give the recorded
transcripts: the check that the recording is the decode) and on. The bonus could also move
where an utterance ends (the listener asks the recogniser what it heard during each pause,
`Listener._complete`): every such answer is decoded with the bonus too at recording time, and
a trial where the pause it needs changes is decoded again live with the bonus on, so every
figure is what the engine would give.

Run from the project root: ``.venv/bin/python bench/voice_decoder_bonus.py --split test
--out bench/results/voice_decoder_bonus_test.json``; on a shared machine in shares
(``--part real``, ``--part espeak:0/2`` ... with ``--rows-out``, then ``--merge A.pkl ...``).
The bonus compared is given by ``--bonus`` (1.5, chosen on development data: do not choose
another on test).
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.append(str(ROOT / "bench"))

import assistant_voice as bench  # type: ignore[import-not-found]

from assistant.settings import AssistantSettings
from assistant.speech.base import Transcript
from assistant.speech.embedding import engine as engine_module
from assistant.speech.embedding.engine import EmbeddingEngine, EmbeddingRecognizer
from assistant.speech.embedding.graph import decode
from assistant.speech.embedding.model import bundled_model_path
from assistant.speech.factory import rejection_thresholds
from assistant.voice.listener import Listener
from bench import voice_word_model


@dataclass
class _Recording:
    """What one trial's recogniser decoded: each pause's answer and each final's log-probs."""

    calls: list[np.ndarray] = field(default_factory=list)
    peeks: list[tuple[np.ndarray, str]] = field(default_factory=list)
    finals: list[np.ndarray | None] = field(default_factory=list)
    on: bool = True


RECORDING = _Recording()


def _install() -> None:
    """Record the log-probs the engine decodes (this process only)."""
    plain_peek, plain_finish = EmbeddingRecognizer.peek, EmbeddingRecognizer.finish

    def recorded_decode(graph: Any, log_probs: np.ndarray, index: dict[str, int],
                        **kwargs: Any) -> Any:
        if RECORDING.on:
            RECORDING.calls.append(log_probs)
        return decode(graph, log_probs, index, **kwargs)

    def peek(self: EmbeddingRecognizer) -> Transcript:
        calls = len(RECORDING.calls)
        out = plain_peek(self)
        if RECORDING.on and len(RECORDING.calls) > calls:
            RECORDING.peeks.append((RECORDING.calls[-1], out.text))
        return out

    def finish(self: EmbeddingRecognizer) -> Transcript:
        heard, calls = self._heard, len(RECORDING.calls)
        reused = self._peeked is not None and self._peeked.complete  # finish's own test
        out = plain_finish(self)
        if RECORDING.on:
            if not heard:
                RECORDING.finals.append(None)
            else:  # a fresh decode, or the last peek's (the last decode made)
                assert reused or len(RECORDING.calls) > calls
                RECORDING.finals.append(RECORDING.calls[-1])
        return out

    setattr(engine_module, "decode", recorded_decode)  # noqa: B010 (a module global)
    EmbeddingRecognizer.peek = peek  # type: ignore[method-assign]
    EmbeddingRecognizer.finish = finish  # type: ignore[method-assign]


def _pause(listener: Any, grammar: Any, heard: str) -> int | None:
    """The pause the listener would wait for after hearing `heard` (`Listener._pause_for`)."""
    probe = SimpleNamespace(recognizer=SimpleNamespace(grammar=grammar),
                            hangover_ms=listener.hangover_ms,
                            extendable_hangover_ms=Listener.extendable_hangover_ms)
    return Listener._pause_for(probe, heard)  # type: ignore[arg-type]


class RecordingDecoder(bench.Decoder):  # type: ignore[misc]
    """The bench's decoder (bonus off), recording each trial; `with_bonus` decodes live the
    trials where the bonus would end an utterance elsewhere."""

    with_bonus: Any = None
    bonus: float = 0.0
    check_live: bool = False

    def decode(self, trial: Any, profile: bytes | None = None) -> dict[str, Any]:
        """Decode `trial` with the bonus off, and keep what the re-decodes need."""
        RECORDING.calls.clear()
        RECORDING.peeks.clear()
        RECORDING.finals.clear()
        RECORDING.on = True
        row: dict[str, Any] = super().decode(trial, profile)
        grammar = bench.PACK.grammar(trial.expect, **dict(trial.context))
        engine, hangover = self.engine, SimpleNamespace(hangover_ms=self.vad.hangover_ms)
        graph, index = engine.graph(grammar), engine.model.index
        moved = sum(
            _pause(hangover, grammar, text) != _pause(hangover, grammar, " ".join(
                decode(graph, lp, index, beam=engine.beam, partial=True,
                       word_bonus=self.bonus).tokens))
            for lp, text in RECORDING.peeks)
        row["context"] = dict(trial.context)
        row["finals_log_probs"] = list(RECORDING.finals)
        row["peeks"] = len(RECORDING.peeks)
        row["endpoint_moved"] = moved
        row["live_bonus"] = None
        if moved or self.check_live:
            RECORDING.on = False
            live = self.with_bonus.decode(trial, profile)
            RECORDING.on = True
            row["live_bonus" if moved else "live_check"] = live
        return row


def part_rows(model: Path, split: str, part: str, bonus: float, check_live: bool = False,
              ) -> dict[str, Any]:
    """A share's rows (``real`` or ``espeak:I/N``) as `voice_word_model.part_rows` decodes
    them, each with its finals' log-probs."""
    _install()
    settings = AssistantSettings()
    rule = rejection_thresholds(settings, "embedding")
    decoder = RecordingDecoder(EmbeddingEngine(model), rule, settings.vad)
    decoder.with_bonus = bench.Decoder(EmbeddingEngine(model, word_bonus=bonus), rule,
                                       settings.vad)
    decoder.bonus, decoder.check_live = bonus, check_live
    speakers, voices, count, seed, per_voice = voice_word_model._setup(split)
    out: dict[str, Any] = {"model": str(model), "split": split, "bonus": bonus, "rows": {}}
    if part == "real":
        real = bench.real_speakers(decoder, speakers, count, enrol=False)
        out["rows"] = {f"real {key}": rows for key, rows in real["rows"].items()}
    else:
        index, parts = (int(v) for v in part.split(":")[1].split("/"))
        espeak = bench.espeak_figures(decoder, voices, per_voice, seed=seed,
                                      shard=(index, parts))
        out["rows"] = {f"espeak {cond}": value["rows"] for cond, value in espeak.items()}
    return out


def redecode(row: dict[str, Any], engine: EmbeddingEngine, rule: Any, bonus: float,
             final_only: bool = False) -> dict[str, Any]:
    """The row judged again from its finals' log-probs decoded with `bonus` (or the live
    decode with the bonus, where the bonus moved an utterance's end; `final_only`: never, as
    if the listener's pause answers were decoded without the bonus, a candidate the engine
    does not offer)."""
    if bonus and row["live_bonus"] is not None and not final_only:
        return dict(row["live_bonus"])
    grammar = bench.PACK.grammar(row["expect"], **row["context"])
    graph, index = engine.graph(grammar), engine.model.index
    finals = []
    for lp in row["finals_log_probs"]:
        if lp is None:
            continue
        result = EmbeddingRecognizer._result(
            decode(graph, lp, index, beam=engine.beam, word_bonus=bonus), final=True)
        if result.text:
            finals.append(result)
    base = {k: v for k, v in row.items()
            if k not in ("finals_log_probs", "live_bonus", "live_check", "context", "heard",
                         "score", "got", "confidence", "rejected", "right", "posts")}
    judged: dict[str, Any] = bench.judge(base, finals[0] if finals else Transcript("", True),
                                         rule)
    return judged


def _sign_p(a: int, b: int) -> float:
    """Two-sided exact sign test of `a` against `b` discordant pairs."""
    n = a + b
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(a, b) + 1)) / float(2**n)
    return min(1.0, 2 * tail)


def figures(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Counts: answers right / re-prompted / wrong accepted, check digits and quantities
    right, wrong postings, out-of-grammar accepted."""
    said = [r for r in rows if r["in_grammar"] and not r["posting_trial"]]
    oog = [r for r in rows if not r["in_grammar"]]
    out = {"answers": len(said), "right": sum(r["right"] for r in said),
           "reprompted": sum(r["rejected"] for r in said),
           "wrong_accepted": sum(not r["right"] and not r["rejected"] for r in said),
           "posting_or_oog_trials": sum(r["posting_trial"] for r in rows) + len(oog),
           "wrong_postings": sum(r["posts"] for r in rows),
           "oog": len(oog), "oog_accepted": sum(not r["rejected"] for r in oog)}
    for name, expect in (("check_digits", "digits"), ("quantities", "quantity")):
        kind = [r for r in said if r["expect"] == expect]
        if kind and all(r["label"].split(":")[0] in ("check digits", "wrong slot")
                        or r["label"].startswith("quantity") for r in kind):
            out[f"{name}_right"] = f"{sum(r['right'] for r in kind)}/{len(kind)}"
    out["accuracy"] = round(out["right"] / max(len(said), 1), 4)
    return out


def compare(saved: Sequence[dict[str, Any]], bonus: float, final_only: bool = False,
            ) -> dict[str, Any]:
    """Per condition: figures off and on, paired right answers, and the changed answers
    (`final_only`: the bonus in the final decode only, see `redecode`)."""
    rule = rejection_thresholds(AssistantSettings(), "embedding")
    engine = EmbeddingEngine(Path(saved[0]["model"]))
    rows: dict[str, list[dict[str, Any]]] = {}
    for one in saved:
        for key, value in one["rows"].items():
            rows.setdefault(key, []).extend(value)
    out: dict[str, Any] = {}
    pooled = [0, 0]
    for cond in sorted(rows):
        live = rows[cond]
        off = [redecode(r, engine, rule, 0.0) for r in live]
        on = [redecode(r, engine, rule, bonus, final_only) for r in live]
        keys = ("heard", "score", "confidence", "rejected", "right", "posts")
        same = sum(all(a[k] == b[k] for k in keys) for a, b in zip(live, off, strict=True))
        pairs = [(a["right"], b["right"]) for a, b in zip(off, on, strict=True)
                 if a["in_grammar"] and not a["posting_trial"]]
        only = [sum(a and not b for a, b in pairs), sum(b and not a for a, b in pairs)]
        pooled = [pooled[0] + only[0], pooled[1] + only[1]]
        changed = [f"{a['label']}: {a['heard']!r} -> {b['heard']!r}"
                   f" ({'right' if a['right'] else 're-prompted' if a['rejected'] else 'wrong'}"
                   f" -> {'right' if b['right'] else 're-prompted' if b['rejected'] else 'wrong'})"
                   for a, b in zip(off, on, strict=True)
                   if (a["heard"], a["rejected"]) != (b["heard"], b["rejected"])]
        checked = [(r["live_check"], b) for r, b in zip(live, on, strict=True)
                   if r.get("live_check") is not None]
        if checked:  # --check-live: the re-decode with the bonus against the live decode
            out.setdefault("live_check", {})[cond] = [
                sum(all(a[k] == b[k] for k in keys) for a, b in checked), len(checked)]
        out[cond] = {"trials": len(live), "off_reproduces_recorded": same,
                     "endpoint_moved_decoded_live": sum(bool(r["endpoint_moved"])
                                                        for r in live),
                     "bonus 0": figures(off),
                     f"bonus {bonus}{' final decode only' if final_only else ''}": figures(on),
                     "right_only_off_on": only, "sign_test_p": round(_sign_p(*only), 4),
                     "changed": changed}
    out["pooled"] = {"right_only_off_on": pooled, "sign_test_p": round(_sign_p(*pooled), 4)}
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """Record a share (``--part``) or everything, or merge shares, and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=bundled_model_path())
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--bonus", type=float, default=1.5)
    parser.add_argument("--part", help="real, or espeak:I/N (the voices numbered I modulo N)")
    parser.add_argument("--rows-out", type=Path, help="where --part writes its rows (pickle)")
    parser.add_argument("--merge", type=Path, nargs="+", default=(),
                        help="the comparison from --part runs' rows")
    parser.add_argument("--out", type=Path, help="write the comparison here (JSON)")
    parser.add_argument("--final-only", action="store_true",
                        help="the bonus in the final decode only, endpoints as without it "
                             "(a candidate the engine does not offer; development data)")
    parser.add_argument("--check-live", action="store_true",
                        help="also decode every trial live with the bonus, to check the "
                             "re-decode (twice the time)")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    if args.part:
        if args.rows_out is None:
            parser.error("--part needs --rows-out")
        rows = part_rows(args.model, args.split, args.part, args.bonus, args.check_live)
        args.rows_out.write_bytes(pickle.dumps(rows))
        print(f"{args.part}: {sum(len(v) for v in rows['rows'].values())} trials, "
              f"{time.perf_counter() - began:.0f} s")
        return
    if args.merge:  # written by this script's --part runs
        saved = [pickle.loads(path.read_bytes()) for path in args.merge]
    else:
        saved = [part_rows(args.model, args.split, "real", args.bonus),
                 part_rows(args.model, args.split, "espeak:0/1", args.bonus)]
    assert len({(s["model"], s["split"], s["bonus"]) for s in saved}) == 1
    result = {"model": saved[0]["model"], "split": saved[0]["split"],
              "bonus": saved[0]["bonus"], **compare(saved, saved[0]["bonus"], args.final_only),
              "seconds_compare": round(time.perf_counter() - began)}
    print(json.dumps({k: ({kk: vv for kk, vv in v.items() if kk != "changed"}
                          if isinstance(v, dict) else v) for k, v in result.items()}, indent=1))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

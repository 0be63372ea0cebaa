"""Where the embedding word model confuses 'eight' and 'help' (issue 12), development data only.

Decodes 'eight eight', 'eight five' (two check digits), 'help' and 'two' (a quantity of at most
2) spoken by held-out development espeak-ng voices (``calibration.dev_voice_halves``: with a
fold model of ``bench/voice_loso.py`` they are voices it never heard), quiet and at 10 dB, as
the dialogue would, and keeps the word model's log-probs of each final. Prints right answers
per case, by speaking rate, the confusions, and what the word model itself says in the misses
(is the wrong word already the acoustic favourite, or does the decoder pick it?).

Run from the project root: ``.venv/bin/python bench/voice_confusions.py --model
/tmp/voice_loso/words-without-george.npz --out bench/results/voice_confusions_dev.json``.
Test voices are never read.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.append(str(ROOT / "bench"))

import assistant_voice as bench  # type: ignore[import-not-found]

from assistant.settings import AssistantSettings
from assistant.speech.calibration import dev_voice_halves
from assistant.speech.embedding import corpus
from assistant.speech.embedding.engine import EmbeddingEngine
from assistant.speech.embedding.model import bundled_model_path
from assistant.speech.factory import rejection_thresholds
from bench import voice_decoder_bonus as recording

CASES: list[tuple[str, str, dict[str, int]]] = [
    ("eight eight", "digits", {"digits": 2}), ("eight five", "digits", {"digits": 2}),
    ("help", "quantity", {"most": 2}), ("two", "quantity", {"most": 2})]
FAST_WPM = 180


def decode_rows(model: Path, voices: Sequence[str]) -> tuple[list[dict[str, Any]],
                                                               dict[str, int]]:
    """Every case for every voice, quiet and at 10 dB, with the first final's log-probs."""
    recording._install()
    settings = AssistantSettings()
    engine = EmbeddingEngine(model)
    decoder = bench.Decoder(engine, rejection_thresholds(settings, "embedding"), settings.vad)
    rows = []
    for cond, snr in bench.SNRS.items():
        for trial in bench.espeak_trials(voices, CASES, snr, seed=555, per_voice=len(CASES)):
            recording.RECORDING.calls.clear()
            recording.RECORDING.peeks.clear()
            recording.RECORDING.finals.clear()
            row = decoder.decode(trial)
            finals = [lp for lp in recording.RECORDING.finals if lp is not None]
            rows.append({**row, "cond": cond, "log_probs": finals[0] if finals else None})
    return rows, engine.model.index


def _said(row: dict[str, Any]) -> str:
    return str(row["label"].split("'")[1])


def _word_runs(log_probs: np.ndarray, index: dict[str, int]) -> int:
    """Separate runs of frames whose most likely token is a word (not the blank)."""
    best = log_probs.argmax(axis=1)
    runs, previous = 0, -1
    for token in best:
        if token != index["<blank>"] and token != previous:
            runs += 1
        previous = token if token != index["<blank>"] else -1
    return runs


def findings(rows: Sequence[dict[str, Any]], index: dict[str, int]) -> dict[str, Any]:
    """Right answers per case and condition and by speaking rate, the confusions (accepted or
    re-prompted), and the word model's own view of the misses."""
    out: dict[str, Any] = {"right": {}, "by_rate": {}}
    for text, _, _ in CASES:
        for cond in bench.SNRS:
            some = [r for r in rows if _said(r) == text and r["cond"] == cond]
            out["right"][f"{text}, {cond}"] = f"{sum(r['right'] for r in some)}/{len(some)}"
        for fast in (False, True):
            some = [r for r in rows if _said(r) == text
                    and (int(re.findall(r"@(\d+)", r["label"])[0]) >= FAST_WPM) == fast]
            key = f"{text}, {'>=' if fast else '<'}{FAST_WPM} wpm"
            out["by_rate"][key] = f"{sum(r['right'] for r in some)}/{len(some)}"
    misses = Counter(f"{_said(r)} -> {r['heard'] or '(nothing)'}"
                     f" ({'re-prompted' if r['rejected'] else 'accepted'})"
                     for r in rows if not r["right"])
    out["confusions"] = dict(misses.most_common())
    double = [r for r in rows if _said(r) == "eight eight" and r["log_probs"] is not None]
    out["eight_eight_word_runs"] = {
        "what": "frames whose most likely token is a word, in separate runs (two eights need "
                "two runs with a blank between, CTC's rule for a repeated token)",
        "misses": dict(Counter(str(_word_runs(r["log_probs"], index))
                               for r in double if not r["right"])),
        "right": dict(Counter(str(_word_runs(r["log_probs"], index))
                              for r in double if r["right"]))}
    onset: Counter[str] = Counter()
    for r in rows:
        if _said(r) == "eight five" and not r["right"] and r["log_probs"] is not None:
            lp = r["log_probs"]
            louder = lp[:, index["six"]].max() >= lp[:, index["eight"]].max()
            onset[f"{r['heard']}: {'six' if louder else 'eight'} peaks higher"] += 1
    out["eight_five_misses"] = dict(onset.most_common())
    help_view: Counter[str] = Counter()
    rivals = ("help", "two", "zero", "seven", "one")
    for r in rows:
        if _said(r) == "help" and not r["right"] and r["log_probs"] is not None:
            lp = r["log_probs"]
            top = max(rivals, key=lambda w: float(lp[:, index[w]].max()))
            help_view[f"{r['heard']}: strongest word peak of {'/'.join(rivals)}: {top}"] += 1
    out["help_misses"] = dict(help_view.most_common())
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """Decode, print and (with --out) write the findings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=bundled_model_path())
    parser.add_argument("--voices", type=int, default=60, help="held-out dev voices to use")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    _, held = dev_voice_halves(corpus.espeak_voices("dev"))
    voices = held[1::2][: args.voices]
    rows, index = decode_rows(args.model, voices)
    result = {"model": str(args.model), "voices": len(voices), "split": "dev (held-out half)",
              **findings(rows, index)}
    print(json.dumps(result, indent=1))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()

"""Digital silence on the development speakers (george, jackson): where exact zeros hurt.

Run from the project root: ``nice -n 19 .venv/bin/python bench/voice_edges_dev.py``. Two-digit
check digits of real FSDD recordings, decoded by the shipped chain (VAD, endpointing, the
embedding engine) as bench/assistant_voice.py's `edges` does, each against the same audio
without the edge (development speakers only: tune on these, never on the test speakers).

Variants, each paired with its own open-microphone base (the same noise sample for sample):
- ``digital_silence``: the bench's edge (the 400 ms of room before and after replaced by
  exact zeros, plus 100 ms more), at 30 dB SNR;
- ``digital_silence_10db``: the same at 10 dB SNR;
- ``gated``: a noise gate on the microphone: every 10 ms where the talker is quiet (the clean
  recording 40 dB under its loudest 10 ms, held 30 ms) is exact zeros, so zeros run right up
  to the word onset, from the word's end, and inside the 100 ms pause between the digits;
- ``gated_pause_400ms``: the same gate with a 400 ms pause between the digits.

``--bench`` also runs bench/assistant_voice.py's own `edges` on the development speakers
(``--bench-only``: only those; another word model through the environment's
FACET_ASSISTANT_SPEECH__WORD_MODEL_PATH);
``--comfort 30 100`` compares levels of the embedding engine's comfort noise (what fills
digital silence) on the same trials. Writes ``bench/results/voice_edges_dev.json`` (or
``--out``). The fix (comfort noise 30, dither 2, a VAD floor that learns nothing from zeros)
was chosen on voice_edges_dev_before/_dither2/_comfort.json; _after.json is the shipped chain.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from assistant.settings import AssistantSettings
from assistant.speech.audio import mix_noise, to_pcm
from assistant.speech.embedding import corpus
from assistant.speech.factory import create_speech_engine, rejection_thresholds
from bench.assistant_voice import Decoder, Trial, edges, summary


def _gate(clean: np.ndarray, noisy: np.ndarray) -> np.ndarray:
    """`noisy` with exact zeros wherever the talker (`clean`) is 40 dB under their loudest
    10 ms frame, the gate held open 30 ms after speech (a gated microphone)."""
    frames = clean.size // 80
    level = np.array([np.sqrt(np.mean(clean[i * 80:(i + 1) * 80] ** 2) + 1e-9)
                      for i in range(frames)])
    loud = level >= level.max() / 100
    held = loud.copy()
    for lag in (1, 2, 3):
        held[lag:] |= loud[:-lag]
    mask = np.repeat(held, 80)
    mask = np.concatenate([mask, np.zeros(clean.size - mask.size, dtype=bool)])
    return np.where(mask, noisy, 0.0)


def _samples(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64)


def trials(speakers: Sequence[str], count: int) -> dict[str, list[tuple[Trial, Trial]]]:
    """variant -> (base trial, edge trial) pairs, the same digits and noise both ways."""
    data = corpus.read_fsdd(speakers)
    out: dict[str, list[tuple[Trial, Trial]]] = {}
    for speaker in speakers:
        rng = random.Random(7 + len(speaker))
        for n in range(count):
            digits = [rng.randrange(10), rng.randrange(10)]
            picks = [data[speaker][d][rng.randrange(5, 50)] for d in digits]
            seed = 4000 + n + len(speaker) * 1000
            said = f"digits:{''.join(map(str, digits))}"

            def trial(pcm: bytes, name: str, said: str = said, digits: list[int] = digits,
                      speaker: str = speaker) -> Trial:
                return Trial(pcm, 8000, "digits", (("digits", 2),), said, said,
                             f"{name}: {speaker} {digits}")

            for gap, snr, tag in ((800, 30.0, ""), (800, 10.0, "_10db"), (3200, 30.0, "_p400")):
                clean = np.concatenate([np.zeros(3200), picks[0], np.zeros(gap), picks[1],
                                        np.zeros(3200)])
                noisy = mix_noise(to_pcm(clean), snr, kind="pinknoise", seed=seed, rate=8000)
                base = trial(noisy, f"base{tag}")
                if tag != "_p400":
                    zeros = to_pcm(np.zeros(4000))
                    edge = zeros + noisy[6400:-6400] + zeros
                    out.setdefault(f"digital_silence{tag}", []).append(
                        (base, trial(edge, f"digital_silence{tag}")))
                if tag != "_10db":
                    name = "gated" if not tag else "gated_pause_400ms"
                    gated = to_pcm(_gate(clean, _samples(noisy)))
                    out.setdefault(name, []).append((base, trial(gated, name)))
    return out


def run(decoder: Decoder, speakers: Sequence[str], count: int,
        cache: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Accuracy of each variant and of its base (decoded once, kept in `cache`), the pairs
    that differ, and the misses."""
    result: dict[str, Any] = {}
    for name, pairs in trials(speakers, count).items():
        base_rows, edge_rows = [], []
        for base, edge in pairs:
            key = base.label + hashlib.sha1(base.pcm).hexdigest()
            if key not in cache:
                cache[key] = decoder.decode(base)
            base_rows.append(cache[key])
            edge_rows.append(decoder.decode(edge))
        b, e = summary(base_rows), summary(edge_rows)
        paired = list(zip(base_rows, edge_rows, strict=True))
        result[name] = {
            "base": b["accuracy"], "edge": e["accuracy"],
            "loss": round(b["accuracy"] - e["accuracy"], 4),
            "lost": sum(x["right"] and not y["right"] for x, y in paired),
            "gained": sum(y["right"] and not x["right"] for x, y in paired),
            "edge_pieces_gt1": sum(r["pieces"] > 1 for r in edge_rows),
            "edge_misses": [f"{y['label']} -> {y['heard']!r} (base {x['heard']!r})"
                            for x, y in paired
                            if x["right"] and not y["right"]][:30],
        }
        print(name, json.dumps({k: v for k, v in result[name].items() if k != "edge_misses"}),
              flush=True)
    return result


def main(argv: Sequence[str] | None = None) -> None:
    """Decode the development speakers' variants and write the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=150, help="answers per speaker")
    parser.add_argument("--bench", action="store_true", help="also the bench's own edges")
    parser.add_argument("--bench-only", action="store_true",
                        help="only the bench's own edges (fast x1.3, clipped, cough...)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results"
                        / "voice_edges_dev.json")
    parser.add_argument("--note", default="", help="what the chain was (kept in the result)")
    parser.add_argument("--comfort", type=float, nargs="+",
                        help="comfort noise levels to compare (the engine's `comfort_noise`; the "
                        "bases, which hold no digital silence, are decoded once)")
    args = parser.parse_args(argv)
    settings = AssistantSettings()
    engine = create_speech_engine(settings)
    decoder = Decoder(engine, rejection_thresholds(settings, engine.name), settings.vad)
    began = time.perf_counter()
    result: dict[str, Any] = {"speakers": corpus.FSDD_DEV_SPEAKERS, "count_each": args.count,
                              "note": args.note}
    cache: dict[str, dict[str, Any]] = {}
    for level in args.comfort or ():
        engine.comfort_noise = level  # type: ignore[attr-defined]
        print("comfort", level, flush=True)
        result[f"variants_comfort_{level:g}"] = run(decoder, corpus.FSDD_DEV_SPEAKERS,
                                                    args.count, cache)
    if not args.comfort and not args.bench_only:
        result["variants"] = run(decoder, corpus.FSDD_DEV_SPEAKERS, args.count, cache)
    if args.bench or args.bench_only:
        result["word_model"] = str(settings.speech.word_model_path or "shipped")
        result["bench_edges"] = edges(decoder, corpus.FSDD_DEV_SPEAKERS, args.count)
        print("bench edges:", json.dumps(result["bench_edges"]), flush=True)
    result["seconds"] = round(time.perf_counter() - began)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

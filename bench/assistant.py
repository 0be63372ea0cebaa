"""Assistant benchmark: the chat (intent accuracy, latency) and voice picking (accuracy, speed).

Runs ``bench/assistant_chat.py`` and ``bench/assistant_voice.py``, prints a combined summary
against the issue's targets and writes ``bench/results/assistant.json`` (each part also writes
its own detailed result file).

    .venv/bin/python -m bench.assistant               # both
    .venv/bin/python -m bench.assistant --chat-only
    .venv/bin/python -m bench.assistant --voice-only
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

# Run as a script, bench/ comes first on the path and its core.py would shadow the package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

RESULTS = ROOT / "bench" / "results"

# Voice figures in the summary: key in assistant_voice.json -> its target in "targets" (or None).
VOICE_KEYS: dict[str, str | None] = {
    "real_si_check_digits_quiet": "real_si_check_digits_quiet",
    "real_si_check_digits_10db": "real_si_check_digits_10db",
    "real_enrolled_check_digits_quiet": "real_enrolled_check_digits_quiet",
    "real_enrolled_check_digits_10db": "real_enrolled_check_digits_10db",
    "real_si_wrong_postings_quiet": None,
    "real_si_wrong_postings_10db": None,
    "espeak_quiet": "espeak_test_quiet",
    "espeak_10db": "espeak_test_10db",
    "rtf_cpu_median_8khz": "rtf",
    "rtf_cpu_median_16khz": "rtf",
    "latency_8khz": "end_of_speech_to_prompt_ms",
    "latency_16khz": "end_of_speech_to_prompt_ms",
}
# Targets where lower is better (the rest: higher is better).
LOWER_IS_BETTER = frozenset({"rtf_cpu_median_8khz", "rtf_cpu_median_16khz", "latency_8khz",
                             "latency_16khz"})


def _chat() -> dict[str, Any]:
    from bench import assistant_chat

    result = assistant_chat.run()
    summary = dict(result["summary"])
    summary["accuracy_ok"] = (summary["test_accuracy"] or 0.0) >= summary["accuracy_target"]
    summary["latency_ok"] = summary["latency_ms_p50"] <= summary["latency_target_p50_ms"]
    return summary


def _voice() -> dict[str, Any]:
    from bench import assistant_voice

    assistant_voice.main([])
    data = json.loads((RESULTS / "assistant_voice.json").read_text(encoding="utf-8"))
    summary: dict[str, Any] = {}
    for key, target_key in VOICE_KEYS.items():
        if key not in data:
            continue
        summary[key] = data[key]
        target = data.get("targets", {}).get(target_key) if target_key else None
        if target is not None:
            summary[f"{key}_target"] = target
            ok = data[key] <= target if key in LOWER_IS_BETTER else data[key] >= target
            summary[f"{key}_ok"] = ok
    return summary


def _print(name: str, summary: dict[str, Any]) -> None:
    print(f"\n== {name} ==")
    for key, value in summary.items():
        shown = f"{value:.4g}" if isinstance(value, float) else value
        print(f"  {key:40} {shown}")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the chat and/or voice benchmarks, print the summary and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--chat-only", action="store_true", help="run only the chat benchmark")
    only.add_argument("--voice-only", action="store_true", help="run only the voice benchmark")
    args = parser.parse_args(argv)
    out: dict[str, Any] = {}
    timings: dict[str, float] = {}
    for name, run, skip in (("chat", _chat, args.voice_only), ("voice", _voice, args.chat_only)):
        if skip:
            continue
        started = time.perf_counter()
        out[name] = run()
        timings[name] = round(time.perf_counter() - started, 1)
    out["seconds"] = timings
    for name in ("chat", "voice"):
        if name in out:
            _print(name, out[name])
    path = RESULTS / "assistant.json"
    previous: dict[str, Any] = {}
    if path.exists():  # a --chat-only run keeps the last voice figures, and the other way round
        previous = json.loads(path.read_text(encoding="utf-8"))
    merged = {**previous, **out, "seconds": {**previous.get("seconds", {}), **timings}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return merged


if __name__ == "__main__":
    main()

"""Chat benchmark: intent accuracy on a dev and a test set, and answer latency, model loaded.

Two question sets, both of manager questions with the expected intent (null: the chat must say
it did not understand):

- ``bench/data/assistant_dev.yaml`` is the development set. Intent examples, templates and the
  similarity threshold were tuned while looking at its misses, so its figure is optimistic.
- ``bench/data/assistant_test.yaml`` is the test set, written blind (by someone who had not seen
  the intent data or the dev set) and never used for tuning. Its figure is the honest one. The
  first figure ever measured on it is kept below (``FIRST_RUN_TEST``), so later re-measurements
  can be read against it. Once a test set's misses have been looked at, it is retired into the
  dev set and a new one is written (the first one was retired on 2026-11-25).

Runs on a fresh small demo database whose "today" is pinned (``DEMO_NOW``): order numbers carry
their date, and the sets name real ones. Prints the figures and writes
``bench/results/assistant_chat.json``. Also measures how similarity alone does on the Chinese
phrasings (all-MiniLM-L6-v2 is an English model; Facet uses character n-grams for Chinese), for
the README. Latency is wall time per question; CPU time per question is printed beside it,
because on a shared machine wall time also measures the other processes; the headline latency is
each question's fastest of three runs.

    .venv/bin/python -m bench.assistant_chat
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import yaml
from sqlalchemy import select

# Run as a script, bench/ comes first on the path and its core.py would shadow the package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from assistant.intents.data import load_intents
from assistant.intents.matcher import EmbeddingMatcher
from assistant.intents.prepare import example_code_kind
from assistant.settings import AssistantSettings
from core import Actor, Database
from core.demo import load_demo
from core.migrate import upgrade

HERE = Path(__file__).resolve().parent
SETS = {"dev": HERE / "data" / "assistant_dev.yaml", "test": HERE / "data" / "assistant_test.yaml"}
RESULTS = HERE / "results" / "assistant_chat.json"
TARGET_ACCURACY = 0.95
TARGET_P50_MS = 50.0
# Each question is timed this many times in all and its fastest time kept (as timeit does):
# on a shared 2-core machine a single run also times whatever else is running.
LATENCY_RUNS = 3

# The day the demo (and the chat's clock) are set to: the sets' order numbers are from it.
DEMO_NOW = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
# The first measurement on the test set, made once with the matcher as it was when the set was
# written (before any change made after seeing its misses). Never updated: it is the honest
# figure for phrasings nobody tuned for; later test figures were measured after its misses
# had been seen, so they are somewhat optimistic.
FIRST_RUN_TEST: dict[str, Any] = {
    "accuracy": 0.9659, "correct": 283, "items": 293, "accuracy_en": 0.968,
    "accuracy_zh": 0.9535, "measured": "2026-11-25",
}
# The retired first test set (now part of the dev set), for the record.
RETIRED_FIRST_RUN: dict[str, Any] = {
    "accuracy": 0.7942, "correct": 193, "items": 243, "accuracy_en": 0.8495,
    "accuracy_zh": 0.4865, "measured": "2026-11-25", "retired": "2026-11-25",
}


def _demo(folder: Path) -> Database:
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    db = Database(url)
    load_demo(db, scale="small", now=DEMO_NOW)
    return db


def _manager(db: Database) -> Actor:
    from core.people.models import User

    with db.read() as session:
        user = session.scalars(select(User).where(User.username == "manager")).one()
        return Actor(user.id, user.username, user.role)


def load_set(name: str) -> list[dict[str, Any]]:
    """The items of one question set (``dev`` or ``test``)."""
    items = yaml.safe_load(SETS[name].read_text(encoding="utf-8"))["items"]
    return [dict(item) for item in items]


def _run(assistant: Assistant, actor: Actor, items: list[dict[str, Any]]) -> dict[str, Any]:
    rows, latencies, cpu = [], [], []
    for item in items:
        started, cpu_started = time.perf_counter(), time.process_time()
        reply = assistant.ask(item["text"], actor=actor)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        match = reply.run.match
        got = match.intent if match else None
        rows.append({"text": item["text"], "expected": item["intent"], "got": got,
                     "matcher": match.matcher if match else None,
                     "score": round(match.score, 3) if match else None,
                     "language": item.get("language", "en"), "ok": got == item["intent"]})
    return {"rows": rows, "latencies": latencies, "cpu": cpu}


def _accuracy(rows: list[dict[str, Any]]) -> float:
    return round(sum(r["ok"] for r in rows) / len(rows), 4) if rows else 0.0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def _per_intent(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per expected intent: items and misses ('null' is the out-of-scope group)."""
    items = Counter(str(r["expected"]) if r["expected"] else "null" for r in rows)
    misses = Counter(str(r["expected"]) if r["expected"] else "null" for r in rows if not r["ok"])
    return {k: {"items": items[k], "errors": misses[k]} for k in sorted(items)}


def _figures(result: dict[str, Any]) -> dict[str, Any]:
    rows, lat = result["rows"], result["latencies"]
    return {
        "items": len(rows),
        "intent_accuracy": _accuracy(rows),
        "intent_accuracy_en": _accuracy([r for r in rows if r["language"] == "en"]),
        "intent_accuracy_zh": _accuracy([r for r in rows if r["language"] == "zh"]),
        "items_zh": sum(r["language"] == "zh" for r in rows),
        "matched_by": {m: sum(r["matcher"] == m for r in rows)
                       for m in ("template", "embedding", "ngram")},
        "latency_ms_p50": round(statistics.median(lat), 2),
        "latency_ms_p95": _percentile(lat, 0.95),
        "cpu_ms_p50": round(statistics.median(result["cpu"]), 2),
        "per_intent": _per_intent(rows),
        "errors": [r for r in rows if not r["ok"]],
    }


def _chinese_similarity_only(assistant: Assistant, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Chinese without templates: the sentence model's similarity alone with the English
    examples, and with Chinese ones too, against the character n-gram tier (with its classifier
    head) that Facet uses for Chinese."""
    zh = [i for i in items if i.get("language") == "zh" and i["intent"]]
    both = {k: list(v) + list(load_intents("zh").examples.get(k, ()))
            for k, v in load_intents("en").examples.items()}
    english: dict[str, list[str]] = {}  # the chat's English examples, similarity alone
    for label, sentence in zip(assistant.embeddings.labels, assistant.embeddings.sentences,
                               strict=True):
        english.setdefault(label, []).append(sentence)
    out = {}
    for name, matcher, prepare in (
        ("minilm_english_examples", EmbeddingMatcher(english, assistant.encoder),
         normalise_text),
        ("minilm_with_chinese_examples", EmbeddingMatcher(both, assistant.encoder),
         normalise_text),
        ("character_ngrams", assistant.lexical,
         lambda t: assistant._prepare(t, "zh", example_code_kind)),
    ):
        hits, scores = 0, []
        for item in zh:
            intent, score = matcher.rank(prepare(item["text"])).best
            hits += intent == item["intent"]
            scores.append(score)
        off = matcher.rank(prepare("今天天气怎么样")).best
        out[name] = {"questions": len(zh), "accuracy": round(hits / len(zh), 4),
                     "median_score": round(statistics.median(scores), 3),
                     "off_topic_best": [off[0], off[1]]}
    return out


def measure(names: tuple[str, ...] = ("dev", "test")) -> dict[str, Any]:
    """Run the question sets on a fresh demo database; the figures per set."""
    sets = {name: load_set(name) for name in names}
    with tempfile.TemporaryDirectory() as folder:
        db = _demo(Path(folder))
        assistant = Assistant(db, AssistantSettings(), clock=lambda: DEMO_NOW)
        started = time.perf_counter()
        assistant.warm_up()
        warm = time.perf_counter() - started
        actor = _manager(db)
        first = next(iter(sets.values()))
        _run(assistant, actor, first[:10])  # first-use costs (statement caches) are not latency
        out: dict[str, Any] = {"warm_up_s": round(warm, 2),
                               "similarity_threshold": assistant.settings.similarity_threshold}
        runs: list[dict[str, Any]] = []
        for name, items in sets.items():
            result = _run(assistant, actor, items)
            out[name] = _figures(result)
            runs.append(result)
        single = [ms for result in runs for ms in result["latencies"]]
        for _ in range(LATENCY_RUNS - 1):
            for result, items in zip(runs, sets.values(), strict=True):
                again = _run(assistant, actor, items)
                result["latencies"] = list(map(min, result["latencies"], again["latencies"]))
                result["cpu"] = list(map(min, result["cpu"], again["cpu"]))
        latencies = [ms for result in runs for ms in result["latencies"]]
        cpu = [ms for result in runs for ms in result["cpu"]]
        out["latency"] = {"questions": len(latencies), "runs_per_question": LATENCY_RUNS,
                          "p50_ms": round(statistics.median(latencies), 2),
                          "p95_ms": _percentile(latencies, 0.95),
                          "cpu_p50_ms": round(statistics.median(cpu), 2),
                          "single_run_p50_ms": round(statistics.median(single), 2),
                          "single_run_p95_ms": _percentile(single, 0.95)}
        out["chinese_similarity_tier_only"] = _chinese_similarity_only(
            assistant, [i for items in sets.values() for i in items])
        db.dispose()
    return out


def summary(figures: dict[str, Any]) -> dict[str, Any]:
    """The headline figures (what bench/assistant.py prints for the chat)."""
    dev, test, latency = figures.get("dev", {}), figures.get("test", {}), figures["latency"]
    return {
        "dev_accuracy": dev.get("intent_accuracy"),
        "test_accuracy": test.get("intent_accuracy"),
        "test_accuracy_first_run": FIRST_RUN_TEST.get("accuracy"),
        "accuracy_target": TARGET_ACCURACY,
        "latency_ms_p50": latency["p50_ms"],
        "latency_ms_p95": latency["p95_ms"],
        "latency_target_p50_ms": TARGET_P50_MS,
        "cpu_ms_p50": latency["cpu_p50_ms"],
        "single_run_latency_ms_p50": latency["single_run_p50_ms"],
    }


def report(figures: dict[str, Any]) -> None:
    """Print the figures: headline, then per set the breakdown and every miss."""
    for key, value in summary(figures).items():
        print(f"{key:28} {value}")
    print(f"{'first_run_test_measured':28} {FIRST_RUN_TEST.get('measured')}")
    print(f"{'warm_up_s':28} {figures['warm_up_s']}")
    for name in ("dev", "test"):
        if name not in figures:
            continue
        fig = figures[name]
        print(f"\n{name}: {fig['items']} questions ({fig['items_zh']} Chinese), accuracy "
              f"{fig['intent_accuracy']:.1%} (en {fig['intent_accuracy_en']:.1%}, zh "
              f"{fig['intent_accuracy_zh']:.1%}), matched by {fig['matched_by']}, single-run "
              f"latency p50 {fig['latency_ms_p50']} ms, p95 {fig['latency_ms_p95']} ms (CPU p50 "
              f"{fig['cpu_ms_p50']} ms)")
        print("  errors per intent: " + ", ".join(
            f"{k} {v['errors']}/{v['items']}" for k, v in fig["per_intent"].items()))
        for row in fig["errors"]:
            print(f"  miss: {row['text']!r}: expected {row['expected']}, got {row['got']}"
                  f" ({row['matcher']}, {row['score']})")
    print(f"\nchinese similarity tier only: {figures['chinese_similarity_tier_only']}")


def run(names: tuple[str, ...] = ("dev", "test")) -> dict[str, Any]:
    """Measure, print and write ``bench/results/assistant_chat.json``; return the figures."""
    figures = measure(names)
    result = {"summary": summary(figures), "first_run_test": FIRST_RUN_TEST,
              "retired_test_first_run": RETIRED_FIRST_RUN, **figures}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    report(figures)
    return result


def main() -> None:
    """Run the benchmark on both sets (``--dev`` or ``--test`` for one) and print the figures."""
    names = tuple(n for n in ("dev", "test") if f"--{n}" in sys.argv) or ("dev", "test")
    run(names)


if __name__ == "__main__":
    main()

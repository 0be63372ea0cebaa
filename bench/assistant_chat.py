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

Issue 18 added two held-out sets, written blind (by a helper who had not opened the assistant's
code or intent data, nor any other set). After their first run (2026-12-04 00:22 UTC, kept in
``RETIRED_BLIND_FIRST_RUN``) they were RETIRED TO DEV on 2026-12-04 and are tuned on:

- ``bench/data/assistant_blind_dev.yaml`` (set ``blind_dev``): warehouse questions over every intent
  and action, scored on intent AND slots; close calls that must be asked back (error ``ambiguous``
  with the expected intents among the choices); conversations with actions (the chat asks first,
  then posts exactly once on "yes", nothing on "no", on another question or on a second "yes"); and
  actions asked by roles without the right (error ``forbidden``, nothing pending). A post is a turn
  after which the database changed (audit log, documents, moves, reservations, purchase orders,
  acknowledged alerts, lot states); each conversation starts from the same fresh demo copy.
- ``bench/data/assistant_general_dev.yaml`` (set ``general_dev``): general-assistant questions
  (finance, travel, small talk, devices, weather, ...) that must be refused (``out-of-scope``).

The second pair of held-out sets, ``assistant_blind2.yaml`` and ``assistant_general2.yaml`` (written
blind on 2026-12-04 04:45 UTC), had their first run at 05:48 UTC (kept in
``RETIRED_BLIND2_FIRST_RUN``) and were RETIRED TO DEV on 2026-12-04 as well: they are now
``bench/data/assistant_blind2_dev.yaml`` (set ``blind2_dev``) and
``bench/data/assistant_general2_dev.yaml`` (set ``general2_dev``), in the same formats.

The third pair, ``assistant_blind3.yaml`` and ``assistant_general3.yaml`` (written blind on
2026-12-04 14:01 UTC), had their first run at 15:42 UTC (kept in ``RETIRED_BLIND3_FIRST_RUN``) and
were RETIRED TO DEV on 2026-12-04: they are now ``bench/data/assistant_blind3_dev.yaml`` (set
``blind3_dev``) and ``bench/data/assistant_general3_dev.yaml`` (set ``general3_dev``).

After that retirement the chat was tuned on every dev set (2026-12-04, 17:20-18:15 UTC), and the
labels of the old dev and test sets that predate the report intents and the actions were brought
up to date (24 items: zero-sales questions are dead stock, supplier scorecards supplier quality,
'create a purchase order ...' and 'put lot X in quarantine' actions; ``FIRST_RUN_TEST`` is
history and unchanged). DEV FIGURES after that tuning (optimistic by construction: every one of
these sets' misses was looked at; full run 2026-12-04 18:25 UTC, load ~5): dev 96.8 % (94.6 %
before, partly the relabelling), test 95.6 % (91.1 %); intent+slots blind_dev 98.9 % (98.9 %),
blind2_dev 95.7 % (94.0 %), blind3_dev 95.1 % (86.5 % at its first run); close calls asked back
40.7 % / 28.6 % / 22.0 % (unchanged), clear questions asked back 0.3 % / 0.6 % / 0.8 % (blind3
2.7 % before); blind3_dev actions asked first 71.4 % (every other one refused by the core: the
demo has no releasable lot and no allocatable order, so those items expect what the core does
not allow), follow-ups 12 of 13; general refused 98.7 % / 99.3 % / 96.1 % (general3 94.6 % at
its first run); p50 17.2 ms questions, 18.7 ms answers with a report. The honest figures are
the next held-out pair's first run (``FIRST_RUN_BLIND4``).

The fourth pair, ``assistant_blind4.yaml`` and ``assistant_general4.yaml`` (written blind on
2026-12-04 17:30 UTC, 525 items, 43 % Chinese, and 351 general questions), had its first run at
18:40 UTC (kept in ``FIRST_RUN_BLIND4``): intent+slots 82.4 % (English 84.7 %, Chinese 79.4 %;
intent alone 91.5 %), close calls asked back 16.7 %, general refused 95.4 %, p50 16.7 ms; targets
(97 %) not met. It was RETIRED TO DEV on 2026-12-04: ``bench/data/assistant_blind4_dev.yaml`` (set
``blind4_dev``) and ``bench/data/assistant_general4_dev.yaml`` (set ``general4_dev``). Each blind
round has scored 80-89 % at its first run while the dev sets were tuned to 95-99 %: the tuning does
not carry over to new phrasings as far as the target asks.

After that retirement the chat was worked on by CLASSES of failure read off the misses by cause
(slots per name and language, intent confusions, close calls; printed for the dev sets), not by
sentence (2026-12-04, 19:50-20:50 UTC): zones named by a word give the zone code, report questions
take a SKU, a person and a colour and narrow their rows, open orders a period, suppliers by their
Chinese city, Cantonese and traditional characters read as Mandarin, a calibrated ask-back on words
two close intents both mean (``vague`` in examples.scope.yaml) and on a bare irreversible recall,
everyday yes/no, new examples and negatives written from meaning, and the English out-of-scope bar
0.35 -> 0.3. DEV FIGURES after it (optimistic: every set's misses were looked at; full run
2026-12-04 20:49 UTC): intent+slots blind_dev 98.6 % (98.9 before), blind2_dev 95.7 % (95.7),
blind3_dev 95.7 % (95.1), blind4_dev 94.6 % (82.4 at its first run; Chinese 79.4 -> 96.4 %); close
calls asked back 77.8 / 78.6 / 61.0 / 69.0 % (40.7 / 28.6 / 22.0 / 16.7), clear questions asked back
0.6 / 0.6 / 1.4 / 0.5 %; general refused 98.7 / 99.6 / 97.3 / 97.7 % (98.7 / 99.3 / 96.1 / 95.4);
p50 25.2 ms questions, 26.3 ms answers with a report. The old dev and test sets, labelled before
close calls had to be asked back, drop: dev 96.8 -> 94.5 %, test 95.6 -> 94.5 % (vague questions
such as 'which earrings are not selling', labelled slow movers there, are now asked back: slow
movers or dead stock?).

The held-out sets are now ``blind`` and ``general``, read from ``bench/data/assistant_blind5.yaml``
and ``bench/data/assistant_general5.yaml`` by default (``--blind-file`` / ``--general-file`` name
others, in bench/data or as a path). They are written blind by someone who has seen neither the
chat's code and data nor any other set, and are added to bench/data only after the chat's tuning
has stopped; until then the bench says they are missing and measures the rest. Their first
measurement is to be kept in ``FIRST_RUN_BLIND5``: the honest figure. Latency on the issue-18 sets
is split into questions (answers without a report link) and answers with a report.

    .venv/bin/python -m bench.assistant_chat            # every set
    .venv/bin/python -m bench.assistant_chat --blind --general          # held-out sets only
    .venv/bin/python -m bench.assistant_chat --blind-dev --general-dev  # the retired ones
    .venv/bin/python -m bench.assistant_chat --blind2-dev --general2-dev
    .venv/bin/python -m bench.assistant_chat --blind3-dev --general3-dev
    .venv/bin/python -m bench.assistant_chat --blind4-dev --general4-dev
    .venv/bin/python -m bench.assistant_chat --blind --blind-file my_set.yaml
    .venv/bin/python -m bench.assistant_chat --blind-dev --limit 20   # smoke run (writes nothing)
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import yaml
from sqlalchemy import select, text

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
ALL_SETS = ("dev", "test", "blind_dev", "general_dev", "blind2_dev", "general2_dev",
            "blind3_dev", "general3_dev", "blind4_dev", "general4_dev", "blind", "general")
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


def measure(names: tuple[str, ...] = ALL_SETS, limit: int | None = None) -> dict[str, Any]:
    """Run the question sets on a fresh demo database; the figures per set (``limit``: only the
    first items of each set, a smoke run)."""
    sets = {name: load_set(name)[:limit] for name in names if name in SETS}
    new = tuple(name for name in names if name in NEW_SETS)
    with tempfile.TemporaryDirectory() as folder:
        db = _demo(Path(folder))
        assistant = Assistant(db, AssistantSettings(), clock=lambda: DEMO_NOW)
        started = time.perf_counter()
        assistant.warm_up()
        warm = time.perf_counter() - started
        actor = _manager(db)
        first = next(iter(sets.values())) if sets else load_set("dev")
        _run(assistant, actor, first[:10])  # first-use costs (statement caches) are not latency
        out: dict[str, Any] = {"warm_up_s": round(warm, 2),
                               "similarity_threshold": assistant.settings.similarity_threshold}
        if not sets:
            out.update(measure_new(assistant, db, Path(folder), new, limit))
            db.dispose()
            return out
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
        if new:  # after the dev and test sets: their figures are as they were before issue 18
            out.update(measure_new(assistant, db, Path(folder), new, limit))
        db.dispose()
    return out


# ---------------------------------------------------------------- issue 18: held-out sets
NEW_SETS = {"blind_dev": HERE / "data" / "assistant_blind_dev.yaml",
            "general_dev": HERE / "data" / "assistant_general_dev.yaml",
            "blind2_dev": HERE / "data" / "assistant_blind2_dev.yaml",
            "general2_dev": HERE / "data" / "assistant_general2_dev.yaml",
            "blind3_dev": HERE / "data" / "assistant_blind3_dev.yaml",
            "general3_dev": HERE / "data" / "assistant_general3_dev.yaml",
            "blind4_dev": HERE / "data" / "assistant_blind4_dev.yaml",
            "general4_dev": HERE / "data" / "assistant_general4_dev.yaml",
            "blind": HERE / "data" / "assistant_blind5.yaml",
            "general": HERE / "data" / "assistant_general5.yaml"}
# Which scorer each issue-18 set takes.
BLIND_KIND = ("blind_dev", "blind2_dev", "blind3_dev", "blind4_dev", "blind")
GENERAL_KIND = ("general_dev", "general2_dev", "general3_dev", "general4_dev", "general")
TARGET_BLIND = 0.97  # right intent and slots on the blind set
TARGET_REFUSAL = 0.97  # general-assistant questions refused
TARGET_REPORT_P50_MS = 200.0  # answers with a report
ACTIONS = frozenset({"hold_lot", "release_lot", "recall_lot", "reserve_for_order",
                     "start_cycle_count", "acknowledge_alert", "draft_purchase_order"})
# The first measurement on the first blind and general sets (now blind_dev and general_dev), made
# once at the end of issue 18's work with nothing tuned on them. Never updated: history, the honest
# figure for phrasings nobody had tuned for. The sets were retired to dev on 2026-12-04.
RETIRED_BLIND_FIRST_RUN: dict[str, Any] = {
    "blind_items": 417,
    "blind_items_zh": 127,
    "intent_slots_rate": 0.8039,
    "intent_slots_rate_en": 0.8293,
    "intent_slots_rate_zh": 0.7477,
    "intent_only_rate": 0.8739,
    "close_calls_asked_back_rate": 0.037,
    "action_asks_asked_first_rate": 0.5185,
    "action_conversations_right_rate": 0.7692,
    "action_forbidden_refused_rate": 1.0,
    "general_items": 223,
    "general_items_zh": 70,
    "general_refusal_rate": 0.9641,
    "general_refusal_rate_en": 0.9673,
    "general_refusal_rate_zh": 0.9571,
    "general_not_understood": 2,
    "questions_p50_ms": 16.56,
    "reports_p50_ms": 17.68,
    "measured": "2026-12-04 00:22 UTC",
    "retired": "2026-12-04",
}
# The first measurement on the second held-out pair, assistant_blind2 / assistant_general2 (written
# blind by a helper on 2026-12-04 04:45 UTC, added to bench/data after the chat's tuning on the
# first pair had stopped; follow-up conversations scored as decided before this run). Never
# updated. The sets were retired to dev (blind2_dev, general2_dev) on 2026-12-04.
RETIRED_BLIND2_FIRST_RUN: dict[str, Any] = {
    "blind_items": 455, "blind_items_zh": 167,
    "intent_slots_rate": 0.886, "intent_slots_rate_en": 0.8824, "intent_slots_rate_zh": 0.8923,
    "intent_only_rate": 0.9202, "close_calls_asked_back_rate": 0.0714,
    "clear_questions_asked_back_rate": 0.0256, "action_asks_asked_first_rate": 0.6923,
    "action_conversations_right_rate": 0.7222, "action_forbidden_refused_rate": 0.9333,
    "follow_ups_right_rate": 0.6364,
    "general_items": 279, "general_items_zh": 109, "general_refusal_rate": 0.9176,
    "general_refusal_rate_en": 0.8824, "general_refusal_rate_zh": 0.9725,
    "questions_p50_ms": 21.1, "reports_p50_ms": 21.82,
    "measured": "2026-12-04 05:48 UTC", "retired": "2026-12-04",
}
# The first measurement on the third held-out pair, assistant_blind3 / assistant_general3 (written
# blind by a helper on 2026-12-04 14:01 UTC), recorded 2026-12-04 15:42 UTC on an idle machine,
# before anyone looked at the sets' misses. Never updated. The sets were retired to dev
# (blind3_dev, general3_dev) on 2026-12-04.
RETIRED_BLIND3_FIRST_RUN: dict[str, Any] = {
    "blind_items": 484, "blind_items_zh": 170, "intent_slots_rate": 0.8649,
    "intent_slots_rate_en": 0.8672, "intent_slots_rate_zh": 0.8605, "intent_only_rate": 0.8919,
    "close_calls_asked_back_rate": 0.2195, "clear_questions_asked_back_rate": 0.027,
    "action_asks_asked_first_rate": 0.6071, "action_conversations_right_rate": 0.6136,
    "action_forbidden_refused_rate": 1.0, "general_items": 331, "general_items_zh": 113,
    "general_refusal_rate": 0.9456, "general_refusal_rate_en": 0.9266,
    "general_refusal_rate_zh": 0.9823, "general_not_understood": 3, "questions_p50_ms": 32.46,
    "reports_p50_ms": 40.77, "measured": "2026-12-04 15:42 UTC", "retired": "2026-12-04",
}
# The first measurement on the fourth held-out pair, assistant_blind4 / assistant_general4, recorded
# once by the coordinator after the chat's tuning on the dev sets had stopped (its whole output is
# bench/results/assistant_chat_blind4_first_run.json). Never updated. The sets were retired to dev
# (blind4_dev, general4_dev) on 2026-12-04.
FIRST_RUN_BLIND4: dict[str, Any] = {
    "blind_items": 525, "blind_items_zh": 228, "intent_slots_rate": 0.8243,
    "intent_slots_rate_en": 0.8468, "intent_slots_rate_zh": 0.7939, "intent_only_rate": 0.9147,
    "close_calls_asked_back_rate": 0.1667, "clear_questions_asked_back_rate": 0.0026,
    "action_asks_asked_first_rate": 0.4375, "action_conversations_right_rate": 0.5846,
    "action_forbidden_refused_rate": 1.0, "follow_ups_right_rate": 0.75, "general_items": 351,
    "general_items_zh": 123, "general_refusal_rate": 0.9544, "general_refusal_rate_en": 0.9386,
    "general_refusal_rate_zh": 0.9837, "general_not_understood": 1, "questions_p50_ms": 16.73,
    "reports_p50_ms": 16.45, "measured": "2026-12-04 18:40 UTC", "retired": "2026-12-04",
}
# The first measurement on the held-out assistant_blind5 / assistant_general5 sets, to be recorded
# once after the chat's tuning on the dev sets has stopped. Never updated once set.
FIRST_RUN_BLIND5: dict[str, Any] | None = {
    "blind_items": 465,
    "blind_items_zh": 209,
    "intent_slots_rate": 0.8308,
    "intent_slots_rate_en": 0.8611,
    "intent_slots_rate_zh": 0.7947,
    "intent_only_rate": 0.8459,
    "close_calls_asked_back_rate": 0.3409,
    "clear_questions_asked_back_rate": 0.0302,
    "action_asks_asked_first_rate": 0.5172,
    "action_conversations_right_rate": 0.3333,
    "action_forbidden_refused_rate": 0.9286,
    "general_items": 360,
    "general_items_zh": 146,
    "general_refusal_rate": 0.9528,
    "general_refusal_rate_en": 0.9299,
    "general_refusal_rate_zh": 0.9863,
    "general_not_understood": 2,
    "questions_p50_ms": 25.2,
    "reports_p50_ms": 27.61,
    "measured": "2026-12-04 21:12 UTC",
}
# What a post changes: one count (or fingerprint) per table an action writes.
_STATE_SQL = (
    "SELECT (SELECT count(*) FROM audit_log), (SELECT count(*) FROM documents),"
    " (SELECT count(*) FROM stock_moves), (SELECT count(*) FROM reservations),"
    " (SELECT coalesce(sum(open_quantity), 0) FROM reservations),"
    " (SELECT count(*) FROM purchase_orders), (SELECT count(*) FROM purchase_order_lines),"
    " (SELECT count(*) FROM alerts WHERE acknowledged_at IS NOT NULL),"
    " (SELECT group_concat(code || ':' || status, ',') FROM lots)"
)


def set_file(name: str, path: str | Path) -> None:
    """Point an issue-18 set (``blind`` or ``general``) at another file: a name in bench/data
    or a path."""
    candidate = Path(path)
    if not candidate.is_absolute() and not candidate.exists():
        candidate = HERE / "data" / candidate
    NEW_SETS[name] = candidate


def load_new_set(name: str) -> list[dict[str, Any]] | None:
    """The items of an issue-18 set (``blind``, ``general`` or their ``_dev`` forms): a plain
    list, or None when its file does not exist (yet)."""
    path = NEW_SETS[name]
    if not path.exists():
        return None
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [dict(item) for item in items]


def _lang(words: str) -> str:
    return "zh" if any("\u3400" <= ch <= "\u9fff" for ch in words) else "en"


def _actor(db: Database, username: str) -> Actor:
    from core.people.models import User

    with db.read() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        return Actor(user.id, user.username, user.role)


def _state(db: Database) -> tuple[Any, ...]:
    with db.read() as session:
        return tuple(session.execute(text(_STATE_SQL)).one())


def _raise_alerts(db: Database) -> None:
    """The small demo has no camera alerts; the blind set acknowledges alerts 1-3 (the latest in
    the vault zone), raised here as the demo cameras would."""
    from core.alerts import raise_alert

    with db.write() as session:
        for minutes, zone, message in ((180, "PICK", "Person in the pick aisle after hours"),
                                       (120, "VLT", "One person alone in the vault"),
                                       (45, "VLT", "One person alone in the vault")):
            raise_alert(session, camera="vault-door", zone=zone, rule="two-person",
                        severity="high", message=message,
                        raised_at=DEMO_NOW - timedelta(minutes=minutes))


def _copy(db: Database, source_path: Path, target_path: Path) -> None:
    """Copy one SQLite file over another with SQLite's backup API, the database's pooled
    connections closed first (a snapshot of the demo, or the demo put back from it)."""
    db.dispose()
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _ask(assistant: Assistant, actor: Actor, text_: str,
         conversation: str | None = None) -> tuple[dict[str, Any], float, float]:
    started, cpu_started = time.perf_counter(), time.process_time()
    reply = assistant.ask(text_, actor=actor, conversation_id=conversation)
    ms = (time.perf_counter() - started) * 1000
    cpu = (time.process_time() - cpu_started) * 1000
    out = reply.as_dict()
    out.pop("events", None)
    out.pop("data", None)
    return out, ms, cpu


def _slots_ok(expected: dict[str, Any] | None, got: dict[str, Any]) -> bool:
    return all(str(got.get(k)) == str(v) for k, v in (expected or {}).items())


def _kind(item: dict[str, Any]) -> str:
    if "turns" in item:
        return "conversation"
    if "clarify" in item:
        return "clarify"
    if item.get("error") == "forbidden":
        return "forbidden"
    return "question"


def _single(assistant: Assistant, db: Database, actor: Actor,
            item: dict[str, Any]) -> dict[str, Any]:
    """One question (or close call) asked by the manager; posts counted around it."""
    before = _state(db)
    reply, ms, cpu = _ask(assistant, actor, item["text"])
    posted = _state(db) != before
    row: dict[str, Any] = {
        "text": item["text"], "language": _lang(item["text"]), "kind": _kind(item),
        "got": reply["intent"], "slots": reply["slots"], "error": reply["error"],
        "matcher": reply["matcher"],
        "report": (reply["report"] or {}).get("name") if reply["report"] else None,
        "confirm": reply["confirm"] is not None, "posted": posted,
        "choices": [c.get("intent") for c in reply["choices"]], "ms": ms, "cpu": cpu,
    }
    if row["kind"] == "clarify":
        row["expected"] = list(item["clarify"])
        row["ok"] = (reply["error"] == "ambiguous"
                     and set(item["clarify"]) <= set(row["choices"]) and not posted)
    else:
        row["expected"], row["expected_slots"] = item["intent"], item.get("slots") or {}
        row["ok"] = (reply["intent"] == item["intent"] and _slots_ok(item.get("slots"),
                                                                      reply["slots"])
                     and not posted)
        if item["intent"] in ACTIONS:
            row["asked_first"] = row["confirm"] and reply["error"] is None and not posted
    return row


def _conversation(assistant: Assistant, db: Database, actors: dict[str, Actor],
                  item: dict[str, Any]) -> dict[str, Any]:
    """A conversation from a fresh database: posts = turns after which the database changed."""
    kind = _kind(item)
    actor = actors[item.get("user", "manager")]
    turns = list(item["turns"]) if kind == "conversation" else [item["text"], "yes"]
    conversation = uuid.uuid4().hex
    replies, changed = [], []
    for turn in turns:
        before = _state(db)
        reply, _, _ = _ask(assistant, actor, turn, conversation)
        changed.append(_state(db) != before)
        replies.append(reply)
    posts = sum(changed)
    row: dict[str, Any] = {
        "turns": turns, "language": _lang(turns[0]), "kind": kind, "posts": posts,
        "replies": [{"intent": r["intent"], "slots": r["slots"], "error": r["error"],
                     "confirm": r["confirm"] is not None} for r in replies],
    }
    if kind == "forbidden":
        row["expected"] = "forbidden"
        row["got"] = replies[0]["error"]
        row["ok"] = replies[0]["error"] == "forbidden" and posts == 0
        return row
    if item["intent"] == "follow_up":  # a refinement: the first question again, slots merged
        first, last = replies[0], replies[-1]
        row["expected"], row["expected_posts"], row["got"] = "follow_up", 0, last["intent"]
        row["follow_up"], row["asked_first"] = True, True  # nothing to ask: no action
        row["intent_ok"] = (first["error"] is None and last["error"] is None
                            and last["intent"] == first["intent"]
                            and _slots_ok(item.get("slots"), last["slots"]))
        row["ok"] = row["intent_ok"] and posts == 0
        return row
    asks = [i for i, r in enumerate(replies) if r["confirm"] is not None]
    last = replies[asks[-1]] if asks else replies[0]
    row["expected"], row["expected_posts"] = item["intent"], item["posts"]
    row["got"] = last["intent"]
    row["asked_first"] = bool(asks) and asks[0] == 0 and not any(changed[i] for i in asks)
    row["intent_ok"] = last["intent"] == item["intent"] and _slots_ok(item.get("slots"),
                                                                     last["slots"])
    row["ok"] = row["asked_first"] and row["intent_ok"] and posts == item["posts"]
    return row


def _rate(rows: list[dict[str, Any]], key: str = "ok") -> float | None:
    return round(sum(bool(r.get(key)) for r in rows) / len(rows), 4) if rows else None


def _slot_causes(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per slot name and language (``purity/zh``): how often the slot was missing (expected,
    not given), wrong (given another value) or extra (given, not expected; not scored, since the
    sets name only what the question says), on questions whose intent was right."""
    causes: dict[str, Counter[str]] = {}
    for r in rows:
        if r["kind"] != "question" or r["got"] != r["expected"]:
            continue
        expected, got = r.get("expected_slots") or {}, r.get("slots") or {}
        for name in sorted(set(expected) | set(got)):
            if name not in got:
                cause = "missing"
            elif name not in expected:
                cause = "extra"
            elif str(got[name]) != str(expected[name]):
                cause = "wrong"
            else:
                continue
            causes.setdefault(f"{name}/{r['language']}", Counter())[cause] += 1
    return {k: dict(v) for k, v in sorted(causes.items(),
                                           key=lambda kv: -sum(kv[1].values()))}


def _outcome(row: dict[str, Any]) -> str:
    """What a close call got: the choices asked back, else the error or the intent answered."""
    if row["error"] == "ambiguous":
        return "asked " + "/".join(sorted(map(str, row["choices"])))
    return str(row["error"] or row["got"])


def _causes(rows: list[dict[str, Any]], talks: list[dict[str, Any]]) -> dict[str, Any]:
    """The misses of a blind set by cause: slots, intent confusions, close calls, per kind."""
    questions = [r for r in rows if r["kind"] == "question"]
    confusions = Counter(f"{r['expected']} -> {r['error'] or r['got']}" for r in questions
                         if r["got"] != r["expected"])
    slot_only = [r for r in questions if r["got"] == r["expected"] and not r["ok"]]
    close = [r for r in rows if r["kind"] == "clarify"]
    kinds: dict[str, dict[str, int]] = {}
    for r in rows + talks:
        kind = "follow_up" if r.get("follow_up") else r["kind"]
        entry = kinds.setdefault(f"{kind}/{r['language']}", {"items": 0, "right": 0})
        entry["items"] += 1
        entry["right"] += bool(r["ok"])
    return {
        "intent_misses": sum(r["got"] != r["expected"] for r in questions),
        "slot_misses": len(slot_only),
        "posted_misses": sum(bool(r["posted"]) for r in questions),
        "slots": _slot_causes(questions),
        "confusions": dict(confusions.most_common(25)),
        "close_calls": dict(Counter(f"{'/'.join(sorted(r['expected']))} -> {_outcome(r)}"
                                    for r in close if not r["ok"]).most_common(20)),
        "per_kind": dict(sorted(kinds.items())),
    }


def _blind_figures(rows: list[dict[str, Any]], talks: list[dict[str, Any]]) -> dict[str, Any]:
    questions = [r for r in rows if r["kind"] == "question"]
    close = [r for r in rows if r["kind"] == "clarify"]
    convs = [r for r in talks if r["kind"] == "conversation" and not r.get("follow_up")]
    follow_ups = [r for r in talks if r.get("follow_up")]
    forbidden = [r for r in talks if r["kind"] == "forbidden"]
    asked = [r for r in questions if r["expected"] in ACTIONS]
    per_intent: dict[str, dict[str, Any]] = {}
    for r in questions:
        # An item the chat must not understand (intent null) is counted under "none".
        entry = per_intent.setdefault(r["expected"] or "none", {"items": 0, "right": 0})
        entry["items"] += 1
        entry["right"] += bool(r["ok"])
    for entry in per_intent.values():
        entry["rate"] = round(entry["right"] / entry["items"], 4)
    everything = rows + talks
    return {
        "items": len(everything),
        "items_zh": sum(r["language"] == "zh" for r in everything),
        "intent_slots": {
            "questions": len(questions), "rate": _rate(questions),
            "rate_en": _rate([r for r in questions if r["language"] == "en"]),
            "rate_zh": _rate([r for r in questions if r["language"] == "zh"]),
            "intent_only_rate": round(sum(r["got"] == r["expected"] for r in questions)
                                      / len(questions), 4) if questions else None,
            "target": TARGET_BLIND,
            "per_intent": dict(sorted(per_intent.items())),
        },
        "close_calls": {
            "items": len(close), "asked_back_rate": _rate(close),
            "asked_back_any_choices": sum(r["error"] == "ambiguous" for r in close),
            "guessed": dict(Counter(str(r["got"]) for r in close
                                    if r["error"] != "ambiguous").most_common()),
            # Clear questions (one right intent) that were asked back all the same.
            "clear_asked_back": sum(r["error"] == "ambiguous" for r in questions),
            "clear_asked_back_rate": round(sum(r["error"] == "ambiguous" for r in questions)
                                           / len(questions), 4) if questions else None,
        },
        "follow_ups": {"conversations": len(follow_ups), "right_rate": _rate(follow_ups)},
        "actions": {
            "single_asks": len(asked), "single_asked_first_rate": _rate(asked, "asked_first"),
            "single_posted": sum(r["posted"] for r in rows),
            "conversations": len(convs), "conversations_right_rate": _rate(convs),
            "conversations_asked_first_rate": _rate(convs, "asked_first"),
            "yes_posted_as_expected": _rate([{"ok": r["posts"] == r["expected_posts"]}
                                             for r in convs if r["expected_posts"] >= 1]),
            "no_or_silence_posted_nothing": _rate([{"ok": r["posts"] == 0}
                                                   for r in convs if r["expected_posts"] == 0]),
            "single_not_asked_because": dict(Counter(str(r["error"]) for r in asked
                                                     if not r.get("asked_first")).most_common()),
            "forbidden": len(forbidden), "forbidden_refused_rate": _rate(forbidden),
        },
        "causes": _causes(rows, talks),
        "misses": [r for r in everything if not r["ok"]],
    }


def _general_figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def refused(rs: list[dict[str, Any]]) -> float | None:
        return round(sum(r["error"] == "out-of-scope" for r in rs) / len(rs), 4) if rs else None

    topics = sorted({r["topic"] for r in rows})
    return {
        "items": len(rows), "items_zh": sum(r["language"] == "zh" for r in rows),
        "refusal_rate": refused(rows),
        "refusal_rate_en": refused([r for r in rows if r["language"] == "en"]),
        "refusal_rate_zh": refused([r for r in rows if r["language"] == "zh"]),
        "target": TARGET_REFUSAL,
        "not_understood": sum(r["error"] == "not-understood" for r in rows),
        "posted": sum(r["posted"] for r in rows),
        "answered_as": dict(Counter(str(r["got"]) for r in rows
                                    if r["error"] not in ("out-of-scope", "not-understood"))
                            .most_common()),
        "per_topic": {t: refused([r for r in rows if r["topic"] == t]) for t in topics},
        "misses": [{"text": r["text"], "got": r["got"], "error": r["error"]}
                   for r in rows if r["error"] != "out-of-scope"],
    }


def measure_new(assistant: Assistant, db: Database, folder: Path, names: tuple[str, ...],
                limit: int | None = None) -> dict[str, Any]:
    """Run the held-out sets (each item as written; conversations from a fresh copy)."""
    live = folder / "bench.db"
    pristine = folder / "pristine.db"
    _raise_alerts(db)
    _copy(db, live, pristine)
    actors = {u: _actor(db, u) for u in ("manager", "auditor", "picker")}
    manager = actors["manager"]
    out: dict[str, Any] = {}
    timed: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (row, item) of single questions
    for name in names:
        if load_new_set(name) is None:
            print(f"\n{name}: {NEW_SETS[name]} does not exist (not written yet?): not measured",
                  file=sys.stderr)
            out[name] = {"missing": str(NEW_SETS[name])}
    for name in (n for n in BLIND_KIND if n in names and "missing" not in out.get(n, {})):
        items = (load_new_set(name) or [])[:limit]
        singles = [i for i in items if _kind(i) in ("question", "clarify")]
        rows = [_single(assistant, db, manager, i) for i in singles]
        timed += list(zip(rows, singles, strict=True))
        talks = []
        for item in (i for i in items if _kind(i) in ("conversation", "forbidden")):
            _copy(db, pristine, live)
            talks.append(_conversation(assistant, db, actors, item))
        _copy(db, pristine, live)
        out[name] = _blind_figures(rows, talks)
    for name in (n for n in GENERAL_KIND if n in names and "missing" not in out.get(n, {})):
        items = (load_new_set(name) or [])[:limit]
        rows = []
        for item in items:
            row = _single(assistant, db, manager, {**item, "intent": None})
            row["topic"] = item.get("topic", "?")
            rows.append(row)
        timed += list(zip(rows, items, strict=True))
        out[name] = _general_figures(rows)
    # Latency: each question's fastest of LATENCY_RUNS (as for dev/test), split by whether the
    # answer carries a report.
    best = [row["ms"] for row, _ in timed]
    cpu = [row["cpu"] for row, _ in timed]
    for _ in range(LATENCY_RUNS - 1):
        for n, (_, item) in enumerate(timed):
            _, ms, c = _ask(assistant, manager, item["text"])
            best[n], cpu[n] = min(best[n], ms), min(cpu[n], c)
    _copy(db, pristine, live)
    plain = [ms for (row, _), ms in zip(timed, best, strict=True) if not row["report"]]
    reports = [ms for (row, _), ms in zip(timed, best, strict=True) if row["report"]]
    out["latency_new"] = {
        "runs_per_question": LATENCY_RUNS,
        "questions": len(plain),
        "questions_p50_ms": round(statistics.median(plain), 2) if plain else None,
        "questions_p95_ms": _percentile(plain, 0.95) if plain else None,
        "questions_target_p50_ms": TARGET_P50_MS,
        "reports": len(reports),
        "reports_p50_ms": round(statistics.median(reports), 2) if reports else None,
        "reports_p95_ms": _percentile(reports, 0.95) if reports else None,
        "reports_target_p50_ms": TARGET_REPORT_P50_MS,
        "cpu_p50_ms": round(statistics.median(cpu), 2) if cpu else None,
        "single_run_questions_p50_ms": round(statistics.median(
            [row["ms"] for row, _ in timed if not row["report"]]), 2) if plain else None,
        "single_run_reports_p50_ms": round(statistics.median(
            [row["ms"] for row, _ in timed if row["report"]]), 2) if reports else None,
    }
    for row_list in (out.get(n, {}).get("misses", []) for n in names):
        for row in row_list:
            for key in ("ms", "cpu"):
                row.pop(key, None)
    return out


def headline_new(figures: dict[str, Any], blind_set: str = "blind",
                 general_set: str = "general", latency: bool = True) -> dict[str, Any]:
    """The figures the issue asks for, from one run on the held-out sets (or on the retired
    ones, ``blind_set="blind_dev"``...)."""
    blind, general = figures.get(blind_set, {}), figures.get(general_set, {})
    lat = figures.get("latency_new", {}) if latency else {}
    head: dict[str, Any] = {}
    if blind and "missing" not in blind:
        head.update({
            "blind_items": blind["items"], "blind_items_zh": blind["items_zh"],
            "intent_slots_rate": blind["intent_slots"]["rate"],
            "intent_slots_rate_en": blind["intent_slots"]["rate_en"],
            "intent_slots_rate_zh": blind["intent_slots"]["rate_zh"],
            "intent_only_rate": blind["intent_slots"]["intent_only_rate"],
            "close_calls_asked_back_rate": blind["close_calls"]["asked_back_rate"],
            "clear_questions_asked_back_rate": blind["close_calls"]["clear_asked_back_rate"],
            "action_asks_asked_first_rate": blind["actions"]["single_asked_first_rate"],
            "action_conversations_right_rate": blind["actions"]["conversations_right_rate"],
            "action_forbidden_refused_rate": blind["actions"]["forbidden_refused_rate"],
        })
    if general and "missing" not in general:
        head.update({"general_items": general["items"], "general_items_zh": general["items_zh"],
                     "general_refusal_rate": general["refusal_rate"],
                     "general_refusal_rate_en": general["refusal_rate_en"],
                     "general_refusal_rate_zh": general["refusal_rate_zh"],
                     "general_not_understood": general["not_understood"]})
    if lat:
        head.update({"questions_p50_ms": lat["questions_p50_ms"],
                     "reports_p50_ms": lat["reports_p50_ms"]})
    return head


def report_new(figures: dict[str, Any]) -> None:
    """Print the held-out sets' figures (misses are in the JSON, not printed: nobody tunes on
    them)."""
    for name in (n for n in NEW_SETS if "missing" in figures.get(n, {})):
        print(f"\n{name}: NOT MEASURED, {figures[name]['missing']} does not exist")
    for name in (n for n in BLIND_KIND if "intent_slots" in figures.get(n, {})):
        b = figures[name]
        i, c, a = b["intent_slots"], b["close_calls"], b["actions"]
        print(f"\n{name}: {b['items']} items ({b['items_zh']} Chinese); intent+slots "
              f"{i['rate']} (en {i['rate_en']}, zh {i['rate_zh']}; intent only "
              f"{i['intent_only_rate']}) on {i['questions']} questions, target {i['target']}")
        print("  per intent: " + ", ".join(f"{k} {v['right']}/{v['items']}"
                                           for k, v in i["per_intent"].items()))
        print(f"  close calls asked back: {c['asked_back_rate']} of {c['items']} "
              f"(ambiguous at all: {c['asked_back_any_choices']}; guessed {c['guessed']}); "
              f"clear questions asked back needlessly: {c['clear_asked_back']} "
              f"({c['clear_asked_back_rate']})")
        print(f"  actions: single asks asked first {a['single_asked_first_rate']} of "
              f"{a['single_asks']}, posted on single questions {a['single_posted']}; "
              f"conversations right {a['conversations_right_rate']} of {a['conversations']} "
              f"(asked first {a['conversations_asked_first_rate']}, posts as expected on yes "
              f"{a['yes_posted_as_expected']}, nothing on no/other "
              f"{a['no_or_silence_posted_nothing']}); not asked first because "
              f"{a['single_not_asked_because']}; forbidden refused "
              f"{a['forbidden_refused_rate']} of {a['forbidden']}")
        if (f := b.get("follow_ups")) and f["conversations"]:
            print(f"  follow-ups applied to the question before: {f['right_rate']} of "
                  f"{f['conversations']}")
        if name.endswith("_dev") and (cause := b.get("causes")):
            # By cause, on the dev sets only (a held-out set's misses are for nobody to read).
            print(f"  misses by cause: intent {cause['intent_misses']}, slots only "
                  f"{cause['slot_misses']}, posted {cause['posted_misses']}")
            print("  slots (name/language: missing, wrong, extra-not-scored): " + ", ".join(
                f"{k} {v}" for k, v in cause["slots"].items()))
            print("  intent confusions (expected -> got): " + ", ".join(
                f"{k} x{v}" for k, v in cause["confusions"].items()))
            print("  close calls missed: " + ", ".join(
                f"{k} x{v}" for k, v in cause["close_calls"].items()))
            print("  per kind (right/items): " + ", ".join(
                f"{k} {v['right']}/{v['items']}" for k, v in cause["per_kind"].items()))
    for name in (n for n in GENERAL_KIND if "refusal_rate" in figures.get(n, {})):
        g = figures[name]
        print(f"\n{name}: {g['items']} questions ({g['items_zh']} Chinese); refused "
              f"{g['refusal_rate']} (en {g['refusal_rate_en']}, zh {g['refusal_rate_zh']}), "
              f"target {g['target']}; not understood {g['not_understood']}; answered as "
              f"{g['answered_as']}")
        print(f"  per topic: {g['per_topic']}")
    if figures.get("latency_new", {}).get("questions") or figures.get(
            "latency_new", {}).get("reports"):
        lat = figures["latency_new"]
        print(f"\nlatency (held-out sets, fastest of {lat['runs_per_question']}): questions p50 "
              f"{lat['questions_p50_ms']} ms ({lat['questions']}, target "
              f"{lat['questions_target_p50_ms']}), answers with a report p50 "
              f"{lat['reports_p50_ms']} ms ({lat['reports']}, target "
              f"{lat['reports_target_p50_ms']}); CPU p50 {lat['cpu_p50_ms']} ms")


def summary(figures: dict[str, Any]) -> dict[str, Any]:
    """The headline figures (what bench/assistant.py prints for the chat)."""
    dev, test = figures.get("dev", {}), figures.get("test", {})
    latency = figures.get("latency", {})
    return {
        "dev_accuracy": dev.get("intent_accuracy"),
        "test_accuracy": test.get("intent_accuracy"),
        "test_accuracy_first_run": FIRST_RUN_TEST.get("accuracy"),
        "accuracy_target": TARGET_ACCURACY,
        "latency_ms_p50": latency.get("p50_ms"),
        "latency_ms_p95": latency.get("p95_ms"),
        "latency_target_p50_ms": TARGET_P50_MS,
        "cpu_ms_p50": latency.get("cpu_p50_ms"),
        "single_run_latency_ms_p50": latency.get("single_run_p50_ms"),
        **headline_new(figures),
        **{f"dev_{k}": v for k, v in headline_new(figures, "blind_dev", "general_dev",
                                                   latency=False).items()},
        **{f"dev2_{k}": v for k, v in headline_new(figures, "blind2_dev", "general2_dev",
                                                    latency=False).items()},
        **{f"dev3_{k}": v for k, v in headline_new(figures, "blind3_dev", "general3_dev",
                                                    latency=False).items()},
        **{f"dev4_{k}": v for k, v in headline_new(figures, "blind4_dev", "general4_dev",
                                                    latency=False).items()},
        "blind_first_run_intent_slots_rate": (FIRST_RUN_BLIND5 or {}).get("intent_slots_rate"),
        "general_first_run_refusal_rate": (FIRST_RUN_BLIND5 or {}).get("general_refusal_rate"),
        "retired_blind4_first_run_intent_slots_rate": FIRST_RUN_BLIND4["intent_slots_rate"],
        "retired_general4_first_run_refusal_rate": FIRST_RUN_BLIND4["general_refusal_rate"],
        "retired_blind_first_run_intent_slots_rate":
            RETIRED_BLIND_FIRST_RUN["intent_slots_rate"],
        "retired_general_first_run_refusal_rate": RETIRED_BLIND_FIRST_RUN["general_refusal_rate"],
        "retired_blind2_first_run_intent_slots_rate":
            RETIRED_BLIND2_FIRST_RUN["intent_slots_rate"],
        "retired_general2_first_run_refusal_rate":
            RETIRED_BLIND2_FIRST_RUN["general_refusal_rate"],
        "retired_blind3_first_run_intent_slots_rate":
            RETIRED_BLIND3_FIRST_RUN["intent_slots_rate"],
        "retired_general3_first_run_refusal_rate":
            RETIRED_BLIND3_FIRST_RUN["general_refusal_rate"],
        "blind_target": TARGET_BLIND,
        "refusal_target": TARGET_REFUSAL,
        "reports_target_p50_ms": TARGET_REPORT_P50_MS,
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
    if "chinese_similarity_tier_only" in figures:
        print(f"\nchinese similarity tier only: {figures['chinese_similarity_tier_only']}")
    report_new(figures)
    if FIRST_RUN_BLIND5:
        print(f"\nfirst run on the held-out sets ({FIRST_RUN_BLIND5.get('measured')}): "
              f"{FIRST_RUN_BLIND5}")
    print(f"\nfirst run on the retired blind4/general4 sets, now dev "
          f"({FIRST_RUN_BLIND4['measured']}): {FIRST_RUN_BLIND4}")
    print(f"\nfirst run on the retired blind3/general3 sets, now dev "
          f"({RETIRED_BLIND3_FIRST_RUN['measured']}): {RETIRED_BLIND3_FIRST_RUN}")
    print(f"\nfirst run on the retired blind2/general2 sets, now dev "
          f"({RETIRED_BLIND2_FIRST_RUN['measured']}): {RETIRED_BLIND2_FIRST_RUN}")
    print(f"\nfirst run on the retired blind/general sets, now dev "
          f"({RETIRED_BLIND_FIRST_RUN['measured']}): {RETIRED_BLIND_FIRST_RUN}")


def run(names: tuple[str, ...] = ALL_SETS, limit: int | None = None) -> dict[str, Any]:
    """Measure, print and write ``bench/results/assistant_chat.json``; return the figures.

    ``first_run`` is the first measurement on the held-out sets (``FIRST_RUN_BLIND5``); until it
    is recorded there, a full run's own headline stands in for it. A smoke run (``limit``)
    prints only and writes nothing.
    """
    figures = measure(names, limit)
    held_out = headline_new(figures)
    first_run = FIRST_RUN_BLIND5 or ({**held_out, "measured": datetime.now(UTC).strftime(
        "%Y-%m-%d %H:%M UTC")} if "intent_slots_rate" in held_out else {})
    result = {"summary": summary(figures), "first_run_test": FIRST_RUN_TEST,
              "retired_test_first_run": RETIRED_FIRST_RUN, "first_run": first_run,
              "retired_blind_first_run": RETIRED_BLIND_FIRST_RUN,
              "retired_blind2_first_run": RETIRED_BLIND2_FIRST_RUN,
              "retired_blind3_first_run": RETIRED_BLIND3_FIRST_RUN,
              "retired_blind4_first_run": FIRST_RUN_BLIND4, **figures}
    if limit is None:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                           encoding="utf-8")
    report(figures)
    return result


def main() -> None:
    """Run the benchmark on every set (``--dev``, ``--test``, ``--blind``, ``--general`` for
    some; ``--limit N`` for a smoke run on each set's first N items) and print the figures."""
    args = sys.argv[1:]
    if "--help" in args or "-h" in args:
        print(__doc__)
        print("options: " + " ".join(f"--{n.replace('_', '-')}" for n in ALL_SETS)
              + " --limit N --blind-file PATH --general-file PATH")
        return
    for name in ("blind", "general"):
        if f"--{name}-file" in args:
            set_file(name, args[args.index(f"--{name}-file") + 1])
    names = tuple(n for n in ALL_SETS if f"--{n.replace('_', '-')}" in args) or ALL_SETS
    limit = int(args[args.index("--limit") + 1]) if "--limit" in args else None
    run(names, limit)


if __name__ == "__main__":
    main()

"""Chat refusal benchmark: general-assistant questions refused, warehouse questions not.

Runs on a fresh small demo database (the same pinned "today" as bench/assistant_chat.py) with
the model loaded, and measures on the scope dev set (``bench/data/assistant_scope_dev.yaml``,
general questions that must be refused with error ``out-of-scope``, close calls and Chinese
look-ups) and on the in-scope questions of the chat's dev set (``bench/data/assistant_dev.yaml``):

- refusal rate on general questions (English, Chinese, all);
- false-refusal rate: in-scope questions refused as out of scope;
- ask-back rate: in-scope questions answered with "did you mean ...?" instead of an answer;
- in-scope accuracy (right intent, or asked back between the right one and another);
- close calls asked back (or answered with one of their two intents);
- p50 latency per question (wall time, and CPU time: on a shared machine wall time also
  measures the other processes).

Both sets were used to calibrate the thresholds (settings scope_thresholds, ambiguity_margin,
confusable_margin), so these figures are optimistic; the honest refusal figure is measured by
bench/assistant_chat.py on general questions written apart from them. ``--sweep`` also prints
how the figures move with each threshold (what they were calibrated with).

    .venv/bin/python -m bench.assistant_scope [--sweep]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from assistant.chat import NOT_ANSWERS, Assistant, Reading
from assistant.settings import AssistantSettings
from bench.assistant_chat import DEMO_NOW, _demo, _manager

HERE = Path(__file__).resolve().parent
SCOPE_DEV = HERE / "data" / "assistant_scope_dev.yaml"
CHAT_DEV = HERE / "data" / "assistant_dev.yaml"
RESULTS = HERE / "results" / "assistant_scope.json"


def load() -> dict[str, list[dict[str, Any]]]:
    """The question sets: general, close, chinese (scope dev) and in-scope (chat dev)."""
    scope = yaml.safe_load(SCOPE_DEV.read_text(encoding="utf-8"))
    chat = yaml.safe_load(CHAT_DEV.read_text(encoding="utf-8"))["items"]
    return {"general": scope["general"], "close": scope.get("close", []),
            "chinese": scope.get("chinese", []), "unclear": scope.get("unclear", []),
            "in_scope": [i for i in chat if i.get("intent")],
            "dev_null": [i for i in chat if not i.get("intent")]}


def _ask_all(assistant: Assistant, actor: Any, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ask each question; keep the reply's intent, error, choices and the similarity reading."""
    seen: list[Reading] = []
    similarity = assistant.similarity

    def spy(*args: Any) -> Reading:
        reading = similarity(*args)
        seen.append(reading)
        return reading

    assistant.similarity = spy  # type: ignore[method-assign,assignment]
    rows = []
    try:
        for item in items:
            seen.clear()
            started, cpu = time.perf_counter(), time.process_time()
            reply = assistant.ask(item["text"], actor=actor)
            ms = (time.perf_counter() - started) * 1000
            cpu_ms = (time.process_time() - cpu) * 1000
            match, answer = reply.run.match, reply.run.answer
            reading = seen[-1] if seen else None
            rows.append({
                "text": item["text"], "language": item.get("language", "en"),
                "expected": item.get("intent"), "intents": item.get("intents"),
                "intent": match.intent if match else None, "error": reply.run.error,
                "choices": [c["intent"] for c in answer.choices] if answer else [],
                "ms": ms, "cpu_ms": cpu_ms, "tier": reading.tier if reading else "template",
                "p_out": round(reading.out_of_scope, 4) if reading else None,
                "cues": list(reading.cues) if reading else [],
                "read": reading.text if reading else None,
                "scores": [list(s) for s in reading.ranking.scores[:3]] if reading else [],
            })
    finally:
        del assistant.similarity
    return rows


def _rate(rows: list[dict[str, Any]], ok: Callable[[dict[str, Any]], bool]) -> float | None:
    return round(sum(1 for r in rows if ok(r)) / len(rows), 4) if rows else None


def _right(row: dict[str, Any]) -> bool:
    if row["error"] == "ambiguous":
        return bool(row["expected"] in row["choices"])
    return bool(row["intent"] == row["expected"])


def figures(rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The headline figures from the answered rows."""
    general, inside = rows["general"], rows["in_scope"]
    def refused(row: dict[str, Any]) -> bool:
        return bool(row["error"] == "out-of-scope")

    out: dict[str, Any] = {
        "general_questions": len(general),
        "general_zh": sum(r["language"] == "zh" for r in general),
        "refusal_rate": _rate(general, refused),
        "refusal_rate_en": _rate([r for r in general if r["language"] == "en"], refused),
        "refusal_rate_zh": _rate([r for r in general if r["language"] == "zh"], refused),
        "in_scope_questions": len(inside),
        "false_refusal_rate": _rate(inside, refused),
        "ask_back_rate": _rate(inside, lambda r: r["error"] == "ambiguous"),
        "in_scope_accuracy": _rate(inside, _right),
        "close_asked_back": _rate(rows["close"], lambda r: r["error"] == "ambiguous"),
        "close_asked_or_either": _rate(rows["close"], lambda r: r["error"] == "ambiguous"
                                       or r["intent"] in (r["intents"] or ())),
        "chinese_right": _rate(rows["chinese"], _right),
        "unclear_refused_as_out_of_scope": _rate(rows["unclear"], refused),
        "dev_null_refused": _rate(rows["dev_null"], lambda r: r["error"] in (
            "out-of-scope", "not-understood")),
        "latency_ms_p50": round(statistics.median(
            r["ms"] for rs in rows.values() for r in rs), 2),
        "cpu_ms_p50": round(statistics.median(
            r["cpu_ms"] for rs in rows.values() for r in rs), 2),
    }
    out["misses"] = {
        "general_answered": [(r["text"], r["error"] or r["intent"], r["p_out"])
                             for r in general if not refused(r)],
        "in_scope_refused": [(r["text"], r["expected"], r["p_out"]) for r in inside if refused(r)],
        "in_scope_asked_back": [(r["text"], r["expected"], r["choices"])
                                for r in inside if r["error"] == "ambiguous"],
        "in_scope_wrong": [(r["text"], r["expected"], r["error"] or r["intent"])
                           for r in inside if not _right(r) and not refused(r)],
        "close": [(r["text"], r["error"] or r["intent"], r["choices"]) for r in rows["close"]],
        "chinese": [(r["text"], r["error"] or r["intent"]) for r in rows["chinese"]],
        "unclear_refused": [(r["text"], r["p_out"]) for r in rows["unclear"] if refused(r)],
    }
    return out


def _above(threshold: float) -> Callable[[dict[str, Any]], bool]:
    """Whether a row would be refused at this out-of-scope threshold (no cue, p above it)."""
    def check(row: dict[str, Any]) -> bool:
        return not row["cues"] and row["p_out"] is not None and row["p_out"] >= threshold
    return check


def sweep(rows: dict[str, list[dict[str, Any]]], settings: AssistantSettings) -> dict[str, Any]:
    """How refusal and false refusal move with each tier's threshold, and asking back with the
    margin (over the similarity-tier questions; cue questions are never refused)."""
    out: dict[str, Any] = {}
    for tier in ("embedding", "ngram"):
        general = [r for r in rows["general"] if r["tier"] == tier]
        inside = [r for r in rows["in_scope"] if r["tier"] == tier]
        table = []
        for step in range(20, 96, 5):
            t = step / 100
            table.append({"threshold": t, "refused": _rate(general, _above(t)),
                          "false_refusals": sum(map(_above(t), inside))})
        unanswered = []
        for step in range(0, 41, 5):
            t = step / 100
            unanswered.append({"threshold": t, "general_refused": _rate(general, _above(t)),
                               "unclear_refused": sum(_above(t)(r) for r in rows["unclear"]
                                                      if r["tier"] == tier)})
        out[tier] = {"general": len(general), "in_scope": len(inside), "table": table,
                     "unanswered": unanswered}
    margins = []
    for step in range(0, 31, 2):
        m = step / 100
        inside = [r for r in rows["in_scope"] if r["scores"]]
        def close(r: dict[str, Any], m: float = m) -> bool:
            real = [s for s in r["scores"] if s[0] not in NOT_ANSWERS]
            return len(real) > 1 and real[0][1] - real[1][1] < m
        margins.append({"margin": m, "in_scope_close": sum(close(r) for r in inside),
                        "of": len(inside), "close_set": sum(close(r) for r in rows["close"]
                                                            if r["scores"])})
    out["margins"] = margins
    return out


def measure(with_sweep: bool = False) -> dict[str, Any]:
    """Run every set on a fresh demo; the figures (and the sweep when asked)."""
    sets = load()
    with tempfile.TemporaryDirectory() as folder:
        db = _demo(Path(folder))
        settings = AssistantSettings()
        assistant = Assistant(db, settings, clock=lambda: DEMO_NOW)
        started = time.perf_counter()
        assistant.warm_up()
        warm = round(time.perf_counter() - started, 2)
        actor = _manager(db)
        _ask_all(assistant, actor, sets["in_scope"][:10])  # first-use costs are not latency
        rows = {name: _ask_all(assistant, actor, items) for name, items in sets.items()}
        db.dispose()
    result = {"warm_up_s": warm, "settings": {
        "scope_thresholds": settings.scope_thresholds,
        "scope_unanswered_thresholds": settings.scope_unanswered_thresholds,
        "ambiguity_margin": settings.ambiguity_margin,
        "confusable_margin": settings.confusable_margin}, **figures(rows)}
    if with_sweep:
        result["sweep"] = sweep(rows, settings)
        Path(tempfile.gettempdir(), "assistant_scope_rows.json").write_text(
            json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return result


def main() -> None:
    """Measure, print the figures and misses, write bench/results/assistant_scope.json."""
    result = measure("--sweep" in sys.argv)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for key, value in result.items():
        if key not in ("misses", "sweep"):
            print(f"{key:24} {value}")
    for kind, misses in result["misses"].items():
        print(f"\n{kind} ({len(misses)}):")
        for miss in misses:
            print(f"  {miss}")
    if "sweep" in result:
        print(json.dumps(result["sweep"], indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()

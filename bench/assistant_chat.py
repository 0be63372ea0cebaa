"""Chat benchmark: intent accuracy on held-out phrasings and answer latency with the model loaded.

Runs on a fresh small demo database. Prints the figures and writes
``bench/results/assistant_chat.json``. Also measures how the similarity tier alone does on the
Chinese phrasings (all-MiniLM-L6-v2 is an English model), for the README.

    .venv/bin/python -m bench.assistant_chat
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
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
from assistant.settings import AssistantSettings
from core import Actor, Database
from core.demo import load_demo
from core.migrate import upgrade

HERE = Path(__file__).resolve().parent
HELDOUT = HERE / "data" / "assistant_heldout.yaml"
RESULTS = HERE / "results" / "assistant_chat.json"


def _demo(folder: Path) -> Database:
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    db = Database(url)
    load_demo(db, scale="small")
    return db


def _manager(db: Database) -> Actor:
    from core.people.models import User

    with db.read() as session:
        user = session.scalars(select(User).where(User.username == "manager")).one()
        return Actor(user.id, user.username, user.role)


def _run(assistant: Assistant, actor: Actor, items: list[dict[str, Any]]) -> dict[str, Any]:
    rows, latencies = [], []
    for item in items:
        started = time.perf_counter()
        reply = assistant.ask(item["text"], actor=actor)
        latencies.append((time.perf_counter() - started) * 1000)
        got = reply.run.match.intent if reply.run.match else None
        rows.append({"text": item["text"], "expected": item["intent"], "got": got,
                     "matcher": reply.run.match.matcher if reply.run.match else None,
                     "language": item.get("language", "en"), "ok": got == item["intent"]})
    return {"rows": rows, "latencies": latencies}


def _accuracy(rows: list[dict[str, Any]]) -> float:
    return round(sum(r["ok"] for r in rows) / len(rows), 4) if rows else 0.0


def _chinese_embedding_only(assistant: Assistant, items: list[dict[str, Any]]) -> dict[str, Any]:
    """The similarity tier alone on Chinese: with English examples, and with Chinese ones too."""
    zh = [i for i in items if i.get("language") == "zh" and i["intent"]]
    both = {k: list(v) + list(load_intents("zh").examples.get(k, ()))
            for k, v in load_intents("en").examples.items()}
    out = {}
    for name, matcher in (("english_examples", assistant.embeddings),
                          ("with_chinese_examples", EmbeddingMatcher(both, assistant.encoder))):
        hits, scores = 0, []
        for item in zh:
            intent, score = matcher.rank(normalise_text(item["text"])).best
            hits += intent == item["intent"]
            scores.append(score)
        off = matcher.rank("今天天气怎么样").best
        out[name] = {"accuracy": round(hits / len(zh), 4), "median_score": round(
            statistics.median(scores), 3), "off_topic_best": [off[0], off[1]]}
    return out


def main() -> None:
    """Run the benchmark and print the figures."""
    items = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))["items"]
    with tempfile.TemporaryDirectory() as folder:
        db = _demo(Path(folder))
        assistant = Assistant(db, AssistantSettings())
        started = time.perf_counter()
        assistant.warm_up()
        warm = time.perf_counter() - started
        actor = _manager(db)
        _run(assistant, actor, items[:10])  # first-use costs (statement caches) are not latency
        result = _run(assistant, actor, items)
        chinese = _chinese_embedding_only(assistant, items)
        db.dispose()
    rows, lat = result["rows"], result["latencies"]
    by_matcher = {m: sum(r["matcher"] == m for r in rows) for m in ("template", "embedding")}
    figures = {
        "items": len(rows),
        "intent_accuracy": _accuracy(rows),
        "intent_accuracy_en": _accuracy([r for r in rows if r["language"] == "en"]),
        "intent_accuracy_zh": _accuracy([r for r in rows if r["language"] == "zh"]),
        "matched_by": by_matcher,
        "latency_ms_p50": round(statistics.median(lat), 2),
        "latency_ms_p90": round(sorted(lat)[int(0.9 * len(lat))], 2),
        "warm_up_s": round(warm, 2),
        "chinese_similarity_tier_only": chinese,
        "errors": [r for r in rows if not r["ok"]],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    for key, value in figures.items():
        if key != "errors":
            print(f"{key}: {value}")
    for row in figures["errors"]:
        print(f"  miss: {row['text']!r}: expected {row['expected']}, got {row['got']}")


if __name__ == "__main__":
    main()

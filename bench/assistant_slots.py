"""The managers' chat's slot extraction, measured on every writer's labels given the gold intent.

For every labelled single question with slots in ``assistant/data/training/*.yaml`` (one file
per writer) and the retired blind sets ``bench/data/assistant_blind*_dev.yaml``, fill the slots
of the question's labelled intent with the code the chat uses once it has an intent
(``Assistant._slots`` -> ``extract_slots``, the zone word of ``_with_zone``, and
``action_slots`` for actions) on a resolver over the small demo, and compare with the labels as
bench/assistant_chat.py does (``_slots_ok``: every labelled slot equals what was extracted;
extra slots are allowed but counted). No classifier is fitted, so it runs in a minute or two.

Caveat: a question the template tier would match gets its slots from the template's slot
types in the chat; here every question goes through the free-text scan, so this measures
``extract_slots`` (the similarity tier's path), not the chat end to end. Every writer here has
been read: these are dev figures.

    .venv/bin/python -m bench.assistant_slots                 # all writers
    .venv/bin/python -m bench.assistant_slots --only trainE   # one writer
    .venv/bin/python -m bench.assistant_slots --misses trainB # print that writer's misses
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from assistant.actions import ACTIONS, action_slots
from assistant.chat import EMBEDDING_LANGUAGES, Assistant, _with_zone
from assistant.entities.catalogue import CatalogueIndex
from assistant.entities.codes import detect_language
from assistant.entities.products import ProductIndex
from assistant.entities.resolve import Resolver
from assistant.intents.encoder import SentenceEncoder
from assistant.intents.matcher import IntentMatch, Matcher
from assistant.settings import AssistantSettings
from core import Database
from core.demo import load_demo
from core.migrate import upgrade
from core.reports import vocabulary

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "assistant_slots.json"
DEMO_NOW = __import__("bench.assistant_chat", fromlist=["DEMO_NOW"]).DEMO_NOW
# Writers whose slot labels were not read before 2026-12-05 (checked only at the end).
UNTOUCHED = ("trainE", "trainF", "trainG", "trainH")


def writers() -> dict[str, Path]:
    """Each writer's file: the training files, then the retired blind sets."""
    found = {p.stem: p for p in sorted((ROOT / "assistant" / "data" / "training").glob("*.yaml"))}
    for p in sorted((HERE / "data").glob("assistant_blind*_dev.yaml")):
        found[p.stem.removeprefix("assistant_").removesuffix("_dev") + "_dev"] = p
    return found


def questions(path: Path) -> list[dict[str, Any]]:
    """The single questions of a file that have an intent and labelled slots."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    items = data["items"] if isinstance(data, dict) else data
    return [i for i in items if isinstance(i, dict) and isinstance(i.get("text"), str)
            and isinstance(i.get("intent"), str) and isinstance(i.get("slots"), dict)
            and i["slots"] and "turns" not in i]


def resolver(folder: Path) -> Resolver:
    """A resolver over the small demo (as the chat builds it for the manager)."""
    url = f"sqlite:///{folder / 'slots.db'}"
    upgrade(url)
    db = Database(url)
    load_demo(db, scale="small", now=DEMO_NOW)
    settings = AssistantSettings()
    encoder = SentenceEncoder(settings.embedding_model_path, threads=settings.embedding_threads,
                              cache_dir=settings.embedding_cache_dir)
    with db.read() as session:
        index = CatalogueIndex.build(vocabulary(session))
    return Resolver(index, ProductIndex(index.styles, encoder), "manager", DEMO_NOW)


def fill(text: str, intent: str, res: Resolver) -> dict[str, str]:
    """The slots the chat fills for ``text`` once it has read ``intent``."""
    language = detect_language(text) or "en"
    tier: Matcher = "embedding" if language in EMBEDDING_LANGUAGES else "ngram"
    slots = Assistant._slots(text, intent, tier, res)
    match = _with_zone(IntentMatch(intent, slots, 1.0, tier, language), text, res)
    if intent in ACTIONS:
        return action_slots(intent, text, match.slots, res)
    return dict(match.slots)


def _lang(text: str) -> str:
    return "zh" if any("\u3400" <= ch <= "\u9fff" for ch in text) else "en"


def measure(res: Resolver, only: list[str] | None = None) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for writer, path in writers().items():
        if only and writer not in only:
            continue
        for item in questions(path):
            got = fill(item["text"], item["intent"], res)
            want = {k: str(v) for k, v in item["slots"].items()}
            rows.append({"writer": writer, "language": _lang(item["text"]),
                         "text": item["text"], "intent": item["intent"], "expected": want,
                         "got": got,
                         "ok": all(str(got.get(k)) == v for k, v in want.items())})
    return {"rows": rows, "rates": _rates(rows), "causes": _causes(rows)}


def _rates(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key in sorted({(r["writer"], r["language"]) for r in rows} |
                      {(r["writer"], "all") for r in rows} | {("all", "all"), ("all", "en"),
                                                                ("all", "zh")}):
        sel = [r for r in rows if key[0] in ("all", r["writer"])
               and key[1] in ("all", r["language"])]
        if sel:
            out[f"{key[0]}/{key[1]}"] = {"n": len(sel),
                                          "rate": round(100 * sum(r["ok"] for r in sel)
                                                        / len(sel), 1)}
    return out


def _causes(rows: list[dict[str, Any]]) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for r in rows:
        for name in sorted(set(r["expected"]) | set(r["got"])):
            if name not in r["got"]:
                cause = "missing"
            elif name not in r["expected"]:
                cause = "extra"
            elif str(r["got"][name]) != r["expected"][name]:
                cause = "wrong"
            else:
                continue
            key = f"{name}/{cause}/{r['language']}"
            counts[key] += 1
            if len(examples.setdefault(key, [])) < 6:
                examples[key].append(f"[{r['writer']}] {r['text']} -> {r['got'].get(name)!r} "
                                     f"(want {r['expected'].get(name)!r})")
    return {k: {"n": n, "examples": examples[k]} for k, n in counts.most_common()}


def report(figures: dict[str, Any], top: int = 25) -> None:
    print(f"{'writer/lang':24} {'n':>6} {'rate':>6}")
    for key, v in figures["rates"].items():
        print(f"{key:24} {v['n']:>6} {v['rate']:>6}")
    print("\ntop causes (slot/cause/language: count; extra slots are not scored):")
    for key, v in list(figures["causes"].items())[:top]:
        print(f"  {key}: {v['n']}")
        for ex in v["examples"][:3]:
            print(f"      {ex}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="writers to run (file stems)")
    parser.add_argument("--misses", help="print this writer's misses")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        res = resolver(Path(folder))
        figures = measure(res, args.only)
    report(figures)
    if args.misses:
        for r in figures["rows"]:
            if r["writer"] == args.misses and not r["ok"]:
                print(f"MISS {r['intent']}: {r['text']} | want {r['expected']} | got {r['got']}")
    print(f"\n{time.perf_counter() - started:.0f} s")
    if not args.no_write and not args.only:
        RESULTS.parent.mkdir(exist_ok=True)
        misses = [{k: r[k] for k in ("writer", "text", "intent", "expected", "got")}
                  for r in figures["rows"] if not r["ok"]]
        RESULTS.write_text(json.dumps({"rates": figures["rates"], "causes": figures["causes"],
                                       "misses": misses}, ensure_ascii=False, indent=1),
                           encoding="utf-8")


if __name__ == "__main__":
    main()

"""bench/assistant_chat_cv.py: writers read back from their training files, and the close-call
model's operating points scored from dumped replies."""

from __future__ import annotations

from typing import Any

from assistant.intents.closecall import PairCounts
from bench import assistant_chat_cv as cv


def test_a_writer_whose_files_are_gone_is_read_from_its_training_file() -> None:
    items = cv._from_training("trainA")
    kinds = {i["kind"] for i in items}
    assert {"question", "clarify", "general", "action"} <= kinds
    assert all(len(i["clarify"]) == 2 for i in items if i["kind"] == "clarify")
    assert all(i["intent"] in cv.ACTIONS for i in items if i["kind"] == "action")


def _row(kind: str, expected: Any, got: str, probabilities: dict[str, float]) -> dict[str, Any]:
    reply = {"intent": got, "error": None, "matcher": "embedding", "choices": [],
             "slots_ok": True, "confirm": False}
    item = {"clarify": expected} if kind == "clarify" else {"intent": expected}
    return {"kind": kind, "text": "old stock", "item": item, "phrasing": 0.5, "on": reply,
            "off": reply, "inputs": {"probabilities": probabilities, "scores": probabilities,
                                     "words": 2, "code": False, "settled": []}}


def test_operating_points_ask_back_close_calls_and_count_clear_ones_asked() -> None:
    counts = PairCounts.of([("dead_stock", "stock_ageing")])
    rows = [_row("clarify", ["dead_stock", "stock_ageing"], "dead_stock",
                 {"dead_stock": 0.5, "stock_ageing": 0.45, "locate": 0.05}),
            _row("question", "locate", "locate",
                 {"locate": 0.98, "dead_stock": 0.01, "stock_ageing": 0.01})]
    found = [(r, cv._signals(r, "off", counts)) for r in rows]
    model = {"weights": {"gap": -10.0}, "bias": 2.0}
    never = cv.simulate(found, "off", None, 1.0)
    assert never["close_asked_back"] == 0.0 and never["intent"] == 1.0
    asked = cv.simulate(found, "off", model, 0.5)
    assert asked["close_asked_back"] == 1.0  # the split reading is asked back, with its pair
    assert asked["clear_asked_back"] == 0.0 and asked["intent_slots"] == 1.0
    everything = cv.simulate(found, "off", model, 0.0)
    assert everything["clear_asked_back"] == 1.0 and everything["intent"] == 0.0

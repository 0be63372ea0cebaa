"""Round 30's speakers' yes, no and hold-on to a waiting action (issue 18): South African
'yebo' / 'sharp sharp', Trinidadian 'ok dan' / 'doh do dat' / "hol' strain", Maltese 'iva' /
'ejja' / 'stenna', and Teochew and Hakka 好势 / 着 / 毋爱 / 慢且; 开 with a yes to a waiting
count or draft is that action's own verb."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer


@pytest.mark.parametrize(("reply", "waiting", "answer"), [
    ("yebo", None, "confirm"), ("yebo, sharp", None, "confirm"), ("sharp sharp", None, "confirm"),
    ("ok dan, do it", None, "confirm"), ("yes boss, do it", None, "confirm"),
    ("iva", None, "confirm"), ("mela, yes", None, "confirm"), ("u le! ejja", None, "confirm"),
    ("好势", None, "confirm"), ("着，就照伊", None, "confirm"),
    ("好，開", "draft_purchase_order", "confirm"), ("是，开", "start_cycle_count", "confirm"),
    ("nah man, doh do dat yet", None, "deny"), ("cha", None, "deny"), ("毋爱", None, "deny"),
    ("hol' strain", None, "wait"), ("stenna ftit", None, "wait"), ("慢且", None, "wait"),
    ("你等下", None, "wait"),
    # 开 alone is no yes while nothing it starts waits
    ("好，開", "hold_lot", None),
])
def test_their_yes_no_and_hold_on_answer_a_waiting_action(
    reply: str, waiting: str | None, answer: str | None
) -> None:
    assert short_answer(reply, waiting) == answer

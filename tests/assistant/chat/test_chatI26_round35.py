"""Round 35's kinds of miss, read after its recorded first run (issue 18): Scouse, Cajun and
Russian speakers' replies to a waiting action ('sound la, yes', "yeah go 'ed", 'for true, yes,
go on', 'yes, davai, do it'), Wu and Minnan ones (可以个，做掉, 行个，弄好伊, 好啊，就按呢做,
慢慢叫), and telegram-style ones (不办。, 暂不。, 等。候示。)."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer


@pytest.mark.parametrize(("reply", "answer"), [
    ("sound la, yes", "confirm"), ("yeah go 'ed, do it", "confirm"),
    ("yes, go ahead our kid", "confirm"), ("for true, yes, go on", "confirm"),
    ("mais yeah, go ahead", "confirm"), ("yeah, you right, do it", "confirm"),
    ("yes, davai, do it", "confirm"), ("可以个，做掉", "confirm"), ("行个，弄好伊", "confirm"),
    ("好啊，就按呢做", "confirm"), ("好，有影要做", "confirm"), ("行啦，去做", "confirm"),
    ("可以啦，做下去", "confirm"), ("不办。", "deny"), ("暂不。", "deny"),
    ("慢慢叫，先等一歇", "wait"), ("等。候示。", "wait"), ("hold on, cher", "wait"),
    # a changed quantity or a question is no answer
    ("make it 20 pieces, not all of it", None), ("上个号头啥西卖得最好？", None),
])
def test_their_yes_no_and_hold_on_answer_a_waiting_action(reply: str, answer: str | None) -> None:
    assert short_answer(reply, "start_cycle_count") == answer

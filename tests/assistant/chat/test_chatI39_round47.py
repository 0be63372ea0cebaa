"""Round 47's replies and follow-ups, read after its recorded first run (issue 18): Xuzhou 管 /
可管 / 不管, Gibraltar 'chacho', Baltimore 'hon' and 'send it on through' to a waiting action;
follow-ups in radio phraseology ('say again for this week'), with a closing 'same thing' or
'same period', opened by 'vale', 'down in' or 'over', and 储备区同样口径; a question that
denies the action it names ('光看看，别召回') proposes none."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import ask, assert_refined


@pytest.mark.parametrize(("reply", "answer"), [
    ("管，弄吧", "confirm"), ("可管，就这样", "confirm"), ("sí, confirm it chacho", "confirm"),
    ("yep, send it on through", "confirm"), ("yes hon, do it", "confirm"),
    ("不管，算了", "deny"), ("我不管", None),
])
def test_their_replies_answer_a_waiting_action(reply: str, answer: str | None) -> None:
    assert short_answer(reply, "hold_lot") == answer


@pytest.mark.parametrize(("first", "then", "slots"), [
    ("what were our best sellers over the last 30 days?", "and over the last 7 days, same thing",
     {"period": "last_7_days"}),
    ("request picker performance last week, both pickers, over", "say again for this week",
     {"period": "this_week"}),
    ("how many pieces have we got up in the reserve racks, all told?",
     "and down in the strongroom?", {"zone": "VLT"}),
    ("request slowest movers in the pick faces this quarter", "now the reserve, same period",
     {"zone": "RES"}),
    ("the supplier scorecard for Valenza please, pass rate and all", "vale, now Arezzo's",
     {"supplier": "AREZZO"}),
    ("拣货区货品按成本计值多少", "储备区同样口径", {"zone": "RES"}),
])
def test_their_follow_ups_refine(
    assistant: Assistant, actors: dict[str, Actor], first: str, then: str,
    slots: dict[str, str]
) -> None:
    assert_refined(assistant, actors["manager"], first, then, slots)


@pytest.mark.parametrize("text", ["G-2311这批都卖给了谁？光看看，别召回",
                                  "who got lot G-2311? just look, don't recall it"])
def test_a_question_that_denies_the_action_proposes_none(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = ask(assistant, actors["manager"], text)
    assert reply["confirm"] is None and reply["intent"] == "recall_preview", reply

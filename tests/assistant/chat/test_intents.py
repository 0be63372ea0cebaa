"""Intent matching over many phrasings: the template tier, the similarity tier, and refusal."""

from __future__ import annotations

import pytest

from assistant.chat import Assistant
from core import Actor

TEMPLATE = {
    "locate": [
        ("where is lot G-2311", {"lot": "G-2311"}),
        ("Where's golf two three one one?", {"lot": "G-2311"}),
        ("where is g 2311 right now", {"lot": "G-2311"}),
        ("can you tell me where batch G-2311 is stored", {"lot": "G-2311"}),
        ("locate serial FC0000003", {"serial": "FC0000003"}),
        ("find FC0000003", {"serial": "FC0000003"}),
        ("which bin holds the Ottilie heart bangle", {"category": "bangle"}),
        ("where are the platinum bangles", {"purity": "Pt950", "category": "bangle"}),
        ("批次 G-2311 在哪里?", {"lot": "G-2311"}),
        ("批次二三一一在哪里", {"lot": "G-2311"}),
    ],
    "count_stock": [
        ("how many 18K gold rings do we have", {"purity": "Au750", "category": "ring"}),
        ("how many 14K rings are in stock", {"purity": "Au585"}),
        ("how many platinum rings in size 8", {"purity": "Pt950", "size": "8"}),
        ("how many sterling silver pendants are there", {"purity": "S925"}),
        ("how many rose gold pendants are in stock in size 7", {"colour": "rose"}),
        ("stock of white gold rings", {"colour": "white", "category": "ring"}),
        ("18K金戒指有多少", {"purity": "Au750", "category": "ring"}),
        ("玫瑰金戒指8号还有多少", {"colour": "rose", "size": "8"}),
    ],
    "serial_history": [
        ("show the history of serial FC0000001", {"serial": "FC0000001"}),
        ("what happened to piece FC0000001", {"serial": "FC0000001"}),
        ("序列号FC0000001的流转记录", {"serial": "FC0000001"}),
    ],
    "recall_preview": [
        ("what would a recall of lot G-2311 touch", {"lot": "G-2311"}),
        ("who is affected if we recall batch g 2311", {"lot": "G-2311"}),
        ("recall impact for lot G-2311", {"lot": "G-2311"}),
        ("召回批次G-2311会影响什么", {"lot": "G-2311"}),
    ],
    "best_sellers": [
        ("best sellers this quarter", {"period": "this_quarter"}),
        ("what are the best sellers in the last 30 days", {"period": "last_30_days"}),
        ("top selling products this year", {"period": "this_year"}),
        ("what sold best last month", {"period": "last_month"}),
        ("本季度的畅销品", {"period": "this_quarter"}),
    ],
    "slow_movers": [
        ("slow movers this quarter", {"period": "this_quarter"}),
        ("今年的滞销品有哪些", {"period": "this_year"}),
    ],
    "stock_turnover": [
        ("what is our stock turnover in days", {}),
        ("inventory turnover this year", {"period": "this_year"}),
        ("how many days of stock do we have", {}),
        ("库存周转天数是多少", {}),
    ],
    "pending_orders": [
        ("pending orders", {}), ("how is picking going", {}), ("what's the pick progress", {}),
        ("which orders have not shipped yet", {}), ("待发货的订单有多少", {}),
    ],
    "who_picked": [
        ("who picked order WEB-261125-46439", {"order": "WEB-261125-46439"}),
        ("which picker handled order 42", {"order": "42"}),
        ("订单WEB-261125-46439是谁拣的", {"order": "WEB-261125-46439"}),
    ],
    "qc_failures": [
        ("qc failures by supplier", {}), ("which suppliers failed qc this year", {}),
        ("how many lots failed inspection this quarter", {"period": "this_quarter"}),
        ("按供应商统计的质检不合格", {}),
    ],
    "camera_alerts": [
        ("recent camera alerts", {}), ("any security alerts today", {"period": "today"}),
        ("what did the cameras see this week", {"period": "this_week"}), ("最近的摄像头告警", {}),
    ],
    "picker_performance": [
        ("how is pia doing today", {"person": "picker", "period": "today"}),
        ("how many lines has picker2 picked today", {"person": "picker2"}),
        ("how am i doing today", {"person": "manager"}),
        ("picker performance today", {"period": "today"}), ("how is picker doing", {}),
        ("Paul Picker's performance today", {"person": "picker2"}),
        ("拣货员今天的表现", {}),
    ],
}
EMBEDDING = {
    "locate": ["could you tell me the current whereabouts of G-2311",
               "I need the shelf position of serial FC0000003"],
    "count_stock": ["what's our on-hand quantity of 18K gold rings",
                    "tally up how many platinum bangles we have"],
    "serial_history": ["give me the full movement log of FC0000001"],
    "recall_preview": ["before pulling lot G-2311 back, which customers got pieces from it"],
    "best_sellers": ["which products have been flying off the shelves this quarter"],
    "slow_movers": ["what inventory has been gathering dust this year"],
    "pending_orders": ["how many orders are still waiting to go out the door"],
    "qc_failures": ["which vendors keep failing our quality checks"],
    "camera_alerts": ["has the vision system flagged anything suspicious"],
    "picker_performance": ["how productive has pia been on her shift today"],
}
CASES = [(i, t, s) for i, items in TEMPLATE.items() for t, s in items]


@pytest.mark.parametrize(("intent", "text", "slots"), CASES, ids=[c[1] for c in CASES])
def test_templates(assistant: Assistant, actors: dict[str, Actor], intent: str, text: str,
                   slots: dict[str, str]) -> None:
    reply = assistant.ask(text, actor=actors["manager"])
    match = reply.run.match
    assert match is not None, reply.run.answer
    assert (match.intent, match.matcher, match.score) == (intent, "template", 1.0)
    assert slots.items() <= match.slots.items()


EMB = [(i, t) for i, items in EMBEDDING.items() for t in items]
@pytest.mark.parametrize(("intent", "text"), EMB)
def test_embedding_tier(assistant: Assistant, actors: dict[str, Actor], intent: str,
                        text: str) -> None:
    reply = assistant.ask(text, actor=actors["manager"])
    match = reply.run.match
    assert match is not None, reply.run.answer
    assert (match.intent, match.matcher) == (intent, "embedding")
    assert match.score >= assistant.settings.similarity_threshold


def test_embedding_tier_extracts_slots(assistant: Assistant, actors: dict[str, Actor]) -> None:
    reply = assistant.ask("could you tell me the current whereabouts of golf two three one one",
                          actor=actors["manager"])
    assert reply.run.match is not None and reply.run.match.matcher == "embedding"
    assert reply.run.match.slots == {"lot": "G-2311"}
    reply = assistant.ask("which products have been flying off the shelves this quarter",
                          actor=actors["manager"])
    assert reply.run.match is not None and reply.run.match.slots == {"period": "this_quarter"}


# Typos, chat shorthand and codes the sentence model cannot read (they are replaced by the word
# for their kind before embedding), and the slots still come out of the original text.
PREPARED = [
    ("serail movments of FC0000003", "serial_history", {"serial": "FC0000003"}),
    ("qc failurs by suplier this year", "qc_failures", {"period": "this_year"}),
    ("slwo movers this quarter", "slow_movers", {"period": "this_quarter"}),
    ("remaining qty for SKU ST0003-Au750Y-7", "count_stock", {"sku": "ST0003-Au750Y-7"}),
    ("who took care of picking WEB-261120-00042", "who_picked",
     {"order": "WEB-261120-00042"}),
]


@pytest.mark.parametrize(("text", "intent", "slots"), PREPARED, ids=[c[0] for c in PREPARED])
def test_similarity_reads_past_typos_and_codes(assistant: Assistant, actors: dict[str, Actor],
                                               text: str, intent: str,
                                               slots: dict[str, str]) -> None:
    match = assistant.ask(text, actor=actors["manager"]).run.match
    assert match is not None and (match.intent, match.matcher) == (intent, "embedding")
    assert match.slots == slots


# Chinese that no template covers goes to the character n-gram tier.
NGRAM = [
    ("供应商的货检验没过的有哪些", "qc_failures"),
    ("监控拍到异常了吗", "camera_alerts"),
    ("哪几款卖得最火", "best_sellers"),
    ("手链放在哪个货架", "locate"),
    # The opposite said in Chinese: a contrast cue turns one intent into the other.
    ("哪几款卖得最差", "slow_movers"),
    ("哪些商品最畅销", "best_sellers"),
]


@pytest.mark.parametrize(("text", "intent"), NGRAM, ids=[c[0] for c in NGRAM])
def test_chinese_ngram_tier(assistant: Assistant, actors: dict[str, Actor], text: str,
                            intent: str) -> None:
    match = assistant.ask(text, actor=actors["manager"]).run.match
    assert match is not None and (match.intent, match.matcher) == (intent, "ngram")
    assert "product" not in match.slots


# General-assistant questions (weather, jokes, flights, metal prices) are refused as out of
# scope instead: tests/assistant/chat/test_scope.py.
# ('how about the figures' was this question until round 22's writer taught the classifier
# that the figures are the data's oddities: it is read as anomalies since)
@pytest.mark.parametrize("text", ["what about the rest"])
def test_below_threshold_says_so_and_offers_intents(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = assistant.ask(text, actor=actors["manager"]).as_dict()
    assert reply["error"] == "not-understood" and reply["intent"] is None
    assert len(reply["data"]) == 3 and all("intent" in row for row in reply["data"])
    assert reply["answer"].startswith(("Sorry, I did not understand", "抱歉"))


def test_a_supplier_name_is_read_as_our_supplier_and_a_town_is_not(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    # Valenza is a town and one of our suppliers: in the warehouse's chat, trained on ten
    # writers who ask about suppliers by name, it is the supplier (its scorecard, or asked
    # back between the scorecard and another report about it: 'tell me about' says no more),
    # while a town that supplies nothing stays a general question
    reply = assistant.ask("tell me about Valenza", actor=actors["manager"]).as_dict()
    if reply["error"] == "ambiguous":
        assert "supplier_quality" in {c["intent"] for c in reply["choices"]}
    else:
        assert reply["error"] is None and reply["intent"] == "supplier_quality"
        assert reply["slots"].get("supplier") == "VALENZA"
    town = assistant.ask("tell me about Paris", actor=actors["manager"]).as_dict()
    assert town["error"] == "out-of-scope" and town["intent"] is None


@pytest.mark.parametrize(("text", "pair"), [
    ("trace FC0000001", {"serial_history", "who_picked"}),  # a writer's close call (blind8)
    ("what about the numbers", {"anomalies", "count_stock"}),
])
def test_a_terse_question_two_intents_fit_is_asked_back_not_guessed(
    assistant: Assistant, actors: dict[str, Actor], text: str, pair: set[str]
) -> None:
    reply = assistant.ask(text, actor=actors["manager"]).as_dict()
    assert reply["intent"] is None
    if text == "what about the numbers" and reply["error"] == "not-understood":
        return  # not guessed either (since blind9 joined the training, read as no intent;
        # since blind25 it would be refused as general but for bare_reports)
    assert reply["error"] == "ambiguous"
    assert pair <= {c["intent"] for c in reply["choices"]}


@pytest.mark.parametrize(("text", "ours"), [
    ("show me the figures!", True), ("so what about the stats", True),
    ("what are prime numbers", False), ("how do I add page numbers in word", False),
])
def test_a_question_only_asking_for_the_numbers_is_ours_but_not_guessed(
    assistant: Assistant, actors: dict[str, Actor], text: str, ours: bool
) -> None:
    reply = assistant.ask(text, actor=actors["manager"]).as_dict()
    assert reply["intent"] is None
    errors = {"not-understood", "ambiguous"} if ours else {"out-of-scope"}
    assert reply["error"] in errors

"""The chat's small known faults of issue 18 (helper chatS): the not-supported refusal says
plainly what the chat cannot and can do; Cantonese 咁 ('then') reads as 那; codes said or typed
in parts ('F C zero zero ...', 'fc 000 0001', 'st0015 pt950w 40cm') are one code; 作业区 of
another zone is that zone's; a purity the catalogue has none of (22K: Au916) is said so; the
goods filters are listed once; a draft PO of a SKU we do not have says it is not found."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from assistant.entities.resolve import GOODS, spelt_codes, zone_slot
from assistant.handlers import reports
from core import Actor
from tests.assistant.chat.slot_reading import advised_sku, read_slots, resolver_for


def _ask(assistant: Assistant, actor: Actor, text: str,
         conversation: str | None = None) -> dict[str, Any]:
    return assistant.ask(text, actor=actor, conversation_id=conversation).as_dict()


@pytest.mark.parametrize(("text", "cannot", "can"), [
    ("change the QC result of G-2311 to passed", "cannot do that", "put a lot on hold"),
    ("merge lots G-1068 and G-3237", "cannot do that", "put a lot on hold"),
    ("give picker2 a raise", "cannot do that", "put a lot on hold"),
    ("which customers return the most rings", "cannot do that", "put a lot on hold"),
    ("帮我写一封投诉信", "做不了", "冻结批次"),
    ("把 G-2311 的检验结果改为不合格", "做不了", "冻结批次"),
])
def test_the_not_supported_refusal_says_it_cannot_do_the_request_and_what_it_can(
    assistant: Assistant, actors: dict[str, Actor], text: str, cannot: str, can: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] == "not-supported", reply
    assert cannot in reply["answer"] and can in reply["answer"]
    # it names the kinds of request refused, not only deleting and renaming records
    assert ("QC result" in reply["answer"]) or ("质检结果" in reply["answer"])


@pytest.mark.parametrize(("text", "read"), [
    ("咁 VALENZA 呢", "那valenza呢"), ("咁14K呢？", "那14k呢"), ("好，咁上个月呢", "好那上个月呢"),
    ("咁手鐲呢", "那手镯呢"),
    # 咁 as 'so much / like this / so' is no 'then'
    ("仲有咁多", "还有这么多"), ("咁快卖晒", "咁快卖晒"), ("咁樣得唔得", "这样得不得"),
])
def test_cantonese_then_reads_as_mandarin_na(text: str, read: str) -> None:
    assert normalise_text(text) == read


def test_a_cantonese_follow_up_with_then_refines_the_question_before(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    conversation = str(uuid.uuid4())
    first = _ask(assistant, actors["manager"], "今年卖得最好的戒指", conversation)
    assert first["intent"] == "best_sellers"
    reply = _ask(assistant, actors["manager"], "咁 AREZZO 呢", conversation)
    assert reply["error"] is None and reply["intent"] == "best_sellers"
    assert reply["slots"]["supplier"] == "AREZZO" and reply["slots"]["category"] == "ring"


@pytest.mark.parametrize(("text", "intent"), [
    ("who picked F C zero zero zero zero zero zero one", "who_picked"),
    ("who picked FC 000 0001", "who_picked"),
    ("fc 000 0001 who picked it", "who_picked"),
    ("who picked fc-0000001", "who_picked"),
    ("which picker pulled serial F C 0 0 0 0 0 0 1", "who_picked"),
    ("history of F C zero zero zero zero zero zero one", "serial_history"),
    ("every event for fc 0000 001", "serial_history"),
    ("fc 000 0001 的流转记录", "serial_history"),
])
def test_a_serial_said_or_typed_in_parts_is_read_whole(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str
) -> None:
    assert read_slots(assistant, actors["manager"], text, intent)["serial"] == "FC0000001"


def test_a_serial_in_parts_is_read_end_to_end(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "fc 000 0001 who picked it")
    assert reply["slots"].get("serial") == "FC0000001", reply


@pytest.mark.parametrize(("text", "read"), [
    ("which bin has st0015 pt950w 40cm", "which bin has st0015-pt950w-40cm"),
    ("aisle a zero two", "aisle a02"),
    # words before a code are not part of it; sizes and counts stay apart
    ("is fc 0000001 picked", "is fc0000001 picked"),
    ("reserve five size 7 rings", "reserve five size 7 rings"),
    ("top 10 skus this week", "top 10 skus this week"),
    # a short English word before a number starts no serial ('OF99999')
    ("a po of 99999 pieces", "a po of 99999 pieces"),
    ("who picked fc 0000001", "who picked fc0000001"),
])
def test_codes_in_parts_are_joined_only_when_the_catalogue_knows_them(
    assistant: Assistant, actors: dict[str, Actor], text: str, read: str
) -> None:
    index = resolver_for(assistant, actors["manager"]).index
    assert spelt_codes(text, index) == read


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("where is st0005 au999y m stored", "locate", {"sku": "ST0005-Au999Y-M"}),
    # the size of a SKU written apart is no quantity of the draft
    ("make a draft PO for st0003 au750w 9", "draft_purchase_order",
     {"sku": "ST0003-Au750W-9", "quantity": None}),
    ("start counting aisle A zero two", "start_cycle_count", {"location": "A02"}),
    # a SKU shaped code that is none of ours is still the SKU (the plan says not found)
    ("draft po ST0099-Au750Y", "draft_purchase_order", {"sku": "ST0099-Au750Y"}),
    # an order's code shaped like a lot, no lot of ours, in a reservation: the order
    ("给W-1042留两件", "reserve_for_order", {"order": "W-1042", "quantity": "2", "lot": None}),
    # a traditional 裝 in a place's name
    ("包裝區有冇camera alert", "camera_alerts", {"zone": "OPS"}),
])
def test_slot_classes_read(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str | None]
) -> None:
    from bench.assistant_slots import fill

    found = fill(text, intent, resolver_for(assistant, actors["manager"]))
    assert {k: found.get(k) for k in slots} == slots, found


@pytest.mark.parametrize(("text", "zone"), [
    ("拣货作业区有多少戒指", "PICK"), ("备货作业区的死库存", "RES"), ("金库作业区的告警", "VLT"),
    # said alone, the writers mean goods in and out (trainE labels it so)
    ("作业区的监控提醒", "OPS"),
])
def test_a_work_area_of_another_zone_is_that_zone(
    assistant: Assistant, actors: dict[str, Actor], text: str, zone: str
) -> None:
    assert zone_slot(text, resolver_for(assistant, actors["manager"]).index) == zone


@pytest.mark.parametrize(("text", "words"), [
    ("how many 22K rings do we have", ("Au916", "Au750", "S925")),
    ("22K戒指有几件", ("Au916", "Au750", "Pt950")),
    ("best selling 22 carat bangles this year", ("Au916", "Au585")),
])
def test_a_purity_the_catalogue_does_not_stock_is_said_so(
    assistant: Assistant, actors: dict[str, Actor], text: str, words: tuple[str, ...]
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] is None and reply["slots"].get("purity") == "Au916", reply
    assert all(w in reply["answer"] for w in words), reply["answer"]
    assert {r["purity"] for r in reply["data"]} == {"Au585", "Au750", "Au999", "Pt950", "S925"}
    assert reply["confirm"] is None


def test_a_purity_we_stock_is_answered_as_before(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "how many 18K rings do we have")
    assert reply["error"] is None and "Au916" not in reply["answer"]
    assert "purities stocked" not in reply["answer"]


def test_a_draft_po_of_a_purity_we_do_not_stock_is_refused_saying_so(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "draft a PO for 22K bangles from VALENZA")
    assert reply["confirm"] is None
    assert reply["error"] == "unknown-purity" and "Au750" in reply["answer"], reply


def test_a_draft_po_of_a_sku_we_do_not_have_says_it_is_not_found(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "draft a PO for ST0099-Au750Y")
    assert reply["error"] == "not-found" and "ST0099-Au750Y" in reply["answer"], reply
    assert reply["confirm"] is None


def test_the_goods_filters_are_listed_once() -> None:
    assert GOODS == ("category", "metal", "colour", "purity", "size")
    assert not hasattr(reports, "_GOODS")


def test_a_one_sku_draft_po_reads_the_reorder_advice_once(
    assistant: Assistant, actors: dict[str, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.reports import reorder_advice, reorder_advice_by_supplier

    calls: list[str] = []

    def counted(name: str, real: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return real(*args, **kwargs)
        return run

    monkeypatch.setattr("assistant.actions.stock.reorder_advice",
                        counted("advice", reorder_advice))
    monkeypatch.setattr("assistant.actions.stock.reorder_advice_by_supplier",
                        counted("by_supplier", reorder_advice_by_supplier))
    sku = advised_sku(assistant.db)
    reply = _ask(assistant, actors["manager"], f"draft a PO for {sku}")
    assert reply["intent"] == "draft_purchase_order" and reply["confirm"] is not None, reply
    assert sku in reply["answer"]
    assert calls == ["by_supplier"]


@pytest.mark.parametrize(("text", "number"), [
    ("confirm I've seen alert twenty two", "22"), ("ack alert thirty-one", "31"),
    ("acknowledge alert fifteen", "15"), ("acknowledge alert number five", "5"),
])
def test_an_alert_number_said_in_words_up_to_ninety_nine(
    assistant: Assistant, actors: dict[str, Actor], text: str, number: str
) -> None:
    from bench.assistant_slots import fill

    found = fill(text, "acknowledge_alert", resolver_for(assistant, actors["manager"]))
    assert found.get("alert") == number


@pytest.mark.parametrize(("text", "category"), [
    ("hw many 18k rngs in stok", "ring"), ("brclts left", "bracelet"), ("bngls?", "bangle"),
    # words without vowels that are no category's
    ("stk lvl of pcs", None),
])
def test_a_category_typed_without_its_vowels(
    assistant: Assistant, actors: dict[str, Actor], text: str, category: str | None
) -> None:
    found = read_slots(assistant, actors["manager"], text, "count_stock")
    assert found.get("category") == category, found

"""Slots the chat now reads and uses (issue 18, after the eighth blind round): the goods open
orders and QC failures hold, a metal's colour and a size in every report, picking in a place,
zones and suppliers named in more words, hurried periods, mistyped categories, and one way to
read a lot written apart. Phrasings differ from the blind round's on purpose."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from assistant.actions import action_slots
from assistant.chat import Assistant
from assistant.entities.attributes import Vocab, one_edit, scan_attributes
from assistant.entities.resolve import written_lots, zone_slot
from core import Actor
from core.alerts import raise_alert
from core.catalogue.models import Sku, Style
from core.orders.models import OrderLine, SalesOrder
from core.reports import ReportFilter, qc_failures_by_supplier, reorder_advice
from tests.assistant.chat.slot_reading import read_slots, resolver_for


def _ask(chat: Assistant, actor: Actor, text: str, conversation: str | None = None
         ) -> dict[str, Any]:
    return chat.ask(text, actor=actor, conversation_id=conversation).as_dict()


@pytest.mark.parametrize(("text", "intent", "slots"), [
    # open orders and QC failures narrow to goods
    ("which unshipped orders have bracelets in them", "pending_orders",
     {"category": "bracelet"}),
    ("outstanding orders containing white gold", "pending_orders",
     {"colour": "white", "metal": "gold"}),
    ("仲有邊啲未出貨嘅單有手鏈", "pending_orders", {"category": "bracelet"}),
    ("inspection failures on 14K necklaces this year", "qc_failures",
     {"purity": "Au585", "category": "necklace", "period": "this_year"}),
    ("did anything in lot G-2311 fail QC", "qc_failures", {"lot": "G-2311"}),
    ("鉑金戒指質檢唔過嘅", "qc_failures", {"metal": "platinum", "category": "ring"}),
    # a colour and a size in the reports
    ("how old is our rose gold stock", "stock_ageing", {"colour": "rose", "metal": "gold"}),
    ("worth of the white 18K rings", "stock_value",
     {"colour": "white", "purity": "Au750", "category": "ring"}),
    ("黄色吊坠值多少钱", "stock_value", {"colour": "yellow", "category": "pendant"}),
    ("do we need to reorder size 7 rings", "reorder_advice", {"size": "7", "category": "ring"}),
    ("turnover of 42cm necklaces this quarter", "stock_turnover",
     {"size": "42cm", "category": "necklace", "period": "this_quarter"}),
    # picking in a place
    ("how quick were the pickers in the vault this week", "picker_performance",
     {"zone": "VLT", "location": "V04", "period": "this_week"}),
    # suppliers by their Chinese names and their country
    ("華倫薩嘅貨品質好唔好", "supplier_quality", {"supplier": "VALENZA"}),
    ("瓦倫札送來的貨有多少還在路上", "stock_on_order", {"supplier": "VALENZA"}),
    ("how good is the Belgian vendor's stuff", "supplier_quality", {"supplier": "ANTWERP"}),
    ("比利时供应商的质检情况", "supplier_quality", {"supplier": "ANTWERP"}),
    # hurried periods, mistyped categories
    ("top sellers prev mnth", "best_sellers", {"period": "last_month"}),
    ("slow moving neckalces lst qtr", "slow_movers",
     {"category": "necklace", "period": "last_quarter"}),
    ("value of the bangels", "stock_value", {"category": "bangle"}),
    # a lot written apart or run together
    ("what is lot g 2311 worth", "stock_value", {"lot": "G-2311"}),
    ("how old is g2311", "stock_ageing", {"lot": "G-2311"}),
    # one SKU in the reports over stock; purities touching Chinese, and more of their names
    ("what are the ST0003-Au750Y-6 pieces worth", "stock_value", {"sku": "ST0003-Au750Y-6"}),
    ("ST0003-Au750Y-6放咗幾耐", "stock_ageing", {"sku": "ST0003-Au750Y-6"}),
    ("14k的手镯还有多少", "count_stock", {"purity": "Au585", "category": "bangle"}),
    ("dead 22ct stock", "dead_stock", {"purity": "Au916"}),
    ("how many plat rings", "count_stock", {"metal": "platinum", "category": "ring"}),
    # an order named as one, written with spaces or none of ours
    ("who picked the lines of order bou 261125 35830", "who_picked",
     {"order": "BOU-261125-35830"}),
    ("who picked order X-77", "who_picked", {"order": "X-77"}),
    # the person asked about, not the 'I' who asks
    ("I want to see how many lines picker2 picked this week", "picker_performance",
     {"person": "picker2", "period": "this_week"}),
    ("I'd like the anomalies for this quarter", "anomalies",
     {"person": None, "period": "this_quarter"}),
    ("how many lines did I pick today", "picker_performance", {"person": "manager"}),
    ("shrinkage since the start of the quarter", "shrinkage", {"period": "this_quarter"}),
])
def test_question_slots(assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
                        slots: dict[str, str]) -> None:
    found = read_slots(assistant, actors["manager"], text, intent)
    assert {k: found.get(k) for k in slots} == slots, found


def test_an_italian_supplier_is_none_of_two(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    """Valenza and Arezzo are both Italian: 'the Italian supplier' names neither."""
    found = read_slots(assistant, actors["manager"], "quality of the Italian supplier",
                   "supplier_quality")
    assert "supplier" not in found


@pytest.mark.parametrize(("text", "zone"), [
    ("start counting the operations area", "OPS"),
    ("cycle count in ops today", "OPS"),
    ("營運區有冇鏡頭警報", "OPS"),
    ("作业区的盘点", "OPS"),
    ("後備倉有幾多件", "RES"),
    ("备货仓的死库存", "RES"),
    ("點算一下 reserve", "RES"),
    ("reserve 入面嘅死貨", "RES"),
    ("reserve two rings for that order", None),  # the verb, not the zone
    ("operations manager report", None),  # a job, not the zone
    ("玫瑰金库存值多少", None),  # rose gold's stock, not the vault
])
def test_zones_in_more_words(assistant: Assistant, actors: dict[str, Actor], text: str,
                             zone: str | None) -> None:
    assert zone_slot(text, resolver_for(assistant, actors["manager"]).index) == zone


def test_one_way_to_read_a_lot_written_apart() -> None:
    assert written_lots("hold lot g 8078 now") == "hold lot g-8078 now"
    assert written_lots("G2311 and g-2128") == "g-2311 and g-2128"
    assert written_lots("st0003 and 12345 and order w 10420") == \
        "st0003 and 12345 and order w 10420"


@pytest.mark.parametrize(("text", "slots"), [
    ("set aside stock for order Z-5150", {"order": "Z-5150"}),
    ("keep three back for order bou 261125 35830",
     {"order": "BOU-261125-35830", "quantity": "3"}),
])
def test_an_order_named_as_one_is_the_orders(
    assistant: Assistant, actors: dict[str, Actor], text: str, slots: dict[str, str]
) -> None:
    found = action_slots("reserve_for_order", text, {}, resolver_for(assistant, actors["manager"]))
    assert {k: found.get(k) for k in slots} == slots


def test_a_draft_purchase_order_reads_the_goods(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    found = action_slots("draft_purchase_order", "restock white gold rings from Valenza",
                         {}, resolver_for(assistant, actors["manager"]))
    assert {k: found.get(k) for k in ("category", "metal", "colour", "supplier")} == {
        "category": "ring", "metal": "gold", "colour": "white", "supplier": "VALENZA"}


@pytest.mark.parametrize("text", ["put g 2311 on hold", "hold G2311", "freeze lot g-2311"])
def test_an_action_reads_the_lot_the_same_way(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    found = action_slots("hold_lot", text, {}, resolver_for(assistant, actors["manager"]))
    assert found.get("lot") == "G-2311"


def test_a_mistyped_category_is_read_only_when_near_and_long() -> None:
    assert one_edit("braclet", "bracelet") and one_edit("neckalce", "necklace")
    assert not one_edit("ring", "ring") and not one_edit("pending", "pendant")
    assert scan_attributes("earings in stock", Vocab()).slots == {"category": "earrings"}
    assert "category" not in scan_attributes("tangles and angles", Vocab()).slots


def test_open_orders_with_rings_are_only_those_holding_a_ring(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    manager = actors["manager"]
    every = _ask(assistant, manager, "which orders are still pending")
    rings = _ask(assistant, manager, "which pending orders have rings in them")
    assert rings["intent"] == "pending_orders" and rings["slots"].get("category") == "ring"
    orders = [r["order"] for r in rings["data"] if r.get("kind") == "order"]
    assert set(orders) <= {r["order"] for r in every["data"] if r.get("kind") == "order"}
    with assistant.db.read() as session:
        ring_skus = select(Sku.id).join(Style, Style.id == Sku.style_id).where(
            Style.category == "ring")
        for order in orders:
            assert session.scalar(
                select(OrderLine.id).join(SalesOrder, SalesOrder.id == OrderLine.order_id)
                .where(SalesOrder.external_id == order, OrderLine.sku_id.in_(ring_skus))
                .limit(1)) is not None
    none = _ask(assistant, manager, "pending orders with cufflinks in them")
    if not [r for r in none["data"] if r.get("kind") == "order"]:
        assert "cufflinks" in none["answer"]


def test_qc_failures_of_a_metal_are_the_reports(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "QC rejects on platinum pieces this year")
    assert reply["intent"] == "qc_failures" and reply["slots"].get("metal") == "platinum"
    with assistant.db.read() as session:
        now = assistant.clock()
        want = qc_failures_by_supplier(
            session, since=now.replace(month=1, day=1, hour=0, minute=0, second=0,
                                       microsecond=0),
            until=None, goods=ReportFilter(metal="platinum"))
    assert [r["supplier"] for r in reply["data"]] == [r["supplier"] for r in want]
    assert sum(int(r["failed"]) for r in reply["data"]) == sum(int(str(r["failed"]))
                                                               for r in want)


def test_a_colour_narrows_the_stock_value(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    manager = actors["manager"]
    gold = _ask(assistant, manager, "what is our gold stock worth")
    rose = _ask(assistant, manager, "what is our rose gold stock worth")
    assert rose["intent"] == "stock_value" and rose["slots"].get("colour") == "rose"
    assert rose["report"]["filters"].get("colour") == "rose"
    assert 0 < sum(int(r["units"]) for r in rose["data"]) < sum(
        int(r["units"]) for r in gold["data"])


def test_picking_in_a_place_counts_the_picks_from_its_bins(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    manager = actors["manager"]
    every = _ask(assistant, manager, "picker performance this year")
    vault = _ask(assistant, manager, "picker performance in the vault this year")
    assert vault["slots"].get("location") == "V04"
    assert vault["report"]["filters"].get("location") == "V04"
    assert sum(int(r["lines_picked"]) for r in vault["data"]) <= sum(
        int(r["lines_picked"]) for r in every["data"])


def test_a_count_of_one_sku_says_one_sku(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    with assistant.db.read() as session:
        sku = session.scalars(select(Sku.code).order_by(Sku.code)).first()
    reply = _ask(assistant, actors["manager"], f"how many {sku} do we have")
    assert reply["intent"] == "count_stock", reply
    assert "1 SKUs" not in reply["answer"] and "1 locations" not in reply["answer"]
    assert " 1 SKU " in reply["answer"] or " 0 SKUs " in reply["answer"]


def test_a_draft_for_one_sku_orders_that_sku_from_its_supplier(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    """A SKU named: the draft holds that SKU only, in the quantity the warehouse's advice says,
    from the supplier named or else the one whose own advice proposes most of it; another
    quantity of it is drafted as asked (the answer says what the advice proposes), one no
    purchase order line can hold is refused and nothing waits for a yes."""
    manager = actors["manager"]
    with assistant.db.read() as session:
        advice = [r for r in reorder_advice(session, ReportFilter(until=assistant.clock()))
                  if int(str(r["suggested_quantity"])) > 0]
    assert advice, "the demo's reorder advice proposes nothing"
    sku, advised = str(advice[0]["sku"]), int(str(advice[0]["suggested_quantity"]))
    plan = _ask(assistant, manager, f"draft a PO for {sku}", "draft-one-sku")
    assert plan["intent"] == "draft_purchase_order" and plan["confirm"], plan["answer"]
    assert [(r["sku"], r["quantity"]) for r in plan["data"]] == [(sku, advised)]
    assert "1 line," in plan["answer"] and "1 lines" not in plan["answer"]
    _ask(assistant, manager, "no", "draft-one-sku")
    same = _ask(assistant, manager, f"draft a PO for {advised} x {sku} from Jaipur",
                "draft-same")
    assert same["confirm"] and {r["supplier"] for r in same["data"]} == {"JAIPUR"}
    _ask(assistant, manager, "no", "draft-same")
    # another quantity of the one SKU is drafted as asked, saying what the advice proposes
    other = _ask(assistant, manager, f"draft a PO for {advised + 5} x {sku} from Jaipur",
                 "draft-other")
    assert other["confirm"] and other["error"] is None, other["answer"]
    assert [(r["sku"], r["quantity"]) for r in other["data"]] == [(sku, advised + 5)]
    assert f"proposes {advised}" in other["answer"]
    _ask(assistant, manager, "no", "draft-other")
    huge = _ask(assistant, manager, f"draft a PO for 100001 x {sku} from Jaipur", "draft-huge")
    assert huge["error"] == "quantity-out-of-range" and not huge["confirm"]


def test_a_draft_naming_its_sku_supplier_and_quantity_needs_no_advice(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    """One SKU, its supplier and a quantity all named are drafted (after a yes) even when the
    advice proposes none of it now, saying so; without a quantity there is nothing to order."""
    manager = actors["manager"]
    with assistant.db.read() as session:
        advised = {str(r["sku"]) for r in reorder_advice(session,
                                                         ReportFilter(until=assistant.clock()))
                   if int(str(r["suggested_quantity"])) > 0}
        sku = next(c for c in session.scalars(select(Sku.code).order_by(Sku.code))
                   if c not in advised)
    plan = _ask(assistant, manager, f"draft a PO to Jaipur for 6 of {sku}", "draft-unadvised")
    assert plan["confirm"] and plan["error"] is None, plan["answer"]
    assert [(r["sku"], r["quantity"]) for r in plan["data"]] == [(sku, 6)]
    assert "proposes 0" in plan["answer"]
    assert _ask(assistant, manager, "no", "draft-unadvised")["intent"] == "deny"
    bare = _ask(assistant, manager, f"draft a PO to Jaipur for {sku}", "draft-unadvised-bare")
    assert bare["error"] == "nothing-to-order" and not bare["confirm"]


def test_value_of_goods_not_held_says_there_are_none(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "what are our rose platinum bangles worth")
    assert reply["intent"] == "stock_value" and reply["slots"].get("colour") == "rose"
    assert sum(int(r["units"]) for r in reply["data"]) == 0
    assert "no stock" in reply["answer"] and "¥0" not in reply["answer"]


def test_whether_one_order_is_late(assistant: Assistant, actors: dict[str, Actor]) -> None:
    """One order against its due date, as the order-flow report counts late orders."""
    manager = actors["manager"]
    with assistant.db.read() as session:
        order = session.scalars(select(SalesOrder.external_id).where(
            SalesOrder.due_at.is_not(None), SalesOrder.shipped_at.is_not(None))
            .order_by(SalesOrder.id)).first()
    assert order is not None
    found = read_slots(assistant, manager, f"was {order.lower()} shipped late", "late_orders")
    assert found.get("order") == order
    spaced = read_slots(assistant, manager, f"is {order.lower().replace('-', ' ')} overdue",
                    "late_orders")
    assert spaced.get("order") == order
    reply = _ask(assistant, manager, f"is order {order} late")
    assert reply["intent"] == "late_orders" and reply["slots"].get("order") == order
    row = reply["data"][0]
    assert row["order"] == order and isinstance(row["late"], bool)
    assert order in reply["answer"] and ("late" in reply["answer"] or "time" in reply["answer"])
    missing = _ask(assistant, manager, "is order W-1042 late")
    assert missing["error"] == "not-found" and "W-1042" in missing["answer"]


def test_alerts_at_a_place_are_its_zones(assistant: Assistant, actors: dict[str, Actor]) -> None:
    """Cameras watch zones: alerts 'at DOCK-01' or 'at the packing desk' are those of the zone
    the place lies in (OPS), not the vault's."""
    with assistant.db.write() as session:
        raise_alert(session, camera="cam-dock", zone="OPS", rule="loitering", severity="warning",
                    message="someone at the dock")
        raise_alert(session, camera="cam-vault", zone="VLT", rule="loitering", severity="high",
                    message="someone in the vault")
    manager = actors["manager"]
    for question in ("any camera alerts at DOCK-01 today", "camera alerts by the packing desk"):
        reply = _ask(assistant, manager, question)
        assert reply["intent"] == "camera_alerts", (question, reply)
        assert reply["slots"].get("location") in ("DOCK-01", "PACK-01"), reply["slots"]
        assert reply["data"] and {r["zone"] for r in reply["data"]} == {"OPS"}, question
    vault = _ask(assistant, manager, "camera alerts in VLT today")
    assert vault["slots"].get("zone") == "VLT" and {r["zone"] for r in vault["data"]} == {"VLT"}


def test_one_alert_by_its_number(assistant: Assistant, actors: dict[str, Actor]) -> None:
    with assistant.db.write() as session:
        alert = raise_alert(session, camera="cam-reserve", zone="RES", rule="after-hours",
                            severity="high", message="a door opened at night")
        number = alert.id
    manager = actors["manager"]
    for question in (f"what is camera alert number {number} about", f"{number}号告警是什么情况"):
        found = read_slots(assistant, manager, question, "camera_alerts")
        assert found.get("alert") == str(number), (question, found)
    reply = _ask(assistant, manager, f"show me camera alert {number}")
    assert reply["intent"] == "camera_alerts" and [r["id"] for r in reply["data"]] == [number]
    assert "a door opened at night" in reply["answer"] and "still open" in reply["answer"]
    missing = _ask(assistant, manager, "show me camera alert 98765")
    assert missing["error"] == "not-found"
    assert read_slots(assistant, manager, "两号告警是什么", "camera_alerts").get("alert") == "2"
    assert "alert" not in read_slots(assistant, manager, "三号通道的摄像头告警", "camera_alerts")


def test_sizes_in_general_name_no_size() -> None:
    """'which ring sizes sell best' asks about sizes, not size S."""
    vocab = Vocab(sizes=frozenset({"S", "M", "7"}))
    assert "size" not in scan_attributes("which ring sizes sell best", vocab).slots
    assert scan_attributes("rings in size s", vocab).slots.get("size") == "S"

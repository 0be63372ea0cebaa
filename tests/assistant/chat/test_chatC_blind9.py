"""The chat after the ninth blind round (helper chatC), asked in other words than that round's:
requests no report or action carries out (a QC result changed, lots merged, a raise given, a
letter written, customers' returns; and from later rounds an address, invoice or price changed,
a refund, a cancellation, a certificate reprinted, a lot moved, a count approved, an order
shipped at once, payment terms, leave, a camera turned off) are refused as unsupported, and no
training writer's question or general question is caught by those rules; Cantonese 点一点 /
盘一盘 start a count; 'count aisle X' is a count; 咁 ... 呢 and 'and <supplier>' are follow-ups."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from assistant.intents.hant import simplified
from assistant.intents.scope import load_unsupported
from core import Actor

ROOT = Path(__file__).resolve().parents[3]


def _ask(assistant: Assistant, actor: Actor, text: str,
         conversation: str | None = None) -> dict[str, Any]:
    return assistant.ask(text, actor=actor, conversation_id=conversation).as_dict()


def _rules() -> tuple[re.Pattern[str], ...]:
    return load_unsupported(("en", "zh"))


def _caught(text: str) -> bool:
    """Whether an unsupported rule matches the question as the chat reads it (normalised, and
    in simplified characters too)."""
    words = normalise_text(text)
    return any(rule.search(form) for form in (words, simplified(words)) for rule in _rules())


@pytest.mark.parametrize("text", [
    "give picker2 a raise", "can you bump picker's pay", "change the QC result of G-2311 to passed",
    "mark lot G-2311's inspection result as failed", "merge lots G-1068 and G-3237",
    "split batch G-2311 into two", "write a complaint to VALENZA about the purity",
    "send an email to the supplier about late deliveries", "which customers return the most rings",
    "whatsapp VALENZA the late list", "pls email the supplier about G-2311",
    "帮 picker2 加薪", "把 G-2311 的检验结果改为不合格", "把 G-1068 同 G-3237 合併",
    "拆分批次 G-2311", "寫封郵件畀 VALENZA 投訴", "帮我写一封投诉信",
    # an order's address, an invoice, a price: no action does them either
    "please update the shipping address on order WEB-261125-06272",
    "correct the delivery address for that order", "issue an invoice for BOU-261125-35830",
    "can you print the invoices for last week's orders", "mark down the prices of slow silver",
    "raise the price of ST0007-S925W by 5 %", "订单 WEB-261125-06272 要改一下收货地址",
    "帮我开一张发票给这个客户", "把所有银手镯打八折", "将滞销的链降价两成",
    "將全部耳環減價一成",
    # a refund, a cancellation, a certificate reprinted, a lot moved (round 12)
    "refund order WEB-261124-22117", "please issue a refund for WEB-261125-03524",
    "cancel PO-000003", "could you cancel purchase order PO-000002",
    "reprint the certificate for lot G-5188", "move G-3509 to the vault",
    "please move lot G-2311 into aisle A02", "帮我把订单WEB-261125-03524退款",
    "把采购单PO-000002取消", "幫我取消採購單PO-000003", "补打G-5188的证书",
    "G-2311的证书重新打印一份", "将G-1068搬到保险库", "把這批G-3237放到後排貨架",
    # a count approved, an order shipped now, payment terms, leave, a camera off (round 13)
    "please approve count CNT-000002", "sign off the stocktake of aisle A02",
    "ship order WEB-261125-03524 right away", "dispatch BOU-261125-35830 today",
    "skip the packing for WEB-261125-06272", "change VALENZA's payment terms to 90 days",
    "extend the credit terms for ANTWERP", "arrange annual leave for the picker next month",
    "give the pickers a day off on Friday", "switch off the camera in aisle A01",
    "disable the vault cctv tonight", "批核盘点 CNT-000002", "马上发货 WEB-261125-03524",
    "唔使包装，直接寄出", "把 VALENZA 的账期改成 90 天", "幫我安排阿明下個月放年假",
    "关掉保险库的摄像头", "金庫嘅鏡頭熄咗佢",
    # a label or barcode printed, a user's account, password or role changed (round 13)
    "print a barcode for FC0000481", "can you make new price tags for the vault rings",
    "reprint the label on G-2311", "label FC0000481", "please disable picker2's account",
    "lock the clerk's login", "create a login for the new picker", "make picker2 a manager",
    "give picker2 manager permissions", "帮我把 FC0000481 打个标签", "给 FC0000481 贴个新标签",
    "帮我打印 G-2311 的条码", "補打FC0000481嘅標籤", "把 picker2 的账号停用",
    "重置 picker2 的密码", "给新同事开个账号", "幫我開個帳號畀新嘅揀貨員",
    # a courier booked, a record created, someone emailed or phoned, a shift or a piece's weight
    # changed, a vault setting changed, a file uploaded or the ledger exported (rounds 10-13)
    "please book a courier for order WEB-261125-06272", "add a new bin A03-01-1L",
    "create a new SKU for a 9K pendant", "email the dead stock list to fiona",
    "put picker2 on the night shift", "change the weight of FC0000481 to 3.1g",
    "set the vault temperature to 18 degrees", "upload the certificate pdf for FC0000325",
    "export the ledger to our accounting software", "帮我约顺丰明天上门取件", "把 picker2 调到夜班",
    "把 ST0007 的价格调到 800", "新增一个供应商", "给 VALENZA 发个邮件", "把监控录像导出来",
    # someone locked out, a performance review booked, a packing slip or a certificate printed
    # in traditional characters (round 17)
    "picker2 is locked out, unlock his login",
    "the clerk got locked out again, reset her password",
    "please schedule a performance review for picker2 next monday",
    "book an appraisal with the clerk", "帮我打印 WEB-261125-03524 嘅装箱单",
    "把 G-5188 的證書重新列印一份", "列印 WEB-261125-03524 的出貨單",
    "修改 ST0003-Au750Y-7 的售价", "给供应商 JAIPUR 发一封催货邮件"])
def test_a_request_no_report_or_action_does_is_refused_as_unsupported(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    assert _caught(text), text
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] == "not-supported" and reply["intent"] is None, text
    assert reply["confirm"] is None


@pytest.mark.parametrize("text", [
    "which lots failed QC", "QC failures by supplier", "which customers have open orders",
    "draft a PO for ST0007-S925W", "send me the reorder advice", "pay attention to the vault",
    "hold lot G-2311", "质检不合格的批次", "G-2311 质检结果", "上周 picker 拣了多少", "发邮件",
    "how many refunds last month", "cancel the hold on G-2311", "put lot G-2311 on hold",
    "take G-5921 off the shelves", "which lots are missing certificates",
    "hold g-6253 pending the certificate check", "how do I cancel my order on eBay",
    "when will my refund arrive", "取消G-2311的暂扣", "哪些订单取消了", "京东的订单怎么取消",
    "把两件G-5921留给订单W-1042", "G-4917 hold 一下，证书有问题", "拼多多退款要几天",
    "把G-5921从货架上撤下来", "什么是GIA证书",
    "start a count of aisle 7", "which counts are open", "how many orders shipped today",
    "orders still not shipped?", "supplier quality for VALENZA", "picker performance last week",
    "camera alerts today", "acknowledge the vault alert", "when can I leave today",
    "盘点差异", "今天发了多少货", "供应商质量", "上周 picker 拣了多少", "今日嘅镜头警报",
    "确认一下盘点结果",
    "which pieces have no tags", "how many labels did we print", "zebra label printer driver mac",
    "reset my router password", "picker2 account performance", "make a report of rings",
    "open a savings account for me", "打印机打不出标签怎么办", "picker2 这个账号今天拣了几单",
    "哪些货没有标签", "标签打印机坏了",
    "email me the reorder advice", "export the slow movers to excel", "导出滞销报表",
    "who is on shift tomorrow", "when will the courier collect", "which bins are empty",
    "add two of these to order W-1042", "how many new SKUs this month", "邊個聽日返夜班",
    "快递几点来收件", "价格最高的戒指", "哪个供应商的价格最便宜", "set the thermostat to 21",
    "打电话给我老婆", "给安特卫普打电话之前，该订些什么",
    "who got locked out of the vault last night", "schedule a cycle count for the reserve",
    "picker performance review for last week", "哪些订单还没打印装箱单", "装箱单打印机坏了",
    "ST0003-Au750Y-7 的售价是多少", "JAIPUR 的货什么时候到", "给 JAIPUR 的采购单到了没有",
    # the app itself, not a message to send (round 22's general questions)
    "WhatsApp backup how", "whatsapp web not loading on my laptop", "email password reset"])
def test_words_near_the_new_unsupported_rules_are_not_caught(text: str) -> None:
    assert not _caught(text), text


def test_no_training_question_or_general_question_matches_an_unsupported_rule() -> None:
    # the writers' questions the chat answers must never be refused as unsupported, and a
    # general question must be refused as out of scope (the bench counts only that)
    asked: list[str] = []
    for path in sorted((ROOT / "assistant/data/training").glob("*.yaml")):
        items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
        asked += [str(i["text"]) for i in items
                  if i.get("intent") != "out_of_scope" or i.get("topic")]
    assert len(asked) > 5000
    caught = [t for t in asked if _caught(t)]
    assert caught == []


@pytest.mark.parametrize(("text", "location"), [
    ("點一點 A01-01-1L 嘅貨", "A01-01-1L"), ("盘一盘 A01 通道", "A01"),
    ("count aisle A02 please", "A02")])
def test_a_count_asked_in_cantonese_or_as_a_bare_command_is_a_cycle_count(
    assistant: Assistant, actors: dict[str, Actor], text: str, location: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["intent"] == "start_cycle_count", reply
    assert reply["slots"]["location"] == location


@pytest.mark.parametrize(("first", "then", "intent", "slot", "value"), [
    ("18k 戒指有几件", "咁 14K 呢", "count_stock", "purity", "Au585"),
    ("上周卖得最好的戒指", "咁手镯呢", "best_sellers", "category", "bangle"),
    ("how reliable is VALENZA", "and ANTWERP?", "supplier_quality", "supplier", "ANTWERP"),
    ("reorder advice", "JAIPUR instead", "reorder_advice", "supplier", "JAIPUR")])
def test_cantonese_and_a_bare_supplier_refine_the_question_before(
    assistant: Assistant, actors: dict[str, Actor], first: str, then: str, intent: str,
    slot: str, value: str
) -> None:
    conversation = str(uuid.uuid4())
    assert _ask(assistant, actors["manager"], first, conversation)["intent"] == intent
    reply = _ask(assistant, actors["manager"], then, conversation)
    assert reply["error"] is None and reply["intent"] == intent
    assert reply["slots"][slot] == value


@pytest.mark.parametrize("text", ["印度盧比對港幣匯率", "安特卫普值得去吗"])
def test_a_general_question_naming_a_suppliers_town_or_country_is_no_follow_up(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    # a supplier's town or country (Antwerp, India: JAIPUR) in a general question
    reply = _ask(assistant, actors["manager"], text, str(uuid.uuid4()))
    assert reply["error"] == "out-of-scope" and reply["intent"] is None

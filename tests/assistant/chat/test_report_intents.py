"""Every report of the Reports page by question, in English and Chinese, on the small demo:
the intent and its filter slots, the report's rows, its chart and a link to the same report."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant.chat import Assistant
from core import Actor, Database
from core.reports import REPORTS, ReportFilter, run_report

# intent, report, an English question and its slots, a Chinese question and its slots
CASES = [
    ("dead_stock", "dead-stock",
     "dead stock in rings from supplier VALENZA at aisle A",
     {"category": "ring", "supplier": "VALENZA", "location": "A"},
     "戒指的呆滞库存有哪些", {"category": "ring"}),
    ("stock_ageing", "ageing", "stock ageing in the vault", {"location": "V"},
     "金库里的库龄分布", {"location": "V"}),
    ("stock_value", "ageing", "how much is our 18K stock worth",
     {"purity": "Au750", "metal": "gold"}, "库存值多少钱", {}),
    ("shrinkage", "shrinkage", "shrinkage this year", {"period": "this_year"},
     "今年的损耗是多少", {"period": "this_year"}),
    ("traced_variances", "traced-variances", "count variances traced to picks this quarter",
     {"period": "this_quarter"}, "盘点差异追溯到拣货", {}),
    ("supplier_quality", "supplier-quality", "supplier quality report for Antwerp",
     {"supplier": "ANTWERP"}, "哪个供应商质量最差", {}),
    ("late_orders", "order-flow", "late orders in the last 90 days",
     {"period": "last_90_days"}, "有多少订单延误了", {}),
    ("stock_on_order", "reorder", "what is on order from Valenza", {"supplier": "VALENZA"},
     "在途库存有多少", {}),
    ("reorder_advice", "reorder", "what should we reorder in necklaces",
     {"category": "necklace"}, "补货建议", {}),
    ("anomalies", "anomalies", "any anomalies this year", {"period": "this_year"},
     "有没有异常", {}),
    ("slotting_advice", "slotting-advice", "slotting advice for aisle A", {"location": "A"},
     "储位优化建议", {}),
]


def _ask(assistant: Assistant, actor: Actor, text: str) -> dict:
    return assistant.ask(text, actor=actor).as_dict()


def _check(reply: dict, intent: str, report: str, slots: dict[str, str]) -> None:
    assert reply["error"] is None, reply["answer"]
    assert reply["intent"] == intent
    for key, value in slots.items():
        assert str(reply["slots"].get(key, "")).startswith(value), (key, reply["slots"])
    assert reply["chart"] == REPORTS[report].chart
    link = reply["report"]
    assert link["name"] == report
    assert {k: reply["slots"][k] for k in ("category", "metal", "purity", "supplier",
                                           "location") if k in reply["slots"]} \
        .items() <= link["filters"].items()
    assert datetime.fromisoformat(link["filters"]["until"])
    assert len(reply["data"]) <= 50 and reply["answer"]


@pytest.mark.parametrize(("intent", "report", "en", "en_slots", "zh", "zh_slots"), CASES,
                         ids=[c[0] for c in CASES])
def test_every_report_by_question(
    assistant: Assistant, actors: dict[str, Actor], intent: str, report: str, en: str,
    en_slots: dict[str, str], zh: str, zh_slots: dict[str, str],
) -> None:
    english = _ask(assistant, actors["manager"], en)
    _check(english, intent, report, en_slots)
    chinese = _ask(assistant, actors["manager"], zh)
    assert chinese["language"] == "zh"
    _check(chinese, intent, report, zh_slots)


def test_rows_are_the_reports_and_a_filter_narrows_them(
    assistant: Assistant, actors: dict[str, Actor], demo_db: Database
) -> None:
    everything = _ask(assistant, actors["manager"], "what is our stock worth")
    # The demo's stock depends on the day it is loaded: take a category that has some.
    with demo_db.read() as session:
        category = next(c for c in ("ring", "bangle", "earrings", "brooch", "cufflinks", "chain")
                        if any(r["units"] for r in run_report(
                            session, "ageing", ReportFilter(category=c))))
        expected = run_report(session, "ageing", ReportFilter(category=category))
    some = _ask(assistant, actors["manager"], f"what is our {category} stock worth")
    assert some["slots"]["category"] == category
    assert some["data"] == expected
    total = sum(r["units"] for r in everything["data"])
    assert 0 < sum(r["units"] for r in some["data"]) < total
    assert f"{total} pieces" in everything["answer"]
    one = _ask(assistant, actors["manager"], "supplier pass rates for Antwerp")
    assert [r["supplier"] for r in one["data"]] == ["ANTWERP"]
    assert "Antwerp Diamond House" in one["answer"]
    vault = _ask(assistant, actors["manager"], "stock value in the vault")
    assert vault["slots"]["location"].startswith("V")
    assert sum(r["units"] for r in vault["data"]) < total


def test_idle_days_and_a_plain_empty_answer(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    recent = _ask(assistant, actors["manager"], "what stock has not moved in the last 30 days")
    assert recent["intent"] == "dead_stock" and recent["report"]["options"] == {"days": 30}
    assert recent["data"] and all(r["idle_days"] >= 30 for r in recent["data"])
    assert "Dead stock (no move for 30 days or more)" in recent["answer"]
    # The small demo holds under a year of goods: nothing has been idle for 180 days.
    none = _ask(assistant, actors["manager"], "dead stock")
    assert none["data"] == [] and none["answer"].startswith("No stock")
    assert none["report"]["options"] == {"days": 180}


def test_reports_follow_the_report_api_permissions(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    assert _ask(assistant, actors["picker"], "what is our stock worth")["error"] == "forbidden"
    assert _ask(assistant, actors["auditor"], "what is our stock worth")["error"] is None
    assert _ask(assistant, actors["clerk"], "reorder advice")["error"] is None  # purchase:read
    assert _ask(assistant, actors["qc"], "supplier quality report")["error"] is None


def test_older_report_questions_link_to_their_report(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    for text, report in (("best sellers this quarter", "best-sellers"),
                         ("slow movers in rings", "slow-movers"),
                         ("stock turnover this year", "turnover"),
                         ("QC failures by supplier", "supplier-quality"),
                         ("picker performance", "staff-performance")):
        reply = _ask(assistant, actors["manager"], text)
        assert reply["report"]["name"] == report, text
        assert reply["chart"] and {reply["chart"]["x"], reply["chart"]["y"]} <= \
            set(reply["data"][0]) if reply["data"] else True
    rings = _ask(assistant, actors["manager"], "slow movers in rings")
    assert rings["report"]["filters"]["category"] == "ring"


def test_a_follow_up_changes_a_reports_filter(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    first = _ask(assistant, actors["manager"], "what is our stock worth")
    conversation = first["conversation_id"]
    for text, slot, value in (("and in the vault?", "location", "V"),
                              ("what about Valenza", "supplier", "VALENZA"),
                              ("那戒指的呢", "category", "ring")):
        reply = assistant.ask(text, actor=actors["manager"],
                              conversation_id=conversation).as_dict()
        assert reply["intent"] == "stock_value", (text, reply["answer"])
        assert reply["slots"][slot].startswith(value)
        assert reply["report"]["filters"][slot] == reply["slots"][slot]


def test_late_orders_count_the_whole_selection_once(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "late orders in the last 90 days")
    overall = next(r for r in reply["data"] if r["channel"] == "all")
    assert f"{overall['late']} of {overall['with_due_date']} with a due date were late" \
        in reply["answer"]
    assert "all " not in reply["answer"].split("By channel:")[1]


def test_filters_read_from_words_and_codes(demo_db: Database) -> None:
    from datetime import UTC

    from assistant.entities.catalogue import CatalogueIndex
    from assistant.entities.filters import REPORT_FILTERS, scan_filters
    from assistant.entities.resolve import Resolver
    from core.reports import vocabulary

    with demo_db.read() as session:
        index = CatalogueIndex.build(vocabulary(session))
    vault = index.kind_prefix("vault")
    assert vault and all(c.startswith(vault) for c, k in index.location_kinds.items()
                         if k == "vault")
    for text, slots in (
        ("in rings from supplier valenza at aisle a", {"category": "ring",
                                                       "supplier": "VALENZA", "location": "A"}),
        ("18k pieces in aisle 1", {"purity": "Au750", "metal": "gold", "location": "A01"}),
        ("from valenza orafi in the vault", {"supplier": "VALENZA", "location": vault}),
        ("at bin a01-01-1l", {"location": "A01-01-1L"}),
        ("金库里的铂金", {"location": vault, "metal": "platinum", "purity": "Pt950"}),
        ("a01通道jaipur的项链", {"location": "A01", "supplier": "JAIPUR",
                               "category": "necklace"}),
        ("库存金额", {}),  # 金额 is an amount, not gold
    ):
        assert scan_filters(text, index, REPORT_FILTERS).slots == slots, text
    resolver = Resolver(index, None, "manager", datetime.now(UTC))  # type: ignore[arg-type]
    assert resolver.resolve("filters", "in rings this quarter") == {
        "period": "this_quarter", "category": "ring"}
    assert resolver.resolve("filters", "in rings for my aunt") is None
    assert resolver.resolve("goods", "gold") is None  # 'the value of gold' is a price
    assert resolver.resolve("goods", "gold rings") == {"metal": "gold", "category": "ring"}

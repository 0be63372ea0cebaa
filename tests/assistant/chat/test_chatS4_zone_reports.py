"""A report asked of a zone whose places' codes do not start with the zone's (OPS: DOCK-01,
PACK-01, QC-01; 'at goods-in', '作业区', '收发区') is narrowed to that zone's places (helper
chatS4, issue 18, rounds 12-13): the Reports page's location filter keeps every location under
the one named in the tree, and a report question naming only a zone filters by it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from assistant.chat import Assistant
from core import Actor, Database
from core.locations.models import Location
from core.reports import ReportFilter


def test_a_location_filter_keeps_the_places_under_it_in_the_tree(demo_db: Database) -> None:
    with demo_db.read() as session:
        ops = select(Location.code).where(Location.id.in_(
            ReportFilter(location="OPS").locations(select(Location.id), Location.id)
            .scalar_subquery()))
        codes = set(session.scalars(ops))
        assert {"OPS", "DOCK-01", "PACK-01"} <= codes and "V04" not in codes
        # a prefix still reads as before ('A0': A01 and A02 and their bins)
        prefix = ReportFilter(location="A0").locations(
            select(func.count()).select_from(Location), Location.id)
        assert session.scalar(prefix) == session.scalar(
            select(func.count()).where(Location.code.startswith("A0")))


@pytest.mark.parametrize("text", ["stock value at goods-in", "作业区的库存价值",
                                  "dead stock in the ops area"])
def test_a_report_naming_only_a_zone_is_narrowed_to_it(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = assistant.ask(text, actor=actors["manager"]).as_dict()
    assert reply["error"] is None and reply["slots"].get("zone") == "OPS", reply
    assert reply["report"]["filters"].get("location") == "OPS"


def test_stock_value_at_goods_in_counts_only_the_pieces_there(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    there = assistant.ask("stock value at goods-in", actor=actors["manager"]).as_dict()
    whole = assistant.ask("stock value", actor=actors["manager"]).as_dict()
    pieces = [int(re.search(r"(\d+) pieces", r["answer"])[1])  # type: ignore[index]
              for r in (there, whole)]
    assert 0 < pieces[0] < pieces[1]

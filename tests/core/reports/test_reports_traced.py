"""Variances traced to picks, and the staff report's accuracy columns, against hand-worked values.

The story (UTC, 2026). On 10 January bin 1 gets 4 serialised rings (lot L-1), bin 2 ten chains
(L-2). On 1 February Pia picks a ring from bin 1 at 09:00 and 2 chains from bin 2 at 10:00, and
gives wrong check digits once at 10:05; Paul picks a ring from bin 1 at 15:00. On 2 February
Paul picks a chain from bin 2 at 16:00 and undoes it, and names a wrong serial at 16:05.

- 5 February: a count of bin 2 finds 9 chains where the books hold 8: +1, traced to Pia's
  pick of 1 February 10:00 (Paul's later pick was undone): an under-pick.
- 6 February: a count of bin 1 finds one ring of the two booked: -1, traced to Paul's pick of
  1 February 15:00: an over-pick.
- 7 February: the last ring is written off as theft: not a picking error, left out.
- 8 February: a chain is found in bin 3, where nothing was ever picked: not traced.
- 1 April: a chain is lost from bin 2; its last pick is 59 days old: not traced.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from core.documents.adjustments import adjust
from core.documents.counts import approve_count, create_count, submit_count
from core.documents.schemas import AdjustmentCreate, AdjustmentLineIn, CountLineIn
from core.errors import ValidationFailed
from core.orders.allocation import allocate_order
from core.orders.exceptions import record_pick_exception
from core.orders.picking import create_pick_list, pick_list_read
from core.orders.picks import confirm_pick, undo_pick
from core.people.security import Actor
from core.reports.export import to_csv
from core.reports.filters import ReportFilter
from core.reports.people import pick_accuracy, staff_performance
from core.reports.registry import ReportOptions, run_report
from core.reports.traced import trace_variances, variance_trace
from tests.builders import Builder, at, clock, label_digits
from tests.core.orders.support import order


def _pick(b: Builder, ext: str, sku: str, qty: int, picker: Actor, when: datetime,
          serials: list[str] | None = None) -> int:
    with clock(when):
        sales = order(b.session, b.actor, ext, (sku, qty))
        allocate_order(b.session, actor=b.actor, order_id=sales.id)
        doc = create_pick_list(b.session, actor=b.actor, order_ids=[sales.id],
                               picker=picker.username)
        line = pick_list_read(b.session, doc).lines[0]
        confirm_pick(b.session, actor=picker, line_id=line.id, quantity=qty,
                     serials=serials or [],
                     check_digits=label_digits(b.session, line.id))
    return line.id


def _count(b: Builder, where: str, when: datetime, counted: int,
           serials: list[str] | None = None) -> str:
    with clock(when):
        doc = create_count(b.session, actor=b.actor, locations=[where])
        submit_count(b.session, actor=b.actor, number=doc.number, lines=[
            CountLineIn(line_no=1, counted=counted, serials=serials or [])])
        approve_count(b.session, actor=b.actor, number=doc.number)
    return doc.number


@pytest.fixture
def story(session: Session) -> dict[str, Any]:
    b = Builder(session)
    with clock(at(1, 10)):
        bins = b.warehouse()
        b.supplier()
        b.sku("RING-1")
        b.sku("CHAIN-1", serialised=False, price="100.00")
        rings = b.stock("RING-1", "L-1", 4, bins[0])
        b.stock("CHAIN-1", "L-2", 10, bins[1], serialised=False)
        pia, paul = b.user("pia", "picker"), b.user("paul", "picker")
    _pick(b, "O1", "RING-1", 1, pia, at(2, 1, 9), [rings[0]])
    chains = _pick(b, "O2", "CHAIN-1", 2, pia, at(2, 1, 10))
    with clock(at(2, 1, 10, 5)):
        record_pick_exception(session, actor=pia, line_id=chains, kind="wrong-check-digits",
                              given="13")
    ring = _pick(b, "O3", "RING-1", 1, paul, at(2, 1, 15), [rings[1]])
    undone = _pick(b, "O4", "CHAIN-1", 1, paul, at(2, 2, 16))
    with clock(at(2, 2, 16, 2)):
        undo_pick(session, actor=paul, line_id=undone)
    with clock(at(2, 2, 16, 5)):
        record_pick_exception(session, actor=paul, line_id=ring, kind="wrong-serial",
                              given="K72A", source="voice")
    counts = [_count(b, bins[1], at(2, 5), 9), _count(b, bins[0], at(2, 6), 1, [rings[2]])]
    with clock(at(2, 7)):
        adjust(session, actor=b.actor, data=AdjustmentCreate(reason="theft", lines=[
            AdjustmentLineIn(sku="RING-1", lot="L-1", location=bins[0], quantity=-1,
                             serials=[rings[2]])]))
    with clock(at(2, 8)):
        found = adjust(session, actor=b.actor, data=AdjustmentCreate(reason="found", lines=[
            AdjustmentLineIn(sku="CHAIN-1", lot="L-2", location=bins[2], quantity=1)]))
    with clock(at(4, 1)):
        lost = adjust(session, actor=b.actor, data=AdjustmentCreate(reason="lost", lines=[
            AdjustmentLineIn(sku="CHAIN-1", lot="L-2", location=bins[1], quantity=-1)]))
    return {"bins": bins, "chains": chains, "ring": ring, "counts": counts,
            "found": found.number, "lost": lost.number}


FEB = ReportFilter(since=at(2, 1, 0), until=at(3, 1, 0))
SPRING = ReportFilter(since=at(1, 1, 0), until=at(6, 1, 0))


def test_the_rule(session: Session, story: dict[str, Any]) -> None:
    bins = story["bins"]
    found = trace_variances(session, SPRING, since=SPRING.period()[0], until=SPRING.period()[1])
    summary = [(v.document, v.reason, v.location, v.sku, v.variance, v.suggests, v.picker,
                v.pick_line_id) for v in found]
    assert summary == [
        (story["counts"][0], "count variance", bins[1], "CHAIN-1", 1, "under-pick", "pia",
         story["chains"]),
        (story["counts"][1], "count variance", bins[0], "RING-1", -1, "over-pick", "paul",
         story["ring"]),
        (story["found"], "found", bins[2], "CHAIN-1", 1, None, None, None),
        (story["lost"], "lost", bins[1], "CHAIN-1", -1, None, None, None),  # 59 days on
    ]
    assert found[0].picked_at == at(2, 1, 10) and found[0].picked_quantity == 2
    wide = trace_variances(session, SPRING, since=at(1, 1), until=at(6, 1), window_days=60)
    assert wide[-1].picker == "pia" and wide[-1].suggests == "over-pick"
    bin_one = ReportFilter(since=at(1, 1), until=at(6, 1), location=bins[0])
    assert [v.location for v in trace_variances(session, bin_one, since=at(1, 1),
                                                 until=at(6, 1))] == [bins[0]]
    with pytest.raises(ValidationFailed):
        trace_variances(session, SPRING, since=at(1, 1), until=at(6, 1), window_days=0)


def test_variance_report_rows(session: Session, story: dict[str, Any]) -> None:
    rows = variance_trace(session, FEB)
    assert [(r["document"], r["suggests"], r["picker"], r["days_before"]) for r in rows] == [
        (story["counts"][0], "under-pick", "pia", 4.0),  # 3 days 23 hours
        (story["counts"][1], "over-pick", "paul", round(4.75, 1)),
        (story["found"], None, None, None)]
    assert run_report(session, "traced-variances", FEB) == rows
    assert to_csv(rows).splitlines()[0].startswith("found_at,document,reason,location,sku")


def test_pick_accuracy_formula() -> None:
    assert pick_accuracy(0, 0, 0, 0) is None
    assert pick_accuracy(10, 1, 2, 1) == round(8 / 12, 4)
    assert pick_accuracy(1, 1, 0, 1) == 0.0  # never below zero


def test_staff_report_counts_wrong_picks_and_traced_variances(
    session: Session, story: dict[str, Any]
) -> None:
    rows = staff_performance(session, FEB)
    assert rows == [
        # Paul: the ring at 15:00 (later found short in the count), a wrong serial on the 2nd;
        # the chain he undid is no line. (1 - 0 - 1) / (1 + 1).
        {"person": "paul", "name": "paul", "shift": "late", "days": 1, "lines": 1, "pieces": 1,
         "short_lines": 0, "wrong_picks_caught": 1, "variances_traced": 1, "accuracy": 1.0,
         "pick_accuracy": 0.0, "hours": 0.0, "picks_per_hour": None, "pieces_per_hour": None},
        # Pia: 2 lines (3 pieces) from 09:00 to 10:00, one wrong check digits, one under-pick
        # found by the count: (2 - 0 - 1) / (2 + 1).
        {"person": "pia", "name": "pia", "shift": "early", "days": 1, "lines": 2, "pieces": 3,
         "short_lines": 0, "wrong_picks_caught": 1, "variances_traced": 1, "accuracy": 1.0,
         "pick_accuracy": 0.3333, "hours": 1.0, "picks_per_hour": 2.0, "pieces_per_hour": 3.0},
    ]
    by_day = staff_performance(session, FEB, by_day=True)
    assert [(r["person"], r["day"], r["lines"], r["wrong_picks_caught"], r["variances_traced"],
             r["pick_accuracy"]) for r in by_day] == [
        ("paul", "2026-02-01", 1, 0, 1, 0.0), ("paul", "2026-02-02", 0, 1, 0, 0.0),
        ("pia", "2026-02-01", 2, 1, 1, 0.3333)]
    chains = staff_performance(session, ReportFilter(since=FEB.since, until=FEB.until,
                                                     location=story["bins"][1]))
    assert [(r["person"], r["lines"], r["wrong_picks_caught"], r["variances_traced"])
            for r in chains] == [("pia", 1, 1, 1)]
    # The window is a report option: with three days, both counts came too late.
    options = ReportOptions(trace_days=3)
    assert [r["variances_traced"] for r in run_report(session, "staff-performance", FEB,
                                                      options)] == [0, 0]
    csv = to_csv(rows).splitlines()
    assert csv[0].split(",")[6:10] == ["short_lines", "wrong_picks_caught", "variances_traced",
                                       "accuracy"]

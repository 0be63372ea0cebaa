"""Report questions: best sellers, slow movers, turnover, orders, picking, QC and cameras."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from assistant.entities.periods import Period
from assistant.entities.resolve import GOODS, zone_matches
from assistant.errors import EntityNotFoundError, MissingSlotError
from assistant.handlers.analytics import narrowed, report_link
from assistant.handlers.base import Answer, HandlerContext, handles, period_for, period_words
from assistant.handlers.stock import describe
from core import CoreError
from core.alerts import get_alert, list_alerts
from core.people import allowed
from core.reports import (
    ReportFilter,
    best_sellers,
    pending_orders,
    pick_progress,
    picker_performance,
    qc_failures_by_supplier,
    sales_ranking,
    slow_movers,
    staff_performance,
    stock_turnover,
    who_picked,
)
from core.reports import (
    turnover as filtered_turnover,
)
from core.trace import BlindCountOpen, serial_history, visibility_for

__all__ = [
    "alerts", "orders", "performance", "picked_by", "qc", "sellers", "slow", "turnover",
]

_REPORTS = ("order:write", "audit:read")


def as_utc(value: datetime) -> datetime:
    """A stored datetime as aware UTC (SQLite gives naive values back)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Filters the older reports' own queries do not take: with one of them the question runs the
# Reports page's query (core.reports.sales_ranking / turnover) with every filter instead.
_PAGE_FILTERS = ("metal", "colour", "purity", "size", "supplier", "location", "sku")


def _page_filter(slots: dict[str, str], period: Period) -> ReportFilter | None:
    """The Reports page's filter when the question names a filter beyond the category."""
    if not any(slots.get(k) for k in _PAGE_FILTERS):
        return None
    return ReportFilter(since=period.since, until=period.until,
                        **{k: slots[k] for k in ("category", *_PAGE_FILTERS) if slots.get(k)})


def _ranked(ctx: HandlerContext, rows: list[dict[str, Any]], value: str) -> str:
    return ctx.join([ctx.say("rank.item", rank=r["rank"], sku=r["sku"], style=r["style"],
                             value=r[value]) for r in rows[:5]])


@handles("best_sellers", permissions=_REPORTS)
def sellers(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """The SKUs that sold the most units in a period (default the last 30 days)."""
    period = period_for(ctx, slots, "last_30_days")
    page = None if slots.get("channel") else _page_filter(slots, period)
    if page is not None:
        rows = [{**r, "quantity": r["sold"]} for r in sales_ranking(ctx.session, page, limit=10)]
    else:
        rows = best_sellers(ctx.session, since=period.since, until=period.until,
                            category=slots.get("category"), channel=slots.get("channel"))
    rows = narrowed(rows, slots, ctx.index.sku_colours)  # a colour: its SKUs' rows
    when = period_words(ctx, period)
    chart, link = {"x": "sku", "y": "quantity"}, report_link("best-sellers", period, slots)
    if not rows:
        return Answer(ctx.say("sellers.none", period=when), [], chart, link)
    return Answer(ctx.say("sellers.answer", period=when, items=_ranked(ctx, rows, "quantity")),
                  rows, chart, link)


@handles("slow_movers", permissions=_REPORTS)
def slow(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """SKUs in stock that sold least in a period (default the last 90 days)."""
    period = period_for(ctx, slots, "last_90_days")
    page = _page_filter(slots, period)
    rows = sales_ranking(ctx.session, page, slow=True, limit=10) if page is not None else \
        slow_movers(ctx.session, since=period.since, until=period.until,
                    category=slots.get("category"))
    rows = narrowed(rows, slots, ctx.index.sku_colours)  # a colour: its SKUs' rows
    when = period_words(ctx, period)
    chart, link = {"x": "sku", "y": "on_hand"}, report_link("slow-movers", period, slots)
    if not rows:
        return Answer(ctx.say("slow.none", period=when), [], chart, link)
    return Answer(ctx.say("slow.answer", period=when, items=ctx.join([
        ctx.say("slow.item", sku=r["sku"], style=r["style"], sold=r["sold"],
                on_hand=r["on_hand"]) for r in rows[:5]])), rows, chart, link)


@handles("stock_turnover", permissions=_REPORTS)
def turnover(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """Days of stock per category over a period (default the last 90 days)."""
    period = period_for(ctx, slots, "last_90_days")
    page = _page_filter(slots, period)
    rows = filtered_turnover(ctx.session, page) if page is not None else stock_turnover(
        ctx.session, since=period.since, until=period.until, category=slots.get("category"))
    when = period_words(ctx, period)
    overall = rows[-1] if rows else None
    chart = {"x": "category", "y": "turnover_days"}
    link = report_link("turnover", period, slots)
    if overall is None or overall["turnover_days"] is None:
        return Answer(ctx.say("turnover.none", period=when), rows, chart, link)
    # the report's total row ('all', or the category asked): the goods in the question's words
    return Answer(ctx.say("turnover.answer", period=when, what=describe(ctx, slots),
                          days=overall["turnover_days"], sold=overall["sold"],
                          average=overall["average_on_hand"]), rows, chart, link)


@handles("pending_orders")
def orders(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """Orders not yet shipped, and how far their open pick lists have got (one order's, when
    the question names it: 'is WEB-261125-06272 picked yet'); with a period, the open orders
    placed in it ('still open from this week'); with a place ('open orders in the vault'), the
    orders served from there (stock allocated there, or waiting for stock held there)."""
    goods = {k: slots[k] for k in GOODS if slots.get(k)}
    place = slots.get("location") or slots.get("zone")
    pending = pending_orders(ctx.session, channel=slots.get("channel"),
                             goods=_goods_filter(slots) if goods else None, place=place)
    if slots.get("period"):
        period = period_for(ctx, slots, "today")
        pending = [r for r in pending
                   if isinstance(r["created_at"], datetime)
                   and period.since <= as_utc(r["created_at"]) < period.until]
    if not allowed(ctx.actor, "customers:read"):  # the same rule as the orders API
        pending = [{**r, "customer": None} for r in pending]
    if ref := slots.get("order"):
        mine = [r for r in pending if str(r["order"]).upper() == ref.upper()]
        if not mine:
            return Answer(ctx.say("orders.not_pending", order=ref), [])
        row = mine[0]
        return Answer(ctx.say("orders.one", order=row["order"], status=row["status"],
                              picked=row["picked"], units=row["units"],
                              reserved=row["reserved"]), [{"kind": "order", **row}])
    lists: list[dict[str, Any]] = pick_progress(ctx.session)
    rows = [{"kind": "order", **r} for r in pending] + [{"kind": "pick_list", **r}
                                                         for r in lists]
    if not pending and place:
        return Answer(ctx.say("orders.none_at", place=place), rows)
    if not pending and goods:
        return Answer(ctx.say("orders.none_of", what=_goods_words(ctx, goods)), rows)
    if not pending:
        return Answer(ctx.say("orders.none"), rows)
    statuses: dict[str, int] = {}
    for r in pending:
        statuses[str(r["status"])] = statuses.get(str(r["status"]), 0) + 1
    progress = ctx.join([ctx.say("orders.list", number=p["pick_list"], picker=p["picker"] or "-",
                                 done=int(p["lines_done"]) + int(p["lines_short"]),
                                 lines=p["lines"]) for p in lists[:5]]) or "-"
    at = ctx.say("orders.at", place=place) if place else ""
    return Answer(at + ctx.say("orders.answer", count=len(pending), statuses=ctx.join(
        [f"{n} {s}" for s, n in sorted(statuses.items())]), progress=progress), rows)


def _goods_filter(slots: dict[str, str]) -> ReportFilter:
    """The goods (and the lot and place) a question on orders or QC failures names."""
    return ReportFilter(category=slots.get("category"), metal=slots.get("metal"),
                        colour=slots.get("colour"), purity=slots.get("purity"),
                        size=slots.get("size"), lot=slots.get("lot"),
                        location=slots.get("location"))


def _goods_words(ctx: HandlerContext, goods: dict[str, str]) -> str:
    """The goods a question names, in its language ('category ring, purity Au750')."""
    sep = "、" if ctx.language == "zh" else ", "
    return sep.join(ctx.say(f"filter.{k}", value=v) for k, v in goods.items())


@handles("who_picked")
def picked_by(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """Who picked an order, or one piece, on which pick list and when."""
    order = slots.get("order")
    if not order and slots.get("serial"):
        return _piece_picked_by(ctx, slots["serial"])
    if not order:
        raise MissingSlotError(ctx.say("missing.order"))
    try:
        rows = who_picked(ctx.session, order=order)
    except CoreError as exc:
        raise EntityNotFoundError(ctx.say("error.not_found", what=order)) from exc
    pickers = sorted({f"{ctx.index.full_names.get(str(r['picked_by']), r['picked_by'])}"
                      for r in rows if r["picked_by"]})
    if not pickers:
        assigned = sorted({str(r["assigned_to"]) for r in rows if r["assigned_to"]})
        return Answer(ctx.say("picked.not_yet", order=order, lines=len(rows),
                              assigned=ctx.join(assigned) or "-"), rows)
    last = max(str(r["done_at"]) for r in rows if r["done_at"])
    return Answer(ctx.say("picked.answer", order=order, pickers=ctx.join(pickers),
                          lists=ctx.join(sorted({str(r["pick_list"]) for r in rows})),
                          at=last[:16]), rows)


def _piece_picked_by(ctx: HandlerContext, code: str) -> Answer:
    """Who picked one piece: its moves on pick lists (the piece's own history, picks only)."""
    view = visibility_for(ctx.session, ctx.actor)
    try:
        moves = serial_history(ctx.session, code=code, view=view)
    except BlindCountOpen as exc:
        return Answer(exc.message, [])
    except CoreError as exc:
        raise EntityNotFoundError(ctx.say("error.not_found", what=code)) from exc
    picks = [m for m in moves if m["document_kind"] == "pick"]
    if not picks:
        return Answer(ctx.say("picked.piece_not_yet", serial=code), [])
    last = picks[-1]
    who = str(last["actor"])
    return Answer(ctx.say("picked.piece", serial=code,
                          picker=ctx.index.full_names.get(who, who), list=last["document"],
                          at=str(last["at"])[:16], where=last["from_location"]), picks)


@handles("qc_failures", permissions=("qc:write", "audit:read"))
def qc(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """QC inspections and failures per supplier over a period (default this year); of the lots
    holding the goods the question names, of its lot, or with pieces in the place it names."""
    period = period_for(ctx, slots, "this_year")
    if (lot := slots.get("lot")) and ctx.index.lot(lot) is None:  # 'did G-9999 fail QC'
        raise EntityNotFoundError(ctx.say("error.not_found", what=lot))
    narrow = any(slots.get(k) for k in (*GOODS, "lot", "location"))
    rows: list[dict[str, Any]] = qc_failures_by_supplier(
        ctx.session, since=period.since, until=period.until, supplier=slots.get("supplier"),
        goods=_goods_filter(slots) if narrow else None)
    when = period_words(ctx, period)
    failing = [r for r in rows if r["failed"]]
    chart = {"x": "supplier", "y": "failed"}
    link = report_link("supplier-quality", period, slots)
    if not failing:
        return Answer(ctx.say("qc.none", period=when, inspections=sum(
            int(r["inspections"]) for r in rows)), rows, chart, link)
    return Answer(ctx.say("qc.answer", period=when, items=ctx.join([ctx.say(
        "qc.item", supplier=r["name"], failed=r["failed"], inspections=r["inspections"],
        lots=", ".join(r["failed_lots"])) for r in failing])), rows, chart, link)


@handles("camera_alerts", permissions=("alerts:read",))
def alerts(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """The latest camera alerts (default the last 7 days), open ones counted; or the one alert
    the question names by its number."""
    if number := slots.get("alert"):
        return _one_alert(ctx, number)
    period = period_for(ctx, slots, "last_7_days")
    rows, _ = list_alerts(ctx.session, limit=50)
    # a place: the alerts of the zone it lies in (cameras watch zones: 'alerts at DOCK-01')
    zone = (ctx.index.zone_of(slots["location"]) if slots.get("location") else None) \
        or slots.get("zone")
    rows = [r for r in rows if period.since <= as_utc(r["raised_at"]) < period.until
            and (not zone or zone_matches(zone, str(r["zone"])))]
    when = period_words(ctx, period)
    if not rows:
        return Answer(ctx.say("alerts.none", period=when), [])
    open_ = [r for r in rows if not r["acknowledged"]]
    latest = rows[0]
    return Answer(ctx.say("alerts.answer", period=when, count=len(rows), open=len(open_),
                          camera=latest["camera"], zone=latest["zone"],
                          message=latest["message"]), rows[:20])


def _one_alert(ctx: HandlerContext, number: str) -> Answer:
    """One alert by its number: where, what, when, and whether it was acknowledged."""
    try:
        alert = get_alert(ctx.session, alert_id=int(number))
    except CoreError as exc:
        raise EntityNotFoundError(ctx.say("error.not_found", what=f"#{number}")) from exc
    key = "alerts.one_acknowledged" if alert["acknowledged"] else "alerts.one_open"
    return Answer(ctx.say(key, alert=alert["id"], camera=alert["camera"], zone=alert["zone"],
                          rule=alert["rule"], severity=alert["severity"],
                          at=as_utc(alert["raised_at"]).strftime("%Y-%m-%d %H:%M"),
                          message=alert["message"]), [alert])


@handles("picker_performance", permissions=("count:approve", "audit:read"), self_slot="person")
def performance(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """Lines and units picked today by one picker (or every picker), with pace and shorts."""
    person = slots.get("person")
    if person is None and ctx.actor.role == "picker":
        person = ctx.actor.username
    if slots.get("period") not in (None, "today") or slots.get("location"):
        # over a period, or in a place: the Reports page's staff performance, per person
        # (today's is the day's pick rate below, every picker asked for listed)
        return _performance_over(ctx, slots, person)
    try:
        rows = picker_performance(ctx.session, day=ctx.now.date(), username=person)
    except CoreError as exc:
        raise EntityNotFoundError(ctx.say("error.not_found", what=person)) from exc
    items = [ctx.say("performance.item", name=r["name"], lines=r["lines_picked"],
                     units=r["units_picked"], short=r["short_lines"],
                     pace=r["lines_per_hour"] if r["lines_per_hour"] is not None else "-")
             for r in rows]
    day = datetime.combine(ctx.now.date(), time.min, tzinfo=UTC)
    link = report_link("staff-performance", Period("today", day, day + timedelta(days=1),
                                                   "today"), {})
    if person:
        link["filters"]["person"] = person
    return Answer(ctx.say("performance.answer", items=ctx.join(items) or "-"), rows,
                  {"x": "name", "y": "lines_picked"}, link)


def _performance_over(ctx: HandlerContext, slots: dict[str, str], person: str | None) -> Answer:
    """Lines and units picked over a period, per person (every shift summed)."""
    period = period_for(ctx, slots, "today")
    people: dict[str, dict[str, Any]] = {}
    place = slots.get("location")  # the picks from its bins ('pickers in the pick face')
    for r in staff_performance(ctx.session, ReportFilter(since=period.since, until=period.until,
                                                         location=place)):
        if person and r["person"] != person:
            continue
        row = people.setdefault(str(r["person"]), {
            "username": r["person"], "name": r["name"], "lines_picked": 0, "units_picked": 0,
            "short_lines": 0, "hours": 0.0})
        row["lines_picked"] += r["lines"]
        row["units_picked"] += r["pieces"]
        row["short_lines"] += r["short_lines"]
        row["hours"] += r["hours"]
    rows = list(people.values())
    for row in rows:
        row["lines_per_hour"] = round(row["lines_picked"] / row["hours"], 1) \
            if row["hours"] >= 0.25 else None
    items = [ctx.say("performance.item", name=r["name"], lines=r["lines_picked"],
                     units=r["units_picked"], short=r["short_lines"],
                     pace=r["lines_per_hour"] if r["lines_per_hour"] is not None else "-")
             for r in rows]
    link = report_link("staff-performance", period, {"location": place} if place else {})
    if person:
        link["filters"]["person"] = person
    scope = ctx.say("filter.scope", parts=ctx.say("filter.location", value=place)) \
        if place else ""
    text = ctx.say("performance.over", period=period_words(ctx, period), scope=scope,
                   items=ctx.join(items) or "-")
    return Answer(text, rows,
                  {"x": "name", "y": "lines_picked"}, link)

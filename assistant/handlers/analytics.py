"""The Reports page's analytics by question: dead stock, ageing and value, shrinkage, traced
variances, supplier quality, late orders, stock on order, reorder advice, anomalies, slotting.

Each handler runs the same report as the Reports page (``core.reports.run_report``) with the
question's filters, answers with its top rows, and links to that report with those filters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from assistant.entities.periods import Period
from assistant.errors import EntityNotFoundError
from assistant.handlers.base import Answer, HandlerContext, handles, period_for, period_words
from core import CoreError
from core.reports import REPORTS, ReportFilter, ReportOptions, order_timing, run_report

__all__ = [
    "ROWS", "ageing", "anomaly", "dead", "late", "money", "narrowed", "on_order", "quality",
    "reorder", "report_link", "shrink", "slotting", "traced", "value",
]

ROWS = 50  # rows an answer carries (the Reports page has them all)
FILTERS = ("category", "metal", "colour", "purity", "size", "supplier", "location", "lot",
           "sku")
_ANALYST = ("audit:read",)  # as GET /api/reports/{name}
_DEAD_DAYS = 180  # the Reports page's idle days


def money(ctx: HandlerContext, value: float) -> str:
    """A value in renminbi, short ('¥1.2M', '¥120.4万', '¥5,400')."""
    sign, value = ("-" if value < 0 else ""), abs(value)
    if ctx.language == "zh" and value >= 10_000:
        return f"{sign}¥{value / 10_000:,.1f}万"
    if value >= 1_000_000:
        return f"{sign}¥{value / 1_000_000:,.2f}M"
    return f"{sign}¥{value:,.0f}"


def percent(value: float | None) -> str:
    """A share as a whole percentage ('87%'; '-' when unknown)."""
    return "-" if value is None else f"{100 * value:.0f}%"


def report_link(name: str, period: Period | None, slots: Mapping[str, str],
                options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The same report on the Reports page: its name, the filters applied and its options."""
    filters: dict[str, Any] = {}
    if period is not None:
        filters = {"since": period.since.isoformat(), "until": period.until.isoformat()}
    filters.update({k: slots[k] for k in FILTERS if slots.get(k)})
    return {"name": name, "filters": filters, "options": dict(options or {})}


# The order a scope names the filters in ('white ring gold Au750 from JAIPUR').
_SCOPE = ("colour", *(k for k in FILTERS if k != "colour"), "person")


def _scope(ctx: HandlerContext, slots: Mapping[str, str]) -> str:
    parts = [ctx.say(f"filter.{k}", value=slots[k]) for k in _SCOPE if slots.get(k)]
    sep = "、" if ctx.language == "zh" else ", "
    return ctx.say("filter.scope", parts=sep.join(parts)) if parts else ""


def _age(ctx: HandlerContext, label: str) -> str:
    """An age band's label in the question's language ('31-90 days' -> '31-90 天')."""
    if ctx.language != "zh":
        return label
    return label.replace("over a year", "一年以上").replace(" days", " 天")


def _run(ctx: HandlerContext, slots: Mapping[str, str], name: str, period: Period,
         options: ReportOptions | None = None) -> list[dict[str, Any]]:
    if (lot := slots.get("lot")) and ctx.index.lot(lot) is None:  # 'what is G-9999 worth'
        raise EntityNotFoundError(ctx.say("error.not_found", what=lot))
    f = ReportFilter(since=period.since, until=period.until,
                     **{k: slots[k] for k in FILTERS if slots.get(k)})
    return narrowed(run_report(ctx.session, name, f, options), slots, ctx.index.sku_colours)


# Row columns that name a SKU or a person, by slot: a question naming one keeps its rows only
# ('shrinkage on ST0003-Au750Y-9', "variances traced to Paul's picks").
_ROW_KEYS = {"sku": ("sku",), "person": ("person", "picker")}


def narrowed(rows: list[dict[str, Any]], slots: Mapping[str, str],
             colours: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """The report's rows for the SKU (or SKUs starting so) and the person the question names,
    when the report's rows carry them; with a colour, the rows of SKUs of that metal colour
    (``colours``: SKU code -> colour)."""
    if (colour := slots.get("colour")) and rows and "sku" in rows[0] and colours is not None:
        rows = [r for r in rows if colours.get(str(r["sku"])) == colour]
    for slot, keys in _ROW_KEYS.items():
        wanted = str(slots.get(slot) or "").upper()
        for key in (k for k in keys if wanted and rows and k in rows[0]):
            rows = [r for r in rows if str(r.get(key) or "").upper().startswith(wanted)
                    and (slot == "sku" or str(r.get(key) or "").upper() == wanted)]
    return rows


def _answer(ctx: HandlerContext, name: str, text: str, rows: list[dict[str, Any]],
            link: dict[str, Any]) -> Answer:
    return Answer(text, rows[:ROWS], chart=dict(REPORTS[name].chart), report=link)


def _current(ctx: HandlerContext, slots: Mapping[str, str]) -> Period:
    """The period asked for, or stock as it is now (the last 90 days up to this moment)."""
    if slots.get("period"):
        return period_for(ctx, slots, "today")
    return Period("now", ctx.now - timedelta(days=90), ctx.now, "now")


def _words(ctx: HandlerContext, slots: Mapping[str, str], period: Period) -> dict[str, str]:
    return {"period": period_words(ctx, period), "scope": _scope(ctx, slots)}


@handles("dead_stock", permissions=_ANALYST)
def dead(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """Stock without a move for 180 days (or the 'last N days' asked), most value first."""
    period = _current(ctx, slots)
    days, until = _DEAD_DAYS, period.until
    if period.key.startswith("last_") and period.key.endswith("_days"):
        days, until = int(period.key.split("_")[1]), ctx.now  # "not moved in the last 90 days"
    window = Period(period.key, min(period.since, until), until, period.words)
    rows = _run(ctx, slots, "dead-stock", window, ReportOptions(days=days))
    link = report_link("dead-stock", window, slots, {"days": days})
    scope = _scope(ctx, slots)
    if not rows:
        return _answer(ctx, "dead-stock", ctx.say("dead.none", days=days, scope=scope), rows,
                       link)
    items = ctx.join([ctx.say("dead.item", sku=r["sku"], location=r["location"],
                              on_hand=r["on_hand"], value=money(ctx, r["value"]),
                              idle=r["idle_days"]) for r in rows[:3]])
    text = ctx.say("dead.answer", days=days, scope=scope, lines=len(rows),
                   units=sum(int(r["on_hand"]) for r in rows),
                   value=money(ctx, sum(float(r["value"]) for r in rows)), items=items)
    return _answer(ctx, "dead-stock", text, rows, link)


def _ageing(ctx: HandlerContext, slots: dict[str, str]) -> tuple[list[dict[str, Any]], Period]:
    period = _current(ctx, slots)
    return _run(ctx, slots, "ageing", period), period


@handles("stock_ageing", permissions=_ANALYST)
def ageing(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """Stock on hand by the age of its lot, with each age band's value."""
    rows, period = _ageing(ctx, slots)
    link = report_link("ageing", period, slots)
    scope = _scope(ctx, slots)
    if not any(int(r["units"]) for r in rows):
        return _answer(ctx, "ageing", ctx.say("stock.no_stock", scope=scope), rows, link)
    items = ctx.join([ctx.say("ageing.item", age=_age(ctx, r["age"]), units=r["units"],
                              value=money(ctx, r["value"]), share=percent(r["value_share"]))
                      for r in rows if int(r["units"])])
    old = sum(float(r["value_share"]) for r in rows if r["age"] not in ("0-30 days",
                                                                        "31-90 days"))
    return _answer(ctx, "ageing", ctx.say("ageing.answer", scope=scope, items=items,
                                          old=percent(old)), rows, link)


@handles("stock_value", permissions=_ANALYST)
def value(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """What the stock on hand is worth, in how many pieces and lots, and how old it is."""
    rows, period = _ageing(ctx, slots)
    link = report_link("ageing", period, slots)
    scope = _scope(ctx, slots)
    if not any(int(r["units"]) for r in rows):  # 'value of yellow 14K pendants': none held
        return _answer(ctx, "ageing", ctx.say("stock.no_stock", scope=scope), rows, link)
    units = sum(int(r["units"]) for r in rows)
    age = sum(float(r["average_age_days"] or 0) * int(r["units"]) for r in rows) / max(units, 1)
    top = max(rows, key=lambda r: float(r["value"]))
    text = ctx.say("value.answer", scope=scope, value=money(ctx, sum(float(r["value"])
                                                                      for r in rows)),
                   units=ctx.many("unit.piece", units),
                   lots=ctx.many("unit.lot", sum(int(r["lots"]) for r in rows)), age=round(age),
                   band=_age(ctx, top["age"]), band_value=money(ctx, top["value"]))
    return _answer(ctx, "ageing", text, rows, link)


@handles("shrinkage", permissions=_ANALYST)
def shrink(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """Adjustments and count variances in a period, summed by reason."""
    period = period_for(ctx, slots, "last_90_days")
    rows = _run(ctx, slots, "shrinkage", period)
    link = report_link("shrinkage", period, slots)
    words = _words(ctx, slots, period)
    if not rows:
        return _answer(ctx, "shrinkage", ctx.say("shrinkage.none", **words), rows, link)
    by_reason: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for r in rows:
        by_reason[str(r["reason"])][0] += int(r["quantity"])
        by_reason[str(r["reason"])][1] += float(r["value"])
    worst = sorted(by_reason.items(), key=lambda kv: kv[1][1])[:4]
    items = ctx.join([ctx.say("shrinkage.item", reason=reason, units=int(units),
                              value=money(ctx, val)) for reason, (units, val) in worst])
    lost = -sum(int(r["quantity"]) for r in rows if int(r["quantity"]) < 0)
    found = sum(int(r["quantity"]) for r in rows if int(r["quantity"]) > 0)
    text = ctx.say("shrinkage.answer", **words, lost=lost, found=found, items=items,
                   net=money(ctx, sum(float(r["value"]) for r in rows)))
    return _answer(ctx, "shrinkage", text, rows, link)


@handles("traced_variances", permissions=_ANALYST)
def traced(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """Count and adjustment variances, with the pick each one may come from."""
    period = period_for(ctx, slots, "last_90_days")
    rows = _run(ctx, slots, "traced-variances", period)
    link = report_link("traced-variances", period, slots)
    words = _words(ctx, slots, period)
    if not rows:
        return _answer(ctx, "traced-variances", ctx.say("traced.none", **words), rows, link)
    picks = [r for r in rows if r["suggests"]]
    items = ctx.join([ctx.say("traced.item", location=r["location"], sku=r["sku"],
                              variance=r["variance"], suggests=r["suggests"],
                              picker=r["picker"], pick_list=r["pick_list"])
                      for r in picks[:3]])
    key = "traced.answer" if picks else "traced.untraced"
    text = ctx.say(key, **words, count=len(rows), traced=len(picks), items=items,
                   net=sum(int(r["variance"]) for r in rows))
    return _answer(ctx, "traced-variances", text, rows, link)


@handles("supplier_quality", permissions=("qc:write", "audit:read"))
def quality(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """QC pass rate and purity and weight deviations per supplier, worst first."""
    period = period_for(ctx, slots, "this_year")
    rows = sorted(_run(ctx, slots, "supplier-quality", period),
                  key=lambda r: (float(r["pass_rate"] if r["pass_rate"] is not None else 1),
                                 -abs(float(r["mean_purity_deviation"] or 0))))
    link = report_link("supplier-quality", period, slots)
    words = _words(ctx, slots, period)
    if not rows:
        return _answer(ctx, "supplier-quality", ctx.say("quality.none", **words), rows, link)
    items = ctx.join([ctx.say("quality.item", name=r["name"], supplier=r["supplier"],
                              rate=percent(r["pass_rate"]), passed=r["passed"],
                              inspections=r["inspections"],
                              purity=r["mean_purity_deviation"]
                              if r["mean_purity_deviation"] is not None else "-")
                      for r in rows[:3]])
    return _answer(ctx, "supplier-quality", ctx.say("quality.answer", **words, items=items),
                   rows, link)


@handles("late_orders", permissions=_ANALYST)
def late(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """Late orders, lead time and fill rate per channel in a period; or whether the one order
    the question names is late."""
    if order := slots.get("order"):
        return _one_late(ctx, order)
    period = period_for(ctx, slots, "last_30_days")
    rows = _run(ctx, slots, "order-flow", period)
    link = report_link("order-flow", period, slots)
    words = _words(ctx, slots, period)
    if not rows:
        return _answer(ctx, "order-flow", ctx.say("late.none", **words), rows, link)
    channels = [r for r in rows if r["channel"] != "all"]  # "all" is the whole selection
    overall = next((r for r in rows if r["channel"] == "all"), None)
    ranked = sorted(channels, key=lambda r: (-int(r["late"]), str(r["channel"])))
    items = ctx.join([ctx.say("late.item", channel=r["channel"], late=r["late"],
                              orders=r["orders"], lead=r["lead_time_median_h"]
                              if r["lead_time_median_h"] is not None else "-",
                              fill=percent(r["unit_fill_rate"])) for r in ranked[:4]])
    late_orders = int(overall["late"]) if overall else sum(int(r["late"]) for r in channels)
    due = int(overall["with_due_date"]) if overall else sum(int(r["with_due_date"])
                                                            for r in channels)
    still_open = int(overall["open"]) if overall else sum(int(r["open"]) for r in channels)
    text = ctx.say("late.answer", **words, late=late_orders, due=due,
                   rate=percent(late_orders / due if due else None), open=still_open,
                   items=items)
    return _answer(ctx, "order-flow", text, rows, link)


def _one_late(ctx: HandlerContext, order: str) -> Answer:
    """Whether one order is late: shipped after its due date, or still open past it."""
    try:
        row = order_timing(ctx.session, order=order, at=ctx.now)
    except CoreError as exc:
        raise EntityNotFoundError(ctx.say("error.not_found", what=order)) from exc
    shipped = row["shipped_at"] is not None
    if row["late"] is None:
        key = "late.one_no_due"
    elif row["late"]:
        key = "late.one_shipped_late" if shipped else "late.one_open_late"
    else:
        key = "late.one_on_time" if shipped else "late.one_not_due"
    when = {k: str(row[k])[:16] if row[k] is not None else "-" for k in ("due_at", "shipped_at")}
    text = ctx.say(key, order=row["order"], status=row["status"], due=when["due_at"],
                   shipped=when["shipped_at"])
    return Answer(text, [row], report=report_link("order-flow", None, {}))


@handles("stock_on_order", permissions=("purchase:read", "audit:read"))
def on_order(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """What is on order from suppliers (open purchase orders), per SKU, largest first."""
    period = period_for(ctx, slots, "last_90_days")
    rows = sorted((r for r in _run(ctx, slots, "reorder", period) if int(r["on_order"]) > 0),
                  key=lambda r: (-int(r["on_order"]), str(r["sku"])))
    link = report_link("reorder", period, slots)
    scope = _scope(ctx, slots)
    if not rows:
        return _answer(ctx, "reorder", ctx.say("on_order.none", scope=scope), rows, link)
    items = ctx.join([ctx.say("on_order.item", sku=r["sku"], on_order=r["on_order"],
                              due=str(r["next_due"] or "-")[:10]) for r in rows[:5]])
    text = ctx.say("on_order.answer", scope=scope, skus=len(rows), items=items,
                   units=sum(int(r["on_order"]) for r in rows))
    return _answer(ctx, "reorder", text, rows, link)


@handles("reorder_advice", permissions=("purchase:read", "audit:read"))
def reorder(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """The SKUs to buy now (forecast demand over lead time against stock and orders)."""
    period = period_for(ctx, slots, "last_90_days")
    rows = sorted((r for r in _run(ctx, slots, "reorder", period)
                   if int(r["suggested_quantity"]) > 0),
                  key=lambda r: (-int(r["suggested_quantity"]), str(r["sku"])))
    link = report_link("reorder", period, slots)
    scope = _scope(ctx, slots)
    if not rows:
        return _answer(ctx, "reorder", ctx.say("reorder.none", scope=scope), rows, link)
    items = ctx.join([ctx.say("reorder.item", sku=r["sku"], quantity=r["suggested_quantity"],
                              weekly=r["forecast_per_week"], available=r["available"])
                      for r in rows[:5]])
    text = ctx.say("reorder.answer", scope=scope, skus=len(rows), items=items,
                   units=sum(int(r["suggested_quantity"]) for r in rows))
    return _answer(ctx, "reorder", text, rows, link)


@handles("anomalies", permissions=_ANALYST)
def anomaly(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """Unusual adjustments, people adjusting far more than peers, idle pieces of selling
    styles; each with its reason."""
    period = period_for(ctx, slots, "last_90_days")
    rows = _run(ctx, slots, "anomalies", period)
    link = report_link("anomalies", period, slots)
    words = _words(ctx, slots, period)
    if not rows:
        return _answer(ctx, "anomalies", ctx.say("anomalies.none", **words), rows, link)
    items = " ".join(str(r["why"]) for r in rows[:3])
    return _answer(ctx, "anomalies", ctx.say("anomalies.answer", **words,
                                             count=ctx.many("unit.anomaly", len(rows)),
                                             items=items), rows, link)


@handles("slotting_advice", permissions=_ANALYST)
def slotting(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """Fast movers to move into free bins nearer packing, with the walking they save."""
    period = period_for(ctx, slots, "last_90_days")
    rows = sorted(_run(ctx, slots, "slotting-advice", period),
                  key=lambda r: -float(r["saving_m"]))
    link = report_link("slotting-advice", period, slots)
    words = _words(ctx, slots, period)
    if not rows:
        return _answer(ctx, "slotting-advice", ctx.say("slotting.none", **words), rows, link)
    items = ctx.join([ctx.say("slotting.item", sku=r["sku"], source=r["from_location"],
                              target=r["to_location"], saving=round(float(r["saving_m"])))
                      for r in rows[:3]])
    text = ctx.say("slotting.answer", **words, count=len(rows), items=items,
                   saving=round(sum(float(r["saving_m"]) for r in rows)))
    return _answer(ctx, "slotting-advice", text, rows, link)

"""Stock imports: quantities of SKUs that are not serialised, per bin and lot, posted as one
opening-balance document from the adjustment location."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.imports.common import Rejects, by_chunks, first_lines, parse_money
from core.imports.reader import Row
from core.imports.refs import Line, Refs, load_refs, make_lots, post_opening, resolve
from core.ledger.models import Balance
from core.people.security import Actor

__all__ = ["StockPlan", "check_stock", "write_stock"]

#: The most pieces one row may bring.
MAX_QUANTITY = 1_000_000


@dataclass
class StockPlan:
    """The good rows' lines, and the references they name."""

    refs: Refs
    lines: dict[int, Line] = field(default_factory=dict)


def _quantity(row: Row, rejects: Rejects) -> int | None:
    text = row.get("quantity")
    try:
        value = int(text.replace(",", "").removesuffix(".0"))
    except ValueError:
        rejects.add(
            row.line,
            "quantity",
            "not-a-number" if text else "required",
            f"'{text[:20]}' is not a whole number of pieces." if text else "Give the quantity.",
        )
        return None
    if not 1 <= value <= MAX_QUANTITY:
        rejects.add(
            row.line, "quantity", "out-of-range", f"{value} is not between 1 and {MAX_QUANTITY:,}."
        )
        return None
    return value


def check_stock(session: Session, rows: Sequence[Row], rejects: Rejects) -> StockPlan:
    """Check every row: SKU (not serialised), bin, lot, quantity, cost; no stock there yet."""
    plan = StockPlan(load_refs(session, rows))
    first_lines(
        rows,
        lambda r: (r.get("sku"), r.get("location"), r.get("lot").upper()),
        rejects,
        "lot",
        "SKU, location and lot",
    )
    for row in rows:
        refs = resolve(row, plan.refs, rejects, serialised=False)
        quantity = _quantity(row, rejects)
        cost = parse_money(row, "unit_cost", rejects)
        if refs is None or quantity is None or row.line in rejects.lines:
            continue
        data = {"unit_cost": str(cost)} if cost is not None else {}
        plan.lines[row.line] = Line(refs, quantity, data=data)
    _refuse_stocked(session, plan, rejects)
    return plan


def _refuse_stocked(session: Session, plan: StockPlan, rejects: Rejects) -> None:
    """An opening balance where the ledger already has stock of that SKU, bin and lot is
    refused: importing the same file twice must not double the stock."""
    lot_ids = {info.id: code for code, info in plan.refs.lots.items()}
    stocked = {
        (sku, loc, lot_ids[lot])
        for sku, loc, lot in by_chunks(
            session,
            lambda c: select(Balance.sku_id, Balance.location_id, Balance.lot_id).where(
                Balance.lot_id.in_(c), Balance.on_hand > 0
            ),
            lot_ids,
        )
    }
    for line, item in list(plan.lines.items()):
        if (item.refs.sku_id, item.refs.location_id, item.refs.lot) in stocked:
            rejects.add(
                line,
                "quantity",
                "stock-exists",
                "The bin already holds this SKU and lot; correct it with an adjustment or a count.",
            )
            del plan.lines[line]


def write_stock(
    session: Session, plan: StockPlan, bad: set[int], *, actor: Actor, reference: str
) -> tuple[int, str | None]:
    """Post the good rows on one document; rows written and the document's number."""
    lines = [line for no, line in sorted(plan.lines.items()) if no not in bad]
    if not lines:
        return 0, None
    lot_ids = make_lots(session, plan.refs, {line.refs.lot for line in lines})
    number = post_opening(session, actor=actor, lines=lines, lot_ids=lot_ids, reference=reference)
    return len(lines), number

"""Serial imports: pieces of serialised SKUs, created at the adjustment location and posted
into their bins on one opening-balance document, so the balances count exactly the pieces."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from core.fields import Grams
from core.imports.common import Rejects, by_chunks, first_lines, parse_money
from core.imports.reader import Row
from core.imports.refs import Line, Refs, RowRefs, load_refs, make_lots, post_opening, resolve
from core.locations.models import Kind
from core.locations.service import virtual_location
from core.lots.codes import is_epc
from core.lots.models import Serial
from core.people.security import Actor

__all__ = ["SerialPlan", "check_serials", "write_serials"]

_SERIAL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,47}$")
_GRAMS: TypeAdapter[float] = TypeAdapter(Grams)


@dataclass(frozen=True)
class Piece:
    """A good row's piece."""

    code: str
    epc: str | None
    weight_g: float | None
    refs: RowRefs
    cost: str | None


@dataclass
class SerialPlan:
    """The good rows' pieces, and the references they name."""

    refs: Refs
    pieces: dict[int, Piece] = field(default_factory=dict)


def _own(row: Row, rejects: Rejects) -> tuple[str, str | None, float | None] | None:
    """The row's serial code, EPC and weight, or None with the reasons."""
    code, epc, weight = row.get("serial"), row.get("epc") or None, None
    if not _SERIAL_CODE.match(code):
        rejects.add(
            row.line, "serial", "bad-format", "A serial is 1-48 letters, digits, '.', '_' or '-'."
        )
    if epc is not None and not is_epc(epc):
        rejects.add(row.line, "epc", "bad-format", "An EPC is 8 to 32 hex digits.")
    if row.get("weight_g"):
        try:
            weight = _GRAMS.validate_python(row.get("weight_g"))
        except ValidationError:
            rejects.add(
                row.line,
                "weight_g",
                "out-of-range",
                "A weight is a number of grams above 0 and at most 100,000.",
            )
    if row.line in rejects.lines:
        return None
    return code, epc.upper() if epc else None, weight


def check_serials(session: Session, rows: Sequence[Row], rejects: Rejects) -> SerialPlan:
    """Check every row: serial and EPC new (in the file and the database), SKU serialised,
    bin, lot."""
    plan = SerialPlan(load_refs(session, rows))
    first_lines(rows, lambda r: r.get("serial"), rejects, "serial", "Serial")
    first_lines(rows, lambda r: r.get("epc").upper(), rejects, "epc", "EPC")
    for row in rows:
        refs = resolve(row, plan.refs, rejects, serialised=True)
        own = _own(row, rejects)
        cost = parse_money(row, "unit_cost", rejects)
        if refs is None or own is None or row.line in rejects.lines:
            continue
        plan.pieces[row.line] = Piece(*own, refs=refs, cost=str(cost) if cost else None)
    _refuse_taken(session, plan, rejects)
    return plan


def _refuse_taken(session: Session, plan: SerialPlan, rejects: Rejects) -> None:
    """A code or EPC that is already any piece's code or EPC names two pieces: refused."""
    names = {p.code for p in plan.pieces.values()} | {
        e for p in plan.pieces.values() if p.epc for e in (p.epc, p.epc.lower())
    }
    tags = {p.epc for p in plan.pieces.values() if p.epc} | {
        p.code.upper() for p in plan.pieces.values() if is_epc(p.code)
    }
    taken: set[str] = set()
    for code, epc in by_chunks(
        session,
        lambda c: select(Serial.code, Serial.epc).where(or_(Serial.code.in_(c), Serial.epc.in_(c))),
        sorted(names | tags),
    ):
        taken.update(v for v in (code, code.upper(), epc, epc.lower() if epc else None) if v)
    for line, piece in list(plan.pieces.items()):
        clash = next((v for v in (piece.code, piece.code.upper(), piece.epc) if v in taken), None)
        if clash is not None:
            rejects.add(
                line,
                "epc" if clash == piece.epc else "serial",
                "serial-exists",
                f"{clash} already names a piece.",
            )
            del plan.pieces[line]


def write_serials(
    session: Session, plan: SerialPlan, bad: set[int], *, actor: Actor, reference: str
) -> tuple[int, str | None]:
    """Create the good rows' pieces and post them into their bins; rows written, document."""
    pieces = [p for line, p in sorted(plan.pieces.items()) if line not in bad]
    if not pieces:
        return 0, None
    lot_ids = make_lots(session, plan.refs, {p.refs.lot for p in pieces})
    outside = virtual_location(session, Kind.ADJUSTMENT)
    stmt = insert(Serial).returning(Serial.id, sort_by_parameter_order=True)
    ids = list(
        session.scalars(
            stmt,
            [
                {
                    "code": p.code,
                    "epc": p.epc,
                    "weight_g": p.weight_g,
                    "sku_id": p.refs.sku_id,
                    "lot_id": lot_ids[p.refs.lot],
                    "location_id": outside.id,
                }
                for p in pieces
            ],
        )
    )
    # One line per SKU, bin, lot and cost: the pieces it carries are named on its move.
    groups: dict[tuple[RowRefs, str | None], list[int]] = defaultdict(list)
    for ident, piece in zip(ids, pieces, strict=True):
        groups[piece.refs, piece.cost].append(ident)
    lines = [
        Line(refs, len(group), tuple(group), data={"unit_cost": cost} if cost else {})
        for (refs, cost), group in groups.items()
    ]
    number = post_opening(session, actor=actor, lines=lines, lot_ids=lot_ids, reference=reference)
    return len(pieces), number

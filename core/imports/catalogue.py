"""Catalogue imports: one row per SKU, with its style's columns repeated (new styles made once)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku, Style
from core.catalogue.schemas import SkuCreate, StyleCreate
from core.imports.common import Rejects, as_bool, by_chunks, check_model, first_lines
from core.imports.reader import Row

__all__ = ["CataloguePlan", "check_catalogue", "write_catalogue"]

_SKU_COLUMNS = {"code": "sku", "style": "style", "stone_type": "stone"}
_STYLE_COLUMNS = {"code": "style"}
_SKU_FIELDS = (
    "metal",
    "metal_colour",
    "purity",
    "size",
    "carat",
    "clarity",
    "colour_grade",
    "gross_weight_g",
    "net_weight_g",
    "price",
    "size_class",
)
_STYLE_FIELDS = ("name", "category", "collection", "description")


@dataclass
class CataloguePlan:
    """The checked rows: each good row's SKU, and the new styles they need."""

    skus: dict[int, SkuCreate] = field(default_factory=dict)
    styles: dict[str, StyleCreate] = field(default_factory=dict)
    style_lines: dict[str, list[int]] = field(default_factory=dict)

    def good_styles(self, bad: set[int]) -> list[StyleCreate]:
        """New styles that at least one good row uses."""
        return [
            s
            for code, s in self.styles.items()
            if any(line not in bad for line in self.style_lines.get(code, ()))
        ]


def _sku(row: Row, rejects: Rejects) -> SkuCreate | None:
    data: dict[str, Any] = {
        "code": row.get("sku"),
        "style": row.get("style"),
        "stone_type": row.get("stone") or None,
    }
    data.update({name: row.get(name) for name in _SKU_FIELDS if row.get(name)})
    for name in ("gross_weight_g", "net_weight_g", "price"):
        data.setdefault(name, None)
    if row.get("serialised"):
        data["serialised"] = as_bool(row.get("serialised"))
    sku = check_model(SkuCreate, data, row, rejects, _SKU_COLUMNS)
    if sku is not None and sku.net_weight_g > sku.gross_weight_g:
        rejects.add(
            row.line,
            "net_weight_g",
            "net-over-gross",
            f"Net weight {sku.net_weight_g} g exceeds gross weight "
            f"{sku.gross_weight_g} g; the net weight is the metal alone.",
        )
        return None
    return sku


def _new_styles(
    rows: Sequence[Row], known: set[str], rejects: Rejects, plan: CataloguePlan
) -> None:
    """Each new style from the first row naming it; rows that disagree are refused."""
    first: dict[str, Row] = {}
    for row in rows:
        code = row.get("style")
        if not code or code in known:
            continue
        plan.style_lines.setdefault(code, []).append(row.line)
        if code not in first:
            if row.get("name") or row.get("category"):
                first[code] = row
            continue
        for name in ("name", "category", "collection"):
            theirs, ours = first[code].get(name), row.get(name)
            if ours and ours != theirs:
                rejects.add(
                    row.line,
                    name,
                    "style-conflict",
                    f"Style {code} has {name} '{theirs}' on line {first[code].line}.",
                )
    for code, lines in plan.style_lines.items():
        head = first.get(code)
        if head is None:
            for line in lines:
                rejects.add(
                    line, "name", "required", f"Style {code} is new: give its name and category."
                )
            continue
        data = {"code": code, **{n: head.get(n) or None for n in _STYLE_FIELDS}}
        data["description"] = data["description"] or ""
        style = check_model(StyleCreate, data, head, rejects, _STYLE_COLUMNS)
        if style is None:
            for line in lines:
                if line != head.line:
                    rejects.add(
                        line,
                        "style",
                        "style-invalid",
                        f"Style {code} is refused on line {head.line}.",
                    )
        else:
            plan.styles[code] = style


def check_catalogue(session: Session, rows: Sequence[Row], rejects: Rejects) -> CataloguePlan:
    """Check every row (set-based: one query per 500 codes) and plan the inserts."""
    plan = CataloguePlan()
    first_lines(rows, lambda r: r.get("sku"), rejects, "sku", "SKU")
    taken = {
        code
        for (code,) in by_chunks(
            session, lambda c: select(Sku.code).where(Sku.code.in_(c)), (r.get("sku") for r in rows)
        )
    }
    known = {
        code
        for (code,) in by_chunks(
            session,
            lambda c: select(Style.code).where(Style.code.in_(c)),
            (r.get("style") for r in rows),
        )
    }
    _new_styles(rows, known, rejects, plan)
    for row in rows:
        sku = _sku(row, rejects)
        if sku is None:
            continue
        if sku.code in taken:
            rejects.add(row.line, "sku", "sku-exists", f"SKU {sku.code} already exists.")
        else:
            plan.skus[row.line] = sku
    return plan


def write_catalogue(session: Session, plan: CataloguePlan, bad: set[int]) -> int:
    """Insert the new styles and the good rows' SKUs (bulk); the number of SKUs written."""
    styles = plan.good_styles(bad)
    ids: dict[str, int] = {}
    if styles:
        stmt = insert(Style).returning(Style.id, Style.code, sort_by_parameter_order=True)
        ids.update(
            (code, ident) for ident, code in session.execute(stmt, [s.model_dump() for s in styles])
        )
    skus = [s for line, s in plan.skus.items() if line not in bad]
    missing = {s.style for s in skus} - ids.keys()
    if missing:
        ids.update(
            (code, ident)
            for ident, code in by_chunks(
                session, lambda c: select(Style.id, Style.code).where(Style.code.in_(c)), missing
            )
        )
    rows = [
        {**s.model_dump(exclude={"style"}), "style_id": ids[s.style], "active": True} for s in skus
    ]
    if rows:
        session.execute(insert(Sku), rows)
    return len(rows)

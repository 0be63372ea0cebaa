"""Imports through the real services, on SQLite and PostgreSQL: every kind, CSV and XLSX."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku, Style
from core.catalogue.service import sku_by_code
from core.documents.models import Document
from core.errors import ValidationFailed
from core.imports import ImportReport, import_file, spec_for
from core.imports.reader import read_sheet
from core.ledger.models import Balance
from core.ledger.posting import ledger_totals
from core.locations.service import location_by_code
from core.lots.models import Lot, Serial
from tests.builders import Builder
from tests.core.imports.files import as_file, catalogue_rows, csv_bytes, spoil, xlsx_bytes


def _run(
    session: Session, kind: str, fmt: str, rows: Sequence[Sequence[object]], **flags: bool
) -> ImportReport:
    name, content = as_file(fmt, rows)
    b = Builder(session)
    return import_file(session, actor=b.actor, kind=kind, filename=name, content=content, **flags)


def _count(session: Session, model: type, *where: Any) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_catalogue_bad_rows_refuse_everything_then_fixed_imports(
    session: Session, fmt: str
) -> None:
    rows = catalogue_rows(400)
    broken = spoil(rows, every=20)
    report = _run(session, "catalogue", fmt, rows)
    assert len(broken) == 20
    assert sorted({r.line for r in report.rejected}) == broken
    assert report.rejected_rows == 20 and report.imported == 0
    codes = {r.code for r in report.rejected}
    assert {
        "not-a-number",
        "net-over-gross",
        "duplicate-in-file",
        "required",
        "bad-format",
    } <= codes
    assert _count(session, Sku, Sku.code.like("IMP-%")) == 0
    assert _count(session, Style, Style.code.like("IMP-%")) == 0
    fixed = _run(session, "catalogue", fmt, catalogue_rows(400))
    assert fixed.rejected == [] and fixed.imported == 400
    assert _count(session, Sku, Sku.code.like("IMP-%")) == 400
    assert _count(session, Style, Style.code.like("IMP-%")) == 40
    sku = sku_by_code(session, "IMP-000001")
    assert (sku.size, sku.serialised, str(sku.price)) == ("6", True, "1200.00")
    again = _run(session, "catalogue", fmt, catalogue_rows(3))
    assert {r.code for r in again.rejected} == {"sku-exists"} and again.imported == 0


def test_catalogue_dry_run_and_partial(session: Session) -> None:
    rows = catalogue_rows(30, prefix="PRT")
    broken = spoil(rows, every=10)
    dry = _run(session, "catalogue", "csv", rows, dry_run=True)
    assert dry.imported == 0 and dry.rejected_rows == len(broken)
    assert _count(session, Sku, Sku.code.like("PRT-%")) == 0
    clean_dry = _run(session, "catalogue", "csv", catalogue_rows(5, prefix="DRY"), dry_run=True)
    assert clean_dry.rejected == [] and clean_dry.accepted == 5 and clean_dry.imported == 0
    assert _count(session, Sku, Sku.code.like("DRY-%")) == 0
    part = _run(session, "catalogue", "csv", rows, partial=True)
    assert part.imported == 30 - len(broken)
    assert _count(session, Sku, Sku.code.like("PRT-%")) == 30 - len(broken)


def test_new_style_needs_a_name_and_rows_must_agree(session: Session) -> None:
    header: list[object] = [
        "style",
        "name",
        "category",
        "sku",
        "metal",
        "purity",
        "gross_weight_g",
        "net_weight_g",
        "price",
    ]
    rows: list[list[object]] = [
        header,
        ["NEW-1", "", "", "N1-A", "gold", "Au750", 3, 2, 10],
        ["NEW-2", "Two", "ring", "N2-A", "gold", "Au750", 3, 2, 10],
        ["NEW-2", "Other", "ring", "N2-B", "gold", "Au750", 3, 2, 10],
    ]
    report = _run(session, "catalogue", "csv", rows)
    assert [(r.line, r.column, r.code) for r in report.rejected] == [
        (2, "name", "required"),
        (4, "name", "style-conflict"),
    ]


def test_locations_tree_in_any_order_with_refused_parents(session: Session) -> None:
    header: list[object] = ["code", "parent", "tier", "kind", "check_digits", "capacity"]
    rows: list[list[object]] = [
        header,
        ["IB-01", "IZ", "bin", "pick_face", "12", 40],
        ["IA", "IZ", "aisle", "", "", ""],
        ["IZ", "IW", "zone", "", "", ""],
        ["IW", "", "warehouse", "", "", ""],
        ["IB-02", "IZ", "bin", "reserve", "", ""],  # no check digits
        ["IB-03", "NOWHERE", "bin", "reserve", "13", ""],
        ["IB-04", "IW", "bin", "reserve", "14", ""],  # a bin under a warehouse
        ["IB-05", "IX", "bin", "vault", "15", ""],
        ["IX", "IZ", "level", "", "", ""],  # a level under a zone
        ["IB-06", "IZ", "shelf", "", "16", ""],
    ]
    report = _run(session, "locations", "csv", rows)
    assert [(r.line, r.code) for r in report.rejected] == [
        (6, "check-digits"),
        (7, "unknown-location"),
        (8, "bad-parent"),
        (9, "parent-rejected"),
        (10, "bad-parent"),
        (11, "unknown-value"),
    ]
    assert report.imported == 0
    part = _run(session, "locations", "csv", rows, partial=True)
    assert part.imported == 4
    assert location_by_code(session, "IB-01").capacity == 40
    assert location_by_code(session, "IB-01").parent_id == location_by_code(session, "IZ").id
    again = _run(session, "locations", "csv", [header, ["IW", "", "warehouse", "", "", ""]])
    assert [r.code for r in again.rejected] == ["location-exists"]


@pytest.fixture
def stocked(session: Session) -> Builder:
    b = Builder(session)
    b.warehouse(bins=3)
    b.supplier("SUP1")
    b.sku("LOOSE-1", serialised=False)
    b.sku("LOOSE-2", serialised=False)
    b.sku("PIECE-1", serialised=True)
    return b


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_stock_posts_one_opening_document(session: Session, stocked: Builder, fmt: str) -> None:
    header: list[object] = [
        "sku",
        "location",
        "lot",
        "quantity",
        "supplier",
        "purchase_date",
        "unit_cost",
    ]
    rows: list[list[object]] = [
        header,
        ["LOOSE-1", "A01-01-1-01", "OB-1", 5, "SUP1", "2026-01-02", "12.50"],
        ["LOOSE-2", "A01-01-1-02", "OB-1", 7, "", "", ""],
        ["LOOSE-1", "QUAR", "ob-2", 2, "SUP1", "2026/01/03", ""],
    ]
    report = _run(session, "stock", fmt, rows)
    assert report.rejected == [] and report.imported == 3
    assert report.document is not None and report.document.startswith("ADJ-")
    doc = session.scalar(select(Document).where(Document.number == report.document))
    assert doc is not None and (doc.reason, doc.status) == ("opening_balance", "posted")
    costs = [line.data.get("unit_cost") for line in doc.lines]
    assert costs == ["12.50", None, None]
    lot = session.scalar(select(Lot).where(Lot.code == "OB-1"))
    assert lot is not None and lot.status == "approved"
    on_hand = {
        (b.location_id, b.on_hand)
        for b in session.scalars(
            select(Balance).where(Balance.on_hand > 0, Balance.lot_id == lot.id)
        )
    }
    assert on_hand == {
        (location_by_code(session, "A01-01-1-01").id, 5),
        (location_by_code(session, "A01-01-1-02").id, 7),
    }
    totals = ledger_totals(session)
    for b in session.scalars(select(Balance)):
        assert totals.get((b.sku_id, b.location_id, b.lot_id), 0) == b.on_hand
    again = _run(session, "stock", fmt, rows[:2])
    assert [r.code for r in again.rejected] == ["stock-exists"]


def test_stock_rejects_every_bad_row(session: Session, stocked: Builder) -> None:
    header: list[object] = ["sku", "location", "lot", "quantity", "supplier", "purchase_date"]
    rows: list[list[object]] = [
        header,
        ["NOPE", "A01-01-1-01", "OB-9", 1, "SUP1", "2026-01-02"],
        ["PIECE-1", "A01-01-1-01", "OB-9", 1, "SUP1", "2026-01-02"],
        ["LOOSE-1", "Z1", "OB-9", 1, "SUP1", "2026-01-02"],
        ["LOOSE-1", "A01-01-1-01", "OB-8", 1, "", "2026-01-02"],
        ["LOOSE-1", "A01-01-1-01", "OB-7", 1, "GHOST", "soon"],
        ["LOOSE-1", "A01-01-1-02", "OB-9", "many", "SUP1", "2026-01-02"],
        ["LOOSE-1", "A01-01-1-03", "OB-9", 0, "SUP1", "2026-01-02"],
        ["LOOSE-2", "A01-01-1-03", "OB-9", 3, "SUP1", "2026-02-02"],
        ["LOOSE-2", "A01-01-1-01", "OB-6", 3, "SUP1", "2026-02-02"],
        ["LOOSE-2", "A01-01-1-01", "OB-6", 3, "SUP1", "2026-02-02"],
    ]
    report = _run(session, "stock", "csv", rows)
    got = {(r.line, r.column, r.code) for r in report.rejected}
    assert got == {
        (2, "sku", "unknown-sku"),
        (3, "sku", "sku-serialised"),
        (4, "location", "not-a-stock-bin"),
        (5, "supplier", "required"),
        (6, "supplier", "unknown-supplier"),
        (6, "purchase_date", "not-a-date"),
        (7, "quantity", "not-a-number"),
        (8, "quantity", "out-of-range"),
        (9, "purchase_date", "lot-conflict"),
        (11, "lot", "duplicate-in-file"),
    }
    assert report.imported == 0 and report.document is None
    assert _count(session, Lot, Lot.code.like("OB-%")) == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_serials_are_pieces_in_their_bins(session: Session, stocked: Builder, fmt: str) -> None:
    header: list[object] = [
        "serial",
        "sku",
        "location",
        "lot",
        "supplier",
        "purchase_date",
        "epc",
        "weight_g",
    ]
    rows: list[list[object]] = [
        header,
        ["S-1", "PIECE-1", "A01-01-1-01", "SL-1", "SUP1", "2026-01-02", "", 3.3],
        ["S-2", "PIECE-1", "A01-01-1-01", "SL-1", "", "", "E2801160600002", ""],
        ["S-3", "PIECE-1", "VAULT-01", "SL-1", "", "", "", ""],
    ]
    report = _run(session, "serials", fmt, rows)
    assert report.rejected == [] and report.imported == 3
    bins = dict(
        session.execute(
            select(Serial.code, Serial.location_id).where(Serial.code.like("S-%"))
        ).all()
    )
    assert bins == {
        "S-1": location_by_code(session, "A01-01-1-01").id,
        "S-2": location_by_code(session, "A01-01-1-01").id,
        "S-3": location_by_code(session, "VAULT-01").id,
    }
    sku = sku_by_code(session, "PIECE-1")
    on_hand = session.scalar(
        select(func.sum(Balance.on_hand)).where(Balance.sku_id == sku.id, Balance.on_hand > 0)
    )
    assert on_hand == 3
    bad: list[list[object]] = [
        header,
        ["S-1", "PIECE-1", "A01-01-1-01", "SL-1", "", "", "", ""],
        ["S-9", "LOOSE-1", "A01-01-1-01", "SL-1", "", "", "", ""],
        ["S-8", "PIECE-1", "A01-01-1-01", "SL-1", "", "", "e2801160600002", ""],
        ["S 7", "PIECE-1", "A01-01-1-01", "SL-1", "", "", "xyz", -1],
        ["S-6", "PIECE-1", "A01-01-1-01", "SL-1", "", "", "", ""],
        ["S-6", "PIECE-1", "A01-01-1-01", "SL-1", "", "", "", ""],
    ]
    again = _run(session, "serials", fmt, bad)
    assert {(r.line, r.column, r.code) for r in again.rejected} == {
        (2, "serial", "serial-exists"),
        (3, "sku", "sku-not-serialised"),
        (4, "epc", "serial-exists"),
        (5, "serial", "bad-format"),
        (5, "epc", "bad-format"),
        (5, "weight_g", "out-of-range"),
        (7, "serial", "duplicate-in-file"),
    }
    assert _count(session, Serial, Serial.code == "S-6") == 0


def test_reader_formats_headers_and_line_numbers(session: Session, stocked: Builder) -> None:
    b = stocked
    rows: list[list[object]] = [
        ["货号", "库位", "批次", "数量", "供应商", "采购日期"],
        ["LOOSE-1", "A01-01-1-01", "CN-1", "x", "SUP1", "2026-01-02"],
    ]
    for content in (csv_bytes(rows, ";", bom=True), csv_bytes(rows, "\t"), xlsx_bytes(rows)):
        name = "f.xlsx" if content[:2] == b"PK" else "f.csv"
        report = import_file(
            session, actor=b.actor, kind="stock", filename=name, content=content, dry_run=True
        )
        assert [(r.line, r.code) for r in report.rejected] == [(2, "not-a-number")]
    # a quoted cell over two lines: the next record's line is the one a person sees
    text = (
        b'sku,location,lot,quantity\r\nLOOSE-1,A01-01-1-01,"OB\r\n-1",1\r\n\r\n'
        b"LOOSE-1,A01-01-1-01,OB-2,-4\r\n"
    )
    report = import_file(
        session, actor=b.actor, kind="stock", filename="f.csv", content=text, dry_run=True
    )
    assert (5, "out-of-range") in [(r.line, r.code) for r in report.rejected]
    assert report.rows == 2
    huge = f"sku,location,lot,quantity\nLOOSE-1,{'B' * 100_000},L,1\n".encode()
    report = import_file(session, actor=b.actor, kind="stock", filename="f.csv", content=huge)
    assert [(r.line, r.column, r.code) for r in report.rejected] == [(2, "location", "too-long")]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("f.csv", b"", "empty-file"),
        ("f.csv", b"sku,location,lot,quantity\r\n", "empty-file"),
        ("f.pdf", b"sku", "unsupported-file"),
        ("f.csv", bytes(range(256)) * 4, "unreadable-file"),
        ("f.xlsx", b"PK\x03\x04 not a zip at all", "unreadable-file"),
        ("f.csv", "sku,\u4f4d\u7f6e\u4e0d\u660e,lot,quantity\n".encode(), "unknown-column"),
        ("f.csv", b"sku,lot\nA,B\n", "missing-columns"),
        ("f.csv", b"sku,sku,location,lot,quantity\nA,A,B,C,1\n", "duplicate-column"),
    ],
)
def test_unusable_files_are_refused(name: str, content: bytes, code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        read_sheet(content, name, spec_for("stock"))
    assert caught.value.code == code

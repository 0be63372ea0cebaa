"""Time of a go-live catalogue import: 10,000 rows with 20 bad ones (the report must name all
20 and nothing is imported), then the fixed file (every row imported), on a fresh migrated
SQLite database each run, as CSV and as XLSX. Prints medians and writes
``bench/results/imports.json``.

    python -m bench.imports [--rows 10000] [--bad 20] [--runs 3]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# Run as a script, bench/ comes first on the path and its core.py would shadow the package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

import xlsxwriter

from core import Database
from core.imports import ImportReport, import_file
from core.migrate import upgrade
from core.people.service import system_actor

RESULTS = Path(__file__).with_name("results") / "imports.json"
HEADER = [
    "style",
    "name",
    "category",
    "collection",
    "sku",
    "metal",
    "metal_colour",
    "purity",
    "size",
    "stone",
    "carat",
    "gross_weight_g",
    "net_weight_g",
    "price",
    "serialised",
]
NUMERIC = {10, 11, 12, 13}  # carat, weights, price: numbers in a workbook


def rows(count: int, bad: int) -> tuple[list[list[str]], list[int]]:
    """``count`` catalogue rows (ten sizes per style), ``bad`` of them spoilt; spoilt lines."""
    out = [
        [
            f"BS{i // 10:05d}",
            f"Bench style {i // 10}",
            "ring",
            "Bench",
            f"BS{i // 10:05d}-{5 + i % 10}",
            "gold",
            "rose",
            "Au750",
            str(5 + i % 10),
            "diamond",
            "0.10",
            "3.5",
            "3.1",
            "1299.00",
            "yes",
        ]
        for i in range(count)
    ]
    spoilt = []
    step = max(1, count // max(bad, 1))
    for k in range(bad):
        index = k * step + step // 2
        row = out[index]
        col, value = [(13, "n/a"), (12, "9.9"), (4, out[0][4]), (5, ""), (4, "bad code!")][k % 5]
        row[col] = value
        spoilt.append(index + 2)  # header is line 1
    return [HEADER, *out], spoilt


def as_csv(table: list[list[str]]) -> bytes:
    """The table as CSV (UTF-8 with BOM, as spreadsheet programs save it)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(table)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(table: list[list[str]]) -> bytes:
    """The table as an XLSX workbook as spreadsheet programs save one: text in the shared
    strings table, weights and prices as numbers."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if r and c in NUMERIC and value.replace(".", "", 1).isdigit():
                sheet.write_number(r, c, float(value))
            else:
                sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


def _import(url: str, name: str, content: bytes) -> tuple[float, ImportReport]:
    db = Database(url)
    try:
        started = time.perf_counter()
        with db.write() as session:
            report = import_file(
                session,
                actor=system_actor(session),
                kind="catalogue",
                filename=name,
                content=content,
            )
        return time.perf_counter() - started, report
    finally:
        db.dispose()


def run(template: Path, fmt: str, args: argparse.Namespace) -> dict[str, Any]:
    """Median times of the refused and the fixed import in ``fmt``."""
    spoilt_table, spoilt = rows(args.rows, args.bad)
    good_table, _ = rows(args.rows, 0)
    encode = as_csv if fmt == "csv" else as_xlsx
    bad_file, good_file = encode(spoilt_table), encode(good_table)
    refused, fixed = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "facet.db"
            shutil.copy(template, path)
            url = f"sqlite:///{path}"
            seconds, report = _import(url, f"catalogue.{fmt}", bad_file)
            named = sorted({r.line for r in report.rejected})
            assert named == spoilt and report.imported == 0, (named, spoilt, report.imported)
            refused.append(seconds)
            seconds, report = _import(url, f"catalogue.{fmt}", good_file)
            assert report.imported == args.rows and not report.rejected, report.rejected[:3]
            fixed.append(seconds)
    print(
        f"{fmt}: {args.rows:,} rows with {args.bad} bad: all {args.bad} named, nothing "
        f"imported in {statistics.median(refused):.2f} s; fixed, imported in "
        f"{statistics.median(fixed):.2f} s (median of {args.runs})"
    )
    return {
        "refused_median_s": round(statistics.median(refused), 3),
        "imported_median_s": round(statistics.median(fixed), 3),
        "imported_max_s": round(max(fixed), 3),
        "bytes": len(good_file),
    }


def main() -> None:
    """Generate, import, time and record."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--bad", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template.db"
        upgrade(f"sqlite:///{template}")
        results = {fmt: run(template, fmt, args) for fmt in ("csv", "xlsx")}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "rows": args.rows,
                "bad": args.bad,
                "runs": args.runs,
                "database": "sqlite",
                "load_average": os.getloadavg()[0],
                **results,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

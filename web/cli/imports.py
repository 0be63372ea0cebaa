"""`facet import catalogue|locations|stock|serials FILE`: go-live imports from CSV or XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from core import Database
from core.errors import CoreError
from core.imports import KINDS, ImportKind, ImportReport, import_file
from core.people import service as people
from web.settings import Settings

app = typer.Typer(
    help="Import a CSV or XLSX file: catalogue, locations, stock or serials. Every row is "
    "checked first; any rejected row imports nothing (unless --partial). Exit 1 when rows "
    "were rejected, 2 when the file cannot be read.",
    no_args_is_help=True,
)

_HELP = {
    ImportKind.CATALOGUE: "Styles and SKUs: one row per SKU, its style's columns repeated.",
    ImportKind.LOCATIONS: "The location tree: warehouse, zones, aisles, bays, levels, bins.",
    ImportKind.STOCK: "Opening quantities of SKUs that are not serialised, per bin and lot.",
    ImportKind.SERIALS: "Serialised pieces, each into its bin and lot.",
}


def run_import(kind: ImportKind, path: Path, *, dry_run: bool, partial: bool) -> ImportReport:
    """Import ``path`` as ``kind`` (one transaction, as the system actor)."""
    db = Database.from_settings(Settings().core)
    try:
        with db.read() if dry_run else db.write() as session:
            return import_file(
                session,
                actor=people.system_actor(session),
                kind=kind,
                filename=path.name,
                content=path.read_bytes(),
                dry_run=dry_run,
                partial=partial,
            )
    finally:
        db.dispose()


def render(report: ImportReport) -> str:
    """The report as a readable table."""
    done = "none written (dry run)" if report.dry_run else f"{report.imported} imported"
    lines = [
        f"{report.kind} from {report.file}: {report.rows} rows, {report.accepted} good, "
        f"{report.rejected_rows} rejected, {done}"
        + (f" (document {report.document})" if report.document else "")
    ]
    if report.rejected and not report.imported and not report.dry_run:
        lines.append("Nothing was imported: correct the rows below (or use --partial).")
    if report.rejected:
        lines.append(f"{'line':>6}  {'column':<16} {'code':<22} message")
        lines += [
            f"{r.line:>6}  {r.column or '-':<16} {r.code:<22} {r.message}" for r in report.rejected
        ]
    return "\n".join(lines)


def _register(kind: ImportKind) -> None:
    columns = ", ".join(c.name + ("*" if c.required else "") for c in KINDS[kind].columns)

    def command(
        file: Annotated[
            Path,
            typer.Argument(
                exists=True, dir_okay=False, readable=True, help="A .csv (UTF-8) or .xlsx file."
            ),
        ],
        dry_run: Annotated[bool, typer.Option(help="Check every row; write nothing.")] = False,
        partial: Annotated[
            bool, typer.Option(help="Import the good rows even when others are rejected.")
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    ) -> None:
        try:
            report = run_import(kind, file, dry_run=dry_run, partial=partial)
        except CoreError as exc:
            typer.echo(f"refused ({exc.code}): {exc.message}", err=True)
            raise typer.Exit(2) from exc
        typer.echo(report.model_dump_json(indent=2) if as_json else render(report))
        raise typer.Exit(1 if report.rejected else 0)

    app.command(kind.value, help=f"{_HELP[kind]} Columns (* required): {columns}.")(command)


for _kind in ImportKind:
    _register(_kind)

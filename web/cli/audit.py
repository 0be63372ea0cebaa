"""``facet audit``: verify the keyed audit chain and the ledger against it; signed checkpoints.

Exit codes of ``verify``: 0 verified, 1 tampering (or a broken checkpoints file) found, 2 the
log could not be checked (no audit key). ``anchor`` exits 1 and writes nothing when the chain
does not verify.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="The audit log: keyed hash chain and signed checkpoints.",
                  no_args_is_help=True)  # fmt: skip

AnchorDir = Annotated[
    Path | None,
    typer.Option(
        "--anchor-dir",
        help="Directory of the checkpoints file (default: FACET_AUDIT_ANCHOR_DIR, "
        "var/audit-anchors). Implies --anchors.",
        file_okay=False,
    ),
]


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


@app.command("verify")
def verify(
    anchors: Annotated[
        bool,
        typer.Option(
            "--anchors",
            help="Also check every signed checkpoint in the anchors directory against the log.",
        ),
    ] = False,
    anchor_dir: AnchorDir = None,
) -> None:
    """Check the keyed chain, every ledger move against its posting's entry, and checkpoints.

    The chain: every entry's HMAC and link. Every move: as the audit entry of the posting that
    wrote it recorded it. With --anchors: every signed checkpoint against the log. Prints a
    JSON report; exit 0 verified, 1 tampering found, 2 could not check (no audit key).
    """
    from core import Database
    from core.audit.anchors import CheckpointFileError, read_checkpoints
    from core.ledger.integrity import verify_records
    from web.settings import Settings

    settings = Settings().core
    key = settings.existing_audit_key()  # never create a key just to check with it
    checkpoints = None
    if anchors or anchor_dir is not None:
        directory = anchor_dir or settings.audit_anchor_dir
        try:
            checkpoints = read_checkpoints(directory)
        except CheckpointFileError as exc:
            raise _fail(f"audit verify: {exc}") from exc
        if not checkpoints:
            raise _fail(
                f"audit verify: no checkpoints in {directory}: take one with `facet audit anchor`"
            )
    db = Database(settings.database_url, audit_key=key)
    try:
        with db.read() as session:
            result = verify_records(session, key=key, checkpoints=checkpoints)
    finally:
        db.dispose()
    typer.echo(json.dumps(asdict(result), indent=2))
    if result.ok and result.legacy_entries and checkpoints is None:
        typer.echo(
            f"audit verify: {result.legacy_entries} entries are unkeyed (written before the "
            "audit key): only a checkpoint (--anchors) shows they were not re-hashed since",
            err=True,
        )
    if result.ok:
        return
    if not result.checked and result.bad_move_id is None:  # a moved row is tampering anyway
        raise _fail(f"audit verify: cannot check: {result.problem}", 2)
    where = f" (entry {result.first_bad_id})" if result.first_bad_id is not None else ""
    raise _fail(f"audit verify: FAILED: {result.problem}{where}")


@app.command("anchor")
def anchor(
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="Directory of the checkpoints file (default: FACET_AUDIT_ANCHOR_DIR, "
            "var/audit-anchors). Keep it where the database's users cannot write.",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Verify the chain and append a signed checkpoint to the anchors file.

    The checkpoint (entries, newest entry's id and hash, UTC time, key id, HMAC) goes to an
    append-only file outside the database; only entries after the newest one are walked.
    """
    from core import CoreError, Database
    from core.audit.anchors import ANCHOR_FILE, CheckpointFileError
    from core.audit.service import anchor as take_anchor
    from web.settings import Settings

    settings = Settings().core
    key = settings.existing_audit_key()
    if key is None:
        raise _fail(
            "audit anchor: no audit key (FACET_AUDIT_KEY or "
            f"{settings.audit_key_file}): nothing can be signed"
        )
    target = directory or settings.audit_anchor_dir
    db = Database(settings.database_url, audit_key=key)
    try:
        with db.read() as session:
            checkpoint = take_anchor(session, key=key, directory=target)
    except (CoreError, CheckpointFileError) as exc:
        raise _fail(f"audit anchor: {exc}") from exc
    finally:
        db.dispose()
    typer.echo(json.dumps({**asdict(checkpoint), "file": str(target / ANCHOR_FILE)}, indent=2))

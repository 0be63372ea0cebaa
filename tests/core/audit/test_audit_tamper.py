"""An insider who can write the database (but holds neither the audit key nor the anchors file)
tries to rewrite history. Each attempt must be caught by `facet audit verify [--anchors]`.

Issue 13: the chain was unkeyed SHA-256 with its head in the same file, and a posting's entry
recorded only its document id, so a move's quantity and both balances changed together passed
both verifiers. Tampering uses raw SQL on purpose: it is what such an insider would do.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from core import CoreSettings, Database
from core.audit.anchors import ANCHOR_FILE, read_checkpoints
from core.audit.service import anchor, verify
from core.clock import as_utc
from core.errors import ConflictError
from core.ledger.integrity import verify_records
from core.orders.integrity import verify_stock
from tests.builders import Builder
from tests.core.api.test_api_core import api, login, seed
from web.app import Settings, create_app
from web.cli.main import app as cli


@pytest.fixture
def key() -> bytes:
    """The audit key the test databases sign with (FACET_AUDIT_KEY or var/audit.key)."""
    return CoreSettings().resolved_audit_key()


@pytest.fixture
def seeded(db: Database) -> Database:
    seed(db, users={"mia": "manager"})
    return db


def _cli(
    db_url: str, key: bytes | None, *args: str, anchors: Path | None = None
) -> tuple[int, str, str]:
    env = {"FACET_DATABASE_URL": db_url, "FACET_AUDIT_KEY": key.decode() if key else ""}
    if anchors is not None:
        env["FACET_AUDIT_ANCHOR_DIR"] = str(anchors)
    if key is None:  # no key at all: neither the variable nor a key file
        env["FACET_AUDIT_KEY_FILE"] = "/nonexistent/facet-audit.key"
    result = CliRunner().invoke(cli, ["audit", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def _verify_cli(db_url: str, key: bytes | None, *args: str) -> tuple[int, dict, str]:
    code, out, err = _cli(db_url, key, "verify", *args)
    return code, json.loads(out), err


def _at_text(value: str | datetime) -> str:
    """The timestamp text the service hashes (raw SQLite rows hold it as text)."""
    return as_utc(datetime.fromisoformat(value) if isinstance(value, str) else value).isoformat()


def _rehash(db: Database, sign: str, *, key: bytes = b"", edit: int | None = None) -> None:
    """Rewrite the chain from scratch as an insider would: optionally alter one entry's detail,
    recompute every link with ``sign`` ('sha256', or 'hmac' under ``key``), fix the head."""
    with db.engine.begin() as conn:
        rows = conn.execute(
            text("SELECT id, at, actor, action, entity, detail FROM audit_log ORDER BY id")
        ).all()
        prev = "0" * 64
        kid = hashlib.sha256(b"facet-audit-key-id\x1f" + key).hexdigest()[:8] if key else None
        for row in rows:
            detail = '{"forged":true}' if row.id == edit else row.detail
            fields = (prev, _at_text(row.at), row.actor, row.action, row.entity, detail)
            if sign == "sha256":
                digest = hashlib.sha256("\x1f".join(fields).encode()).hexdigest()
            else:
                payload = "\x1f".join((kid or "", *fields)).encode()
                digest = hmac.new(key, payload, hashlib.sha256).hexdigest()
            conn.execute(
                text(
                    "UPDATE audit_log SET detail = :d, prev_hash = :p, hash = :h, key_id = :k "
                    "WHERE id = :i"
                ),
                {"d": detail, "p": prev, "h": digest, "k": kid, "i": row.id},
            )
            prev = digest
        conn.execute(
            text("UPDATE audit_head SET entries = :n, hash = :h WHERE id = 1"),
            {"n": len(rows), "h": prev},
        )


def _middle_entry(db: Database) -> int:
    with db.engine.connect() as conn:
        ids = list(conn.execute(text("SELECT id FROM audit_log ORDER BY id")).scalars())
    return ids[len(ids) // 2]


def test_a_seeded_warehouse_verifies_with_its_key(
    seeded: Database, db_url: str, key: bytes
) -> None:
    with seeded.read() as session:
        result = verify_records(session, key=key)
    assert result.ok and result.checked and result.legacy_entries == 0
    assert result.moves >= 2 and result.legacy_moves == 0  # every move has its entry
    code, report, _ = _verify_cli(db_url, key)
    assert code == 0 and report["ok"] and report["moves"] == result.moves


def test_rehashing_with_plain_sha256_is_caught(seeded: Database, db_url: str, key: bytes) -> None:
    _rehash(seeded, "sha256", edit=_middle_entry(seeded))
    with seeded.engine.begin() as conn:  # keep the key ids: looks keyed, is not
        kid = hashlib.sha256(b"facet-audit-key-id\x1f" + key).hexdigest()[:8]
        conn.execute(text("UPDATE audit_log SET key_id = :k"), {"k": kid})
    code, report, err = _verify_cli(db_url, key)
    assert code == 1 and not report["ok"]
    assert report["problem"] == "entry altered after writing"
    assert "FAILED" in err


def test_rehashing_with_another_key_is_caught(seeded: Database, db_url: str, key: bytes) -> None:
    _rehash(seeded, "hmac", key=b"the-insiders-own-key-0123456789", edit=_middle_entry(seeded))
    code, report, _ = _verify_cli(db_url, key)
    assert code == 1
    assert "not with the audit key" in report["problem"]


def test_another_key_under_the_right_key_id_is_caught(seeded: Database, key: bytes) -> None:
    victim = _middle_entry(seeded)
    _rehash(seeded, "hmac", key=b"the-insiders-own-key-0123456789", edit=victim)
    with seeded.engine.begin() as conn:
        kid = hashlib.sha256(b"facet-audit-key-id\x1f" + key).hexdigest()[:8]
        conn.execute(text("UPDATE audit_log SET key_id = :k"), {"k": kid})
    with seeded.read() as session:
        result = verify(session, key=key)
    assert not result.ok and result.problem == "entry altered after writing"


def test_rehashing_as_unkeyed_legacy_is_caught_by_the_anchors(
    seeded: Database, db_url: str, key: bytes, tmp_path: Path
) -> None:
    anchors = tmp_path / "anchors"
    assert _cli(db_url, key, "anchor", "--dir", str(anchors))[0] == 0
    _rehash(seeded, "sha256", edit=_middle_entry(seeded))  # every entry 'legacy', chain intact
    code, report, err = _verify_cli(db_url, key, "--anchor-dir", str(anchors))
    assert code == 1 and "checkpoint on line 1" in report["problem"]
    assert "rewritten" in err


def test_an_unkeyed_entry_after_keyed_ones_is_caught(seeded: Database, key: bytes) -> None:
    with seeded.engine.begin() as conn:
        last = conn.execute(text("SELECT max(id) FROM audit_log")).scalar_one()
        row = conn.execute(text("SELECT * FROM audit_log WHERE id = :i"), {"i": last}).one()
        fields = (row.prev_hash, _at_text(row.at), row.actor, row.action, row.entity, row.detail)
        digest = hashlib.sha256("\x1f".join(fields).encode()).hexdigest()
        conn.execute(
            text("UPDATE audit_log SET key_id = NULL, hash = :h WHERE id = :i"),
            {"h": digest, "i": last},
        )
        conn.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": digest})
    with seeded.read() as session:
        result = verify(session, key=key)
    assert (result.ok, result.first_bad_id) == (False, last)
    assert "unkeyed entry after keyed ones" in result.problem


def _newest_chain_move(db: Database) -> tuple[int, int, int, int, int]:
    with db.engine.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT m.id, m.sku_id, m.lot_id, m.from_location_id, m.to_location_id "
                    "FROM stock_moves m JOIN skus s ON s.id = m.sku_id "
                    "WHERE s.code = 'CHAIN-1' ORDER BY m.id DESC LIMIT 1"
                )
            ).one()
        )


def test_a_move_and_both_balances_changed_together_are_caught(
    seeded: Database, db_url: str, key: bytes, tmp_path: Path
) -> None:
    assert _cli(db_url, key, "anchor", anchors=tmp_path)[0] == 0
    move_id, sku, lot, src, dst = _newest_chain_move(seeded)
    with seeded.engine.begin() as conn:  # two pieces fewer put away, booked consistently
        conn.execute(text("UPDATE stock_moves SET quantity = quantity - 2 WHERE id = :i"),
                     {"i": move_id})  # fmt: skip
        for loc, delta in ((dst, -2), (src, 2)):
            conn.execute(
                text(
                    "UPDATE balances SET on_hand = on_hand + :d "
                    "WHERE sku_id = :s AND lot_id = :l AND location_id = :loc"
                ),
                {"d": delta, "s": sku, "l": lot, "loc": loc},
            )
    with seeded.read() as session:
        assert verify_stock(session).ok  # the old blind spot: the ledger agrees with itself
        assert verify(session, key=key).ok  # and the chain itself is untouched
    code, report, err = _verify_cli(db_url, key)
    assert code == 1 and report["bad_move_id"] == move_id
    assert f"move {move_id} was changed after posting: its quantity is 8" in report["problem"]
    assert f"move {move_id}" in err
    code, out, err = _cli(db_url, key, "verify", "--anchors", anchors=tmp_path)
    assert code == 1 and json.loads(out)["bad_move_id"] == move_id  # the command
    assert json.loads(out)["checkpoints"] == 1 and "quantity is 8" in err


def test_a_move_added_outside_posting_is_caught(seeded: Database, key: bytes) -> None:
    move_id, *_ = _newest_chain_move(seeded)
    with seeded.engine.begin() as conn:
        cols = (
            "created_at, sku_id, lot_id, from_location_id, to_location_id, quantity, "
            "document_id, document_line_id, reason, actor_id, reverses_move_id"
        )
        conn.execute(
            text(f"INSERT INTO stock_moves ({cols}) SELECT {cols} FROM stock_moves WHERE id = :i"),
            {"i": move_id},
        )
        added = conn.execute(text("SELECT max(id) FROM stock_moves")).scalar_one()
    with seeded.read() as session:
        result = verify_records(session, key=key)
    assert (result.ok, result.bad_move_id) == (False, added)
    assert "has no audit entry" in result.problem


def test_a_deleted_move_is_caught(seeded: Database, key: bytes) -> None:
    move_id, *_ = _newest_chain_move(seeded)
    with seeded.engine.begin() as conn:
        conn.execute(text("DELETE FROM move_serials WHERE move_id = :i"), {"i": move_id})
        conn.execute(text("DELETE FROM stock_moves WHERE id = :i"), {"i": move_id})
    with seeded.read() as session:
        result = verify_records(session, key=key)
    assert (result.ok, result.bad_move_id) == (False, move_id)
    assert "missing from the ledger" in result.problem


def test_a_serial_moved_to_another_move_is_caught(seeded: Database, key: bytes) -> None:
    with seeded.engine.begin() as conn:
        move_id, serial = conn.execute(
            text("SELECT move_id, serial_id FROM move_serials ORDER BY move_id DESC LIMIT 1")
        ).one()
        conn.execute(text("DELETE FROM move_serials WHERE move_id = :m AND serial_id = :s"),
                     {"m": move_id, "s": serial})  # fmt: skip
    with seeded.read() as session:
        result = verify_records(session, key=key)
    assert (result.ok, result.bad_move_id) == (False, move_id)
    assert "its serials" in result.problem


def test_deleting_the_newest_entries_and_fixing_the_head_is_caught_by_the_anchors(
    seeded: Database, db_url: str, key: bytes, tmp_path: Path
) -> None:
    anchors = tmp_path / "anchors"
    with seeded.read() as session:
        first = anchor(session, key=key, directory=anchors)
    assert first.line == 1 and (anchors / ANCHOR_FILE).stat().st_mode & 0o777 == 0o600
    with seeded.write() as session:  # more work after the checkpoint
        Builder(session).user("late", "clerk")
    assert _cli(db_url, key, "anchor", "--dir", str(anchors))[0] == 0
    assert len(read_checkpoints(anchors)) == 2
    with seeded.engine.begin() as conn:  # remove the late entries, repoint the head
        conn.execute(text("DELETE FROM audit_log WHERE id > :i"), {"i": first.last_id})
        conn.execute(
            text("UPDATE audit_head SET entries = :n, hash = :h WHERE id = 1"),
            {"n": first.entries, "h": first.hash},
        )
    assert _verify_cli(db_url, key)[0] == 0  # the database alone cannot tell
    code, report, err = _verify_cli(db_url, key, "--anchor-dir", str(anchors))
    assert code == 1 and "the newest entries are missing" in report["problem"]
    assert "line 2" in report["problem"] and "FAILED" in err


def test_a_forged_checkpoint_is_caught(seeded: Database, key: bytes, tmp_path: Path) -> None:
    with seeded.read() as session:
        anchor(session, key=key, directory=tmp_path)
    path = tmp_path / ANCHOR_FILE
    record = json.loads(path.read_text())
    path.write_text(json.dumps({**record, "entries": record["entries"] - 1}) + "\n")
    with seeded.read() as session:
        result = verify(session, key=key, checkpoints=read_checkpoints(tmp_path))
    assert not result.ok and "bad signature" in result.problem


def test_no_anchor_is_taken_of_a_broken_chain(seeded: Database, key: bytes, tmp_path: Path) -> None:
    with seeded.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'nobody' WHERE id = 2"))
    with seeded.read() as session, pytest.raises(ConflictError) as caught:
        anchor(session, key=key, directory=tmp_path)
    assert caught.value.code == "audit-broken"
    assert not (tmp_path / ANCHOR_FILE).exists()
    code, _, err = _cli(seeded.url, key, "anchor", "--dir", str(tmp_path))
    assert code == 1 and "entry altered after writing" in err


def test_without_the_key_verify_says_it_cannot_check(seeded: Database, db_url: str) -> None:
    with seeded.read() as session:
        result = verify(session, key=None)
    assert (result.ok, result.checked) == (False, False)
    assert "no audit key" in result.problem
    code, report, err = _verify_cli(db_url, None)
    assert code == 2 and report["checked"] is False and "cannot check" in err


def test_verify_anchors_needs_a_checkpoint(seeded: Database, db_url: str, key: bytes,
                                           tmp_path: Path) -> None:  # fmt: skip
    code, out, err = _cli(db_url, key, "verify", "--anchor-dir", str(tmp_path / "none"))
    assert code == 1 and "no checkpoints" in err


def test_a_legacy_log_stays_verifiable_and_continues_keyed(
    seeded: Database, db_url: str, key: bytes
) -> None:
    _rehash(seeded, "sha256")  # as written before keys existed (key_id NULL, plain SHA-256)
    with seeded.engine.begin() as conn:  # and a ledger from before moves were recorded
        conn.execute(text("DELETE FROM audit_log WHERE action = 'stock.post'"))
    _rehash(seeded, "sha256")
    with seeded.read() as session:
        legacy = verify_records(session, key=key)
    assert legacy.ok and legacy.legacy_entries == legacy.entries and legacy.legacy_moves >= 2
    code, _, err = _cli(db_url, key, "verify")
    assert code == 0 and "unkeyed" in err and "--anchors" in err  # it says what it cannot prove
    with seeded.write() as session:  # the next write signs with the key
        b = Builder(session)
        b.stock("CHAIN-1", "L-9", 4, "A01-01-1-02", serialised=False)
    with seeded.read() as session:
        result = verify_records(session, key=key)
    assert result.ok and result.entries > legacy.entries and result.moves >= 1
    assert result.legacy_entries == legacy.entries and result.legacy_moves == legacy.legacy_moves


def test_the_web_app_writes_signed_checkpoints(seeded: Database, db_url: str, key: bytes,
                                               tmp_path: Path) -> None:  # fmt: skip
    core = CoreSettings(database_url=db_url, secret_key="test-signing-key-" * 3,
                        audit_anchor_minutes=0.002, audit_anchor_dir=tmp_path)  # fmt: skip
    with TestClient(create_app(Settings(core=core))):
        deadline = time.monotonic() + 20
        while len(read_checkpoints(tmp_path)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    found = read_checkpoints(tmp_path)
    assert len(found) >= 2 and found[0].entries > 0
    with seeded.read() as session:
        assert verify_records(session, key=key, checkpoints=found).checkpoints == len(found)


def test_the_api_verify_names_an_edited_move(db: Database, db_url: str) -> None:
    seed(db, users={"fiona": "finance_auditor"})
    move_id, *_ = _newest_chain_move(db)
    with api(db_url) as client:
        headers = login(client, "fiona")
        assert client.get("/api/audit/verify", headers=headers).json()["ok"] is True
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE stock_moves SET reason = 'found' WHERE id = :i"),
                         {"i": move_id})  # fmt: skip
        report = client.get("/api/audit/verify", headers=headers).json()
    assert (report["ok"], report["bad_move_id"]) == (False, move_id)
    assert "its reason is 'found' in the ledger" in report["problem"]


def test_a_checkpoint_resumes_from_the_last_and_refuses_a_cut_log(
    seeded: Database, key: bytes, tmp_path: Path
) -> None:
    with seeded.read() as session:
        first = anchor(session, key=key, directory=tmp_path)
    with seeded.write() as session:
        Builder(session).user("late", "clerk")
    with seeded.read() as session:  # walks only the entries after the first checkpoint
        second = anchor(session, key=key, directory=tmp_path)
    assert second.entries > first.entries and second.line == 2
    with seeded.engine.begin() as conn:  # cut the log below the newest checkpoint, fix the head
        conn.execute(text("DELETE FROM audit_log WHERE id > :i"), {"i": first.last_id})
        conn.execute(
            text("UPDATE audit_head SET entries = :n, hash = :h WHERE id = 1"),
            {"n": first.entries, "h": first.hash},
        )
    with seeded.read() as session, pytest.raises(ConflictError) as caught:
        anchor(session, key=key, directory=tmp_path)
    assert "checkpoint on line 2" in caught.value.message
    assert len(read_checkpoints(tmp_path)) == 2  # nothing appended

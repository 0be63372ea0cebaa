"""Signed checkpoints of the audit chain, kept in an append-only file outside the database.

A checkpoint records how many entries the log held, the hash and id of the newest one, when,
and which key signed it, with an HMAC-SHA256 of all of that. Someone who can write the database
but not this file cannot delete the newest entries (the log would be shorter than a checkpoint)
nor re-hash the chain (the entry a checkpoint names would no longer have its hash).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "ANCHOR_FILE",
    "Checkpoint",
    "CheckpointFileError",
    "append_checkpoint",
    "key_id",
    "read_checkpoints",
    "sign",
    "valid",
]

#: The checkpoints file inside the anchors directory: one JSON object a line.
ANCHOR_FILE = "audit-anchors.jsonl"


@lru_cache(maxsize=16)  # asked on every append
def key_id(key: bytes) -> str:
    """A short public name of ``key`` (8 hex digits), stored with what it signed."""
    return hashlib.sha256(b"facet-audit-key-id\x1f" + key).hexdigest()[:8]


@dataclass(frozen=True)
class Checkpoint:
    """The chain at one moment: ``entries`` entries, the newest ``last_id`` with ``hash``."""

    entries: int
    hash: str
    last_id: int
    at: str  # UTC, ISO 8601
    key_id: str
    mac: str = ""
    line: int = 0  # where it was read from (1-based); not signed

    def payload(self) -> bytes:
        """What the MAC covers."""
        fields = (str(self.entries), self.hash, str(self.last_id), self.at, self.key_id)
        return "\x1f".join(("facet-audit-checkpoint", *fields)).encode()


def sign(checkpoint: Checkpoint, key: bytes) -> Checkpoint:
    """``checkpoint`` with its MAC under ``key``."""
    mac = hmac.new(key, checkpoint.payload(), hashlib.sha256).hexdigest()
    return Checkpoint(**{**asdict(checkpoint), "key_id": key_id(key), "mac": mac})


def valid(checkpoint: Checkpoint, key: bytes) -> bool:
    """Whether ``checkpoint`` was signed with ``key`` and not changed since."""
    expected = hmac.new(key, checkpoint.payload(), hashlib.sha256).hexdigest()
    return checkpoint.key_id == key_id(key) and hmac.compare_digest(expected, checkpoint.mac)


def append_checkpoint(directory: Path, checkpoint: Checkpoint) -> Path:
    """Append ``checkpoint`` to the file in ``directory`` (O_APPEND, then fsync); its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / ANCHOR_FILE
    record = {k: v for k, v in asdict(checkpoint).items() if k != "line"}
    line = (json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n").encode()
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)  # one write() of one line: appends do not interleave
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:  # make the new file's directory entry durable too
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return path


class CheckpointFileError(ValueError):
    """A line of the checkpoints file is not a checkpoint."""


def read_checkpoints(directory: Path) -> list[Checkpoint]:
    """Every checkpoint in ``directory``, in file order (none if there is no file yet)."""
    path = directory / ANCHOR_FILE
    if not path.exists():
        return []
    found = []
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
            found.append(
                Checkpoint(
                    entries=int(data["entries"]),
                    hash=str(data["hash"]),
                    last_id=int(data["last_id"]),
                    at=str(data["at"]),
                    key_id=str(data["key_id"]),
                    mac=str(data["mac"]),
                    line=number,
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointFileError(f"{path} line {number} is not a checkpoint: {exc}") from exc
    return found

"""Settings of the inventory core, read from ``FACET_*`` environment variables."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DB_PATH = Path("var") / "facet.db"


class CoreSettings(BaseSettings):
    """Database, authentication and inventory policy for the core."""

    model_config = SettingsConfigDict(env_prefix="FACET_", extra="forbid")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DB_PATH}",
        description="SQLAlchemy URL of the database; SQLite file under var/ by default, "
        "postgresql+psycopg://... for PostgreSQL.",
    )
    secret_key: str = Field(
        default="",
        description="Key that signs access tokens. Empty: a random key is created once and "
        "kept in var/secret_key.",
    )
    token_ttl_minutes: int = Field(
        default=12 * 60, ge=1, description="Lifetime of an access token (one shift by default)."
    )
    demo_mode: bool = Field(
        default=False,
        description="A demonstration (`make run` sets it): the demo users keep the published "
        "demo password and the sign-in page shows it. Off: whoever signs in with that "
        "password must change it first.",
    )
    sign_in_limit_per_user: str = Field(
        default="10/5minutes",
        description="Failed sign-ins allowed per username in a moving window (a `limits` "
        "string, such as 10/5minutes); more are answered 429 too-many-attempts.",
    )
    sign_in_limit_per_address: str = Field(
        default="30/5minutes",
        description="Failed sign-ins allowed per client address in a moving window.",
    )
    rate_limit_storage_url: str = Field(
        default="memory://",
        description="Where sign-in attempts are counted: memory:// (one process) or "
        "redis://host:6379 (shared by several workers and hosts).",
    )
    auth_threads: int = Field(
        default_factory=lambda: max(1, (os.cpu_count() or 2) // 2),
        ge=1,
        le=64,
        description="Threads that hash and verify passwords (Argon2, 64 MiB each), apart from "
        "the pool serving other requests and at a lower CPU priority, so password guessers "
        "cannot starve the API. Default: half the CPU cores (at least one).",
    )
    vault_price_threshold: float = Field(
        default=5000.0,
        ge=0,
        description="Unit price at or above which putaway suggests the vault.",
    )
    count_a_share: float = Field(
        default=0.8,
        gt=0,
        lt=1,
        description="Cycle counts: bins holding the first this share of stock value (ranked by "
        "value, cumulative) are class A.",
    )
    count_b_share: float = Field(
        default=0.95,
        gt=0,
        le=1,
        description="Cycle counts: bins up to this cumulative share of stock value (after A) "
        "are class B; the rest, and empty bins, are class C.",
    )
    count_a_days: int = Field(
        default=7, ge=1, le=366, description="Cycle counts: days between counts of an A bin."
    )
    count_b_days: int = Field(
        default=30, ge=1, le=366, description="Cycle counts: days between counts of a B bin."
    )
    count_c_days: int = Field(
        default=91, ge=1, le=366, description="Cycle counts: days between counts of a C bin."
    )
    count_vault_days: int = Field(
        default=1,
        ge=1,
        le=366,
        description="Cycle counts: days between counts of a vault bin (kind vault or a secure "
        "security level), whatever its class.",
    )
    echo_sql: bool = Field(default=False, description="Log every SQL statement (debugging).")
    events_url: str = Field(
        default="memory://",
        description="How events travel between processes and hosts: memory:// (one process, "
        "the embedded default), postgresql://..., redis://host:6379/0 or nats://host:4222. "
        "Other than memory://, events go through an outbox table and a relay.",
    )
    events_retention_hours: float = Field(
        default=24.0,
        gt=0,
        le=24 * 365,
        description="How long sent events stay in the outbox table (a process that lost its "
        "transport connection catches up from it) before the relay prunes them.",
    )
    audit_key: str = Field(
        default="",
        description="Key (16+ characters) that signs the audit chain (HMAC-SHA256). Empty: the "
        "key in audit_key_file. Keep it outside the database and its backups.",
    )

    @field_validator("audit_key")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if value and len(value) < 16:
            raise ValueError("the audit key must be at least 16 characters long")
        return value

    audit_key_file: Path = Field(
        default=Path("var") / "audit.key",
        description="File holding the audit key when audit_key is empty; created (mode 0600) "
        "with a random key on first write.",
    )
    audit_anchor_dir: Path = Field(
        default=Path("var") / "audit-anchors",
        description="Directory of the append-only file of signed audit checkpoints "
        "(`facet audit anchor`); put it on storage the database's users cannot write.",
    )
    audit_anchor_minutes: float = Field(
        default=0,
        ge=0,
        le=7 * 24 * 60,
        description="The web app appends a signed audit checkpoint every this many minutes "
        "(0: never; run `facet audit anchor` from cron instead).",
    )
    idempotency_retention_hours: float = Field(
        default=48,
        gt=0,
        le=24 * 365,
        description="How long the answer to a write sent with an Idempotency-Key is kept for "
        "replay; the web app deletes older ones every hour (and `facet db prune` does too).",
    )
    lock_timeout_s: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="How long a write waits for a database lock (or a pooled connection) "
        "before it is answered 503 busy.",
    )
    write_slots: int = Field(
        default=8,
        ge=1,
        le=1000,
        description="Write requests that may hold a worker thread at once; more wait for a "
        "slot without one, so writers queued on a lock never starve reads and health.",
    )

    def resolved_secret_key(self) -> str:
        """The signing key: the configured one, or one kept in ``var/secret_key`` (made once)."""
        if self.secret_key:
            return self.secret_key
        import secrets

        return key_file(Path("var") / "secret_key", lambda: secrets.token_urlsafe(48))

    def existing_audit_key(self) -> bytes | None:
        """The audit key if one is configured or its file exists; never creates one."""
        if self.audit_key:
            return self.audit_key.encode()
        path = self.audit_key_file
        if not path.exists():
            return None
        key = path.read_text().strip()
        if len(key) < 16:
            raise ValueError(f"The audit key in {path} is shorter than 16 characters.")
        return key.encode()

    def resolved_audit_key(self) -> bytes:
        """The audit key: the configured one, or the one in ``audit_key_file`` (created once)."""
        key = self.existing_audit_key()
        if key is not None:
            return key
        import secrets

        return key_file(self.audit_key_file, lambda: secrets.token_hex(32)).encode()


def key_file(path: Path, make: Callable[[], str]) -> str:
    """The key kept in ``path``, created (mode 0600) with ``make()`` when there is none.

    Safe when several processes start at once: the key is written in full to a private
    temporary file, then hard-linked to ``path``, which fails if ``path`` exists. Exactly one
    process wins, and the others read the winner's complete key (never an empty or half-written
    file, as a plain create-then-write would show them).
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(make() + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.link(temp, path)
        except FileExistsError:
            pass  # another process won the race: its key is the key
        finally:
            os.unlink(temp)
    key = path.read_text().strip()
    if not key:
        raise ValueError(f"The key file {path} is empty; delete it or set the key.")
    return key

"""Settings of the inventory core, read from ``FACET_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
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
    vault_price_threshold: float = Field(
        default=5000.0,
        ge=0,
        description="Unit price at or above which putaway suggests the vault.",
    )
    echo_sql: bool = Field(default=False, description="Log every SQL statement (debugging).")

    def resolved_secret_key(self) -> str:
        """The signing key: the configured one, or one kept in ``var/secret_key``."""
        if self.secret_key:
            return self.secret_key
        path = Path("var") / "secret_key"
        if not path.exists():
            import secrets

            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

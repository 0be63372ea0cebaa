"""Settings of the web app (host, port, which parts run)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    """How `facet serve` runs."""

    model_config = SettingsConfigDict(env_prefix="FACET_WEB_", extra="forbid")

    host: str = Field(default="127.0.0.1", description="Interface to listen on.")
    port: int = Field(default=8000, ge=1, le=65535, description="TCP port.")
    cors_origins: list[str] = Field(default_factory=list, description="Allowed browser origins.")
    warm_up_models: bool = Field(
        default=True, description="Load the chat's embedding model at start-up, in the background."
    )
    cameras_file: Path | None = Field(
        default=None,
        description="Cameras file (YAML) whose cameras start with the app; none: no cameras.",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024,
        description="Largest request body in bytes (413 body-too-large above it).",
    )
    max_bulk_body_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1024,
        description="Largest body of bulk writes (receipts, putaways, transfers, adjustments, "
        "counts, purchase orders) and page callbacks.",
    )

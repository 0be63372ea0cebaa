"""Weighing policy read from ``FACET_WEIGH_*`` environment variables."""

from __future__ import annotations

from functools import cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WeighingSettings(BaseSettings):
    """When a scale reading is required, and the tolerances used when no table row names one."""

    model_config = SettingsConfigDict(env_prefix="FACET_WEIGH_", extra="forbid")

    required_events: str = Field(
        default="vault-in,vault-out",
        description="Comma-separated custody events at which every serialised piece must be "
        "weighed (pick, pack, transfer, return, vault-in, vault-out, ...). At other events a "
        "reading is checked when given. Default: moves into and out of the vault.",
    )
    default_tolerance_g: float = Field(
        default=0.05, gt=0, le=100, allow_inf_nan=False,
        description="Grams either way for a category with no tolerance of its own.",
    )
    first_weighing_pct: float = Field(
        default=10.0, gt=0, le=100, allow_inf_nan=False,
        description="A piece never weighed before is compared with its SKU's nominal gross "
        "weight within this percentage; the reading then becomes the piece's own weight.",
    )

    def required(self, event: str) -> bool:
        """Whether ``event`` needs a reading of every piece."""
        return event in {e.strip() for e in self.required_events.split(",") if e.strip()}


@cache
def weighing_settings() -> WeighingSettings:
    """The process's weighing settings, read from the environment on first use."""
    return WeighingSettings()

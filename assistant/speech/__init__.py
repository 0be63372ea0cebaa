"""Speech-to-text engines behind one protocol, VAD, grammars and espeak-ng TTS.

Nothing here loads a model at import time: engines load theirs on the first recogniser.
"""

from assistant.speech.base import (
    SAMPLE_RATE,
    SAMPLE_RATES,
    SAMPLE_WIDTH,
    Adaptation,
    EnrolmentUtterance,
    Recognizer,
    SpeechEngine,
    Transcript,
)
from assistant.speech.errors import (
    AssistantError,
    AudioFormatError,
    EnrolmentError,
    EnrolmentUnsupportedError,
    GrammarError,
    SpeechEngineError,
    SpeechModelNotFoundError,
    TtsUnavailableError,
)
from assistant.speech.factory import create_speech_engine, create_tts
from assistant.speech.fake import FakeSpeechEngine, encode_text
from assistant.speech.grammar import Alt, Grammar, Opt, Ref, Repeat, Seq, Word
from assistant.speech.pocketsphinx_engine import PocketSphinxEngine
from assistant.speech.settings import AssistantSettings, SpeechSettings, VadSettings
from assistant.speech.tts import EspeakTts, espeak_available
from assistant.speech.vad import EnergyVad
from assistant.speech.vosk_engine import VoskEngine

__all__ = [
    "SAMPLE_RATE",
    "SAMPLE_RATES",
    "SAMPLE_WIDTH",
    "Adaptation",
    "Alt",
    "AssistantError",
    "AssistantSettings",
    "AudioFormatError",
    "EnergyVad",
    "EnrolmentError",
    "EnrolmentUnsupportedError",
    "EnrolmentUtterance",
    "EspeakTts",
    "FakeSpeechEngine",
    "Grammar",
    "GrammarError",
    "Opt",
    "PocketSphinxEngine",
    "Recognizer",
    "Ref",
    "Repeat",
    "Seq",
    "SpeechEngine",
    "SpeechEngineError",
    "SpeechModelNotFoundError",
    "SpeechSettings",
    "Transcript",
    "TtsUnavailableError",
    "VadSettings",
    "VoskEngine",
    "Word",
    "create_speech_engine",
    "create_tts",
    "encode_text",
    "espeak_available",
]

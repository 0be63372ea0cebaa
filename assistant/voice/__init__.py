"""Voice picking: the headset dialogue, its backend protocol and the streaming session."""

from assistant.voice.backend import (
    REJECTION_KINDS,
    BackendUnavailableError,
    NothingToUndoError,
    PickingBackend,
    PickLine,
    PickRejectedError,
    UnknownOperatorError,
)
from assistant.voice.commands import Command, CommandKind, parse_command, scan_command
from assistant.voice.fake_backend import InMemoryPickingBackend, Posting, Rejection
from assistant.voice.language import Expectation, LanguagePack, load_language
from assistant.voice.machine import DialogueMachine, idempotency_key
from assistant.voice.session import VoiceEvent, VoiceSession, vad_from_settings
from assistant.voice.states import BackendCall, Prompt, State, Turn

__all__ = [
    "REJECTION_KINDS",
    "BackendCall",
    "BackendUnavailableError",
    "Command",
    "CommandKind",
    "DialogueMachine",
    "Expectation",
    "InMemoryPickingBackend",
    "LanguagePack",
    "NothingToUndoError",
    "PickLine",
    "PickRejectedError",
    "PickingBackend",
    "Posting",
    "Prompt",
    "Rejection",
    "State",
    "Turn",
    "UnknownOperatorError",
    "VoiceEvent",
    "VoiceSession",
    "idempotency_key",
    "load_language",
    "parse_command",
    "scan_command",
    "vad_from_settings",
]

"""Errors of voice profiles, each with a stable code (HTTP maps them by their status)."""

from __future__ import annotations

from core.errors import ConflictError, NotFoundError, ValidationFailed

__all__ = [
    "BadVoiceProfile",
    "InactiveOperator",
    "NoOperatorId",
    "UnknownOperator",
    "VoiceProfileNotFound",
    "VoiceProfileTooLarge",
]


class VoiceProfileNotFound(NotFoundError):
    """No voice profile has that id."""

    code = "voice-profile-not-found"


class VoiceProfileTooLarge(ValidationFailed):
    """The adaptation data is larger than a profile may be."""

    code = "voice-profile-too-large"
    status = 413


class BadVoiceProfile(ValidationFailed):
    """Empty data, an unknown sample rate or engine name, no utterances, or bad details."""

    code = "bad-voice-profile"


class UnknownOperator(NotFoundError):
    """Nobody signs on with that operator id."""

    code = "unknown-operator"


class InactiveOperator(ConflictError):
    """The operator's account is switched off, so they cannot be enrolled."""

    code = "inactive-operator"


class NoOperatorId(ValidationFailed):
    """The person has no operator id, so there is no sign-on to enrol a voice for."""

    code = "no-operator-id"

"""Voice profiles: each operator's stored voice enrolment, as opaque bytes with metadata.

The core keeps one profile per person and speech engine and knows nothing of the engines.
"""

from core.voice.errors import (
    BadVoiceProfile,
    InactiveOperator,
    NoOperatorId,
    UnknownOperator,
    VoiceProfileNotFound,
    VoiceProfileTooLarge,
)
from core.voice.schemas import VoiceProfileDeleted, VoiceProfileList, VoiceProfileRead
from core.voice.service import (
    ENGINE_PATTERN,
    MAX_PROFILE_BYTES,
    SAMPLE_RATES,
    VoiceEnrollee,
    VoiceProfileData,
    delete_voice_profile,
    list_voice_profiles,
    own_voice_profiles,
    save_voice_profile,
    voice_enrollee,
    voice_profile,
)

__all__ = [
    "ENGINE_PATTERN",
    "MAX_PROFILE_BYTES",
    "SAMPLE_RATES",
    "BadVoiceProfile",
    "InactiveOperator",
    "NoOperatorId",
    "UnknownOperator",
    "VoiceEnrollee",
    "VoiceProfileData",
    "VoiceProfileDeleted",
    "VoiceProfileList",
    "VoiceProfileNotFound",
    "VoiceProfileRead",
    "VoiceProfileTooLarge",
    "delete_voice_profile",
    "list_voice_profiles",
    "own_voice_profiles",
    "save_voice_profile",
    "voice_enrollee",
    "voice_profile",
]

"""People, roles and what each role may do."""

from core.people.models import Role
from core.people.operators import HEADSET_ROLES, HeadsetPicker, headset_picker
from core.people.permissions import PERMISSIONS, allowed, require

__all__ = [
    "HEADSET_ROLES",
    "PERMISSIONS",
    "HeadsetPicker",
    "Role",
    "allowed",
    "headset_picker",
    "require",
]

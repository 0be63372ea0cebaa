"""People, roles and what each role may do."""

from core.people.models import Role
from core.people.permissions import PERMISSIONS, allowed, require

__all__ = [
    "PERMISSIONS",
    "Role",
    "allowed",
    "require",
]

"""People, roles and what each role may do.

Names load from their modules on first use (as in :mod:`core.orders`), so importing the package
stays cheap and free of import cycles.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.people.models import Role
    from core.people.permissions import PERMISSIONS, allowed, require

_EXPORTS = {
    "Role": "models",
    "PERMISSIONS": "permissions",
    "allowed": "permissions",
    "require": "permissions",
}
__all__ = [
    "PERMISSIONS",
    "Role",
    "allowed",
    "require",
]


def __getattr__(name: str) -> Any:
    """Load an exported name from its module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'core.people' has no attribute {name!r}")
    return getattr(importlib.import_module(f"core.people.{module}"), name)

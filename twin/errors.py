"""Errors raised by the twin: one base class with a stable, kebab-case ``code``."""

from __future__ import annotations

__all__ = [
    "TwinError",
    "LayoutError",
    "UnknownLocationError",
    "NoRouteError",
    "RoutingMethodError",
    "SimulationError",
    "OrderError",
    "MirrorError",
    "NegativeOccupancyError",
    "CameraError",
    "VaultRuleError",
    "VaultWindowError",
]


class TwinError(Exception):
    """Base of every twin error; ``code`` is stable and safe to show to API clients.

    Examples
    --------
    >>> err = LayoutError("aisle A01 has no cross aisle")
    >>> (err.code, isinstance(err, TwinError))
    ('layout-invalid', True)
    """

    code: str = "twin-error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LayoutError(TwinError):
    """The layout data is inconsistent or cannot be built."""

    code = "layout-invalid"


class UnknownLocationError(TwinError):
    """A location code is not part of the layout."""

    code = "unknown-location"


class NoRouteError(TwinError):
    """No walkable route exists between two points of the layout."""

    code = "no-route"


class RoutingMethodError(TwinError):
    """The routing method is unknown or cannot handle this layout."""

    code = "routing-method"


class SimulationError(TwinError):
    """The simulation parameters are invalid."""

    code = "simulation-invalid"


class OrderError(TwinError):
    """An order, order line or slotting plan is invalid."""

    code = "order-invalid"


class MirrorError(TwinError):
    """A live event cannot be applied to the mirror."""

    code = "mirror-event-invalid"


class NegativeOccupancyError(MirrorError):
    """An event would leave a location with negative stock."""

    code = "negative-occupancy"


class CameraError(LayoutError):
    """A camera's placement is invalid (bad numbers, inside a rack, unknown name)."""

    code = "camera-invalid"


class VaultRuleError(TwinError):
    """A pick list breaks a vault rule, or the vault rules themselves are invalid."""

    code = "vault-rule"


class VaultWindowError(VaultRuleError):
    """Vault picks were asked for outside the vault's opening windows."""

    code = "vault-window-closed"

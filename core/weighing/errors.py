"""Errors of weighing: a reading outside tolerance, a piece on hold, a bad reading."""

from __future__ import annotations

from core.errors import ConflictError, ValidationFailed


class WeightOutOfTolerance(ConflictError):
    """The scale reading is outside the piece's tolerance: it is held, the move refused."""

    code = "weight-out-of-tolerance"

    def __init__(
        self, message: str, *, serial: str, expected_g: float | None, measured_g: float,
        tolerance_g: float,
    ) -> None:
        super().__init__(message)
        self.serial = serial
        self.expected_g = expected_g
        self.measured_g = measured_g
        self.tolerance_g = tolerance_g


class PieceOnHold(ConflictError):
    """The piece is on a weight hold: it may not be picked, packed, moved or handed over."""

    code = "piece-on-hold"


class BadWeight(ValidationFailed):
    """A reading that is no weight: not a number, not above zero, or beyond any piece."""

    code = "bad-weight"

"""Errors of the inventory core: each carries a stable kebab-case code and an HTTP status."""

from __future__ import annotations


class CoreError(Exception):
    """Base of every core error; ``code`` is stable, ``message`` is for people."""

    code = "core-error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFoundError(CoreError):
    """A named thing (SKU, lot, serial, location, document...) does not exist."""

    code = "not-found"
    status = 404


class ValidationFailed(CoreError):
    """Input that is well-formed JSON but makes no sense for the warehouse."""

    code = "invalid-input"
    status = 422


class ConflictError(CoreError):
    """The request conflicts with the current state (duplicate code, wrong status...)."""

    code = "conflict"
    status = 409


class InsufficientStockError(ConflictError):
    """Posting would make a balance negative or eat reserved stock."""

    code = "insufficient-stock"


class SerialError(ConflictError):
    """A serial is unknown, elsewhere, duplicated or does not match the SKU and lot."""

    code = "serial-mismatch"


class LotBlockedError(ConflictError):
    """The lot is recalled, quarantined or on hold and cannot go where it was sent."""

    code = "lot-blocked"


class CheckDigitsError(CoreError):
    """The check digits spoken or scanned do not match the location."""

    code = "wrong-check-digits"
    status = 422


class InvalidQRError(CoreError):
    """A QR payload that is not a Facet label."""

    code = "invalid-qr-payload"
    status = 422


class AuthError(CoreError):
    """Missing, expired or wrong credentials."""

    code = "not-authenticated"
    status = 401


class PermissionDenied(CoreError):
    """The signed-in person's role does not allow this."""

    code = "forbidden"
    status = 403


class DatabaseBusy(CoreError):
    """The database stayed locked (or its pool full) past the lock timeout; retry shortly."""

    code = "busy"
    status = 503
    retry_after_s = 2


class IdempotencyConflict(ConflictError):
    """An Idempotency-Key was reused for a different request."""

    code = "idempotency-key-reused"


class IdempotencyKeyInvalid(CoreError):
    """An Idempotency-Key header that cannot be stored as sent (too long, not printable)."""

    code = "idempotency-key-invalid"
    status = 400


class InvalidCodeError(CoreError):
    """A scanned or typed code no label can carry: empty, too long, or with control characters."""

    code = "invalid-code"
    status = 422


class NotALocation(ValidationFailed):
    """A piece's label (QR, code or EPC) was scanned where a location is wanted."""

    code = "not-a-location"


class NotAPiece(ValidationFailed):
    """A location's label was scanned where a piece is wanted."""

    code = "not-a-piece"


class UnknownCode(NotFoundError):
    """A scanned code names no piece, location, lot or SKU."""

    code = "unknown-code"

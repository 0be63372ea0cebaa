"""Why a channel message could not be applied (each with a stable code)."""

from __future__ import annotations

from core.errors import ConflictError, NotFoundError, ValidationFailed

__all__ = ["OrderAlreadyPicked", "OrderNotYetCreated", "OrderWithoutLines", "UnmappedSku"]


class UnmappedSku(NotFoundError):
    """An order line names a channel SKU id with no listing and no Facet SKU of that code.

    Retried; once dead, a person maps the id (``PUT /api/channels/{code}/skus``) and retries.
    """

    code = "unmapped-sku"


class OrderNotYetCreated(ConflictError):
    """A paid message without lines for an order not received yet (retried until it is)."""

    code = "order-not-yet-created"


class OrderAlreadyPicked(ConflictError):
    """A cancel or refund of an order whose pieces are already picked: a person decides."""

    code = "order-already-picked"


class OrderWithoutLines(ValidationFailed):
    """A created message that carries no lines."""

    code = "order-without-lines"

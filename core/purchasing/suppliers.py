"""Supplier verbs the office needs beyond adding one: change and retire, and the check that
new orders go only to active suppliers."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.audit import service as audit
from core.errors import ValidationFailed
from core.lots.models import Supplier
from core.lots.service import supplier_by_code
from core.people.security import Actor
from core.purchasing.schemas import SupplierUpdate

__all__ = ["active_supplier", "update_supplier"]


def update_supplier(session: Session, *, actor: Actor, code: str, data: SupplierUpdate) -> Supplier:
    """Change a supplier's name, country, contact or active flag (its code never changes)."""
    supplier = supplier_by_code(session, code)
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        raise ValidationFailed("A supplier needs a name; send one or leave it out.",
                               code="supplier-name")
    if "active" in changes and changes["active"] is None:
        raise ValidationFailed("'active' is true or false; leave it out to keep it.",
                               code="supplier-active")
    for key, value in changes.items():
        setattr(supplier, key, "" if key == "contact" and value is None else value)
    session.flush()
    audit.record(
        session, actor=actor.username, action="supplier.update", entity=supplier.code,
        detail=changes,
    )
    return supplier


def active_supplier(session: Session, code: str) -> Supplier:
    """The supplier with ``code`` when it takes orders; ValidationFailed if it is retired."""
    supplier = supplier_by_code(session, code)
    if not supplier.active:
        raise ValidationFailed(
            f"Supplier {supplier.code} is deactivated; activate it on the suppliers page "
            "or order from another supplier.",
            code="supplier-inactive",
        )
    return supplier


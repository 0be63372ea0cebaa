"""Which roles may do what. Endpoints name a permission; this table names the roles."""

from __future__ import annotations

from core.errors import PermissionDenied
from core.people.models import Role
from core.people.security import Actor

ALL = frozenset(Role)
OFFICE = frozenset({Role.ADMIN, Role.MANAGER})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "read": ALL,
    "catalogue:write": OFFICE,
    "locations:write": OFFICE,
    "lots:write": OFFICE | {Role.CLERK, Role.QC_INSPECTOR},
    "receipt:write": OFFICE | {Role.CLERK},
    "purchase:read": OFFICE | {Role.CLERK, Role.FINANCE_AUDITOR},
    "purchase:write": OFFICE,
    "qc:write": OFFICE | {Role.QC_INSPECTOR},
    "putaway:write": OFFICE | {Role.CLERK, Role.PICKER},
    "transfer:write": OFFICE | {Role.CLERK},
    "adjust:write": OFFICE | {Role.CLERK},
    "count:write": OFFICE | {Role.CLERK, Role.PICKER},
    "count:approve": OFFICE,
    # Who sees what the books expect of a count; the others (the counters) count blind, and
    # while a count they may work is live its bins' stock is hidden from them everywhere.
    "count:expected": OFFICE | {Role.QC_INSPECTOR, Role.SECURITY, Role.FINANCE_AUDITOR},
    "order:write": OFFICE | {Role.CLERK},
    "pick:write": OFFICE | {Role.CLERK, Role.PICKER},
    # Give a pick list to a picker or take it from them (only its assignee may work it).
    "pick:assign": OFFICE,
    # Check digits prove a picker stood at the bin (read off its label): only the roles that
    # print labels see them; everyone else gets null.
    "locations:check-digits": OFFICE | {Role.CLERK},
    # Customers' names and references on orders and lot traces: null for the other roles.
    "customers:read": OFFICE | {Role.CLERK, Role.FINANCE_AUDITOR},
    "ship:write": OFFICE | {Role.CLERK},
    "recall:write": OFFICE | {Role.QC_INSPECTOR},
    "correct:write": OFFICE,
    "users:write": frozenset({Role.ADMIN}),
    "audit:read": OFFICE | {Role.FINANCE_AUDITOR},
    "alerts:read": OFFICE | {Role.SECURITY, Role.FINANCE_AUDITOR},
    "alerts:write": OFFICE | {Role.SECURITY},
    # Signing on to a secure zone (a vault) tells its cameras an authorised person is there.
    "presence:vault": OFFICE | {Role.SECURITY},
    # Sales channels: their state, listings, inbox and stock promised (read), and changes.
    "channels:read": OFFICE | {Role.FINANCE_AUDITOR},
    "channels:write": OFFICE,
    # Customers' returns (receive and inspect) and returns to suppliers.
    "returns:write": OFFICE | {Role.CLERK, Role.QC_INSPECTOR},
    # Go-live imports of master data and opening stock.
    "imports:write": OFFICE,
    # Weighing pieces at custody changes; releasing a weight hold (audited, with a reason);
    # the tolerance per category.
    "weigh:write": OFFICE | {Role.CLERK, Role.PICKER, Role.QC_INSPECTOR},
    "weigh:release": OFFICE | {Role.QC_INSPECTOR, Role.SECURITY},
    "weigh:configure": OFFICE,
    # Finance documents (receipts, issues, transfers, adjustments) with their values.
    "finance:read": OFFICE | {Role.FINANCE_AUDITOR},
}


def allowed(actor: Actor, permission: str) -> bool:
    """True when the actor's role carries ``permission``."""
    return actor.role in PERMISSIONS[permission]


def require(actor: Actor, permission: str) -> None:
    """Raise PermissionDenied unless the actor's role carries ``permission``."""
    if not allowed(actor, permission):
        raise PermissionDenied(
            f"Your role ({actor.role}) may not do this ({permission}); ask a manager."
        )

"""Camera alerts stored in the core: raised, acknowledged, listed."""

from core.alerts.service import (
    acknowledge,
    alert_row,
    get_alert,
    latest_alerts,
    list_alerts,
    raise_alert,
    snapshot,
)

__all__ = [
    "acknowledge",
    "alert_row",
    "get_alert",
    "latest_alerts",
    "list_alerts",
    "raise_alert",
    "snapshot",
]

"""Locations: the warehouse tree down to bins, the virtual locations, and who is in which zone."""

from core.locations.service import (
    check_location,
    create_location,
    ensure_virtual_locations,
    list_locations,
    location_by_code,
    locations_version,
    quarantine_bin,
    update_location,
    virtual_location,
    warehouse_bins,
)

__all__ = [
    "check_location",
    "create_location",
    "ensure_virtual_locations",
    "list_locations",
    "location_by_code",
    "locations_version",
    "quarantine_bin",
    "update_location",
    "virtual_location",
    "warehouse_bins",
]

"""Imports for going live: catalogue, locations, stock and serials from CSV or XLSX."""

__all__: list[str] = []

"""Facet web package."""

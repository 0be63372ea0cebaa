"""Facet assistant package."""

"""Facet twin package."""

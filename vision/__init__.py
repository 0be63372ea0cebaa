"""Facet vision package."""

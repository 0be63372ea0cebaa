"""Shared state: small JSON values every process and host sees, kept in the database."""

from core.state.service import SharedState, delete, get, items, prune, put, put_many

__all__ = ["SharedState", "delete", "get", "items", "prune", "put", "put_many"]

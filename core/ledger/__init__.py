"""The ledger: stock moves, the balances derived from them, and their verification."""

from core.ledger.service import LedgerReport, StockFilter, list_stock, occupancy, verify_ledger

__all__ = [
    "LedgerReport",
    "StockFilter",
    "list_stock",
    "occupancy",
    "verify_ledger",
]

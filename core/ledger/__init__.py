"""The ledger: stock moves, the balances derived from them, and their verification."""

from core.ledger.balances import BinBalance, bin_on_hand, positive_balances
from core.ledger.service import LedgerReport, StockFilter, list_stock, occupancy, verify_ledger

__all__ = [
    "BinBalance",
    "LedgerReport",
    "StockFilter",
    "bin_on_hand",
    "list_stock",
    "occupancy",
    "positive_balances",
    "verify_ledger",
]

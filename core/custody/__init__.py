"""Memo, consignment and repair custody: pieces out with partners and back."""

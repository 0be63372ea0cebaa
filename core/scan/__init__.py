"""What a scanned code is: the resolver behind the handheld's scan fields (``POST /api/scan``)."""

from core.scan.schemas import ScanRead
from core.scan.service import resolve

__all__ = ["ScanRead", "resolve"]

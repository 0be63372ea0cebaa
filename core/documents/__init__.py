"""Documents: the numbered paper trail every stock move names, with the stock-control documents
(adjustments, cycle counts, corrections) and the move journal."""

from core.documents.activity import SHELF_CHANGING_KINDS, open_activity_at
from core.documents.calendar import (
    BinClass,
    CountDay,
    CountSchedule,
    count_calendar,
    due_counts,
)
from core.documents.corrections import reverse_moves
from core.documents.counts import count_read, create_count, preview_count
from core.documents.journal import MoveFilter, list_moves
from core.documents.models import FINAL_DOC_STATUSES, DocKind, DocStatus, LineStatus
from core.documents.rfid_counts import (
    FakeReader,
    LineReader,
    RfidCount,
    TagRead,
    TagReader,
    bin_variances,
    parse_reads,
    reads_of,
    rfid_count,
)
from core.documents.service import get_document, new_document, set_status, to_read

__all__ = [
    "FINAL_DOC_STATUSES",
    "SHELF_CHANGING_KINDS",
    "BinClass",
    "CountDay",
    "CountSchedule",
    "FakeReader",
    "LineReader",
    "RfidCount",
    "TagRead",
    "TagReader",
    "DocKind",
    "DocStatus",
    "LineStatus",
    "MoveFilter",
    "bin_variances",
    "count_calendar",
    "count_read",
    "create_count",
    "due_counts",
    "get_document",
    "list_moves",
    "new_document",
    "open_activity_at",
    "parse_reads",
    "preview_count",
    "reads_of",
    "reverse_moves",
    "rfid_count",
    "set_status",
    "to_read",
]

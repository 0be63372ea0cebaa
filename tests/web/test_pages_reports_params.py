"""The Reports page turns its controls into the report API's query parameters."""

from __future__ import annotations

from web.pages.reports import report_params


def test_the_page_sends_only_what_is_set_including_the_trace_window() -> None:
    filters = {"category": " ring ", "metal": "", "purity": None}
    assert report_params("2026-01-01", None, filters, 90, "reason", 14) == {
        "category": "ring", "since": "2026-01-01T00:00:00Z", "days": 90, "by": "reason",
        "trace_days": 14}
    assert report_params(None, None, {}, None, None) == {}

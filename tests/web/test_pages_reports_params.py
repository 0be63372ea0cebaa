"""The Reports page turns its controls into the report API's query parameters."""

from __future__ import annotations

from web.pages.reports import report_params


def test_the_page_sends_only_what_is_set_including_the_trace_window() -> None:
    filters = {"category": " ring ", "metal": "", "purity": None}
    assert report_params("2026-01-01", None, filters, 90, "reason", 14) == {
        "category": "ring", "since": "2026-01-01T00:00:00Z", "days": 90, "by": "reason",
        "trace_days": 14}
    assert report_params(None, None, {}, None, None) == {}


def test_an_address_fills_the_controls_and_what_the_page_cannot_take_is_left_out() -> None:
    from core.clock import now
    from web.pages.reports import report_link, url_controls

    link = report_link({"name": "shrinkage", "filters": {"since": "2026-10-01",
                                                         "until": "2026-11-01T00:00:00Z",
                                                         "location": "A-01", "metal": ""},
                        "options": {"by": "reason", "trace_days": 14}})
    assert link.startswith("/reports?report=shrinkage&")
    assert url_controls(link.split("?", 1)[1]) == {
        "report": "shrinkage", "since": "2026-10-01", "until": "2026-11-01", "location": "A-01",
        "by": "reason", "trace_days": 14}
    assert url_controls("?report=no-such&since=2026-13-40&days=-3&trace_days=9999&by=x"
                        "&category=" + "r" * 101) == {}
    assert url_controls(None) == {}
    # A period that ends now (the chat's default) ends now on the page too: no until.
    ongoing = report_link({"name": "ageing", "filters": {"until": now().isoformat()}})
    assert ongoing == "/reports?report=ageing"


def test_a_chat_link_narrowed_by_goods_lot_and_sku_opens_the_page_as_narrowed() -> None:
    """The chat narrows reports by colour, size, SKU and lot too: the page takes every filter
    the link carries, so "Open in Reports" shows the rows the chat showed."""
    from web.pages.reports import FILTERS, report_link, url_controls

    filters = {"category": "pendant", "colour": "yellow", "purity": "Au585", "size": "45cm",
               "sku": "ST0015-Au750Y", "lot": "G-3509"}
    link = report_link({"name": "ageing", "filters": filters})
    assert url_controls(link.split("?", 1)[1]) == {"report": "ageing", **filters}
    assert report_params(None, None, {k: filters.get(k) for k in FILTERS}, None, None) == filters

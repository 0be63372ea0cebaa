"""The chat's answers in a real Chromium on the demo: an action asked first and answered by
keyboard, a report answer as a grid and a chart, its link to the same report on the Reports
page with the filters applied, and the conversation drawn again on the way back."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from tests.web.browser.conftest import sign_in
from tests.web.browser.server import LiveServer

expect = pytest.importorskip("playwright.sync_api").expect
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def _ask(page: Any, question: str, n: int) -> Any:
    page.fill("#chat-q", question)
    page.press("#chat-q", "Enter")
    answer = page.locator(f"#chat-answer-{n}")
    answer.wait_for(timeout=60_000)  # the first unmatched question loads the embedding model
    return answer


def _api(server: LiveServer) -> httpx.Client:
    token = httpx.post(server.url + "/api/auth/token",
                       data={"username": "manager", "password": "facet-demo"}).json()
    return httpx.Client(base_url=server.url,
                        headers={"Authorization": f"Bearer {token['access_token']}"})


def _advised(server: LiveServer) -> tuple[str, str]:
    """A metal and category the demo's reorder advice proposes buying today: the demo's sales
    are drawn by calendar week, so which goods need reordering moves with the date (gold
    necklaces on 2026-12-05, none of them on 2026-12-06)."""
    with _api(server) as http:
        for metal, category in (("gold", "necklace"), ("gold", "bangle"), ("gold", "chain"),
                                ("gold", "ring"), ("platinum", "bangle")):
            rows = http.get("/api/reports/reorder",
                            params={"category": category, "metal": metal}).json()["items"]
            if any(row["suggested_quantity"] for row in rows):
                return metal, category
    pytest.fail("the demo's reorder advice proposes buying nothing")


def _skus(grid: Any) -> set[str]:
    cells = grid.locator(".ag-center-cols-container .ag-cell[col-id='sku']")
    cells.first.wait_for()
    return set(cells.all_inner_texts())


def test_an_action_waits_for_yes_and_a_report_opens_on_the_reports_page(
        page: Any, server: LiveServer, shots: Path) -> None:
    sign_in(page, server, "manager", "/chat")
    page.wait_for_selector("#chat-page #chat-q")
    page.click("#chat-new")
    metal, category = _advised(server)

    advice = _ask(page, f"reorder advice for {metal} {category}s", 1)
    assert advice.get_attribute("data-intent") == "reorder_advice"
    advice.locator(".chat-chart .main-svg .bars").first.wait_for()
    skus = _skus(advice.locator(".chat-rows"))
    assert skus

    hold = _ask(page, "put lot G-2311 on hold", 2)
    assert hold.get_attribute("data-intent") == "hold_lot"
    assert hold.locator(".chat-confirm button", has_text="Yes, do it").count() == 1
    hold.locator(".chat-rows .ag-row").first.wait_for()
    page.wait_for_timeout(600)  # the log settles with the question at its top
    page.screenshot(path=str(shots / "chat-actions.png"), full_page=True)
    hold.locator(".chat-confirm button", has_text="No").focus()  # answered from the keyboard
    page.keyboard.press("Enter")
    denied = page.locator("#chat-answer-3")
    denied.wait_for()
    assert denied.get_attribute("data-intent") == "deny"
    assert page.locator("#chat-question-3").inner_text() == "no"
    assert hold.locator(".chat-confirm button").count() == 0  # answered: the buttons are gone

    page.set_viewport_size({"width": 390, "height": 844})  # the answers fit a phone
    page.wait_for_timeout(300)
    assert page.evaluate(OVERFLOW) <= 0

    advice.locator(".chat-report-link").click()
    page.wait_for_selector("#reports-page")
    # (polled by Playwright itself: the page's CSP forbids the eval of wait_for_function)
    expect(page.locator("#rp-category")).to_have_value(category)
    assert page.locator("#rp-metal").input_value() == metal
    assert "Reorder advice" in page.locator("#rp-name").inner_text()
    # The page runs the report the link names: the rows the API gives for those filters,
    # among them the ones the chat cited.
    query = dict(parse_qsl(urlsplit(page.url).query))
    assert query["report"] == "reorder"
    with _api(server) as http:
        rows = http.get("/api/reports/reorder", params={
            "category": category, "metal": metal,
            "since": f"{query['since']}T00:00:00Z"}).json()["items"]
    shown = _skus(page.locator("#rp-table"))
    assert shown == {row["sku"] for row in rows[:25]} and skus <= shown

    page.go_back()  # the conversation is drawn again, the answered action without its buttons
    page.locator("#chat-answer-3").wait_for()
    assert _skus(page.locator("#chat-answer-1 .chat-rows")) == skus
    assert page.locator("#chat-answer-2 .chat-confirm button").count() == 0

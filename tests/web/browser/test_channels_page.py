"""The Channels page in a real headless Chromium: a channel with a dead letter (an order for a SKU
the channel never mapped) shows as such in the overview; a listing added from the page is in the
API; the dead letter retried from the page ends applied; a bad share is refused with the API's
message; the page fits a desktop and a phone."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.channels import inbox
from core.channels.models import MessageKind
from core.channels.schemas import ChannelLine, ChannelOrderMessage
from tests.web.browser.conftest import checked_tab, sign_in
from tests.web.browser.server import LiveServer
from web.services import services_of

#: How much wider than the window the document is (0 when it fits).
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@contextmanager
def api(server: LiveServer, username: str) -> Iterator[httpx.Client]:
    """The REST API as one demo user."""
    with httpx.Client(base_url=server.url, timeout=90) as http:
        token = http.post("/api/auth/token", data={"username": username, "password": "facet-demo"})
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        yield http


@pytest.fixture(scope="module")
def shop(server: LiveServer) -> dict[str, str]:
    """A channel of this module's own with one dead letter: an order for an unmapped SKU."""
    tag = uuid.uuid4().hex[:6]
    code, ext = f"shop-{tag}", f"EXT-{tag}"
    with api(server, "manager") as http:
        made = http.post(
            "/api/channels", json={"code": code, "kind": "generic", "name": f"Shop {tag}"}
        )
        assert made.status_code in (200, 201), made.text
        sku = http.get("/api/skus", params={"limit": 1}).json()["items"][0]["code"]
    db = services_of(server.app).db
    order = ChannelOrderMessage(
        kind=MessageKind.CREATED,
        message_key=f"m-{tag}",
        external_order_id=f"WEB-{tag}",
        lines=[ChannelLine(external_sku=ext, quantity=1)],
    )
    with db.write() as session:
        [got] = inbox.receive(session, channel=code, messages=[order], raw="{}")
    dead = inbox.apply_message(db, message_id=got.message_id, max_attempts=1)
    assert (dead.status, dead.error_code) == ("dead", "unmapped-sku"), dead
    return {"code": code, "ext": ext, "sku": sku, "message": str(got.message_id)}


def _open(tab: Any, server: LiveServer, code: str) -> Any:
    """The channels page with ``code`` chosen; its overview row."""
    sign_in(tab, server, "manager", "/channels")
    tab.fill("#chn-grid-q", code)
    found = tab.locator(f"#chn-grid .ag-center-cols-container .ag-row[row-id='{code}']")
    found.wait_for()
    found.locator(".ag-cell").first.click()
    tab.wait_for_selector(f"#chn-title >> text={code}")
    return found


def test_a_dead_letter_is_mapped_and_retried_from_the_page(
    page: Any, server: LiveServer, shop: dict[str, str], shots: Path
) -> None:
    code, ext, sku = shop["code"], shop["ext"], shop["sku"]
    overview = _open(page, server, code)
    assert "dead letters" in overview.inner_text()  # the health in words, not colour only
    retry = page.locator(f"#chn-m-grid .ag-row[row-id='{shop['message']}'] button.chn-retry")
    retry.wait_for()
    page.wait_for_selector(f"#chn-m-grid .ag-row[row-id='{shop['message']}'] >> text=unmapped-sku")

    page.fill("#chn-sku-ext", ext)
    page.fill("#chn-sku-sku", sku)
    page.click("#chn-sku-save")
    page.wait_for_selector(f"#chn-sku-msg .msg-ok >> text={ext}")
    with api(server, "auditor") as http:  # channels:read
        listings = http.get(f"/api/channels/{code}/skus").json()["items"]
    assert {"external_sku": ext, "sku": sku} in [
        {"external_sku": x["external_sku"], "sku": x["sku"]} for x in listings
    ]
    page.wait_for_selector(f"#chn-sku-grid .ag-row[row-id='{ext}']")

    retry.click()
    page.wait_for_selector(f"#chn-m-msg .msg-ok >> text={shop['message']}")
    with api(server, "manager") as http:
        done = http.get(f"/api/channels/{code}/messages", params={"status": "done"}).json()
    assert [m["id"] for m in done["items"]] == [int(shop["message"])]
    assert done["items"][0]["order_id"] is not None

    page.fill("#chn-buf-share", "150")
    page.click("#chn-buf-save")
    page.wait_for_selector("#chn-buf-msg .msg-error >> text=HTTP 422")
    page.screenshot(path=str(shots / "channels.png"), full_page=True)


def test_the_page_fits_a_phone(
    browser: Any, server: LiveServer, shop: dict[str, str], shots: Path
) -> None:
    with checked_tab(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ) as tab:
        _open(tab, server, shop["code"])
        tab.wait_for_selector("#chn-sku-grid .ag-header")
        assert tab.evaluate(OVERFLOW) <= 0
        tab.screenshot(path=str(shots / "channels-phone.png"), full_page=True)

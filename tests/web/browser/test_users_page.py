"""The users page (admins) and the forced password change, in a real headless Chromium."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.web.browser.conftest import sign_in
from tests.web.browser.server import LiveServer


def _new_clerk(server: LiveServer) -> str:
    """A clerk of this test's own (the demo server is shared by the session)."""
    name = f"tmp-{uuid.uuid4().hex[:8]}"
    with httpx.Client(base_url=server.url) as http:
        token = http.post("/api/auth/token",
                          data={"username": "admin", "password": "facet-demo"}).json()
        answer = http.post("/api/users", headers={"Authorization":
                                                  f"Bearer {token['access_token']}"},
                           json={"username": name, "role": "clerk", "password": "first-pass-1"})
        assert answer.status_code == 201, answer.text
    return name


def _select(page: Any, name: str) -> Any:
    """Find ``name`` through the list's filter box and click their row."""
    page.fill("#us-grid-q", name)
    row = page.locator(f"#us-grid .ag-center-cols-container .ag-row[row-id='{name}']")
    row.locator(".ag-cell").first.click()
    page.wait_for_selector(f"#us-selected >> text={name}")
    return row


def test_admin_adds_a_person_changes_the_role_and_deactivates(page: Any, server: LiveServer,
                                                             shots: Path) -> None:
    name = f"new-{uuid.uuid4().hex[:6]}"
    sign_in(page, server, "admin", "/users")
    page.fill("#us-new-name", name)
    page.fill("#us-new-full", "Lin Mei")
    page.fill("#us-new-pass", "first-pass-1")
    page.fill("#us-new-operator", "4711")
    page.click("#us-new-go")
    page.wait_for_selector(f"#us-msg .msg-ok >> text={name}")
    row = _select(page, name)
    assert "picker" in row.inner_text() and "4711" in row.inner_text()
    assert "as the browser" in row.inner_text()
    with httpx.Client(base_url=server.url) as http:  # the person chooses Chinese
        token = http.post("/api/auth/token",
                          data={"username": name, "password": "first-pass-1"}).json()
        chosen = http.put("/api/me/language", json={"language": "zh"},
                          headers={"Authorization": f"Bearer {token['access_token']}"})
        assert chosen.status_code == 200, chosen.text
    page.click("#us-role")
    page.locator("[role=option]", has_text="clerk").first.click()
    page.keyboard.press("Escape")
    page.click("#us-do-role")
    page.wait_for_selector(f"#us-msg .msg-ok >> text={name} is now clerk")
    page.wait_for_selector(f"#us-grid .ag-row[row-id='{name}'] >> text=clerk")
    assert "中文" in row.inner_text()  # the list drawn again shows the language chosen
    page.click("#us-do-toggle")
    page.wait_for_selector(f"#us-msg .msg-ok >> text={name} is deactivated")
    page.wait_for_selector("#us-do-toggle >> text=Activate")
    with httpx.Client(base_url=server.url) as http:
        refused = http.post("/api/auth/token", data={"username": name, "password": "first-pass-1"})
        assert refused.status_code == 401
    page.click("#us-do-toggle")
    page.wait_for_selector(f"#us-msg .msg-ok >> text={name} is active again")
    with httpx.Client(base_url=server.url) as http:
        again = http.post("/api/auth/token", data={"username": name, "password": "first-pass-1"})
        assert again.status_code == 200 and again.json()["role"] == "clerk"


def test_admin_resets_a_password_and_the_person_must_change_it(
        page: Any, browser: Any, server: LiveServer, shots: Path) -> None:
    name = _new_clerk(server)
    sign_in(page, server, "admin", "/users")
    row = _select(page, name)
    page.fill("#us-temp", "temporary-9")
    page.click("#us-do-reset")
    page.wait_for_selector("#us-msg .msg-ok")
    row.locator("text=must change").wait_for()
    page.screenshot(path=str(shots / "users.png"), full_page=True)

    other = browser.new_context(viewport={"width": 1200, "height": 800})
    tab = other.new_page()
    tab.set_default_timeout(15_000)
    try:
        tab.goto(server.url + "/inventory")
        tab.fill("#signin-user", name)
        tab.fill("#signin-pass", "temporary-9")
        tab.click("#signin-go")
        tab.wait_for_selector("#pw-forced")  # nothing else until the password is changed
        assert tab.locator("#nav-inventory").count() == 0
        tab.fill("#pw-current", "temporary-9")
        tab.fill("#pw-new", "my-own-secret-7")
        tab.fill("#pw-again", "my-own-secret-7")
        tab.click("#pw-go")
        tab.wait_for_selector("#pw-changed")
        tab.wait_for_selector("#nav-inventory")
        assert tab.locator("#pw-forced").count() == 0
    finally:
        other.close()

    # Deactivated from the page: the clerk can no longer sign in.
    page.click("#us-do-toggle")
    page.wait_for_selector(f"#us-msg .msg-ok >> text={name} is deactivated")
    with httpx.Client(base_url=server.url) as http:
        refused = http.post("/api/auth/token",
                            data={"username": name, "password": "my-own-secret-7"})
        assert refused.status_code == 401


def test_the_users_page_is_for_admins_only(page: Any, server: LiveServer) -> None:
    sign_in(page, server, "manager")
    assert page.locator("#nav-users").count() == 0
    assert page.locator("#nav-account").count() == 1
    page.goto(server.url + "/users")
    page.wait_for_selector("text=may not open Users")

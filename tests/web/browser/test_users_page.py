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


def test_admin_resets_a_password_and_the_person_must_change_it(
        page: Any, browser: Any, server: LiveServer, shots: Path) -> None:
    name = _new_clerk(server)
    sign_in(page, server, "admin", "/users")
    row = page.locator(f"#user-{name}")
    row.wait_for()
    row.locator("input[type=password]").fill("temporary-9")
    row.locator("button", has_text="Reset").click()
    page.wait_for_selector("#us-msg .msg-ok")
    page.wait_for_selector(f"#user-{name} >> text=must change")
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
    row.locator("button", has_text="Deactivate").click()
    page.wait_for_selector(f"#user-{name}[data-active='0']")
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

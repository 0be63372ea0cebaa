"""One demo server and one headless Chromium for the whole browser session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser.server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LiveServer,
    demo_database,
    running_server,
)

playwright_api = pytest.importorskip("playwright.sync_api")
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
# Chromium's own driver chatter (WebGL performance notes) is not a page error.
IGNORED = ("GPU stall", "WebGL", "willReadFrequently", "AudioContext")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with the small demo warehouse, served by uvicorn on a free port."""
    url = demo_database(tmp_path_factory.mktemp("web") / "facet.db", scale="small")
    with running_server(url) as live:
        yield live


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, once per session."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def checked_tab(browser: Any, *, timeout_ms: int = 15_000, allowed: tuple[str, ...] = (),
                **options: Any) -> Iterator[Any]:
    """A tab in a fresh context (``options``: Playwright's, such as the viewport); on the way
    out, no error may have reached its console but the ``IGNORED`` and ``allowed`` ones."""
    context = browser.new_context(**options)
    tab = context.new_page()
    tab.set_default_timeout(timeout_ms)
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield tab
    finally:
        context.close()
    real = [e for e in errors if not any(word in e for word in (*IGNORED, *allowed))]
    assert not real, f"errors in the browser console: {real}"


@pytest.fixture
def page(browser: Any, server: LiveServer) -> Iterator[Any]:
    """A fresh browser context (own session storage); fails the test on any console error."""
    with checked_tab(browser, viewport={"width": 1400, "height": 900}) as tab:
        yield tab


@pytest.fixture(scope="session")
def shots() -> Path:
    """Where the README's screenshots go."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@contextmanager
def page_with_microphone(browser: Any, wav: Path, height: int = 900) -> Iterator[Any]:
    """A page in a separate Chromium (same Playwright) whose microphone plays `wav`; on the
    way out, no error may have reached its console."""
    args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}",
            "--autoplay-policy=no-user-gesture-required"]
    mic_browser = browser.browser_type.launch(executable_path=CHROMIUM, args=args)
    context = mic_browser.new_context(viewport={"width": 1400, "height": height},
                                      permissions=["microphone"])
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield tab
    finally:
        context.close()
        mic_browser.close()
    real = [e for e in errors if not any(word in e for word in IGNORED)]
    assert not real, f"errors in the browser console: {real}"


def sign_in(tab: Any, server: LiveServer, username: str, path: str = "/") -> None:
    """Open ``path`` and sign in with the demo password."""
    tab.goto(server.url + path)
    tab.fill("#signin-user", username)
    tab.fill("#signin-pass", "facet-demo")
    tab.click("#signin-go")
    tab.wait_for_selector("#who")

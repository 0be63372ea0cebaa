"""A Chinese session in a real Chromium (issue 16): every main page drawn in Chinese shows no
English UI words once data (codes, numbers, names, the demo's own values) is set aside; the
language switch keeps the choice with the account; screenshots of pages in Chinese."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from babel.messages.pofile import read_po

from tests.web.browser.conftest import sign_in
from tests.web.browser.server import LiveServer
from web.i18n import LOCALE_DIR
from web.pages import NAV
from web.pages.api import can
from web.pages.shell import ASSISTANT_NAV

WORD = re.compile(r"[A-Za-z]{3,}")
#: Tokens that are data, not words: anything with a digit or a code's punctuation.
CODE = re.compile(r"[0-9_@/\\:.#=-]")
#: Latin words a Chinese page may show: the product, codes and units people use as they are.
KEPT = {"Facet", "SKU", "SKUs", "EPC", "EPCs", "RFID", "QR", "CSV", "XLSX", "PDF", "ZPL", "KPI",
        "MAE", "PCM", "DECT", "kHz", "fps", "dpi", "Croston", "SBA", "Code", "Letter", "mm",
        "facet", "demo", "vision", "run", "https", "localhost", "Bluetooth", "ISO", "PDA"}
#: Who walks which pages: the first demo user whose role may open the page.
WALKERS = (("admin", "admin"), ("manager", "manager"), ("picker", "picker"), ("clerk", "clerk"))
SHOTS = ("/overview", "/inventory", "/orders", "/reports", "/voice")


def _pages() -> list[tuple[str, str]]:
    """Every page of the navigation (and the handheld screens) with a user who may open it."""
    pages = []
    for item in [*NAV, *ASSISTANT_NAV]:
        user = next((u for u, role in WALKERS if can(role, item.permission)), None)
        if user is not None and item.available():
            pages.append((item.path, user))
    return pages


def _strings(value: Any, skip: frozenset[str] = frozenset({"title", "description"})
             ) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


#: Fields that hold free text or names (a customer, a zone, a camera's message): their words are
#: data even where one is also a UI word ("vault", "Twin").
NAMES = frozenset({"customer_name", "customer", "name", "full_name", "zone", "camera", "message",
                   "note", "ack_note", "supplier"})


def _names(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in NAMES and isinstance(item, str):
                yield item
            else:
                yield from _names(item)
    elif isinstance(value, list):
        for item in value:
            yield from _names(item)


def _ui_words() -> set[str]:
    """Single words the UI translates (statuses, kinds, roles): shown untranslated they are UI
    English, even where the same word is also a value in the API's answers."""
    with (LOCALE_DIR / "zh" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {str(m.id).lower() for m in read_po(handle) if m.id and WORD.fullmatch(str(m.id))}


@pytest.fixture(scope="module")
def data_words(server: LiveServer) -> set[str]:
    """Words of the demo's data: every string in the API's answers to the pages' lists."""
    token = httpx.post(server.url + "/api/auth/token",
                       data={"username": "admin", "password": "facet-demo"}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    # The schema is built on its first request: 3 s on an idle machine, 12 s under CI's load.
    schema = httpx.get(server.url + "/openapi.json", timeout=60).json()
    paths = [p for p, ops in schema["paths"].items()
             if "get" in ops and "{" not in p and p.startswith("/api/")]
    reports = httpx.get(server.url + "/api/reports", headers=headers, timeout=60).json()["items"]
    paths += [f"/api/reports/{r['name']}" for r in reports]
    words: set[str] = set()
    people: set[str] = set()
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
        for path in paths:
            answer = http.get(path)
            if answer.status_code != 200 or "json" not in answer.headers.get("content-type", ""):
                continue
            for text in _strings(answer.json()):
                words.update(w.lower() for w in WORD.findall(text))
            for text in _names(answer.json()):
                people.update(w.lower() for w in WORD.findall(text))
        for user in http.get("/api/users").json():
            people.update(w.lower() for w in WORD.findall(f"{user['username']} "
                                                          f"{user['full_name']}"))
    return (words - _ui_words()) | people


def english_left(text: str, data: set[str]) -> list[str]:
    """The Latin words of ``text`` that are neither data nor kept words."""
    left = []
    for token in text.split():
        if CODE.search(token):
            continue
        for word in WORD.findall(token):
            if word in KEPT or word.isupper() or word.lower() in data:
                continue
            left.append(word)
    return left


def _visible_text(page: Any) -> str:
    """What a person reads: the page's text, the navigation and every input's placeholder,
    less text the page marks as English data (``lang="en"``: the camera service's alert
    messages, written in English as the API's error messages are)."""
    return str(page.evaluate("""() => [[...document.querySelectorAll('#page [lang=en]')]
            .reduce((text, e) => text.split(e.innerText).join(' '), document.body.innerText),
        ...[...document.querySelectorAll('input[placeholder], textarea[placeholder]')]
            .filter(e => e.offsetParent !== null).map(e => e.placeholder)].join('\\n')"""))


def _settle(page: Any) -> None:
    page.wait_for_function("() => { const p = document.querySelector('#page');"
                           " return p && p.innerText.trim().length > 0; }")
    try:  # the page's first callbacks (lists, charts) answer, one after another
        page.wait_for_load_state("networkidle", timeout=6_000)
    except Exception:  # a live chart or stream may keep the network busy: read it anyway
        pass
    page.wait_for_timeout(300)


def _chinese(page: Any, server: LiveServer) -> None:
    page.context.add_cookies([{"name": "facet_lang", "value": "zh", "url": server.url}])


def test_the_main_pages_show_no_english_in_a_chinese_session(
        browser: Any, server: LiveServer, data_words: set[str], shots: Path) -> None:
    found: dict[str, list[str]] = {}
    for user in {u for _, u in _pages()}:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(20_000)
        _chinese(page, server)
        sign_in(page, server, user)
        assert page.evaluate("document.documentElement.lang") == "zh"
        for path, walker in _pages():
            if walker != user:
                continue
            page.goto(server.url + path)
            _settle(page)
            left = english_left(_visible_text(page), data_words)
            if left:
                found[path] = sorted(set(left))
            if path in SHOTS:
                page.screenshot(path=str(shots / f"{path.strip('/')}-zh.png"), full_page=True)
        context.close()
    assert not found, f"English UI words on Chinese pages: {found}"


def test_the_sign_in_page_follows_the_browser(browser: Any, server: LiveServer,
                                              data_words: set[str]) -> None:
    context = browser.new_context(locale="zh-CN", extra_http_headers={
        "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    page = context.new_page()
    page.goto(server.url + "/")
    page.wait_for_selector("#signin-go")
    assert page.locator("#signin-go").inner_text() == "登录"
    assert not english_left(_visible_text(page), data_words)
    context.close()


def test_the_switch_keeps_the_language_with_the_account(page: Any, server: LiveServer) -> None:
    sign_in(page, server, "clerk", "/inventory")
    assert page.locator("#nav-inventory").inner_text() == "Inventory"
    page.click("#lang-switch")
    page.get_by_role("option", name="中文", exact=True).click()
    page.wait_for_function("() => document.documentElement.lang === 'zh'")  # drawn again
    page.wait_for_selector("#nav-inventory:has-text('库存')")
    assert page.locator("#inventory-page h2").inner_text() == "库存"
    token = page.evaluate("JSON.parse(sessionStorage.getItem('auth')).token")
    me = httpx.get(server.url + "/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["language"] == "zh"
    # Another browser (no cookie, English preferred): the account's choice wins at sign-in.
    other = page.context.browser.new_context(extra_http_headers={"Accept-Language": "en"})
    tab = other.new_page()
    sign_in(tab, server, "clerk", "/inventory")
    tab.wait_for_selector("#nav-inventory:has-text('库存')")
    tab.click("#lang-switch")
    tab.get_by_role("option", name="English", exact=True).click()
    tab.wait_for_selector("#nav-inventory:has-text('Inventory')")
    other.close()
    me = httpx.get(server.url + "/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["language"] == "en"

"""The UI's catalogues: every string the pages mark for translation has a Chinese translation
with the same ``{placeholders}``; requests get their language from the cookie or the browser."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

from web.i18n import LANGUAGES, LOCALE_DIR, N_, _, language, negotiate, use_language
from web.pages.ui import GRID_LOCALE_ZH, ROLE_NAMES

WEB = Path(__file__).resolve().parents[2] / "web"
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
CODE_SPAN = re.compile(r"[\w.:/-]+(?: [\w.:/-]+)*", re.ASCII)
#: Words a Chinese translation may keep in Latin letters: codes, units, formats, names.
KEPT_LATIN = {"SKU", "SKUs", "Facet", "CSV", "XLSX", "PDF", "ZPL", "QR", "EPC", "RFID", "MJPEG",
              "PCM", "kHz", "fps", "HTTP", "API", "ABC", "Code", "PDA", "YYYY", "Alt", "Ctrl",
              "facet", "demo", "Bluetooth", "DECT", "FACET", "GS1", "UHF", "Enter", "Tab",
              "Croston", "SBA", "MAE", "KPI", "dpi", "Letter", "https"}


def _marked() -> dict[str, list[str]]:
    """Every string marked with _() or N_() in web/, with the files that mark it."""
    found: dict[str, list[str]] = {}
    for path in sorted(WEB.rglob("*.py")):
        for _line, message, _comments, _context in extract_from_file(
                "python", str(path), keywords=DEFAULT_KEYWORDS):
            if isinstance(message, str) and message:
                found.setdefault(message, []).append(str(path.relative_to(WEB.parent)))
    return found


def _catalog(lang: str) -> Catalog:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_every_marked_string_is_translated(lang: str) -> None:
    """Fails when a page adds a _() string and nobody translated it (run `make messages`)."""
    catalog = _catalog(lang)
    missing = [f"{msgid!r} ({', '.join(where)})" for msgid, where in _marked().items()
               if not (entry := catalog.get(msgid)) or not entry.string or entry.fuzzy]
    assert not missing, (f"{len(missing)} strings have no {lang} translation; run "
                         f"`make messages` and translate web/locale/{lang}/LC_MESSAGES/"
                         "messages.po:\n" + "\n".join(missing))


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_translations_keep_the_placeholders(lang: str) -> None:
    wrong = [f"{m.id!r} -> {m.string!r}" for m in _catalog(lang)
             if m.id and m.string and _placeholders(str(m.id)) != _placeholders(str(m.string))]
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_chinese_translations_have_no_stray_english() -> None:
    """A msgstr is Chinese: Latin words only for codes, units and names people use as such."""
    stray = []
    for m in _catalog("zh"):
        if not m.id or not m.string:
            continue
        codes = {w for w in LATIN_WORD.findall(str(m.id)) if w.isupper()}  # CNT, PO...
        text = PLACEHOLDER.sub("", str(m.string))
        for span in CODE_SPAN.findall(text):  # a command or example kept as typed
            if span in str(m.id) and (" " in span or not span.isalpha()):
                text = text.replace(span, "")
        words = set(LATIN_WORD.findall(text)) - KEPT_LATIN - codes
        if words:
            stray.append(f"{m.string!r}: {sorted(words)}")
    assert not stray, "English left in Chinese translations:\n" + "\n".join(stray)


def test_no_formatted_string_is_marked() -> None:
    """`_(f"...")` cannot be looked up (the catalogue holds the template): use placeholders."""
    bad = []
    for path in sorted(WEB.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_") and node.args
                    and isinstance(node.args[0], ast.JoinedStr | ast.BinOp)):
                bad.append(f"{path.relative_to(WEB.parent)}:{node.lineno}")
    assert not bad, "f-strings or concatenations inside _(): " + ", ".join(bad)


def test_the_current_language_translates_and_fills_placeholders() -> None:
    with use_language("zh"):
        assert language() == "zh"
        assert _("Sign in") == "登录"
        assert _("Your role may not use {what}.", what="X") == "您的角色无权使用X。"
    with use_language("en"):
        assert _("Your role may not use {what}.", what="X") == "Your role may not use X."
    with use_language("xx"):  # an unknown language draws English
        assert language() == "en" and _("Sign in") == "Sign in"
    assert N_("Sign in") == "Sign in"


def test_every_role_has_a_chinese_name() -> None:
    with use_language("zh"):
        assert all(not LATIN_WORD.search(_(name)) for name in ROLE_NAMES.values())


@pytest.mark.parametrize(("cookie", "accept", "expected"), [
    (None, None, "en"), (None, "zh-CN,zh;q=0.9,en;q=0.8", "zh"), (None, "en-GB,zh;q=0.5", "en"),
    (None, "fr-FR,zh-TW;q=0.8", "zh"), (None, "fr, de", "en"), ("zh", "en-US", "zh"),
    ("en", "zh-CN", "en"), ("xx", "zh-CN", "zh"), ("", "", "en"),
])
def test_negotiate(cookie: str | None, accept: str | None, expected: str) -> None:
    assert negotiate(cookie, accept) == expected


def test_the_grid_speaks_chinese() -> None:
    for key in ("page", "to", "next", "previous", "noRowsToShow", "loadingOoo",
                "filterOoo", "contains", "equals", "applyFilter", "resetFilter"):
        assert GRID_LOCALE_ZH[key] and not LATIN_WORD.search(GRID_LOCALE_ZH[key])


def test_report_texts_are_the_reports_own() -> None:
    """The pages translate the reports' titles and descriptions from copies kept beside the
    catalogue's marks; they must stay the core's words."""
    from core.reports import REPORTS
    from web.pages.reports import REPORT_TEXT

    assert set(REPORT_TEXT) == set(REPORTS)
    for name, spec in REPORTS.items():
        assert REPORT_TEXT[name] == (spec.title, spec.description), name


def test_the_voice_script_has_every_word_it_uses() -> None:
    """voice.js shows only words the page hands it (t("key")): each key is in JS_TEXT."""
    from web.pages.voice import JS_TEXT

    script = (WEB / "pages" / "assets" / "voice.js").read_text(encoding="utf-8")
    used = set(re.findall(r'\bt\("(\w*[^_\W])"', script)) | {f"tag_{k}" for k in re.findall(
        r'\blog\("(\w+)"', script)}
    assert used and used <= set(JS_TEXT), sorted(used - set(JS_TEXT))


def test_the_voice_dialogues_states_are_named() -> None:
    """The console shows the dialogue's state and what it expects in the reader's words."""
    states = pytest.importorskip("assistant.voice.states")
    language_ = pytest.importorskip("assistant.voice.language")
    from web.pages.voice import JS_TEXT

    keys = {f"state_{s.value}" for s in states.State}
    keys |= {f"expect_{e}" for e in language_.EXPECTATIONS}
    assert keys <= set(JS_TEXT), sorted(keys - set(JS_TEXT))


@pytest.mark.parametrize(("headers", "expected"), [
    ({}, "en"), ({"Accept-Language": "zh-CN,zh;q=0.9"}, "zh"),
    ({"Accept-Language": "zh-CN", "Cookie": "facet_lang=en"}, "en"),
    ({"Accept-Language": "en-GB", "Cookie": "facet_lang=zh"}, "zh"),
])
def test_the_page_is_drawn_in_the_requests_language(db_url: str, headers: dict[str, str],
                                                    expected: str) -> None:
    """<html lang> and the sign-in page follow the cookie, else the browser's preference."""
    from fastapi.testclient import TestClient

    from core import CoreSettings
    from web.app import Settings, create_app

    settings = Settings(core=CoreSettings(database_url=db_url, secret_key="k" * 48))
    with TestClient(create_app(settings)) as client:
        page = client.get("/", headers=headers)
        assert page.status_code == 200
        assert f'<html lang="{expected}">' in page.text
        switch = _component(client.get("/_dash-layout", headers=headers).json(), "lang-switch")
        assert switch["value"] == expected
        assert {o["label"] for o in switch["options"]} == {"English", "中文"}


def _component(tree: object, element_id: str) -> dict[str, Any]:
    """The props of the component with ``element_id`` in a Dash layout's JSON."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == element_id:
                return dict(node["props"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    raise AssertionError(f"no {element_id} in the layout")


def test_every_adjustment_reason_has_a_translated_legend_on_the_overview() -> None:
    """The overview's moves chart names each move reason; an adjustment's reason (found, lost...)
    must not show in English in a Chinese session."""
    from core.documents.schemas import AdjustmentReason
    from web.pages.overview import _label

    with use_language("zh"):
        for reason in AdjustmentReason:
            label = _label(str(reason))
            assert label != str(reason).replace("_", " ") and re.search(r"[\u4e00-\u9fff]", label)


def test_the_overview_names_adjustments_by_their_reason_as_the_core_reports_them() -> None:
    """The core reports an adjustment's moves as ``adjustment: <reason>``: the legend shows the
    reason in the reader's language (it showed "found" in English on 2026-12-04's demo)."""
    from core.documents.schemas import AdjustmentReason
    from web.pages.overview import _by_kind, _label

    moves = {f"adjustment: {reason}": [1] for reason in AdjustmentReason}
    moves["adjustment: a reason typed by hand"] = [2]
    kinds = _by_kind(moves)
    assert set(kinds) == {str(r) for r in AdjustmentReason} | {"adjustment"}
    with use_language("zh"):
        for kind in kinds:
            assert re.search(r"[\u4e00-\u9fff]", _label(kind)), kind

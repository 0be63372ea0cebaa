"""The voice console's "Train my voice" panel and headset band in a real headless Chromium.

Chromium's fake microphone plays a silent WAV here: the test checks the panel's flow (the
first phrase in large type, progress, a skipped phrase, cancelling) and that the capture
streams narrowband PCM to /ws/voice/enrol; what the engine makes of real speech is tested
with the engines, and the whole enrolment over the socket in tests/web/test_voice_enrol.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.speech.audio import pcm_to_wav, silence
from assistant.voice import load_language
from assistant.voice.enrolment import enrolment_script
from tests.web.browser.conftest import page_with_microphone, sign_in
from tests.web.browser.server import LiveServer
from web.services import services_of


@pytest.fixture
def quiet_mic_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """A page in a separate Chromium whose microphone hears silence."""
    wav = tmp_path / "quiet.wav"
    wav.write_bytes(pcm_to_wav(silence(3000)))
    with page_with_microphone(browser, wav, height=1100) as tab:
        yield tab


def _my_profiles(server: LiveServer) -> list[Any]:
    token = httpx.post(server.url + "/api/auth/token",
                       data={"username": "picker", "password": "facet-demo"}).json()
    answer = httpx.get(server.url + "/api/voice/profiles/me",
                       headers={"Authorization": f"Bearer {token['access_token']}"})
    return list(answer.json()["items"])


def test_train_my_voice_prompts_phrases_at_the_chosen_band(
        quiet_mic_page: Any, server: LiveServer) -> None:
    tab = quiet_mic_page
    script = enrolment_script(load_language(services_of(server.app).voice.settings.language))
    sign_in(tab, server, "picker", "/voice")
    tab.wait_for_selector("#voice-page #vt-start:has-text('Train my voice')")
    assert tab.locator("#vt-skip").is_disabled()
    tab.click("#vc-band label:has-text('narrowband 8 kHz')")
    tab.click("#vt-start")
    tab.wait_for_selector("#vt-phrase[data-index='1']")
    assert tab.locator("#vt-phrase").inner_text() == script[0]
    assert tab.locator("#vt-progress").inner_text() == f"1 of {len(script)}"
    assert float(tab.eval_on_selector("#vt-phrase", "e => parseFloat(getComputedStyle(e)"
                                                    ".fontSize)")) >= 32  # large type
    tab.wait_for_selector("#vc-mic.on")  # the console's capture, now feeding the training
    tab.wait_for_function("() => window.facetVoice.sent > 8000", timeout=20_000)
    assert tab.evaluate("window.facetVoice.rate") == 8000
    tab.click("#vt-skip")
    tab.wait_for_selector("#vt-phrase[data-index='2']")
    assert tab.locator("#vt-phrase").inner_text() == script[1]
    assert tab.locator("#vt-heard").inner_text() == f"skipped “{script[0]}”"
    assert tab.locator("#vt-progress").inner_text() == f"2 of {len(script)}"
    tab.click("#vt-start")  # cancel
    tab.wait_for_selector("#vt-start:has-text('Train my voice')")
    tab.wait_for_selector("#vc-mic:not(.on)")
    assert "nothing stored" in tab.locator("#vt-status").inner_text()
    assert _my_profiles(server) == []

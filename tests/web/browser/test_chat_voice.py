"""The chat and the voice console in a real headless Chromium against the demo warehouse.

The voice test runs its own Chromium with a fake microphone fed from a WAV file. Chromium
starts that file when capture starts and loops it, and one file cannot be timed to a dialogue
whose prompts take as long as they take. So the test answers sign-on and "ready" through the
console's text box and buttons (the same ``{"type": "text"}`` a typed answer sends) and switches
the microphone on only at the slot prompt of the bin the twin routes the picker to first: the
WAV is 1.2 s of silence, that bin's check digits spoken by espeak-ng, then 6 s of silence
(enough for the server's end-of-utterance detection, and for the test to switch the microphone
off before the loop comes round). Check digits, two words, are what the microphone carries
because a lone synthesised "one" for the quantity is too short for PocketSphinx to score above
the dialogue's out-of-grammar rejection threshold (it is re-prompted "Pardon?"); the quantity
is then typed and the serial scanned. The spoken part is the real path: getUserMedia ->
AudioWorklet -> 16 kHz PCM -> /ws/voice -> PocketSphinx -> the dialogue; the test ends by
checking the posting in the pick list and the ledger.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.speech.audio import pcm_to_wav, silence
from assistant.speech.tts import EspeakTts, espeak_available
from tests.web.browser.conftest import page_with_microphone, sign_in
from tests.web.browser.server import LiveServer
from web.services import services_of

PICKER, OPERATOR = "picker", "1001"
DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _api(server: LiveServer, user: str) -> httpx.Client:
    token = httpx.post(server.url + "/api/auth/token",
                       data={"username": user, "password": "facet-demo"}).json()
    return httpx.Client(base_url=server.url,
                        headers={"Authorization": f"Bearer {token['access_token']}"})


def _ask(page: Any, question: str, n: int) -> Any:
    page.fill("#chat-q", question)
    page.press("#chat-q", "Enter")
    answer = page.locator(f"#chat-answer-{n}")
    answer.wait_for(timeout=60_000)  # the first unmatched question loads the embedding model
    return answer


def _grid_column(answer: Any, column: str) -> set[str]:
    """The values of ``column`` in the answer's grid (its first page)."""
    cells = answer.locator(f".chat-rows .ag-center-cols-container .ag-cell[col-id='{column}']")
    cells.first.wait_for()
    return set(cells.all_inner_texts())


def test_chat_locates_a_batch_in_english_and_chinese(page: Any, server: LiveServer,
                                                    shots: Path) -> None:
    sign_in(page, server, "manager", "/chat")
    page.wait_for_selector("#chat-page #chat-q")
    with _api(server, "manager") as http:
        rows = http.get("/api/locate", params={"q": "G-2311"}).json()["rows"]
    locations = {row["location"] for row in rows}
    assert locations

    answer = _ask(page, "where is batch G-2311?", 1)
    assert "G-2311" in answer.locator(".chat-text").inner_text()
    assert answer.get_attribute("data-intent") == "locate"
    assert "template" in answer.locator(".chat-meta").inner_text()
    assert _grid_column(answer, "location") == locations

    # The assistant answers in the question's language, whatever the page's (English here).
    answer = _ask(page, "批次G-2311在哪里？", 2)
    assert "批次 G-2311" in answer.locator(".chat-text").inner_text()
    assert _grid_column(answer, "location") == locations

    best = _ask(page, "best sellers this month", 3)
    best.locator(".chat-chart .main-svg .bars").first.wait_for()
    assert len(_grid_column(best, "sku")) >= 2
    page.screenshot(path=str(shots / "chat.png"), full_page=True)


def test_chat_follow_up_keeps_the_conversation(page: Any, server: LiveServer) -> None:
    sign_in(page, server, "manager", "/chat")
    page.wait_for_selector("#chat-page #chat-q")
    page.click("#chat-new")
    first = _ask(page, "how many gold rings do we have?", 1)
    assert first.get_attribute("data-intent") == "count_stock"
    follow = _ask(page, "and in size 8?", 2)
    assert follow.get_attribute("data-intent") == "count_stock"
    assert follow.get_attribute("data-conversation") == first.get_attribute("data-conversation")
    assert "8" in follow.locator(".chat-text").inner_text()
    assert not follow.get_attribute("class").count("chat-error")


def test_chat_offers_the_closest_intents_when_it_is_unsure(page: Any, server: LiveServer) -> None:
    sign_in(page, server, "manager", "/chat")
    page.wait_for_selector("#chat-page #chat-q")
    page.click("#chat-new")
    # Not understood (the closest intents) or a close call asked back (its choices): buttons
    # that ask a question of their own.
    unclear = _ask(page, "rings", 1)
    assert unclear.get_attribute("data-error") in {"not-understood", "ambiguous"}
    chips = unclear.locator(".chat-suggest button")
    assert chips.count() >= 1
    chips.first.click()
    suggested = page.locator("#chat-answer-2")
    suggested.wait_for()
    assert suggested.get_attribute("data-intent")


@pytest.mark.parametrize(("user", "chat", "voice", "pickers"), [
    ("security", 1, 0, 0), ("picker", 1, 1, 0), ("manager", 1, 1, 1)])
def test_navigation_follows_roles(page: Any, server: LiveServer, user: str, chat: int,
                                  voice: int, pickers: int) -> None:
    sign_in(page, server, user)
    page.wait_for_selector("#nav-chat")
    assert page.locator("#nav-chat").count() == chat
    assert page.locator("#nav-voice").count() == voice
    assert page.locator("#nav-pickers").count() == pickers
    if not pickers:
        page.goto(server.url + "/pickers")
        page.wait_for_selector("text=may not open Pickers")


# -- the voice console with a fake microphone -------------------------------------------------


def _open_lines(http: httpx.Client) -> list[dict[str, Any]]:
    lists = http.get("/api/picklists", params={"status": "open", "picker": PICKER}).json()
    return [dict(line, pick_list=p["number"]) for p in lists["items"] for line in p["lines"]
            if line["status"] == "open"]


@pytest.fixture(scope="module")
def target(server: LiveServer) -> dict[str, Any]:
    """The bin the dialogue sends the picker to first (the twin's route), with its digits."""
    with _api(server, "manager") as http:
        lines = _open_lines(http)
        assert lines, "the demo gives the picker an open pick list"
        codes = list(dict.fromkeys(line["from_location"] for line in lines))
        first = services_of(server.app).core.pick_sequencer(codes)[0]
        location = http.get(f"/api/locations/{first}").json()
    line = next(ln for ln in lines if ln["from_location"] == first)
    return {"location": first, "digits": location["check_digits"], "bay": location["bay"],
            "level": location["level"], "line": line}


@pytest.fixture(scope="module")
def spoken_digits(target: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A WAV for Chromium's fake microphone: silence, the check digits, a long silence."""
    if not espeak_available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    words = " ".join(DIGITS[int(d)] for d in target["digits"])
    # espeak-ng's Klatt voices are the ones PocketSphinx's US-English model hears best.
    pcm = silence(1200) + EspeakTts(voice="en-us+klatt6", speed=180).synthesize(words)
    path = tmp_path_factory.mktemp("mic") / "check-digits.wav"
    path.write_bytes(pcm_to_wav(pcm + silence(6000)))
    return path


@pytest.fixture
def mic_page(spoken_digits: Path, browser: Any) -> Iterator[Any]:
    """A page in a separate Chromium (same Playwright) whose microphone plays the WAV."""
    with page_with_microphone(browser, spoken_digits) as tab:
        yield tab


def _next_prompt(tab: Any, count: int) -> tuple[str, str, int]:
    tab.wait_for_function(
        "n => +(document.querySelector('#vc-prompt').dataset.count || 0) > n", arg=count,
        timeout=20_000)
    box = tab.locator("#vc-prompt")
    return box.inner_text(), str(box.get_attribute("data-state")), int(box.get_attribute(
        "data-count"))


def _say(tab: Any, text: str) -> None:
    tab.fill("#vc-text", text)
    tab.press("#vc-text", "Enter")


def _drive_to_slot(tab: Any, target: dict[str, Any]) -> int:
    """Answer by text (and skip other slots) until the target's slot prompt; its number."""
    text, state, count = _next_prompt(tab, 0)
    wanted = f"Bay {target['bay']}, level {target['level']}."
    for _ in range(16):
        if state == "slot" and wanted in text:
            return count
        if state == "sign_on":
            _say(tab, OPERATOR)  # typed digits are sent as spoken digits
        elif state == "slot":
            tab.click("#vc-skip")  # not the bin the microphone's file names
        else:  # get_work, aisle, retry: the dialogue waits for "ready"
            tab.click("#vc-ready")
        text, state, count = _next_prompt(tab, count)
    raise AssertionError(f"never reached {wanted}; last: {text} ({state})")


def _serial_at(server: LiveServer, line: dict[str, Any], location: str) -> str:
    from sqlalchemy import select

    from core.catalogue.models import Sku
    from core.locations.models import Location
    from core.lots.models import Serial

    with services_of(server.app).db.read() as session:
        code = session.scalar(select(Serial.code).join(Sku, Sku.id == Serial.sku_id)
                              .join(Location, Location.id == Serial.location_id)
                              .where(Sku.code == line["sku"], Location.code == location)
                              .order_by(Serial.code).limit(1))
    assert code, f"no serial of {line['sku']} at {location}"
    return str(code)


def test_voice_console_completes_a_pick_by_microphone(
        mic_page: Any, server: LiveServer, target: dict[str, Any], shots: Path) -> None:
    tab, line, location = mic_page, target["line"], target["location"]
    sign_in(tab, server, PICKER, "/voice")
    tab.wait_for_selector("#voice-page #vc-start:not([disabled])")
    tab.click("#vc-start")
    count = _drive_to_slot(tab, target)
    # Half duplex: the microphone is muted while a prompt plays, so start it after.
    tab.wait_for_selector("#vc-prompt:not(.speaking)")
    tab.click("#vc-mic")
    tab.wait_for_selector("#vc-mic.on")
    text, state, count = _next_prompt(tab, count)
    tab.click("#vc-mic")
    tab.wait_for_selector("#vc-mic:not(.on)")
    heard = tab.locator("#vc-command").inner_text()
    assert (state, heard) == ("quantity", f"digits {target['digits']}"), (text, heard)
    assert tab.locator("#vc-final").inner_text().strip()  # the final transcript is shown
    assert tab.evaluate("window.facetVoice.sent") > 16000  # over a second of 16 kHz PCM
    assert text.startswith(f"Pick {line['quantity']},"), text
    _say(tab, str(line["quantity"]))
    text, state, count = _next_prompt(tab, count)
    for _ in range(line["quantity"]):
        if state != "serial":
            break
        tab.fill("#vc-scan", _serial_at(server, line, location))  # as a scanner would
        tab.press("#vc-scan", "Enter")
        text, state, count = _next_prompt(tab, count)
    with _api(server, "manager") as http:
        pick_list = http.get(f"/api/picklists/{line['pick_list']}").json()
        posted = next(ln for ln in pick_list["lines"] if ln["id"] == line["id"])
        moves = http.get("/api/moves", params={"sku": line["sku"], "location": location,
                                               "actor": PICKER}).json()["items"]
    assert posted["status"] == "done" and posted["done_quantity"] == line["quantity"]
    assert posted["done_by"] == PICKER
    assert any(m["quantity"] == line["quantity"] for m in moves), moves
    tab.wait_for_selector(f"#vc-mylist tr[data-line='{line['id']}'][data-status='done']")
    tab.screenshot(path=str(shots / "voice.png"), full_page=True)
    tab.click("#vc-start")  # stop the dialogue
    tab.wait_for_selector("#vc-start:has-text('Start')")


def test_supervisor_sees_every_pickers_progress(page: Any, server: LiveServer) -> None:
    sign_in(page, server, "manager", "/pickers")
    page.wait_for_selector("#sv-pickers tr[data-picker='picker']")
    page.wait_for_selector("#sv-lists tr[data-list]")
    with _api(server, "manager") as http:
        open_lists = http.get("/api/picklists", params={"status": "open"}).json()["items"]
    for pick_list in open_lists[:5]:
        assert page.locator(f"#sv-lists tr[data-list='{pick_list['number']}']").count() == 1
    assert "/" in page.locator("#sv-pickers tr[data-picker='picker'] .vc-meter").inner_text()

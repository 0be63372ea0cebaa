"""The picking dialogue over the fake speech engine: audio in, prompts and postings out."""

from __future__ import annotations

import pytest

from assistant.speech import EnergyVad, FakeSpeechEngine, encode_text
from assistant.voice import (
    BackendCall,
    Command,
    DialogueMachine,
    InMemoryPickingBackend,
    LanguagePack,
    Rejection,
    State,
    Turn,
    VoiceSession,
    idempotency_key,
    load_language,
)
from tests.assistant.voice.conftest import make_backend


class Headset:
    """Speaks text through the fake engine into a session and keeps the last turn."""

    def __init__(self, backend: InMemoryPickingBackend, language: str = "en") -> None:
        self.backend = backend
        self.machine = DialogueMachine(backend, load_language(language))
        self.session = VoiceSession(self.machine, FakeSpeechEngine().recognizer(), EnergyVad())
        self.session.start()

    def say(self, text: str) -> Turn:
        events = self.session.feed_audio(encode_text(text))
        prompts = [e for e in events if e.type == "prompt"]
        assert len(prompts) == 1, f"expected one prompt for {text!r}, got {events}"
        assert prompts[0].turn is not None
        return prompts[0].turn

    def keys(self, text: str) -> tuple[str, ...]:
        return self.say(text).prompt.keys


def signed_on(backend: InMemoryPickingBackend | None = None) -> Headset:
    headset = Headset(backend or make_backend())
    assert headset.keys("one two three four") == ("welcome",)
    return headset


def at_first_line(backend: InMemoryPickingBackend | None = None) -> Headset:
    headset = signed_on(backend)
    turn = headset.say("ready")
    assert turn.prompt.keys == ("assignment_many", "aisle")
    assert turn.prompt.text == "3 lines. Aisle 12."
    return headset


def pick_first_line(headset: Headset) -> None:
    assert headset.keys("ready") == ("slot",)
    assert headset.keys("four two") == ("pick",)
    # The next line is in the same aisle, so the aisle is not announced again.
    assert headset.keys("two") == ("slot",)


def test_whole_assignment_from_sign_on_to_sign_off(backend: InMemoryPickingBackend) -> None:
    headset = at_first_line(backend)
    pick_first_line(headset)
    assert headset.say("one seven").prompt.text == "Pick 1, silver chain."
    assert headset.say("one").prompt.text == "Serial?"
    assert headset.keys("kilo seven two alpha") == ("aisle",)
    assert headset.keys("ready") == ("slot",)
    assert headset.keys("eight five") == ("pick",)
    assert headset.say("two").prompt.text == "Serial 1 of 2."
    assert headset.say("delta four echo five").prompt.text == "Serial 2 of 2."
    assert headset.keys("x-ray eight yankee one") == ("assignment_done",)
    assert headset.keys("sign off") == ("confirm_sign_off",)
    turn = headset.say("yes")
    assert turn.ended and turn.prompt.text == "Goodbye Anna."
    assert [(p.line_id, p.quantity, p.serials) for p in backend.postings] == [
        ("L1", 2, ()), ("L2", 1, ("SN-200-K72A",)), ("L3", 2, ("SN-300-D4E5", "SN-300-X8Y1")),
    ]
    assert backend.signed_on == set()
    assert headset.session.feed_audio(encode_text("ready")) == []


def test_unknown_operator_is_asked_again(backend: InMemoryPickingBackend) -> None:
    headset = Headset(backend)
    turn = headset.say("nine nine")
    assert turn.prompt.text == "Operator 99 unknown. Operator ID?"
    assert turn.state is State.SIGN_ON


def test_wrong_check_digits_reprompt_and_post_nothing(backend: InMemoryPickingBackend) -> None:
    headset = at_first_line(backend)
    headset.say("ready")
    turn = headset.say("four three")
    assert turn.prompt.text == "Wrong check digits. Bay 3, level 2."
    assert turn.state is State.SLOT and turn.calls == (BackendCall("reject", "L1"),)
    assert backend.rejections == [Rejection("1234", "L1", "wrong-check-digits", "43")]
    assert headset.keys("four two") == ("pick",)
    assert backend.postings == []


def test_a_rejection_not_recorded_does_not_hold_the_picker_up(
    backend: InMemoryPickingBackend,
) -> None:
    headset = at_first_line(backend)
    headset.say("ready")
    backend.fail_rejections = True
    turn = headset.say("four three")
    assert turn.prompt.text == "Wrong check digits. Bay 3, level 2."
    assert turn.calls == (BackendCall("reject", "L1", error_code="backend-unavailable"),)
    assert backend.rejections == [] and headset.keys("four two") == ("pick",)


def test_wrong_quantity_reprompts(backend: InMemoryPickingBackend) -> None:
    headset = at_first_line(backend)
    headset.say("ready")
    headset.say("four two")
    assert headset.say("one").prompt.text == "You said 1. Pick 2. Say 2, or short."
    # The quantity grammar stops at the line's quantity: more is not heard as a number.
    assert headset.say("three").prompt.text == "Pardon? Pick 2, gold ring."
    assert backend.postings == []


def test_grammar_follows_the_line(pack: LanguagePack) -> None:
    headset = at_first_line(make_backend())
    assert headset.machine.grammar() is pack.grammar("ready")
    headset.say("ready")
    slot = headset.machine.grammar()
    assert slot.matches("four two") and not slot.matches("four two one")
    assert not slot.matches("four")
    headset.say("four two")
    quantity = headset.machine.grammar()
    assert all(quantity.matches(t) for t in ("two", "one", "zero", "short one", "skip slot"))
    assert not quantity.matches("three") and not quantity.matches("twelve")
    big = pack.grammar("quantity", most=24)
    assert all(big.matches(t) for t in ("twenty four", "two four", "twelve", "nineteen"))
    assert not big.matches("twenty five") and not big.matches("two five")
    zh = load_language("zh").grammar("quantity", most=24)
    assert zh.matches("二 十 四") and zh.matches("十 二") and not zh.matches("二 十 五")


def test_wrong_and_duplicate_serials_reprompt_and_post_nothing(
    backend: InMemoryPickingBackend,
) -> None:
    headset = at_first_line(backend)
    pick_first_line(headset)
    headset.say("one seven")
    headset.say("one")
    assert headset.say("kilo seven two bravo").prompt.text == "Wrong serial. Serial?"
    assert [p.line_id for p in backend.postings] == ["L1"]
    assert backend.rejections == [Rejection("1234", "L2", "wrong-serial", "K72B")]
    headset.say("kilo seven two alpha")
    headset.say("ready")
    headset.say("eight five")
    headset.say("two")
    headset.say("seven quebec three mike")
    assert headset.keys("seven quebec three mike") == ("duplicate_serial", "serial_many")
    assert headset.keys("undo") == ("serial_removed", "serial_many")
    assert [p.line_id for p in backend.postings] == ["L1", "L2"]


def test_scanned_serial_is_accepted(backend: InMemoryPickingBackend) -> None:
    headset = at_first_line(backend)
    pick_first_line(headset)
    headset.say("one seven")
    headset.say("one")
    events = headset.session.handle_scan("sn-200-b9x4")
    assert events[0].command == Command("serial_scan", "SN-200-B9X4", "sn-200-b9x4")
    assert backend.postings[-1].serials == ("SN-200-B9X4",)


def test_short_with_a_count(backend: InMemoryPickingBackend) -> None:
    headset = at_first_line(backend)
    headset.say("ready")
    assert headset.keys("short one") == ("check_first", "slot")
    headset.say("four two")
    turn = headset.say("short one")
    assert turn.prompt.text == "Short, picked 1. Correct?"
    assert turn.state is State.CONFIRM_SHORT and turn.calls == () and backend.postings == []
    turn = headset.say("yes")
    assert turn.prompt.text == "Bay 5, level 1." and turn.calls[0].action == "short"
    posting = backend.postings[0]
    assert (posting.kind, posting.quantity, posting.idempotency_key) == ("short", 1, "voice:L1:0")


def test_short_asks_how_many_and_collects_serials(backend: InMemoryPickingBackend) -> None:
    headset = at_first_line(backend)
    pick_first_line(headset)
    headset.say("one seven")
    headset.say("one")
    headset.say("kilo seven two alpha")
    headset.say("ready")
    headset.say("eight five")
    assert headset.keys("short") == ("short_how_many",)
    # A short count is below the line's quantity; the grammar does not even offer "two".
    assert headset.keys("two") == ("not_understood", "short_how_many")
    assert headset.keys("short") == ("short_how_many",)
    assert headset.say("one").prompt.text == "Serial?"
    assert headset.keys("delta four echo five") == ("confirm_short",)
    assert len(backend.postings) == 2
    assert headset.keys("yes") == ("assignment_done",)
    assert backend.postings[-1].serials == ("SN-300-D4E5",)
    assert backend.postings[-1].kind == "short"


def test_short_zero_posts_nothing_picked(backend: InMemoryPickingBackend) -> None:
    headset = at_first_line(backend)
    headset.say("ready")
    headset.say("four two")
    assert headset.say("short zero").prompt.text == "Short, picked 0. Correct?"
    headset.say("yes")
    assert backend.postings[0].quantity == 0


def test_skip_slot_comes_back_at_the_end(backend: InMemoryPickingBackend) -> None:
    headset = at_first_line(backend)
    assert headset.say("skip slot").prompt.text == "Skipped. Bay 5, level 1."
    assert headset.say("one seven").prompt.keys == ("pick",)
    headset.say("one")
    headset.say("bravo nine x-ray four")
    headset.say("ready")
    assert headset.keys("skip slot") == ("skipped", "aisle")  # back to the skipped L1
    assert headset.say("ready").prompt.text == "Bay 3, level 2."
    headset.say("four two")
    headset.say("two")  # L1 done; L3 comes back once more
    assert headset.keys("ready") == ("slot",)
    assert headset.keys("skip slot") == ("skipped", "assignment_done")
    assert backend.skips == [("1234", "L1"), ("1234", "L3"), ("1234", "L3")]
    assert [p.line_id for p in backend.postings] == ["L2", "L1"]
    assert headset.keys("skip slot") == ("nothing_to_skip", "get_work")


def test_undo_reopens_the_last_line_with_a_new_key(backend: InMemoryPickingBackend) -> None:
    headset = at_first_line(backend)
    assert headset.keys("undo") == ("confirm_undo",)
    assert headset.keys("yes") == ("nothing_to_undo", "aisle")
    pick_first_line(headset)
    turn = headset.say("undo")
    assert turn.prompt.text == "Undo last pick? Yes or no." and turn.calls == ()
    turn = headset.say("yes")
    assert turn.prompt.text == "Undone. Aisle 12."
    assert backend.postings == [] and len(backend.undone) == 1
    pick_first_line(headset)
    assert [p.idempotency_key for p in backend.postings] == [idempotency_key("L1", 1)]


def test_repeat_say_again_and_help(backend: InMemoryPickingBackend) -> None:
    headset = at_first_line(backend)
    headset.say("ready")
    headset.say("four two")
    assert headset.say("repeat").prompt.text == "Aisle 12. Bay 3, level 2. Pick 2, gold ring."
    assert headset.say("say again").prompt.text == "Aisle 12. Bay 3, level 2. Pick 2, gold ring."
    assert headset.keys("help") == ("help_quantity", "help_common", "pick")
    assert headset.say("say again").prompt.keys == ("help_quantity", "help_common", "pick")


def test_sign_off_can_be_cancelled(backend: InMemoryPickingBackend) -> None:
    headset = at_first_line(backend)
    headset.say("ready")
    assert headset.keys("sign off") == ("confirm_sign_off",)
    turn = headset.say("no")
    assert turn.state is State.SLOT and turn.prompt.keys == ("slot",)
    assert backend.signed_on == {"1234"}


def test_sign_off_before_sign_on_ends_without_backend() -> None:
    backend = make_backend()
    headset = Headset(backend)
    assert headset.say("sign off").ended
    assert backend.calls == []


def test_out_of_grammar_speech_is_not_understood(backend: InMemoryPickingBackend) -> None:
    headset = at_first_line(backend)
    assert headset.say("banana").prompt.keys == ("not_understood", "aisle")
    # Digits are outside the aisle grammar, so the engine hears nothing it may return...
    assert headset.say("four two").prompt.keys == ("not_understood", "aisle")
    # ...but typed digits are understood, and are simply not what the aisle prompt wants.
    assert headset.session.handle_text("four two")[-1].turn.prompt.keys == ("not_now", "aisle")


def test_lost_reply_is_retried_with_the_same_key_and_posts_once() -> None:
    backend = make_backend()
    headset = at_first_line(backend)
    headset.say("ready")
    headset.say("four two")
    backend.fail_next = 1  # the backend posts, then the reply is lost
    turn = headset.say("two")
    assert turn.state is State.RETRY and turn.calls[0].error_code == "backend-unavailable"
    assert headset.keys("help") == ("help_ready", "help_common", "system_busy")
    turn = headset.say("ready")
    assert turn.prompt.keys == ("slot",) and turn.calls[0].ok
    keys = [c for c in backend.calls if c.startswith("confirm")]
    assert keys == ["confirm:L1:2:voice:L1:0"] * 2
    assert len(backend.postings) == 1


def test_failure_before_posting_is_retried_once() -> None:
    backend = make_backend()
    backend.fail_after_apply = False
    headset = at_first_line(backend)
    headset.say("ready")
    headset.say("four two")
    backend.fail_next = 1
    assert headset.say("two").state is State.RETRY
    assert backend.postings == []
    headset.say("ready")
    assert len(backend.postings) == 1


def test_no_work_and_second_assignment() -> None:
    backend = make_backend(assignments=2)
    headset = signed_on(backend)
    headset.say("ready")
    for text in ("skip slot", "skip slot", "skip slot", "skip slot", "skip slot"):
        headset.say(text)
    assert headset.keys("skip slot") == ("skipped", "assignment_done")
    assert headset.say("ready").prompt.keys == ("assignment_many", "aisle")
    assert headset.machine.queue[0].line_id == "L1-1"
    for _ in range(6):
        headset.say("skip slot")
    assert headset.keys("ready") == ("no_work",)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_prompt_renders(language: str) -> None:
    pack: LanguagePack = load_language(language)
    params = {"operator_id": "7", "name": "Anna", "count": 3, "aisle": "12", "bay": "3",
              "level": "2", "quantity": 2, "description": "ring", "said": 3, "index": 1,
              "total": 2, "picked": 1, "reason": "x", "phrase": "four two"}
    for key in pack.prompts:
        assert pack.render(((key, params),)).strip()
    assert set(load_language("en").prompts) == set(pack.prompts)


def test_chinese_dialogue_with_typed_text() -> None:
    backend = make_backend()
    session = VoiceSession(DialogueMachine(backend, load_language("zh")),
                           FakeSpeechEngine().recognizer(), EnergyVad())
    assert session.start()[0].text == "工号？"
    assert session.handle_text("一二三四")[-1].text == "Anna 你好。说好了。"
    assert session.handle_text("好了")[-1].text == "3 行。12 号通道。"
    assert session.handle_text("好了")[-1].text == "3 号架，2 层。"
    assert session.handle_text("四二")[-1].text == "拣 2 件，gold ring。"
    assert session.handle_text("二")[-1].text == "5 号架，1 层。"
    assert backend.postings[0].quantity == 2


def _at_quantity(backend: InMemoryPickingBackend) -> Headset:
    headset = at_first_line(backend)
    headset.say("ready")
    headset.say("four two")
    return headset


@pytest.mark.parametrize("said", ["zero", "one"])
def test_only_the_asked_quantity_posts(backend: InMemoryPickingBackend, said: str) -> None:
    headset = _at_quantity(backend)
    turn = headset.say(said)
    assert turn.prompt.keys == ("wrong_quantity",) and turn.state is State.QUANTITY
    assert turn.calls == () and backend.postings == []
    assert headset.keys("two") == ("slot",)
    assert [(p.kind, p.quantity) for p in backend.postings] == [("confirm", 2)]


def test_short_answered_no_posts_nothing_and_asks_the_quantity_again(
    backend: InMemoryPickingBackend,
) -> None:
    headset = _at_quantity(backend)
    assert headset.keys("short one") == ("confirm_short",)
    # Anything but yes or no is not taken while a short waits for its confirmation.
    assert headset.keys("skip slot") == ("not_now", "confirm_short")
    assert headset.keys("one") == ("not_understood", "confirm_short")
    assert headset.keys("help") == ("help_yes_no", "help_common", "confirm_short")
    turn = headset.say("no")
    assert turn.prompt.text == "Pick 2, gold ring." and turn.state is State.QUANTITY
    assert backend.postings == [] and backend.skips == []
    # The line's key is still unused, so the real answer posts with attempt 0.
    headset.say("short zero")
    headset.say("yes")
    assert [(p.kind, p.quantity, p.idempotency_key) for p in backend.postings] == [
        ("short", 0, idempotency_key("L1", 0))]


@pytest.mark.parametrize("said", ["not yet", "wait", "stop", "cancel", "cancel that"])
def test_not_yet_and_its_kin_mean_no_where_a_yes_would_act(
    backend: InMemoryPickingBackend, said: str
) -> None:
    headset = _at_quantity(backend)
    assert headset.keys("short one") == ("confirm_short",)
    turn = headset.say(said)
    assert turn.state is State.QUANTITY and backend.postings == []


def test_short_of_a_serialised_line_answered_no_forgets_its_serials(
    backend: InMemoryPickingBackend,
) -> None:
    headset = at_first_line(backend)
    pick_first_line(headset)
    headset.say("one seven")
    headset.say("one")
    headset.say("kilo seven two alpha")
    headset.say("ready")
    headset.say("eight five")
    assert headset.keys("short one") == ("serial_one",)
    assert headset.keys("delta four echo five") == ("confirm_short",)
    assert headset.keys("no") == ("pick",)
    assert headset.machine.serials == [] and len(backend.postings) == 2
    assert headset.say("two").prompt.text == "Serial 1 of 2."


def test_undo_answered_no_keeps_the_posting(backend: InMemoryPickingBackend) -> None:
    headset = at_first_line(backend)
    pick_first_line(headset)
    assert headset.keys("undo") == ("confirm_undo",)
    assert headset.keys("short") == ("not_now", "confirm_undo")
    turn = headset.say("no")
    assert turn.prompt.keys == ("slot",) and turn.state is State.SLOT
    assert len(backend.postings) == 1 and backend.undone == []


def test_a_short_that_fails_is_retried_with_the_same_key() -> None:
    backend = make_backend()
    headset = _at_quantity(backend)
    headset.say("short one")
    backend.fail_next = 1
    assert headset.say("yes").state is State.RETRY
    assert headset.keys("ready") == ("slot",)
    assert [(p.kind, p.idempotency_key) for p in backend.postings] == [
        ("short", idempotency_key("L1", 0))]

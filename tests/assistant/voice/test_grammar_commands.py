"""Grammars (JSGF, Vosk lists, matching) and the words-to-command mapping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.speech import Alt, Grammar, GrammarError, Opt, Ref, Repeat, Seq, Word
from assistant.voice import Command, LanguagePack, load_language, parse_command

EN = load_language("en")
DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
UNITS = DIGIT_WORDS[1:]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def test_grammar_renders_jsgf_and_vosk_phrases() -> None:
    grammar = Grammar(
        "demo",
        Alt((Seq((Word("short"), Opt(Ref("d")))), Repeat(Ref("d"), 2, 2), Word("say again"))),
        {"d": Alt((Word("one"), Word("two")))},
    )
    jsgf = grammar.to_jsgf()
    assert jsgf.startswith("#JSGF V1.0;\ngrammar demo;\npublic <top> = ")
    assert "<d> = (one | two);" in jsgf
    assert "(<d>) (<d>)" in jsgf
    assert grammar.to_vosk() == ["one", "say again", "short", "two"]
    assert grammar.words == {"one", "two", "say", "again", "short"}
    assert grammar.matches("short") and grammar.matches("short two")
    assert grammar.matches("one  two") and not grammar.matches("one")
    assert not grammar.matches("") and not grammar.matches("say")


def test_grammar_rejects_bad_names_and_dangling_refs() -> None:
    with pytest.raises(GrammarError) as bad:
        Grammar("has space", Word("x"))
    assert bad.value.code == "grammar-invalid"
    with pytest.raises(GrammarError):
        Grammar("g", Ref("missing"))


def test_unused_rules_add_no_vosk_phrases() -> None:
    grammar = Grammar("g", Word("ready"), {"letters": Alt((Word("alpha"),))})
    assert grammar.to_vosk() == ["ready"]


@pytest.mark.parametrize("expect", ["digits", "quantity", "characters", "ready", "yes_no", "none"])
def test_language_grammars_accept_their_commands(expect: str) -> None:
    grammar = EN.grammar(expect)  # type: ignore[arg-type]
    for phrase in ("ready", "say again", "skip slot", "sign off", "short", "short two", "undo"):
        assert grammar.matches(phrase), phrase
    assert grammar.matches("yes") == (expect == "yes_no")
    assert grammar.matches("four two") == (expect in ("digits", "quantity"))
    assert grammar.matches("kilo seven two alpha") == (expect == "characters")


@pytest.mark.parametrize(
    ("text", "expect", "command"),
    [
        ("four two", "digits", Command("digits", "42")),
        ("oh seven", "digits", Command("digits", "07")),
        ("four two", "quantity", Command("quantity", 42)),
        ("twenty one", "quantity", Command("quantity", 21)),
        ("twelve", "digits", Command("quantity", 12)),
        ("short", "quantity", Command("short", None)),
        ("short three", "quantity", Command("short", 3)),
        ("short banana", "quantity", Command("unknown", None)),
        ("kilo seven two alpha", "characters", Command("characters", "K72A")),
        ("x-ray one", "characters", Command("characters", "X1")),
        ("say again", "ready", Command("say_again")),
        ("skip slot", "ready", Command("skip")),
        ("sign off", "ready", Command("sign_off")),
        ("ready ready", "ready", Command("unknown")),
        ("twenty zero", "quantity", Command("unknown")),
        ("", "ready", Command("unknown")),
    ],
)
def test_parse_command(text: str, expect: str, command: Command) -> None:
    parsed = parse_command(text, EN, expect)  # type: ignore[arg-type]
    assert (parsed.kind, parsed.value) == (command.kind, command.value)
    assert parsed.text == text


@given(st.lists(st.integers(0, 9), min_size=1, max_size=8))
def test_spoken_digits_round_trip(digits: list[int]) -> None:
    text = " ".join(DIGIT_WORDS[d] for d in digits)
    assert EN.grammar("digits").matches(text)
    assert parse_command(text, EN, "digits").value == "".join(map(str, digits))


@given(st.integers(1, 99))
def test_spoken_numbers_round_trip(number: int) -> None:
    if number < 10:
        text = UNITS[number - 1]
    elif number < 20:
        text = TEENS[number - 10]
    else:
        text = TENS[number // 10 - 2] + (f" {UNITS[number % 10 - 1]}" if number % 10 else "")
    assert EN.grammar("quantity").matches(text)
    assert parse_command(text, EN, "quantity").value == number
    assert parse_command(f"short {text}", EN, "quantity").value == number


def test_chinese_numbers_and_commands() -> None:
    zh: LanguagePack = load_language("zh")
    assert parse_command("二十一", zh, "quantity").value == 21
    assert parse_command("十二", zh, "quantity").value == 12
    assert parse_command("幺 拐", zh, "digits").value == "17"
    assert parse_command("缺货 三", zh, "quantity") == Command("short", 3, "缺货 三")
    assert parse_command("再说一遍", zh, "digits").kind == "say_again"
    assert "签退" in zh.grammar("ready").to_vosk()

"""Language packs: the prompt wording and spoken vocabulary, loaded from data files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from assistant.speech.errors import AssistantError
from assistant.speech.grammar import Alt, Expansion, Grammar, Opt, Ref, Repeat, Seq, Word

__all__ = [
    "COMMAND_NAMES",
    "Expectation",
    "LanguageNotFoundError",
    "LanguagePack",
    "PromptPart",
    "load_language",
]

Expectation = Literal["digits", "quantity", "characters", "ready", "yes_no", "none"]
EXPECTATIONS: tuple[Expectation, ...] = (
    "digits", "quantity", "characters", "ready", "yes_no", "none",
)
COMMAND_NAMES = (
    "ready", "yes", "no", "repeat", "say_again", "help", "undo", "skip", "sign_off", "short",
)
_ALWAYS = ("ready", "repeat", "say_again", "help", "undo", "skip", "sign_off")
PromptPart = tuple[str, Mapping[str, object]]


class LanguageNotFoundError(AssistantError):
    """No prompt file exists for the requested language, or it is malformed."""

    code = "language-not-found"


@dataclass(frozen=True, eq=False)
class LanguagePack:
    """Prompts and vocabulary of one language; `phrases` maps spoken units to symbols."""

    language: str
    tokenize: Literal["words", "chars"]
    prompts: Mapping[str, str]
    digits: Mapping[str, str]
    teens: Mapping[str, int]
    tens: Mapping[str, int]
    ten_marker: tuple[str, ...]
    letters: Mapping[str, str]
    commands: Mapping[str, tuple[str, ...]]
    _grammars: dict[tuple[Expectation, int | None, int | None], Grammar] = field(
        default_factory=dict, compare=False
    )

    def render(self, parts: tuple[PromptPart, ...]) -> str:
        """Join the wording of prompt parts; each part is a key and its parameters."""
        joiner = "" if self.tokenize == "chars" else " "
        return joiner.join(self.prompts[key].format(**params) for key, params in parts)

    def units(self, text: str) -> list[str]:
        """Split a transcript into the units phrases are made of (words or characters)."""
        if self.tokenize == "chars":
            return [c for c in text.lower() if not c.isspace()]
        return text.lower().split()

    def phrase_units(self, phrase: str) -> tuple[str, ...]:
        """The units of one vocabulary phrase."""
        return tuple(self.units(phrase))

    def grammar(
        self, expect: Expectation, *, digits: int | None = None, most: int | None = None
    ) -> Grammar:
        """The recognition grammar for a dialogue state that expects `expect`.

        The smaller the grammar, the fewer ways noise can become a valid answer, so a state
        that knows more says so: `digits` is the exact number of digits expected (check digits
        of the slot), `most` the largest number that makes sense (the line's quantity).
        """
        key = (expect, digits, most)
        if key not in self._grammars:
            self._grammars[key] = self._build(expect, digits, most)
        return self._grammars[key]

    def _words(self, entries: Iterable[str]) -> Alt:
        return Alt(tuple(Word(w) for w in entries))

    def _number(self) -> Expansion:
        options: list[Expansion] = [Repeat(Ref("digit"))]
        if self.teens:
            options.append(self._words(self.teens))
        if self.tens:
            nonzero = tuple(w for w, d in self.digits.items() if d != "0")
            options.append(Seq((self._words(self.tens), Opt(self._words(nonzero)))))
        if self.ten_marker:
            marker = self._words(self.ten_marker)
            options.append(Seq((Opt(Ref("digit")), marker, Opt(Ref("digit")))))
        return Alt(tuple(options))

    def _spoken(self, n: int) -> Expansion:
        """Every way of saying the number `n`: digit by digit, or as a number word."""
        per_digit = {d: tuple(w for w, v in self.digits.items() if v == d) for d in "0123456789"}
        options: list[Expansion] = [Seq(tuple(self._words(per_digit[c]) for c in str(n)))]
        tens, unit = divmod(n, 10)
        teen = [w for w, v in self.teens.items() if v == n]
        if teen:
            options.append(self._words(teen))
        tens_words = [w for w, v in self.tens.items() if v == 10 * tens]
        if tens_words and tens >= 2:
            tail = (self._words(per_digit[str(unit)]),) if unit else ()
            options.append(Seq((self._words(tens_words), *tail)))
        if self.ten_marker and 10 <= n <= 99:
            head = (self._words(per_digit[str(tens)]),) if tens > 1 else ()
            tail = (self._words(per_digit[str(unit)]),) if unit else ()
            options.append(Seq((*head, self._words(self.ten_marker), *tail)))
        return options[0] if len(options) == 1 else Alt(tuple(options))

    def _build(self, expect: Expectation, digits: int | None = None,
               most: int | None = None) -> Grammar:
        short = self.commands["short"]
        command_items: list[Expansion] = [Seq((self._words(short), Opt(Ref("number"))))]
        command_items += [Word(p) for name in _ALWAYS for p in self.commands[name]]
        number = (self._number() if most is None
                  else Alt(tuple(self._spoken(n) for n in range(max(most, 0) + 1))))
        rules: dict[str, Expansion] = {
            "digit": self._words(self.digits),
            "number": number,
            "command": Alt(tuple(command_items)),
        }
        top: list[Expansion] = [Ref("command")]
        if expect == "digits":
            top.append(Repeat(Ref("digit"), digits or 1, digits))
        elif expect == "quantity":
            top.append(Ref("number"))
        elif expect == "characters":
            rules["char"] = Alt((Ref("digit"), self._words(self.letters)))
            top.append(Repeat(Ref("char"), 4, 4))
        elif expect == "yes_no":
            top += [Word(p) for name in ("yes", "no") for p in self.commands[name]]
        name: str = expect if expect != "none" else "idle"
        if digits is not None or most is not None:
            name += f"_d{digits or 0}_m{0 if most is None else most}"
        return Grammar(name, Alt(tuple(top)), rules)


def _mapping(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, Mapping):
        raise LanguageNotFoundError(f"vocabulary.{key} must be a mapping")
    return {str(k): v for k, v in value.items()}


@cache
def load_language(language: str) -> LanguagePack:
    """Load `assistant/data/prompts/<language>.yaml` (cached; read on first use)."""
    path = resources.files("assistant").joinpath("data", "prompts", f"{language}.yaml")
    if not path.is_file():
        raise LanguageNotFoundError(f"no prompt file for language {language!r}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    vocab = data["vocabulary"]
    commands = {name: tuple(str(p) for p in vocab["commands"][name]) for name in COMMAND_NAMES}
    return LanguagePack(
        language=str(data["language"]),
        tokenize="chars" if data.get("tokenize") == "chars" else "words",
        prompts={str(k): str(v) for k, v in data["prompts"].items()},
        digits={k: str(v) for k, v in _mapping(vocab, "digits").items()},
        teens={k: int(v) for k, v in _mapping(vocab, "teens").items()},
        tens={k: int(v) for k, v in _mapping(vocab, "tens").items()},
        ten_marker=tuple(str(m) for m in vocab.get("ten_marker") or ()),
        letters={k: str(v).upper() for k, v in _mapping(vocab, "letters").items()},
        commands=commands,
    )

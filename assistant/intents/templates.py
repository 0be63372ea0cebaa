"""hassil-style sentence templates compiled to regular expressions.

Syntax: ``(a|b)`` alternatives, ``[x]`` optional words, ``{slot}`` a slot filled from the text
and checked by a resolver, ``<rule>`` a named expansion rule. Slots match lazily; a match only
counts when every slot's text resolves against the live catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from assistant.errors import IntentDataError

__all__ = ["CompiledTemplate", "compile_template"]

_SPECIAL = set("()[]{}<>|")


@dataclass(frozen=True)
class CompiledTemplate:
    """One sentence template of an intent, ready to match normalised text."""

    intent: str
    text: str
    pattern: re.Pattern[str]
    slot_groups: dict[str, str]
    fixed_slots: dict[str, str] = field(default_factory=dict)
    literal_weight: int = 0

    def candidates(self, text: str) -> Iterator[dict[str, str]]:
        """The slot texts of a full match of ``text`` (at most one; templates are anchored)."""
        match = self.pattern.fullmatch(text)
        if match is None:
            return
        slots = {}
        for group, slot in self.slot_groups.items():
            value = match.group(group)
            if value is not None:
                slots[slot] = value.strip()
        yield slots


class _Parser:
    """A recursive-descent parser of the template syntax producing a regex string."""

    def __init__(self, text: str, rules: Mapping[str, str], spaced: bool, depth: int = 0) -> None:
        self.text, self.rules, self.spaced, self.depth = text, rules, spaced, depth
        self.pos = 0
        self.groups: dict[str, str] = {}
        self.literal = 0

    def error(self, message: str) -> IntentDataError:
        return IntentDataError(f"template {self.text!r}: {message} at {self.pos}")

    def parse(self) -> tuple[str, bool]:
        regex, nullable = self._alternatives()
        if self.pos != len(self.text):
            raise self.error("unbalanced bracket")
        return regex, nullable

    def _alternatives(self) -> tuple[str, bool]:
        options = [self._sequence()]
        while self.pos < len(self.text) and self.text[self.pos] == "|":
            self.pos += 1
            options.append(self._sequence())
        nullable = any(n for _, n in options)
        if len(options) == 1:
            return options[0]
        return "(?:" + "|".join(r for r, _ in options) + ")", nullable

    def _sequence(self) -> tuple[str, bool]:
        parts: list[tuple[str, bool, bool]] = []
        gap = False
        while self.pos < len(self.text) and self.text[self.pos] not in ")]|":
            if self.text[self.pos].isspace():
                self.pos += 1
                gap = True
                continue
            parts.append((*self._item(), gap))
            gap = False
        out = ""
        for n, (regex, nullable, spaced_before) in enumerate(parts):
            if n and spaced_before:
                # Next to something that may be empty, the space may be missing too.
                loose = nullable or parts[n - 1][1] or not self.spaced
                out += r"\s*" if loose else r"\s+"
            out += regex
        return out, all(n for _, n, _ in parts)

    def _item(self) -> tuple[str, bool]:
        char = self.text[self.pos]
        if char in "([":
            self.pos += 1
            slots_before = len(self.groups)
            inner, nullable = self._alternatives()
            closing = ")" if char == "(" else "]"
            if self.pos >= len(self.text) or self.text[self.pos] != closing:
                raise self.error(f"missing {closing}")
            self.pos += 1
            if char == "(":
                return f"(?:{inner})", nullable
            # An optional slot is tried last, so its text is never taken from the words around.
            lazy = "?" if len(self.groups) > slots_before else ""
            return f"(?:{inner})?{lazy}", True
        if char == "{":
            name = self._until("}")
            group = f"s{len(self.groups)}_{name}"
            self.groups[group] = name
            return f"(?P<{group}>.+?)", False
        if char == "<":
            name = self._until(">")
            if name not in self.rules or self.depth > 5:
                raise self.error(f"unknown rule <{name}>")
            sub = _Parser(self.rules[name], self.rules, self.spaced, self.depth + 1)
            regex, nullable = sub.parse()
            self.literal += sub.literal
            for group, slot in sub.groups.items():
                fresh = f"s{len(self.groups)}_{slot}"
                regex = regex.replace(f"(?P<{group}>", f"(?P<{fresh}>")
                self.groups[fresh] = slot
            return f"(?:{regex})", nullable
        start = self.pos
        while self.pos < len(self.text) and not self.text[self.pos].isspace() \
                and self.text[self.pos] not in _SPECIAL:
            self.pos += 1
        word = self.text[start:self.pos]
        self.literal += len(word)
        if not self.spaced:
            return re.escape(word), False
        left = r"\b" if word[0].isalnum() else ""
        right = r"\b" if word[-1].isalnum() else ""
        return left + re.escape(word) + right, False

    def _until(self, closing: str) -> str:
        end = self.text.find(closing, self.pos)
        if end < 0:
            raise self.error(f"missing {closing}")
        name = self.text[self.pos + 1 : end].strip()
        self.pos = end + 1
        if not re.fullmatch(r"\w+", name):
            raise self.error(f"bad name {name!r}")
        return name


def compile_template(
    intent: str,
    text: str,
    *,
    rules: Mapping[str, str],
    fixed_slots: Mapping[str, str] | None = None,
    spaced: bool = True,
) -> CompiledTemplate:
    """Compile one template; ``spaced`` is False for languages written without spaces."""
    parser = _Parser(text.lower(), {k: v.lower() for k, v in rules.items()}, spaced)
    regex, _ = parser.parse()
    return CompiledTemplate(
        intent=intent,
        text=text,
        pattern=re.compile(regex),
        slot_groups=parser.groups,
        fixed_slots=dict(fixed_slots or {}),
        literal_weight=parser.literal,
    )

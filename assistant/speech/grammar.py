"""Engine-neutral recognition grammars: JSGF for PocketSphinx, phrase lists for Vosk."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from assistant.speech.errors import GrammarError

__all__ = ["Alt", "Expansion", "Grammar", "Opt", "Ref", "Repeat", "Seq", "Word"]

_RULE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Word:
    """A literal word or fixed phrase, such as ``"say again"``."""

    text: str


@dataclass(frozen=True)
class Ref:
    """A reference to another named rule of the same grammar."""

    name: str


@dataclass(frozen=True)
class Seq:
    """Its items in order."""

    items: tuple[Expansion, ...]


@dataclass(frozen=True)
class Alt:
    """Exactly one of its items."""

    items: tuple[Expansion, ...]


@dataclass(frozen=True)
class Opt:
    """Its item, or nothing."""

    item: Expansion


@dataclass(frozen=True)
class Repeat:
    """Its item between `low` and `high` times (`high` None: unbounded)."""

    item: Expansion
    low: int = 1
    high: int | None = None


Expansion = Word | Ref | Seq | Alt | Opt | Repeat


def _jsgf(node: Expansion) -> str:
    if isinstance(node, Word):
        return node.text
    if isinstance(node, Ref):
        return f"<{node.name}>"
    if isinstance(node, Seq):
        return " ".join(_jsgf(item) for item in node.items)
    if isinstance(node, Alt):
        return "(" + " | ".join(_jsgf(item) for item in node.items) + ")"
    if isinstance(node, Opt):
        return f"[{_jsgf(node.item)}]"
    inner = f"({_jsgf(node.item)})"
    if node.high is None:
        return " ".join([inner] * max(node.low - 1, 0) + [inner + ("+" if node.low else "*")])
    return " ".join([inner] * node.low + [f"[{inner}]"] * (node.high - node.low))


def _regex(node: Expansion, rules: Mapping[str, Expansion]) -> str:
    # Every token is matched with one trailing space, so sequences simply concatenate.
    if isinstance(node, Word):
        return re.escape(" ".join(node.text.split()) + " ")
    if isinstance(node, Ref):
        return _regex(rules[node.name], rules)
    if isinstance(node, Seq):
        return "".join(_regex(item, rules) for item in node.items)
    if isinstance(node, Alt):
        return "(?:" + "|".join(_regex(item, rules) for item in node.items) + ")"
    if isinstance(node, Opt):
        return f"(?:{_regex(node.item, rules)})?"
    high = "" if node.high is None else str(node.high)
    return f"(?:{_regex(node.item, rules)}){{{node.low},{high}}}"


def _walk(node: Expansion) -> Iterator[Expansion]:
    yield node
    if isinstance(node, Seq | Alt):
        for item in node.items:
            yield from _walk(item)
    elif isinstance(node, Opt | Repeat):
        yield from _walk(node.item)


@dataclass(frozen=True)
class Grammar:
    """A named grammar: public rule `top` plus helper rules, all by name."""

    name: str
    top: Expansion
    rules: Mapping[str, Expansion] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Validate rule names and references up front."""
        for rule in (self.name, *self.rules):
            if not _RULE_NAME.match(rule):
                raise GrammarError(f"invalid grammar or rule name {rule!r}")
        for node in [n for rule in (self.top, *self.rules.values()) for n in _walk(rule)]:
            if isinstance(node, Ref) and node.name not in self.rules:
                raise GrammarError(f"grammar {self.name!r} refers to unknown rule {node.name!r}")

    def _nodes(self) -> Iterator[Expansion]:
        """Every node reachable from the top rule (each named rule visited once)."""
        seen: set[str] = set()
        stack = [self.top]
        while stack:
            for node in _walk(stack.pop()):
                yield node
                if isinstance(node, Ref) and node.name not in seen and node.name in self.rules:
                    seen.add(node.name)
                    stack.append(self.rules[node.name])

    @cached_property
    def phrases(self) -> tuple[str, ...]:
        """Every literal word or phrase the grammar can produce, sorted."""
        return tuple(sorted({n.text for n in self._nodes() if isinstance(n, Word)}))

    @cached_property
    def words(self) -> frozenset[str]:
        """Every single word the grammar uses (phrases split on spaces)."""
        return frozenset(w for phrase in self.phrases for w in phrase.split())

    def to_jsgf(self) -> str:
        """Render as a JSGF 1.0 document whose public rule is `<top>`."""
        lines = ["#JSGF V1.0;", f"grammar {self.name};", f"public <top> = {_jsgf(self.top)};"]
        lines += [f"<{name}> = {_jsgf(rule)};" for name, rule in self.rules.items()]
        return "\n".join(lines) + "\n"

    def to_vosk(self) -> list[str]:
        """Render as a Vosk phrase list (Vosk decodes any sequence of these phrases)."""
        return list(self.phrases)

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        return re.compile("^" + _regex(self.top, self.rules) + "$")

    def matches(self, text: str) -> bool:
        """True if `text` (words separated by whitespace) is a sentence of the grammar."""
        words = text.split()
        return bool(words) and self._pattern.match(" ".join(words) + " ") is not None

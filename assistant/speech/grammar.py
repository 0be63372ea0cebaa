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


#: A position past the end of the words being matched: the expansion went on beyond them.
_MORE = -1


def _advance(node: Expansion, at: frozenset[int], words: tuple[str, ...],
             rules: Mapping[str, Expansion]) -> frozenset[int]:
    """Where in `words` the expansion can end when it starts at each position of `at`.

    A phrase that runs past the last word ends at `_MORE` (and stays there): `_MORE` among the
    results means a longer sentence could begin with `words`. Rules must not refer to
    themselves (the grammars of `LanguagePack` never do)."""
    if not at:
        return at
    if isinstance(node, Word):
        out = set()
        phrase = node.text.split()
        for start in at:
            if start == _MORE or start + len(phrase) > len(words) and (
                    tuple(words[start:]) == tuple(phrase[: len(words) - start])):
                out.add(_MORE)
            elif tuple(words[start : start + len(phrase)]) == tuple(phrase):
                out.add(start + len(phrase))
        return frozenset(out)
    if isinstance(node, Ref):
        return _advance(rules[node.name], at, words, rules)
    if isinstance(node, Seq):
        for item in node.items:
            at = _advance(item, at, words, rules)
        return at
    if isinstance(node, Alt):
        return frozenset().union(*(_advance(item, at, words, rules) for item in node.items))
    if isinstance(node, Opt):
        return at | _advance(node.item, at, words, rules)
    reached, current = set(at) if node.low == 0 else set(), at
    count = 0
    while current and (node.high is None or count < node.high):
        current = _advance(node.item, current, words, rules)
        count += 1
        if node.high is None and count >= node.low:
            current = frozenset(current - reached)  # unbounded: stop once nothing is new
        if count >= node.low:
            reached |= current
    return frozenset(reached)


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

    def extendable(self, text: str) -> bool:
        """True if some longer sentence of the grammar begins with `text` (its words, then at
        least one more): "twenty" where "twenty four" may follow, "one" where quantities up
        to 12 allow "one two". A listener waits longer after such an answer."""
        return _MORE in _advance(self.top, frozenset({0}), tuple(text.split()), self.rules)

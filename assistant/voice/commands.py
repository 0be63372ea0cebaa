"""Typed commands, and the mapping from recognised words to them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from assistant.voice.language import Expectation, LanguagePack

__all__ = ["Command", "CommandKind", "parse_command", "scan_command"]

CommandKind = Literal[
    "digits", "quantity", "characters", "serial_scan", "short", "ready", "yes", "no",
    "repeat", "say_again", "help", "undo", "skip", "sign_off", "unknown",
]

Symbol = tuple[str, str | int]


@dataclass(frozen=True)
class Command:
    """What the picker said, as the dialogue understands it."""

    kind: CommandKind
    value: str | int | None = None
    text: str = ""

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form, as sent to clients."""
        return {"kind": self.kind, "value": self.value, "text": self.text}


def scan_command(code: str) -> Command:
    """A serial code read by a scanner instead of spoken."""
    return Command("serial_scan", code.strip().upper(), code)


@cache
def _phrase_table(pack: LanguagePack) -> dict[tuple[str, ...], Symbol]:
    table: dict[tuple[str, ...], Symbol] = {}
    groups: list[tuple[str, dict[str, str | int]]] = [
        ("digit", dict(pack.digits)), ("teen", dict(pack.teens)), ("tens", dict(pack.tens)),
        ("ten", dict.fromkeys(pack.ten_marker, 10)), ("letter", dict(pack.letters)),
    ]
    for kind, entries in groups:
        for phrase, value in entries.items():
            table[pack.phrase_units(phrase)] = (kind, value)
    for name, phrases in pack.commands.items():
        for phrase in phrases:
            table[pack.phrase_units(phrase)] = ("command", name)
    return table


def _symbols(text: str, pack: LanguagePack) -> list[Symbol] | None:
    """Greedy longest-match segmentation of `text` into vocabulary symbols."""
    table = _phrase_table(pack)
    longest = max(len(k) for k in table)
    units = pack.units(text)
    out: list[Symbol] = []
    i = 0
    while i < len(units):
        for size in range(min(longest, len(units) - i), 0, -1):
            symbol = table.get(tuple(units[i : i + size]))
            if symbol is not None:
                out.append(symbol)
                i += size
                break
        else:
            return None
    return out


def _number(symbols: list[Symbol]) -> int | None:
    kinds = [k for k, _ in symbols]
    values = [v for _, v in symbols]
    if not symbols:
        return None
    if all(k == "digit" for k in kinds):
        return int("".join(str(v) for v in values))
    if kinds in (["teen"], ["tens"]):
        return int(values[0])
    if kinds == ["tens", "digit"] and values[1] != "0":
        return int(values[0]) + int(values[1])
    if "ten" in kinds and kinds.count("ten") == 1:
        at = kinds.index("ten")
        head, tail = symbols[:at], symbols[at + 1 :]
        if len(head) <= 1 and len(tail) <= 1 and all(k == "digit" for k, _ in head + tail):
            tens = int(head[0][1]) if head else 1
            return tens * 10 + (int(tail[0][1]) if tail else 0)
    return None


def _command(name: str, rest: list[Symbol], text: str) -> Command:
    if name == "short":
        if not rest:
            return Command("short", None, text)
        count = _number(rest)
        if count is None:
            return Command("unknown", None, text)
        return Command("short", count, text)
    if rest:
        return Command("unknown", None, text)
    return Command(name, None, text)  # type: ignore[arg-type]


def parse_command(text: str, pack: LanguagePack, expect: Expectation) -> Command:
    """Map a transcript to a `Command`, reading digits and numbers as `expect` asks."""
    symbols = _symbols(text, pack)
    if not symbols:
        return Command("unknown", None, text)
    if symbols[0][0] == "command":
        return _command(str(symbols[0][1]), symbols[1:], text)
    kinds = {k for k, _ in symbols}
    if expect == "characters" and kinds <= {"digit", "letter"}:
        return Command("characters", "".join(str(v) for _, v in symbols), text)
    if expect in ("quantity",) or not kinds <= {"digit"}:
        number = _number(symbols)
        return Command("quantity", number, text) if number is not None else Command(
            "unknown", None, text
        )
    return Command("digits", "".join(str(v) for _, v in symbols), text)

"""Codes however written or spoken: 'G-2311', 'g 2311', 'golf two three one one', 'G二三一一'."""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "NATO",
    "code_key",
    "detect_language",
    "normalise_text",
    "spoken_to_code",
]

NATO = {
    "alpha": "A", "alfa": "A", "bravo": "B", "charlie": "C", "delta": "D", "echo": "E",
    "foxtrot": "F", "golf": "G", "hotel": "H", "india": "I", "juliet": "J", "juliett": "J",
    "kilo": "K", "lima": "L", "mike": "M", "november": "N", "oscar": "O", "papa": "P",
    "quebec": "Q", "romeo": "R", "sierra": "S", "tango": "T", "uniform": "U", "victor": "V",
    "whiskey": "W", "whisky": "W", "x-ray": "X", "xray": "X", "yankee": "Y", "zulu": "Z",
}
_SPOKEN_DIGITS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
}
_ZH_DIGITS = {
    "零": "0", "〇": "0", "洞": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3",
    "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
}
_DASHES = {"dash", "hyphen", "minus", "杠", "横杠"}
_CJK = re.compile(r"[\u3400-\u9fff]")
_PUNCT = re.compile(r"[?？!！。，,;；:：\"“”'‘’()（）\[\]]")
_SPACE_AROUND_CJK = re.compile(r"\s*([\u3400-\u9fff])\s*")
_ZH_RUN = re.compile(r"[零〇洞一幺二两三四五六七八九]{2,}")


def detect_language(text: str) -> str | None:
    """'zh' when the text has Chinese characters, 'en' when it has Latin letters, else None."""
    if _CJK.search(text):
        return "zh"
    return "en" if re.search(r"[A-Za-z]", text) else None


def normalise_text(text: str) -> str:
    """Lower case, full-width folded, punctuation dropped, no spaces around Chinese characters.

    Apostrophes inside English words are kept ("where's"); a trailing full stop is dropped but
    dots inside codes stay.
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = folded.replace("’", "'")
    folded = re.sub(r"(?<![a-z])'|'(?![a-z])", " ", folded)
    folded = _PUNCT.sub(" ", folded.replace("'", "\x00")).replace("\x00", "'")
    folded = re.sub(r"\.(?=\s|$)", " ", folded)
    folded = _SPACE_AROUND_CJK.sub(r"\1", folded)
    return re.sub(r"\s+", " ", folded).strip()


def code_key(text: str) -> str:
    """The comparison key of a code: letters and digits only, upper case ('G-2311' -> 'G2311')."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def _zh_digits(text: str) -> str:
    """Runs of two or more Chinese digits become Arabic digits (二三一一 -> 2311)."""
    return _ZH_RUN.sub(lambda m: "".join(_ZH_DIGITS[c] for c in m.group()), text)


def spoken_to_code(text: str) -> str:
    """Spell out a spoken or typed code: NATO words are letters, number words are digits.

    'golf two three one one' -> 'G2311'; 'g 2311' -> 'G2311'; 'G二三一一' -> 'G2311';
    'foxtrot charlie zero zero zero zero zero zero one' -> 'FC0000001'. Words that are neither
    are kept as they are, so 'ST0001-AU750Y-7' passes through unchanged (upper-cased).
    """
    out: list[str] = []
    for token in re.split(r"[\s]+", _zh_digits(normalise_text(text))):
        if not token:
            continue
        if token in NATO:
            out.append(NATO[token])
        elif token in _SPOKEN_DIGITS:
            out.append(_SPOKEN_DIGITS[token])
        elif token in _DASHES:
            out.append("-")
        else:
            out.append("".join(_ZH_DIGITS.get(c, c) for c in token).upper())
    return "".join(out)

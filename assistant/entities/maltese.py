"""Maltese words in an English question, as English: a small lexicon, not a Maltese reader.

Maltese staff write English with Maltese question words and courtesies: 'kemm hemm
ST0013-Au750R? jekk jogħġbok', "anything out of the ordinary yesterday? tell me, x'ġara", 'kemm
silver we have in the vault?'. As :mod:`assistant.entities.tagalog` does for Taglish, this reads
them as English in the normalised text, so the intent models and the slots read them alike. It
reads a question only when it has a word no English question uses ('kemm', 'hemm', 'fejn', …).
Maltese yes, no and wait ('iva', 'ejja', 'le', 'stenna') are read by
assistant/actions/answers.py.
"""

from __future__ import annotations

import re

from assistant.entities.spanish import lexicon_patterns, read_by_lexicon

__all__ = ["english_of_maltese"]

# Normalisation drops an apostrophe before a letter outside a-z ("x'ġara" reaches here as
# 'x ġara'); both forms are read.
_WHAT_HAPPENED = r"x'?\s?[ġg]ara"
#: Words that mark a question as Maltese English (none is an English word a question would use).
_MARKERS = re.compile(
    rf"(?<![\w'-])(?:kemm|hemm|fejn|liema|{_WHAT_HAPPENED}|jekk|jogħġbok|grazzi|insomma"
    r"|illum|ilbieraħ)(?![\w'-])")
#: Maltese phrases and words as English, longer phrases first.
_LEXICON: tuple[tuple[str, str], ...] = (
    # periods
    (r"illum", "today"), (r"ilbieraħ|ilbierah", "yesterday"),
    # question words ('kemm hemm': how many are there)
    (r"kemm hemm", "how many are there"), (r"kemm", "how many"), (r"fejn", "where is"),
    (r"liema", "which"), (r"hemm", "there is"),
    # courtesies and fillers ("tell me, x'ġara": what's going on): they say nothing of what is
    # asked
    (r"jekk jogħġbok|jekk joghgbok", "please"), (r"grazzi", "thanks"), (r"insomma", ""),
    (rf"(?:tell me\s+)?{_WHAT_HAPPENED}", ""),
)
_PATTERNS = lexicon_patterns(_LEXICON)


def english_of_maltese(words: str) -> str:
    """Normalised English words with a Maltese English question's Maltese words in English
    ('kemm hemm st0013-au750r jekk jogħġbok' -> 'how many are there st0013-au750r please'); any
    other text as it is, and a message of nothing else kept as it is."""
    return read_by_lexicon(words, _MARKERS, _PATTERNS)

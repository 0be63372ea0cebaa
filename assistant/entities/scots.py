"""Scots words in an English question, as English: a small lexicon, not a Scots reader.

Glasgow and North-East (Doric) staff write English with Scots words: 'whit's flyin aff the
shelves?', 'foo mony platinum bangles hiv we got, ken?', "far's a' the pieces fae lot G-2311 ended
up?", "fa's been daein a' the pickin this week?", "how auld's the stock in the vault?". As
:mod:`assistant.entities.tagalog` does for Taglish, this reads them as English in the normalised
text, so the intent models and the slots read them alike. It reads a question only when it has a
word no English question uses ('whit', 'mony', 'fae', 'hiv', 'auld', …; 'far' and 'fa' are read as
where and who only then). Scots yes, no and wait ('aye, gaun then', 'naw', 'haud on') are read by
assistant/actions/answers.py.
"""

from __future__ import annotations

import re

from assistant.entities.spanish import lexicon_patterns, read_by_lexicon

__all__ = ["english_of_scots"]

#: Words that mark a question as Scots (none is an English word a question would use).
_MARKERS = re.compile(
    r"(?<![\w'-])(?:whit|whit's|whits|whit've|mony|fae|hiv|auld|auld's|daein|gie's|gies|yins|jist|aff|onybody"
    r"|onything|mair|oot|dinnae|cannae|wi|o'|far's|fa's|foo)(?![\w'-])")
#: Scots phrases and words as English, longer phrases first.
_LEXICON: tuple[tuple[str, str], ...] = (
    # question words (Doric 'far' where, 'fa' who, 'foo' how)
    (r"how mony|foo mony", "how many"), (r"whit's|whits", "what is"), (r"whit've", "what have"),
    (r"whit", "what"),
    (r"far's|far is|far are", "where is"), (r"fa's", "who has"), (r"fa", "who"), (r"foo", "how"),
    (r"auld's", "old is"),
    # words
    (r"mony", "many"), (r"fae", "from"), (r"hiv", "have"), (r"auld", "old"), (r"daein", "doing"),
    (r"gie's|gies", "give me"), (r"yins", "ones"), (r"jist", "just"), (r"aff", "off"),
    (r"onybody", "anybody"), (r"onything", "anything"), (r"mair", "more"), (r"oot", "out"),
    (r"(fly|pick|adjust|sell|mov|sitt|look|go|com|runn|count|hold|ship|wait)in", r"\1ing"),
    (r"dinnae", "do not"), (r"cannae", "cannot"), (r"wi'?", "with"), (r"o'?(?= )", "of"),
    # 'a'' (all) once its apostrophe has gone, before 'the', 'they', 'pieces'
    (r"a(?= (?:the|pieces|they|things|ma)\b)", "all"),
    # fillers: they say nothing of what is asked
    (r"ken|like", ""),
)
_PATTERNS = lexicon_patterns(_LEXICON)


def english_of_scots(words: str) -> str:
    """Normalised English words with a Scots question's words in English ('foo mony platinum
    bangles hiv we got ken' -> 'how many platinum bangles have we got'); any other text as it is,
    and a message of nothing else kept as it is."""
    return read_by_lexicon(words, _MARKERS, _PATTERNS)
